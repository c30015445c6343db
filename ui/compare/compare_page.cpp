#include "ui/compare/compare_page.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

#include "report/report_stats.h"
#include "ui/report/report_dialog.h"
#include "ui/run/results_card.h"
#include "ui/text_format.h"
#include "ui/themed_plot.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {
const QList<QColor> kColors{QColor(0x1565c0), QColor(0xef6c00), QColor(0x2e7d32), QColor(0x6a1b9a), QColor(0xc62828), QColor(0x00838f)};

}  // namespace

ComparePage::ComparePage(QWidget* parent) : QWidget(parent) {
    auto* split = new QSplitter;
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    m_runList = new QListWidget;
    m_runList->setToolTip(tr("Checked runs overlay their curves"));
    auto* add = new QPushButton(tr("Add run folder..."));
    auto* remove = new QPushButton(tr("Remove from list"));
    auto* exportReport = new QPushButton(tr("Export report..."));
    exportReport->setToolTip(tr("A comparison report of the checked runs as HTML or PDF, with a preview"));
    leftLayout->addWidget(m_runList, 1);
    leftLayout->addWidget(add);
    leftLayout->addWidget(remove);
    leftLayout->addWidget(exportReport);
    split->addWidget(left);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    auto* plots = new QHBoxLayout;
    m_curves = new ThemedPlot;
    m_curves->setMinimumSize(300, 220);
    m_curves->xAxis->setLabel(tr("epoch"));
    m_curves->yAxis->setLabel(tr("student validation accuracy"));
    m_curves->legend->setVisible(true);
    m_scatter = new ThemedPlot;
    m_scatter->setMinimumSize(300, 220);
    m_scatter->xAxis->setLabel(tr("deployed bytes"));
    m_scatter->xAxis->setScaleType(QCPAxis::stLogarithmic);
    m_scatter->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    m_scatter->yAxis->setLabel(tr("test accuracy"));
    plots->addWidget(m_curves);
    plots->addWidget(m_scatter);
    rightLayout->addLayout(plots, 2);
    m_table = new QTableWidget(0, 6);
    m_table->setHorizontalHeaderLabels({tr("Run"), tr("Teacher"), tr("Student"), tr("Compressed (deployed)"), tr("Deployed bytes"), tr("Pareto")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    rightLayout->addWidget(m_table, 1);
    m_card = new ResultsCard;
    rightLayout->addWidget(m_card);
    split->addWidget(right);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_runList, &QListWidget::currentRowChanged, this, &ComparePage::selectRun);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { selectRun(row); });
    connect(add, &QPushButton::clicked, this, &ComparePage::chooseFolder);
    connect(remove, &QPushButton::clicked, this, &ComparePage::removeSelected);
    connect(exportReport, &QPushButton::clicked, this, &ComparePage::exportReport);
    connect(m_runList, &QListWidget::itemChanged, this, [this] { redraw(); });
    reload();
}

QStringList ComparePage::checkedRunFolders() const {
    QStringList dirs;
    for (int i = 0; i < m_runList->count() && i < static_cast<int>(m_runs.size()); ++i) {
        if (m_runList->item(i)->checkState() == Qt::Checked) dirs << m_runs[static_cast<std::size_t>(i)].dir;
    }
    return dirs;
}

void ComparePage::exportReport() {
    const QStringList dirs = checkedRunFolders();
    if (dirs.isEmpty()) {
        QMessageBox::information(this, tr("Export report"), tr("Check the runs to compare first."));
        return;
    }
    ReportDialog dialog(dirs, this);
    dialog.exec();
}

void ComparePage::addRun(const QString& dir) {
    m_list.add(dir);
    reload();
    for (int row = 0; row < runCount(); ++row)
        if (m_runs[static_cast<std::size_t>(row)].dir == dir) selectRun(row);
}

void ComparePage::reload() {
    m_runs.clear();
    const QSignalBlocker block(m_runList);
    m_runList->clear();
    for (const QString& dir : m_list.folders()) {
        QString error;
        auto run = readRun(dir, &error);
        if (!run) continue;  // a folder deleted since: kept in the list, shown again when it comes back
        auto* item = new QListWidgetItem(run->name, m_runList);
        item->setToolTip(run->dir);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
        m_runs.push_back(std::move(*run));
    }
    redraw();
    // The card never shows a run the list no longer has.
    if (std::none_of(m_runs.begin(), m_runs.end(), [this](const RunRecord& run) { return run.dir == m_card->runDir(); })) m_card->hide();
}

QStringList ComparePage::paretoRuns() const {
    // Dominance as the reports decide it (report_stats.h), so the page and a report agree.
    std::vector<report::ParetoPoint> points;
    for (const auto& run : m_runs) points.push_back({run.accuracy(), static_cast<double>(run.bytes())});
    const auto dominators = report::paretoDominators(points);
    QStringList front;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        if (!dominators[i]) front << m_runs[i].name;
    }
    return front;
}

void ComparePage::selectRun(int row) {
    if (row < 0 || row >= runCount()) return;
    if (m_runList->currentRow() != row) m_runList->setCurrentRow(row);
    if (m_table->currentRow() != row) m_table->setCurrentCell(row, 0);
    if (m_card->runDir() == m_runs[static_cast<std::size_t>(row)].dir && m_card->isVisibleTo(this)) return;
    m_card->showRun(m_runs[static_cast<std::size_t>(row)].dir);
}

void ComparePage::redraw() {
    m_curves->clearGraphs();
    m_scatter->clearGraphs();
    m_table->setRowCount(0);
    const QStringList front = paretoRuns();
    QVector<double> x, y, frontX, frontY;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const auto& run = m_runs[i];
        const QColor color = kColors[static_cast<int>(i) % kColors.size()];
        if (m_runList->item(static_cast<int>(i))->checkState() == Qt::Checked) {
            const auto it = run.valAccuracy.find(QStringLiteral("student"));
            if (it != run.valAccuracy.end()) {
                QCPGraph* graph = m_curves->addGraph();
                graph->setName(run.name);
                graph->setPen(QPen(color, 1.5));
                QVector<double> epochs;
                for (int e = 0; e < it->second.size(); ++e) epochs.push_back(e + 1);
                graph->setData(epochs, it->second, true);
            }
        }
        (front.contains(run.name) ? frontX : x).push_back(static_cast<double>(run.bytes()));
        (front.contains(run.name) ? frontY : y).push_back(run.accuracy());
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        // Repeats show mean +- standard deviation over their seeds.
        m_table->setItem(row, 0, readOnlyCell(run.seeds > 1 ? tr("%1 (%2 seeds)").arg(run.name).arg(run.seeds) : run.name));
        m_table->setItem(row, 1, readOnlyCell(accuracyText(run.teacherAccuracy, run.teacherStd)));
        m_table->setItem(row, 2, readOnlyCell(accuracyText(run.studentAccuracy, run.studentStd)));
        m_table->setItem(row, 3, readOnlyCell(run.compressedAccuracy ? accuracyText(*run.compressedAccuracy, run.compressedStd) : QStringLiteral("-")));
        m_table->setItem(row, 4, readOnlyCell(QLocale().toString(static_cast<qlonglong>(run.bytes()))));
        m_table->setItem(row, 5, readOnlyCell(front.contains(run.name) ? tr("yes") : QString()));
    }
    for (auto [xs, ys, color, name] : {std::tuple{&x, &y, QColor(0x9e9e9e), tr("runs")}, std::tuple{&frontX, &frontY, QColor(0xc62828), tr("Pareto front")}}) {
        QCPGraph* graph = m_scatter->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 8));
        graph->setData(*xs, *ys);
    }
    m_curves->rescaleAxes();
    // Room around the points (a factor of two in size, two points of accuracy), so none sits on the frame.
    double smallest = 1e18, largest = 1, worst = 1, best = 0;
    for (const auto& run : m_runs) {
        smallest = std::min(smallest, static_cast<double>(std::max<std::int64_t>(1, run.bytes())));
        largest = std::max(largest, static_cast<double>(run.bytes()));
        worst = std::min(worst, run.accuracy());
        best = std::max(best, run.accuracy());
    }
    if (!m_runs.empty()) {
        m_scatter->xAxis->setRange(smallest / 2, largest * 2);
        m_scatter->yAxis->setRange(std::max(0.0, worst - 0.02), std::min(1.0, best + 0.02));
    }
    m_curves->replot(QCustomPlot::rpQueuedReplot);  // drawn when the event loop gets to it, not inside a run's signal
    m_scatter->replot(QCustomPlot::rpQueuedReplot);
}

int ComparePage::scatterPointCount() const {
    int n = 0;
    for (int i = 0; i < m_scatter->graphCount(); ++i) n += m_scatter->graph(i)->dataCount();
    return n;
}

int ComparePage::curveCount() const { return m_curves->graphCount(); }

void ComparePage::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Add a run folder"));
    if (dir.isEmpty()) return;
    QString error;
    if (!readRun(dir, &error)) {
        QMessageBox::warning(this, tr("Not a run"), error);
        return;
    }
    addRun(dir);
}

void ComparePage::removeSelected() {
    const int row = m_runList->currentRow();
    if (row < 0 || row >= static_cast<int>(m_runs.size())) return;
    m_list.remove(m_runs[static_cast<std::size_t>(row)].dir);
    reload();
}

QString ComparePage::tableText(int row, int column) const {
    const QTableWidgetItem* item = m_table->item(row, column);
    return item ? item->text() : QString();
}

}  // namespace tinyforge::ui
