#include "ui/sweep/sweep_page.h"

#include <QDateTime>
#include <QDoubleSpinBox>
#include <QProcess>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/resources.h"
#include "devices/boards/board.h"
#include "report/report_stats.h"
#include "ui/project/recipe_document.h"
#include "ui/report/report_dialog.h"
#include "ui/sweep/sweep_process.h"
#include "ui/themed_plot.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

using nlohmann::json;

// "0.5, 0.8" and "[8], [16, 8]" read as JSON values; "linear, density" as words.
json axisValues(const QString& text) {
    const auto parsed = json::parse("[" + text.toStdString() + "]", nullptr, false);
    if (!parsed.is_discarded()) return parsed;
    json words = json::array();
    for (const auto& word : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) words.push_back(word.trimmed().toStdString());
    return words;
}

// One scatter: the finished points, the front as a line through the points no other beats.
void drawScatter(QCustomPlot* plot, const std::vector<std::pair<double, double>>& points) {
    plot->clearGraphs();
    auto* all = plot->addGraph();
    all->setLineStyle(QCPGraph::lsNone);
    all->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(0x1565c0), 7));
    all->setName(QObject::tr("points"));
    std::vector<report::ParetoPoint> candidates;
    for (const auto& [cost, accuracy] : points) {
        all->addData(cost, accuracy);
        candidates.push_back({accuracy, cost});
    }
    const auto dominators = report::paretoDominators(candidates);
    std::vector<std::pair<double, double>> front;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (!dominators[i]) front.push_back(points[i]);
    }
    std::sort(front.begin(), front.end());
    auto* line = plot->addGraph();
    line->setName(QObject::tr("Pareto front"));
    line->setPen(QPen(QColor(0xef6c00), 2));
    line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0xef6c00), 8));
    for (const auto& [cost, accuracy] : front) line->addData(cost, accuracy);
    plot->rescaleAxes();
    // Some room around the points, so none sits on the frame.
    plot->xAxis->scaleRange(1.15, plot->xAxis->range().center());
    plot->yAxis->scaleRange(1.2, plot->yAxis->range().center());
    plot->replot();
}

QCustomPlot* makeScatter(const QString& xLabel) {
    auto* plot = new ThemedPlot;
    plot->setMinimumSize(280, 220);
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(QObject::tr("test accuracy as deployed"));
    plot->legend->setVisible(true);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    return plot;
}

}  // namespace

SweepPage::SweepPage(RecipeDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_process(std::make_unique<SweepProcess>()) {
    auto* split = new QSplitter;
    auto* left = new QWidget;
    auto* form = new QVBoxLayout(left);
    form->addWidget(new QLabel(tr("Axes: recipe keys and the values each takes")));
    m_axes = new QTableWidget(0, 2);
    m_axes->setHorizontalHeaderLabels({tr("Recipe key"), tr("Values")});
    m_axes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_axes->horizontalHeader()->setStretchLastSection(true);
    m_axes->verticalHeader()->hide();
    m_axes->setToolTip(tr("Any key tinyforge-cli run --set takes (prune.final_sparsity, cluster.clusters, quantize.weight_bits, "
                          "distill.temperature, student.channels, seed, ...). Values separated by commas: 0.5, 0.8 or [8], [16, 8]"));
    form->addWidget(m_axes, 1);
    auto* axisButtons = new QHBoxLayout;
    auto* addAxis = new QPushButton(tr("Add axis"));
    auto* removeAxis = new QPushButton(tr("Remove axis"));
    axisButtons->addWidget(addAxis);
    axisButtons->addWidget(removeAxis);
    form->addLayout(axisButtons);
    auto* options = new QFormLayout;
    m_strategy = new QComboBox;
    m_strategy->addItem(tr("grid: every combination"), QStringLiteral("grid"));
    m_strategy->addItem(tr("random: a draw without repeats"), QStringLiteral("random"));
    m_budget = new QSpinBox;
    m_budget->setRange(1, 10000);
    m_budget->setValue(8);
    m_budget->setToolTip(tr("random: points drawn; grid: the most points allowed; halving: candidates at the first rung"));
    m_strategy->addItem(tr("halving: brief runs first, the best go on"), QStringLiteral("halving"));
    m_strategy->setToolTip(tr("Successive halving runs every candidate at the first rung's fidelity, then the best fraction by validation "
                              "accuracy at the next, and so on"));
    m_fidelity = new QComboBox;
    m_fidelity->setEditable(true);
    m_fidelity->addItems({QStringLiteral("student.train.epochs"), QStringLiteral("prune.train.epochs"), QStringLiteral("cluster.train.epochs"),
                          QStringLiteral("quantize.train.epochs"), QStringLiteral("train.epochs")});
    m_fidelity->setToolTip(tr("halving: the recipe key raised rung by rung"));
    m_rungs = new QLineEdit(QStringLiteral("20, 80"));
    m_rungs->setToolTip(tr("halving: the fidelity key's value at each rung, lowest first, separated by commas"));
    m_keep = new QDoubleSpinBox;
    m_keep->setRange(0.05, 0.95);
    m_keep->setSingleStep(0.05);
    m_keep->setValue(0.5);
    m_keep->setToolTip(tr("halving: the fraction of a rung's points that run at the next rung"));
    m_executor = new QComboBox;
    m_executor->addItem(tr("this machine"), QStringLiteral("local"));
    m_executor->addItem(tr("Slurm cluster (a job array)"), QStringLiteral("slurm"));
    m_executor->setToolTip(tr("Slurm: every point is a task of one sbatch job array; the sweep folder must be on a filesystem the nodes share"));
    m_partition = new QLineEdit;
    m_partition->setPlaceholderText(tr("the cluster's default"));
    m_partition->setToolTip(tr("Slurm partition (sbatch --partition)"));
    m_jobs = new QSpinBox;
    m_jobs->setRange(0, 64);
    m_jobs->setSpecialValueText(tr("auto (cores / threads)"));
    m_boards = new QListWidget;
    m_boards->setToolTip(tr("Every finished point is deployed to these boards' emulators and profiled"));
    try {
        for (const auto& board : devices::loadBoards(core::resourceDir() / "boards")) {
            if (board.kind != "mcu") continue;
            auto* item = new QListWidgetItem(QString::fromStdString(board.name));
            item->setData(Qt::UserRole, QString::fromStdString(board.id));
            item->setCheckState(board.id == "stm32f405" ? Qt::Checked : Qt::Unchecked);
            m_boards->addItem(item);
        }
    } catch (const Error& e) {
        m_boards->setToolTip(QString::fromStdString(e.what()));
    }
    m_out = new QLineEdit;
    auto* browse = new QPushButton(tr("..."));
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out, 1);
    outRow->addWidget(browse);
    options->addRow(tr("Strategy"), m_strategy);
    options->addRow(tr("Budget"), m_budget);
    options->addRow(tr("Fidelity"), m_fidelity);
    options->addRow(tr("Rungs"), m_rungs);
    options->addRow(tr("Kept per rung"), m_keep);
    options->addRow(tr("Run on"), m_executor);
    options->addRow(tr("Partition"), m_partition);
    options->addRow(tr("Points at once"), m_jobs);
    options->addRow(tr("Boards"), m_boards);
    options->addRow(tr("Sweep folder"), outRow);
    form->addLayout(options);
    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"));
    m_resume = new QPushButton(tr("Resume folder"));
    m_resume->setToolTip(tr("Run only the points of the sweep folder that are not done"));
    m_pause = new QPushButton(tr("Pause"));
    m_cancel = new QPushButton(tr("Cancel"));
    for (auto* b : {m_start, m_resume, m_pause, m_cancel}) buttons->addWidget(b);
    form->addLayout(buttons);
    m_report = new QPushButton(tr("Export report..."));
    form->addWidget(m_report);
    m_status = new QLabel(tr("Choose axes and boards, then Start."));
    m_status->setWordWrap(true);
    form->addWidget(m_status);
    split->addWidget(left);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    auto* plots = new QHBoxLayout;
    m_bytesPlot = makeScatter(tr("deployed bytes"));
    m_latencyPlot = makeScatter(tr("latency on the first board"));
    plots->addWidget(m_bytesPlot);
    plots->addWidget(m_latencyPlot);
    rightLayout->addLayout(plots, 3);
    m_points = new QTableWidget(0, 6);
    m_points->setHorizontalHeaderLabels({tr("Point"), tr("Settings"), tr("Status"), tr("Deployed accuracy"), tr("Deployed bytes"), tr("Latency")});
    m_points->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_points->verticalHeader()->hide();
    m_points->setToolTip(tr("Double-click a point to open its run in Compare"));
    rightLayout->addWidget(m_points, 2);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    rightLayout->addWidget(m_log, 1);
    split->addWidget(right);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    setAxes({{QStringLiteral("prune.final_sparsity"), QStringLiteral("0.5, 0.8")}, {QStringLiteral("quantize.weight_bits"), QStringLiteral("4, 8")}});
    m_poll = new QTimer(this);
    m_poll->setInterval(1000);
    connect(m_poll, &QTimer::timeout, this, &SweepPage::refresh);
    connect(addAxis, &QPushButton::clicked, this, [this] { m_axes->insertRow(m_axes->rowCount()); });
    connect(removeAxis, &QPushButton::clicked, this, [this] {
        if (m_axes->currentRow() >= 0) m_axes->removeRow(m_axes->currentRow());
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Sweep folder"), m_out->text());
        if (!dir.isEmpty()) setOutputFolder(dir);
    });
    const auto showOptions = [this] {
        const bool halving = m_strategy->currentData().toString() == QLatin1String("halving");
        for (QWidget* w : {static_cast<QWidget*>(m_fidelity), static_cast<QWidget*>(m_rungs), static_cast<QWidget*>(m_keep)}) w->setEnabled(halving);
        const bool slurm = m_executor->currentData().toString() == QLatin1String("slurm");
        m_partition->setEnabled(slurm);
        m_jobs->setEnabled(!slurm);
    };
    connect(m_strategy, &QComboBox::currentIndexChanged, this, showOptions);
    connect(m_executor, &QComboBox::currentIndexChanged, this, showOptions);
    showOptions();
    connect(m_start, &QPushButton::clicked, this, &SweepPage::start);
    connect(m_resume, &QPushButton::clicked, this, &SweepPage::resumeFolder);
    connect(m_pause, &QPushButton::clicked, this, &SweepPage::togglePause);
    connect(m_cancel, &QPushButton::clicked, this, &SweepPage::cancel);
    connect(m_report, &QPushButton::clicked, this, &SweepPage::exportReport);
    connect(m_points, &QTableWidget::cellDoubleClicked, this, [this](int row, int) { openPoint(row); });
    for (auto* plot : {m_bytesPlot, m_latencyPlot}) {
        connect(plot, &QCustomPlot::plottableClick, this, [this, plot](QCPAbstractPlottable* plottable, int index, QMouseEvent*) {
            // A graph keeps its data sorted by x, so the clicked point is found by its coordinates, not its index.
            const auto* graph = qobject_cast<QCPGraph*>(plottable);
            if (!graph || index < 0 || index >= graph->dataCount()) return;
            const auto clicked = graph->data()->at(index);
            for (const auto& drawn : plot == m_bytesPlot ? m_bytesPoints : m_latencyPoints) {
                if (drawn.x == clicked->key && drawn.accuracy == clicked->value) return openPoint(drawn.row);
            }
        });
    }
    connect(m_process.get(), &SweepProcess::logLine, this, [this](const QString& line) {
        m_log->appendPlainText(line);
        if (line.startsWith(QLatin1String("error: "))) m_status->setText(line.mid(7));
    });
    connect(m_process.get(), &SweepProcess::failed, this, [this](const QString& message) {
        m_status->setText(message);
        emit failed(message);
    });
    connect(m_process.get(), &SweepProcess::finished, this, [this](int exitCode, bool cancelled) {
        m_poll->stop();
        refresh();
        const auto done = m_table.count("done"), total = m_table.points.size();
        if (cancelled) m_status->setText(tr("Cancelled: %1 of %2 points done. Resume folder finishes the others.").arg(done).arg(total));
        else if (exitCode == 0) m_status->setText(tr("Done: %1 points, %2 on the front.").arg(done).arg(total - static_cast<std::size_t>(std::count_if(
                                                                                                  m_table.points.begin(), m_table.points.end(),
                                                                                                  [](const auto& p) { return p.dominated_by.has_value(); }))));
        else if (total > 0) m_status->setText(tr("%1 of %2 points done; the others failed (their errors are in the table). Resume folder runs them again.").arg(done).arg(total));
        updateButtons();
        emit sweepFinished(m_out->text(), exitCode);
    });
    updateButtons();
}

SweepPage::~SweepPage() = default;

void SweepPage::setAxes(const QList<QPair<QString, QString>>& axes) {
    m_axes->setRowCount(0);
    for (const auto& [key, values] : axes) {
        const int row = m_axes->rowCount();
        m_axes->insertRow(row);
        m_axes->setItem(row, 0, new QTableWidgetItem(key));
        m_axes->setItem(row, 1, new QTableWidgetItem(values));
    }
}

void SweepPage::setBoards(const QStringList& ids) {
    for (int i = 0; i < m_boards->count(); ++i) {
        auto* item = m_boards->item(i);
        item->setCheckState(ids.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
}

void SweepPage::setOutputFolder(const QString& dir) { m_out->setText(dir); }

QString SweepPage::outputFolder() const { return m_out->text(); }

void SweepPage::showFolder(const QString& dir) {
    setOutputFolder(dir);
    refresh();
    m_poll->start();
}

void SweepPage::setHalving(const QString& key, const QString& rungs, double keep) {
    m_strategy->setCurrentIndex(m_strategy->findData(QStringLiteral("halving")));
    m_fidelity->setCurrentText(key);
    m_rungs->setText(rungs);
    m_keep->setValue(keep);
}

void SweepPage::setExecutor(bool slurm, const QString& partition) {
    m_executor->setCurrentIndex(m_executor->findData(slurm ? QStringLiteral("slurm") : QStringLiteral("local")));
    m_partition->setText(partition);
}

QStringList SweepPage::processArguments() const { return m_process->arguments(); }

bool SweepPage::isRunning() const { return m_process->running(); }
bool SweepPage::isPaused() const { return m_process->paused(); }
qint64 SweepPage::processId() const { return isRunning() ? m_process->pid() : 0; }
QString SweepPage::statusText() const { return m_status->text(); }

bool SweepPage::writeSweepFile(QString* error) {
    const auto& recipe = m_document->recipe();
    json axes = json::array();
    for (int row = 0; row < m_axes->rowCount(); ++row) {
        const auto* key = m_axes->item(row, 0);
        const auto* values = m_axes->item(row, 1);
        if (!key || key->text().trimmed().isEmpty()) continue;
        axes.push_back({{"key", key->text().trimmed().toStdString()}, {"values", axisValues(values ? values->text() : QString())}});
    }
    if (axes.empty()) {
        *error = tr("Add at least one axis: a recipe key and its values.");
        return false;
    }
    json boards = json::array();
    for (int i = 0; i < m_boards->count(); ++i) {
        if (m_boards->item(i)->checkState() == Qt::Checked) boards.push_back({{"board", m_boards->item(i)->data(Qt::UserRole).toString().toStdString()}, {"samples", 16}});
    }
    m_inputs = std::make_unique<QTemporaryDir>();
    if (!m_inputs->isValid()) {
        *error = tr("Cannot make a temporary folder for the sweep file: %1").arg(m_inputs->errorString());
        return false;
    }
    const std::string name = recipe.value("name", std::string("run")) + "-sweep";
    json sweep{{"name", name}, {"recipe", "base.json"}, {"axes", axes}, {"strategy", m_strategy->currentData().toString().toStdString()},
               {"budget", m_budget->value()}};
    if (!boards.empty()) sweep["boards"] = boards;
    if (m_strategy->currentData().toString() == QLatin1String("halving")) {
        const auto rungs = axisValues(m_rungs->text());
        if (rungs.size() < 2) {
            *error = tr("Halving needs the fidelity at two or more rungs, lowest first (20, 80).");
            return false;
        }
        sweep["halving"] = {{"key", m_fidelity->currentText().trimmed().toStdString()}, {"values", rungs}, {"keep", m_keep->value()}};
    }
    const auto write = [&](const QString& file, const json& content) {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
        const auto text = content.dump(2) + "\n";
        return out.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size());
    };
    m_sweepFile = m_inputs->filePath(QStringLiteral("sweep.json"));
    if (!write(m_inputs->filePath(QStringLiteral("base.json")), recipe) || !write(m_sweepFile, sweep)) {
        *error = tr("Cannot write the sweep file in %1").arg(m_inputs->path());
        return false;
    }
    if (m_out->text().trimmed().isEmpty()) {
        const QString root = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/TinyForge/sweeps/");
        setOutputFolder(root + QString::fromStdString(name) + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")));
    }
    return true;
}

bool SweepPage::launch(bool resume) {
    if (isRunning()) return false;
    QString error;
    if (!resume && !writeSweepFile(&error)) {
        m_status->setText(error);
        emit failed(error);
        return false;
    }
    if (resume && !report::isSweepFolder(m_out->text().toStdString())) {
        error = tr("%1 is not a sweep folder (it has no plan.json)").arg(m_out->text());
        m_status->setText(error);
        emit failed(error);
        return false;
    }
    // A resumed sweep runs from the folder's own plan and base recipe.
    const QString file = resume ? m_out->text() : m_sweepFile;
    m_log->clear();
    m_table = {};
    m_onSlurm = m_executor->currentData().toString() == QLatin1String("slurm");
    QStringList extra;
    if (m_onSlurm) {
        extra << QStringLiteral("--executor") << QStringLiteral("slurm");
        if (!m_partition->text().trimmed().isEmpty()) extra << QStringLiteral("--partition") << m_partition->text().trimmed();
    }
    if (!m_process->start(file, m_out->text(), resume, m_onSlurm ? 0 : m_jobs->value(), extra)) return false;
    m_status->setText(tr("Running into %1").arg(m_out->text()));
    m_poll->start();
    updateButtons();
    emit started();
    return true;
}

bool SweepPage::start() { return launch(false); }
bool SweepPage::resumeFolder() { return launch(true); }

void SweepPage::togglePause() {
    if (isPaused()) {
        m_process->resume();
        m_status->setText(tr("Running into %1").arg(m_out->text()));
    } else {
        m_process->pause();
        m_status->setText(tr("Paused: every point's process is stopped where it was."));
    }
    updateButtons();
}

void SweepPage::cancel() {
    m_process->cancel();
    if (!m_onSlurm) return;
    // The CLI only watches a Slurm sweep: its points are the cluster's jobs, cancelled there (the folder stays
    // resumable). The latest submission's jobs are in slurm/jobs.json.
    try {
        const auto jobs = core::io::readJsonFile((std::filesystem::path(m_out->text().toStdString()) / "slurm" / "jobs.json"));
        QStringList ids;
        for (const char* key : {"array", "collect"}) {
            if (jobs.contains(key) && jobs.at(key).is_string()) ids << QString::fromStdString(jobs.at(key).get<std::string>());
        }
        if (!ids.isEmpty()) {
            QProcess scancel;
            scancel.start(QStringLiteral("scancel"), ids);
            scancel.waitForFinished(10000);
            m_log->appendPlainText(tr("scancel %1: exit %2").arg(ids.join(QLatin1Char(' '))).arg(scancel.exitCode()));
        }
    } catch (const Error& e) {
        m_log->appendPlainText(tr("No Slurm jobs to cancel: %1").arg(QString::fromStdString(e.what())));
    }
}

void SweepPage::refresh() {
    const std::string folder = m_out->text().toStdString();
    if (!report::isSweepFolder(folder)) return;
    // Polled each second: the folder's files are read again only when one of them changed (a stat per file).
    std::string stamp = folder + '|' + report::sweepFolderStamp(folder);
    if (stamp == m_tableStamp) return;
    try {
        m_table = report::collectSweep(folder);
    } catch (const Error&) {
        return;  // a plan being written: read again on the next tick
    }
    m_tableStamp = std::move(stamp);
    fillTable();
    redrawPlots();
}

void SweepPage::fillTable() {
    m_points->setRowCount(static_cast<int>(m_table.points.size()));
    for (int row = 0; row < static_cast<int>(m_table.points.size()); ++row) {
        const auto& p = m_table.points[static_cast<std::size_t>(row)];
        QString latency;
        if (!p.devices.empty() && p.devices[0].latency_count) {
            latency = QStringLiteral("%1 %2 (%3)").arg(*p.devices[0].latency_count).arg(QString::fromStdString(p.devices[0].count_unit.value_or("")),
                                                                                   QString::fromStdString(p.devices[0].board));
        }
        const QString status = QString::fromStdString(p.status) + (p.message ? QStringLiteral(": ") + QString::fromStdString(*p.message) : QString());
        m_points->setItem(row, 0, readOnlyCell(QString::fromStdString(p.id)));
        m_points->setItem(row, 1, readOnlyCell(QString::fromStdString(report::settingsLabel(m_table.axes, p.values))));
        m_points->setItem(row, 2, readOnlyCell(status));
        m_points->setItem(row, 3, readOnlyCell(p.deployed_accuracy ? QString::number(*p.deployed_accuracy, 'f', 4) : QString(), true));
        m_points->setItem(row, 4, readOnlyCell(p.deployed_bytes ? QString::number(*p.deployed_bytes) : QString(), true));
        m_points->setItem(row, 5, readOnlyCell(latency, true));
    }
}

void SweepPage::redrawPlots() {
    std::vector<std::pair<double, double>> bytes, latency;
    m_bytesPoints.clear();
    m_latencyPoints.clear();
    QString unit;
    for (int row = 0; row < static_cast<int>(m_table.points.size()); ++row) {
        const auto& p = m_table.points[static_cast<std::size_t>(row)];
        if (p.status != "done" || !p.deployed_bytes || !p.deployed_accuracy) continue;
        bytes.emplace_back(static_cast<double>(*p.deployed_bytes), *p.deployed_accuracy);
        m_bytesPoints.push_back({bytes.back().first, bytes.back().second, row});
        if (!p.devices.empty() && p.devices[0].latency_count) {
            latency.emplace_back(static_cast<double>(*p.devices[0].latency_count), *p.deployed_accuracy);
            m_latencyPoints.push_back({latency.back().first, latency.back().second, row});
            unit = QStringLiteral("%1 per inference on %2").arg(QString::fromStdString(p.devices[0].count_unit.value_or("count")),
                                                               QString::fromStdString(p.devices[0].board));
        }
    }
    if (!unit.isEmpty()) m_latencyPlot->xAxis->setLabel(unit);
    drawScatter(m_bytesPlot, bytes);
    drawScatter(m_latencyPlot, latency);
}

int SweepPage::scatterPointCount() const { return m_bytesPlot->graphCount() > 0 ? m_bytesPlot->graph(0)->dataCount() : 0; }

void SweepPage::openPoint(int row) {
    if (row < 0 || row >= static_cast<int>(m_table.points.size())) return;
    const auto& p = m_table.points[static_cast<std::size_t>(row)];
    if (p.status != "done") return;
    emit openRun(m_out->text() + QStringLiteral("/points/") + QString::fromStdString(p.id));
}

void SweepPage::exportReport() {
    if (m_table.count("done") == 0) {
        m_status->setText(tr("No point has finished yet: the report compares finished points."));
        return;
    }
    ReportDialog dialog({m_out->text()}, this);
    dialog.exec();
}

void SweepPage::updateButtons() {
    const bool running = isRunning();
    m_start->setEnabled(!running);
    m_resume->setEnabled(!running);
    m_pause->setEnabled(running && !m_onSlurm);  // SIGSTOP reaches this machine's processes, not the cluster's jobs
    m_pause->setText(isPaused() ? tr("Resume") : tr("Pause"));
    m_cancel->setEnabled(running);
}

}  // namespace tinyforge::ui
