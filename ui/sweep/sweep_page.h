#pragma once
// The Sweep page: the project's recipe explored over axes of recipe keys (grid, a random draw or successive halving),
// every point run and profiled on the chosen boards by tinyforge-cli sweep (the same executor as the command line),
// on this machine or as a Slurm job array, with Start, Pause and Cancel. While it runs, a scatter of accuracy against deployed bytes and one against on-device latency
// fill in as points finish, each with its Pareto front drawn, beside a table of the points; a click on a point opens
// its run in Compare, and "Export report..." gives the sweep's report.

#include <QTemporaryDir>
#include <QWidget>

#include <memory>
#include <vector>

#include "report/sweep_table.h"

class QComboBox;
class QDoubleSpinBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace tinyforge::ui {

class RecipeDocument;
class SweepProcess;

class SweepPage : public QWidget {
    Q_OBJECT
public:
    explicit SweepPage(RecipeDocument* document, QWidget* parent = nullptr);
    ~SweepPage() override;

    /// The axes as (recipe key, values) rows; values are typed as in the table: "0.5, 0.8", "[8], [16, 8]", "linear, density".
    void setAxes(const QList<QPair<QString, QString>>& axes);
    /// The boards every point is profiled on (microcontroller ids of resources/boards).
    void setBoards(const QStringList& ids);
    void setOutputFolder(const QString& dir);
    /// Shows the sweep folder `dir` (finished, or running elsewhere such as on a cluster): its table and plots read
    /// now and again whenever its files change.
    void showFolder(const QString& dir);
    QString outputFolder() const;
    /// Successive halving: the fidelity key, its value at each rung typed as in the axes table ("20, 80"), and the
    /// fraction of each rung kept. Selects the halving strategy.
    void setHalving(const QString& key, const QString& rungs, double keep);
    /// Where the points run: on this machine, or as a Slurm job array (an empty partition: the cluster's default).
    void setExecutor(bool slurm, const QString& partition = {});
    /// The running (or last) tinyforge-cli's arguments.
    QStringList processArguments() const;
    /// Writes the sweep file of the project's recipe and the axes, and starts it into the output folder (a new,
    /// empty folder); false with the reason sent as failed().
    bool start();
    /// Finishes the sweep in the output folder: only its points not done run (tinyforge-cli sweep --resume).
    bool resumeFolder();
    void togglePause();
    void cancel();

    bool isRunning() const;
    bool isPaused() const;
    /// The running tinyforge-cli's process id (0 when none runs).
    qint64 processId() const;
    /// The table as last read from the sweep folder.
    const report::SweepTable& table() const { return m_table; }
    int scatterPointCount() const;
    /// Opens the run of row `row` of the table (emits openRun with its folder).
    void openPoint(int row);
    QString statusText() const;
    /// The sweep file written for the current run (for tests).
    QString sweepFile() const { return m_sweepFile; }

signals:
    void openRun(const QString& dir);
    void started();
    void sweepFinished(const QString& dir, int exitCode);
    void failed(const QString& message);

private:
    bool launch(bool resume);
    bool writeSweepFile(QString* error);
    void refresh();
    void redrawPlots();
    void fillTable();
    void updateButtons();
    void exportReport();

    RecipeDocument* m_document;
    std::unique_ptr<SweepProcess> m_process;
    std::unique_ptr<QTemporaryDir> m_inputs;
    QString m_sweepFile;
    report::SweepTable m_table;
    std::string m_tableStamp;  ///< sweepFolderStamp of the folder m_table was read from
    struct DrawnPoint {
        double x = 0, accuracy = 0;
        int row = 0;  ///< into m_table.points
    };
    std::vector<DrawnPoint> m_bytesPoints, m_latencyPoints;  ///< what each scatter shows, for a click to find its run
    QTableWidget* m_axes;
    QComboBox* m_strategy;
    QSpinBox* m_budget;
    QComboBox* m_fidelity;
    QLineEdit* m_rungs;
    QDoubleSpinBox* m_keep;
    QComboBox* m_executor;
    QLineEdit* m_partition;
    bool m_onSlurm = false;  ///< the running sweep is a Slurm one: Cancel also cancels its jobs
    QSpinBox* m_jobs;
    QListWidget* m_boards;
    QLineEdit* m_out;
    QPushButton* m_start;
    QPushButton* m_resume;
    QPushButton* m_pause;
    QPushButton* m_cancel;
    QPushButton* m_report;
    QLabel* m_status;
    QCustomPlot* m_bytesPlot;
    QCustomPlot* m_latencyPlot;
    QTableWidget* m_points;
    QPlainTextEdit* m_log;
    QTimer* m_poll;
};

}  // namespace tinyforge::ui
