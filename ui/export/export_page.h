#pragma once
// The Export page: a finished run, the formats (C, TorchScript, ONNX) and the C options, an output folder; exports
// on a worker thread through the same core code as `tinyforge-cli export`, then lists the files written and their
// sizes.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace tinyforge::ui {
class FlashBudgetBox;
class RunPicker;
}

namespace tinyforge::ui {

class ExportPage : public QWidget {
    Q_OBJECT
public:
    explicit ExportPage(QWidget* parent = nullptr);

    /// Offers `dir` (a run folder) and selects it.
    void addRun(const QString& dir);
    /// Exports the selected run in the checked formats; `exported` or `failed` follows.
    void exportSelected();
    void setFormats(bool c, bool torchscript, bool onnx);
    void setOutputFolder(const QString& dir);
    /// The C export's flash budget in bytes (0: none).
    void setFlashBudget(int bytes);
    /// Rows in the table of written files (for tests).
    int fileCount() const;
    /// The status line: where the export went and, for C, what each layer got and why.
    QString statusText() const;

signals:
    void exported(QString folder);
    void failed(QString message);

private:
    void showFiles(const QStringList& folders);

    RunPicker* m_run;
    QCheckBox *m_c, *m_torchscript, *m_onnx, *m_dense, *m_softmax;
    FlashBudgetBox* m_budget;
    QLineEdit* m_out;
    QPushButton* m_export;
    QLabel* m_status;
    QTableWidget* m_files;
};

}  // namespace tinyforge::ui
