#pragma once
// The Run page: start, pause and cancel the project's recipe; live charts of accuracy (each model's validation
// accuracy per epoch), the loss and its soft and hard parts per step, sparsity per step and the deployed size per
// epoch; a progress bar with the time left in the current stage; a log; when a run ends, what it achieved. A recipe
// with repeats (seeds > 1) runs them in turn into seed-S sub-folders and shows the mean +- std over them. The run is the core pipeline's, on a worker
// thread, writing a run folder as `tinyforge-cli run` does.

#include <QElapsedTimer>
#include <QVector>
#include <QWidget>

#include <map>

#include "core/train/train_events.h"

class QCPGraph;
class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace tinyforge::ui {

class RecipeDocument;
class ResultsCard;
class RunWorker;

class RunPage : public QWidget {
    Q_OBJECT
public:
    RunPage(RecipeDocument* document, QWidget* parent = nullptr);

    /// Where new run folders go (one sub-folder per run).
    void setRunsFolder(const QString& folder) { m_runsFolder = folder; }
    QString runsFolder() const { return m_runsFolder; }

    void start();
    void togglePause();
    void cancel();
    bool isRunning() const;
    RunWorker* worker() const { return m_worker; }

    /// Data points on each chart (for tests): "accuracy", "loss", "sparsity", "size".
    int pointCount(const QString& chart) const;
    QString logText() const;
    int progressPercent() const;
    /// What the last finished run achieved (mean +- std over its seeds when it had repeats); empty before.
    QString resultsText() const;
    ResultsCard* resultsCard() const { return m_card; }

signals:
    void runFinished(QString runDir);
    void runFailed(QString message);

private:
    QCustomPlot* chart(const QString& title, const QString& yLabel);
    QCPGraph* graphFor(QCustomPlot* plot, std::map<QString, QCPGraph*>& graphs, const QString& name);
    void onStage(const QString& stage, const QString& detail);
    void onSteps(const QVector<core::train::StepMetrics>& batch);
    void onEpoch(const core::train::EpochMetrics& m);
    void onEnded(const QString& message);
    void log(const QString& line);
    void clearCharts();
    void setRunningUi(bool running);
    void showResults(const QString& runDir);

    RecipeDocument* m_document;
    RunWorker* m_worker;
    QString m_runsFolder;
    QString m_currentDir;
    QPushButton *m_start, *m_pause, *m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    ResultsCard* m_card;  ///< what the finished run achieved
    QCustomPlot *m_accuracy, *m_loss, *m_sparsity, *m_size;
    std::map<QString, QCPGraph*> m_accuracyGraphs, m_lossGraphs, m_sparsityGraphs, m_sizeGraphs;
    QPlainTextEdit* m_log;
    QTimer* m_replot;
    bool m_dirty = false;
    double m_globalStep = 0;
    std::map<std::string, int> m_epochs;  ///< recipe epochs per model, for progress
    QElapsedTimer m_stageClock;
};

}  // namespace tinyforge::ui
