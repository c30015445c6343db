#pragma once
// The Devices page: a finished run and a board (fit bars for the model's flash and RAM against the part), Flash &
// Profile through a backend on a worker thread (the same deployRun as `tinyforge-cli deploy`), and the run's device
// results from its summary.json.

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace tinyforge::ui {
class BoardPicker;
class RunPicker;
}

namespace tinyforge::ui {

class DevicesPage : public QWidget {
    Q_OBJECT
public:
    explicit DevicesPage(QWidget* parent = nullptr);

    /// Offers `dir` (a run folder) and selects it.
    void addRun(const QString& dir);
    void setBoard(const QString& id);
    /// Builds, flashes (or emulates) and profiles; `profiled` or `failed` follows.
    void flashAndProfile();
    int resultRows() const;
    /// The flash fit bar's value in percent (for tests).
    int flashFitPercent() const;

signals:
    void profiled(QString board);
    void failed(QString message);

private:
    void updateFit();
    void showResults();

    RunPicker* m_run;
    BoardPicker* m_board;
    QComboBox* m_backend;
    QProgressBar *m_flash, *m_ram;
    QLabel* m_status;
    QPushButton* m_go;
    QTableWidget* m_results;
};

}  // namespace tinyforge::ui
