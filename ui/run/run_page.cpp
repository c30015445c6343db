#include "ui/run/run_page.h"

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
#include <qcustomplot.h>

#include "ui/themed_plot.h"

#include "core/error.h"
#include "core/recipe/recipe.h"
#include "core/recipe/recipe_schema.h"
#include "ui/project/recipe_document.h"
#include "ui/run/results_card.h"
#include "ui/run/run_worker.h"

namespace tinyforge::ui {

namespace {
const QList<QColor> kColors{QColor(0x1565c0), QColor(0xef6c00), QColor(0x2e7d32), QColor(0x6a1b9a), QColor(0xc62828), QColor(0x00838f)};

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

    auto* charts = new QWidget;
    auto* grid = new QGridLayout(charts);
    m_accuracy = chart(tr("Accuracy (validation; training dashed)"), tr("accuracy"));
    m_loss = chart(tr("Loss (per step)"), tr("loss"));
    m_sparsity = chart(tr("Sparsity (per step)"), tr("zeros"));
    m_size = chart(tr("Deployed size"), tr("bytes"));
    m_accuracy->yAxis->setRange(0, 1);
    m_sparsity->yAxis->setRange(0, 1);
    grid->addWidget(m_accuracy, 0, 0);
    grid->addWidget(m_loss, 0, 1);
    grid->addWidget(m_sparsity, 1, 0);
    grid->addWidget(m_size, 1, 1);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(charts);
    split->addWidget(m_log);
    split->setStretchFactor(0, 4);
    layout->addWidget(split, 1);

    // Charts redraw at most every 150 ms however fast the steps come, so the window stays responsive.
    m_replot = new QTimer(this);
    m_replot->setInterval(150);
    connect(m_replot, &QTimer::timeout, this, [this] {
        if (!m_dirty) return;
        m_dirty = false;
        for (QCustomPlot* plot : {m_accuracy, m_loss, m_sparsity, m_size}) {
            plot->rescaleAxes();
            if (plot == m_accuracy || plot == m_sparsity) plot->yAxis->setRange(0, 1);
            plot->replot(QCustomPlot::rpQueuedReplot);
        }
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

QCustomPlot* RunPage::chart(const QString& title, const QString& yLabel) {
    auto* plot = new ThemedPlot;
    plot->setMinimumSize(280, 180);
    plot->plotLayout()->insertRow(0);
    auto* heading = new QCPTextElement(plot, title);
    heading->setTextColor(palette().color(QPalette::WindowText));
    plot->plotLayout()->addElement(0, 0, heading);
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->legend->setFont(QFont(font().family(), 8));
    return plot;
}

QCPGraph* RunPage::graphFor(QCustomPlot* plot, std::map<QString, QCPGraph*>& graphs, const QString& name) {
    auto it = graphs.find(name);
    if (it != graphs.end()) return it->second;
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
    graph->setPen(QPen(kColors[static_cast<int>(graphs.size()) % kColors.size()], 1.5));
    graphs[name] = graph;
    return graph;
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
        const QString model = QString::fromStdString(m.model);
        m_globalStep += 1;
        graphFor(m_loss, m_lossGraphs, model + tr(" loss"))->addData(m_globalStep, m.loss);
        if (m.softLoss != 0 || m.hardLoss != 0) {
            graphFor(m_loss, m_lossGraphs, model + tr(" soft"))->addData(m_globalStep, m.softLoss);
            graphFor(m_loss, m_lossGraphs, model + tr(" hard"))->addData(m_globalStep, m.hardLoss);
        }
        if (m.sparsity > 0) graphFor(m_sparsity, m_sparsityGraphs, model)->addData(m_globalStep, m.sparsity);
    }
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

void RunPage::onEpoch(const core::train::EpochMetrics& m) {
    const QString model = QString::fromStdString(m.model);
    QCPGraph* graph = graphFor(m_accuracy, m_accuracyGraphs, model);
    graph->addData(graph->dataCount(), m.valAccuracy);
    QCPGraph* train = graphFor(m_accuracy, m_accuracyGraphs, model + tr(" train"));
    train->setPen(QPen(graph->pen().color(), 1, Qt::DashLine));  // the same model, dashed
    train->removeFromLegend();                                    // the title says so
    train->addData(train->dataCount(), m.trainAccuracy);
    if (m.deployedBytes > 0) {
        QCPGraph* size = graphFor(m_size, m_sizeGraphs, model);
        size->addData(size->dataCount(), static_cast<double>(m.deployedBytes));
    }
    log(tr("%1 epoch %2: loss %3, train %4, val %5").arg(model).arg(m.epoch + 1).arg(m.loss, 0, 'f', 4).arg(m.trainAccuracy, 0, 'f', 4).arg(m.valAccuracy, 0, 'f', 4));
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
    for (QCustomPlot* plot : {m_accuracy, m_loss, m_sparsity, m_size}) plot->clearGraphs();
    m_accuracyGraphs.clear();
    m_lossGraphs.clear();
    m_sparsityGraphs.clear();
    m_sizeGraphs.clear();
    m_globalStep = 0;
}

void RunPage::setRunningUi(bool running) {
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_cancel->setEnabled(running);
    m_pause->setChecked(false);
    m_pause->setText(tr("Pause"));
}

int RunPage::pointCount(const QString& chart) const {
    const std::map<QString, QCPGraph*>* graphs = chart == QLatin1String("accuracy") ? &m_accuracyGraphs
                                                 : chart == QLatin1String("loss")   ? &m_lossGraphs
                                                 : chart == QLatin1String("sparsity") ? &m_sparsityGraphs
                                                                                      : &m_sizeGraphs;
    int points = 0;
    for (const auto& [name, graph] : *graphs) points += graph->dataCount();
    return points;
}

void RunPage::showResults(const QString& runDir) {
    QString error;
    if (!m_card->showRun(runDir, &error)) log(error);
}

QString RunPage::resultsText() const { return m_card->isHidden() ? QString() : m_card->text(); }

QString RunPage::logText() const { return m_log->toPlainText(); }

int RunPage::progressPercent() const { return m_progress->value(); }

}  // namespace tinyforge::ui
