#pragma once
// What a run achieved, at a glance: the headline (the model as deployed: accuracy, bytes, how much smaller than the
// teacher, and the points it lost), one row per model (accuracy, parameters, bytes, ratio), a line per device
// profile with its unit said, and buttons to export, deploy and open the report. Shown on the Run page when a run
// ends and on Compare for the selected run.

#include <QFrame>

#include <cstdint>

class QGridLayout;
class QLabel;
class QPushButton;

namespace tinyforge::ui {

class ResultsCard : public QFrame {
    Q_OBJECT
public:
    explicit ResultsCard(QWidget* parent = nullptr);

    /// Shows the run (or folder of repeats: accuracies as mean +- std over its seeds) in `dir`; false with `error`
    /// naming the file and the problem when it cannot be read, and the card stays as it was.
    bool showRun(const QString& dir, QString* error = nullptr);
    QString runDir() const { return m_dir; }
    /// Everything the card says, a line per row (for tests, and what Copy puts on the clipboard).
    QString text() const;
    /// The compressed model's bytes as deployed in the run shown; 0 when it has none.
    std::int64_t deployedBytes() const { return m_deployedBytes; }

signals:
    void exportRequested(const QString& dir);
    void deployRequested(const QString& dir);
    void reportRequested(const QString& dir);

private:
    QString m_dir;
    std::int64_t m_deployedBytes = 0;
    QLabel* m_headline;
    QWidget* m_table;
    QGridLayout* m_grid;
    QLabel* m_devices;
    QPushButton *m_export, *m_deploy, *m_report;
};

}  // namespace tinyforge::ui
