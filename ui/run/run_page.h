#pragma once
// The Run page: start, pause and cancel the project's recipe; live charts on one global-step axis with each phase
// shaded and labelled (accuracy per epoch, the total loss per step with its soft and hard parts on demand and a log
// scale, sparsity per step, the deployed size per epoch and the final size as deployed), one colour per model on
// every chart (ui/model_colours.h), hover read-outs, zoom and export (ChartView); a progress bar with the time left in the current stage; a log; when a run ends, what it achieved. A recipe
// with repeats (seeds > 1) runs them in turn into seed-S sub-folders and shows the mean +- std over them. The run is the core pipeline's, on a worker
// thread, writing a run folder as `tinyforge-cli run` does.

#include <QElapsedTimer>
#include <QVector>
#include <QWidget>

#include <array>
#include <map>

#include "core/train/train_events.h"

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace tinyforge::ui {

class ChartView;
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
    /// The chart called "accuracy", "loss", "sparsity" or "size".
    ChartView* chartView(const QString& chart) const;
    /// Shows the soft and hard parts of the loss beside the total (off by default).
    void setLossPartsShown(bool shown);
    QString logText() const;
    int progressPercent() const;
    /// What the last finished run achieved (mean +- std over its seeds when it had repeats); empty before.
    QString resultsText() const;
    ResultsCard* resultsCard() const { return m_card; }

signals:
    void runFinished(QString runDir);
    void runFailed(QString message);

private:
    /// The four charts, for what is done to each alike.
    std::array<ChartView*, 4> charts() const;
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
    ChartView *m_accuracy, *m_loss, *m_sparsity, *m_size;
    QCheckBox *m_lossParts, *m_logLoss, *m_legends;
    QString m_phase;  ///< the phase the last step belonged to ("teacher", "compress_prune", ...)
    QPlainTextEdit* m_log;
    QTimer* m_replot;
    bool m_dirty = false;
    double m_globalStep = 0;
    std::map<std::string, int> m_epochs;  ///< recipe epochs per model, for progress
    QElapsedTimer m_stageClock;
};

}  // namespace tinyforge::ui
