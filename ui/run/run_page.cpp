#include "ui/run/run_page.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/chart_view.h"
#include "ui/model_colours.h"

#include "core/error.h"
#include "core/recipe/recipe.h"
#include "core/recipe/recipe_schema.h"
#include "ui/project/recipe_document.h"
#include "ui/run/results_card.h"
#include "ui/run/run_worker.h"

namespace tinyforge::ui {

namespace {
QString durationText(double seconds) {
    if (seconds < 90) return QObject::tr("%1 s").arg(static_cast<int>(seconds));
    if (seconds < 5400) return QObject::tr("%1 min").arg(static_cast<int>(seconds / 60));
    return QObject::tr("%1 h %2 min").arg(static_cast<int>(seconds / 3600)).arg(static_cast<int>(seconds / 60) % 60);
}
}  // namespace

RunPage::RunPage(RecipeDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_worker(new RunWorker(this)) {
    m_runsFolder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/TinyForge/runs");
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_start = new QPushButton(tr("Run"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_start->setToolTip(tr("Train, distil and compress with the project's recipe (Ctrl+R)"));
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setCheckable(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_progress = new QProgressBar;
    m_status = new QLabel(tr("Ready"));
    controls->addWidget(m_start);
    controls->addWidget(m_pause);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_status, 1);
    layout->addLayout(controls);
    m_card = new ResultsCard;
    layout->addWidget(m_card);

    // Every chart counts global steps over the whole run (each phase shaded and labelled), so the phases read in order.
    const QString steps = tr("global step");
    m_accuracy = new ChartView(tr("Accuracy per epoch (validation; training dashed)"), steps, tr("accuracy"));
    m_loss = new ChartView(tr("Loss per step"), steps, tr("loss"));
    m_sparsity = new ChartView(tr("Sparsity per step"), steps, tr("weights at zero"));
    m_size = new ChartView(tr("Deployed size per epoch"), steps, tr("bytes"));
    m_accuracy->setFixedYRange(0, 1);
    m_sparsity->setFixedYRange(0, 1);
    m_loss->setLogScale(true);  // losses fall by decades, and the T^2-scaled soft part would flatten a linear axis

    auto* chartControls = new QHBoxLayout;
    m_lossParts = new QCheckBox(tr("Soft and hard parts of the loss"));
    m_lossParts->setToolTip(tr("Distillation's loss is soft (against the teacher at temperature T, scaled by T^2) plus hard (against the labels)"));
    m_logLoss = new QCheckBox(tr("Log scale for the loss"));
    m_logLoss->setChecked(true);
    m_legends = new QCheckBox(tr("Legends"));
    m_legends->setChecked(true);
    auto* whole = new QPushButton(tr("Whole run"));
    whole->setToolTip(tr("Undo zoom and pan on every chart (or double-click a chart)"));
    auto* hint = new QLabel(tr("Drag to pan, wheel to zoom, hover for values, right-click to export"));
    hint->setEnabled(false);
    for (QWidget* w : std::initializer_list<QWidget*>{m_lossParts, m_logLoss, m_legends, whole}) chartControls->addWidget(w);
    chartControls->addStretch(1);
    chartControls->addWidget(hint);
    connect(m_lossParts, &QCheckBox::toggled, this, &RunPage::setLossPartsShown);
    connect(m_logLoss, &QCheckBox::toggled, m_loss, &ChartView::setLogScale);
    connect(m_legends, &QCheckBox::toggled, this, [this](bool shown) {
        for (ChartView* chart : charts()) chart->setLegendShown(shown);
    });
    connect(whole, &QPushButton::clicked, this, [this] {
        for (ChartView* chart : charts()) chart->resetView();
    });

    auto* chartArea = new QWidget;
    auto* chartLayout = new QVBoxLayout(chartArea);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addLayout(chartControls);
    auto* grid = new QGridLayout;
    grid->addWidget(m_accuracy, 0, 0);
    grid->addWidget(m_loss, 0, 1);
    grid->addWidget(m_sparsity, 1, 0);
    grid->addWidget(m_size, 1, 1);
    chartLayout->addLayout(grid, 1);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(chartArea);
    split->addWidget(m_log);
    split->setStretchFactor(0, 4);
    layout->addWidget(split, 1);

    // Charts redraw at most every 150 ms however fast the steps come, and not at all while another page is shown
    // (they catch up within 150 ms of being shown), so the window stays responsive.
    m_replot = new QTimer(this);
    m_replot->setInterval(150);
    connect(m_replot, &QTimer::timeout, this, [this] {
        if (!m_dirty || !isVisible()) return;
        m_dirty = false;
        for (ChartView* chart : charts()) chart->refresh();
    });
    m_replot->start();

    connect(m_start, &QPushButton::clicked, this, &RunPage::start);
    connect(m_pause, &QPushButton::clicked, this, &RunPage::togglePause);
    connect(m_cancel, &QPushButton::clicked, this, &RunPage::cancel);
    connect(m_worker, &RunWorker::stageStarted, this, &RunPage::onStage);
    connect(m_worker, &RunWorker::steps, this, &RunPage::onSteps);
    connect(m_worker, &RunWorker::epoch, this, &RunPage::onEpoch);
    connect(m_worker, &RunWorker::finished, this, [this](const QString& dir, const QString&) {
        m_progress->setValue(100);
        onEnded(tr("Finished: %1").arg(dir));
        showResults(dir);
        emit runFinished(dir);
    });
    connect(m_worker, &RunWorker::cancelled, this, [this](const QString& dir) {
        onEnded(tr("Cancelled; finished epochs are checkpointed in %1").arg(dir));
    });
    connect(m_worker, &RunWorker::failed, this, [this](const QString& message) {
        onEnded(tr("Failed: %1").arg(message));
        emit runFailed(message);
    });
    setRunningUi(false);
}

void RunPage::start() {
    if (m_worker->isRunning()) return;
    // The run folder is named after the recipe; a name of the wrong type takes the table's default (the engine then
    // refuses the recipe, naming the field).
    const auto named = m_document->value("name", core::recipe::recipeField("name")->fallback);
    const auto name = QString::fromStdString((named.is_string() ? named : core::recipe::recipeField("name")->fallback).get<std::string>());
    m_currentDir = m_runsFolder + QStringLiteral("/%1-%2").arg(name, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QDir().mkpath(m_currentDir);
    clearCharts();
    m_card->hide();
    m_epochs.clear();
    try {  // each model's and phase's epochs as the engine reads them, for the progress bar
        const auto recipe = core::recipe::parseRecipe(m_document->recipe(), "project", m_currentDir.toStdString());
        if (!recipe.teachers.empty()) m_epochs["teacher"] = recipe.teachers.front().train.epochs;
        m_epochs["student"] = m_epochs["student_scratch"] = m_epochs["compress_joint"] = recipe.student.train.epochs;
        m_epochs["compress_channels"] = recipe.compression.channels.train.epochs;
        m_epochs["compress_prune"] = recipe.compression.prune.train.epochs;
        m_epochs["compress_cluster"] = recipe.compression.cluster.train.epochs;
        m_epochs["compress_qat"] = recipe.compression.quantize.train.epochs;
    } catch (const Error&) {
        // the worker reports what is wrong with the recipe
    }
    log(tr("Run %1").arg(m_currentDir));
    if (m_worker->start(m_document->recipe(), m_currentDir)) setRunningUi(true);
}

void RunPage::togglePause() {
    if (!m_worker->isRunning()) return;
    const bool pause = !m_worker->isPaused();
    m_worker->setPaused(pause);
    m_pause->setChecked(pause);
    m_pause->setText(pause ? tr("Resume") : tr("Pause"));
    log(pause ? tr("Paused") : tr("Resumed"));
}

void RunPage::cancel() {
    if (!m_worker->isRunning()) return;
    m_worker->cancel();
    m_status->setText(tr("Cancelling..."));
}

bool RunPage::isRunning() const { return m_worker->isRunning(); }

void RunPage::onStage(const QString& stage, const QString& detail) {
    if (stage == QLatin1String("seed")) clearCharts();  // a repeat's charts start afresh
    m_stageClock.start();
    m_progress->setValue(0);
    m_status->setText(tr("%1: %2").arg(stage, detail));
    log(tr("== %1 (%2)").arg(stage, detail));
}

void RunPage::onSteps(const QVector<core::train::StepMetrics>& batch) {
    if (batch.isEmpty()) return;
    for (const auto& m : batch) {
        const QString phase = QString::fromStdString(m.model);
        if (phase != m_phase) {  // a new phase: a new shaded band on every chart, starting where the last one ended
            m_phase = phase;
            for (ChartView* chart : charts()) chart->beginPhase(phaseLabel(phase), m_globalStep);
        }
        m_globalStep += 1;
        const QString role = modelRole(phase);
        const QColor colour = modelColour(phase);
        m_loss->series(role, QPen(colour, 1.5))->addData(m_globalStep, m.loss);
        if (m.softLoss != 0) {  // distillation: the soft part and the hard part (labels) beside the total
            const QString soft = tr("%1 soft").arg(role), hard = tr("%1 hard").arg(role);
            const bool created = !m_loss->findSeries(soft);
            m_loss->series(soft, QPen(colour, 1, Qt::DashLine))->addData(m_globalStep, m.softLoss);
            m_loss->series(hard, QPen(colour, 1, Qt::DotLine))->addData(m_globalStep, m.hardLoss);
            if (created) {
                m_loss->setSeriesShown(soft, m_lossParts->isChecked());
                m_loss->setSeriesShown(hard, m_lossParts->isChecked());
            }
        }
        if (m.sparsity > 0) m_sparsity->series(role, QPen(colour, 1.5))->addData(m_globalStep, m.sparsity);
    }
    for (ChartView* chart : charts()) chart->extendPhases(m_globalStep);
    const auto& m = batch.back();
    const QString model = QString::fromStdString(m.model);
    // Progress within the model being trained, and the time left in this stage at the rate so far.
    const auto epochs = m_epochs.count(m.model) ? m_epochs[m.model] : 0;
    if (epochs > 0 && m.stepsPerEpoch > 0) {
        const double done = (static_cast<double>(m.epoch) * static_cast<double>(m.stepsPerEpoch) + static_cast<double>(m.step % m.stepsPerEpoch) + 1) /
                            (static_cast<double>(epochs) * static_cast<double>(m.stepsPerEpoch));
        m_progress->setValue(static_cast<int>(100 * std::min(1.0, done)));
        const double elapsed = static_cast<double>(m_stageClock.elapsed()) / 1000.0;
        m_status->setText(tr("%1: epoch %2 of %3, about %4 left").arg(model).arg(m.epoch + 1).arg(epochs).arg(durationText(elapsed * (1 - done) / std::max(done, 1e-6))));
    }
    m_dirty = true;
}

void RunPage::setLossPartsShown(bool shown) {
    if (m_lossParts->isChecked() != shown) m_lossParts->setChecked(shown);  // re-enters through toggled
    for (int i = 0; i < m_loss->graphCount(); ++i) {
        const QString name = m_loss->graph(i)->name();
        if (name.endsWith(tr(" soft")) || name.endsWith(tr(" hard"))) m_loss->setSeriesShown(name, shown);
    }
}

void RunPage::onEpoch(const core::train::EpochMetrics& m) {
    const QString phase = QString::fromStdString(m.model);
    const QString role = modelRole(phase);
    const QColor colour = modelColour(phase);
    // An epoch's point sits at the global step its last batch reached.
    m_accuracy->series(role, QPen(colour, 1.5))->addData(m_globalStep, m.valAccuracy);
    m_accuracy->series(tr("%1 train").arg(role), QPen(colour, 1, Qt::DashLine), false)->addData(m_globalStep, m.trainAccuracy);
    if (m.deployedBytes > 0) m_size->series(role, QPen(colour, 1.5))->addData(m_globalStep, static_cast<double>(m.deployedBytes));
    log(tr("%1 epoch %2: loss %3, train %4, val %5").arg(phase).arg(m.epoch + 1).arg(m.loss, 0, 'f', 4).arg(m.trainAccuracy, 0, 'f', 4).arg(m.valAccuracy, 0, 'f', 4));
    m_dirty = true;
}

void RunPage::onEnded(const QString& message) {
    log(message);
    m_status->setText(message);
    setRunningUi(false);
    m_dirty = true;
}

void RunPage::log(const QString& line) {
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + line);
}

void RunPage::clearCharts() {
    for (ChartView* chart : charts()) chart->clearAll();
    m_phase.clear();
    m_globalStep = 0;
}

void RunPage::setRunningUi(bool running) {
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_cancel->setEnabled(running);
    m_pause->setChecked(false);
    m_pause->setText(tr("Pause"));
}

std::array<ChartView*, 4> RunPage::charts() const { return {m_accuracy, m_loss, m_sparsity, m_size}; }

ChartView* RunPage::chartView(const QString& chart) const {
    if (chart == QLatin1String("accuracy")) return m_accuracy;
    if (chart == QLatin1String("loss")) return m_loss;
    if (chart == QLatin1String("sparsity")) return m_sparsity;
    return m_size;
}

int RunPage::pointCount(const QString& chart) const { return chartView(chart)->pointCount(); }

void RunPage::showResults(const QString& runDir) {
    QString error;
    if (!m_card->showRun(runDir, &error)) {
        log(error);
        return;
    }
    // The per-epoch sizes are the compression phases' estimates; the run's final size is the exported model's.
    if (m_card->deployedBytes() > 0) {
        QCPGraph* final = m_size->series(tr("as deployed"), QPen(modelColour(QStringLiteral("compressed"))));
        final->setLineStyle(QCPGraph::lsNone);
        final->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, modelColour(QStringLiteral("compressed")), 10));
        final->addData(m_globalStep, static_cast<double>(m_card->deployedBytes()));
        m_dirty = true;
    }
}

QString RunPage::resultsText() const { return m_card->isHidden() ? QString() : m_card->text(); }

QString RunPage::logText() const { return m_log->toPlainText(); }

int RunPage::progressPercent() const { return m_progress->value(); }

}  // namespace tinyforge::ui
