#include "ui/weights/weights_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include "ui/themed_plot.h"
#include "ui/model_colours.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

using core::pipeline::LayerWeights;
using core::pipeline::ModelWeights;

struct Loaded {
    std::vector<ModelWeights> models;
    QString error;
};

constexpr int kBins = 80;
constexpr std::int64_t kMaskLimit = 128 * 1024;  // weights a mask may have to be drawn cell by cell

}  // namespace

WeightsPage::WeightsPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_run = new RunPicker;
    m_layer = new QComboBox;
    m_layer->setToolTip(tr("A convolution or dense layer of the run's models"));
    row->addWidget(new QLabel(tr("Run")));
    row->addWidget(m_run, 2);
    row->addWidget(new QLabel(tr("Layer")));
    row->addWidget(m_layer, 1);
    m_phases = new QCheckBox(tr("Each compression phase"));
    m_phases->setChecked(true);
    m_phases->setToolTip(tr("Draw the weights as each compression phase left them (after pruning, clustering, QAT) beside the teacher, the student and the compressed model"));
    row->addWidget(m_phases);
    layout->addLayout(row);
    connect(m_phases, &QCheckBox::toggled, this, &WeightsPage::setPhasesShown);
    auto* splitter = new QSplitter(Qt::Horizontal);
    m_histogram = new ThemedPlot;
    m_histogram->setMinimumSize(320, 240);
    m_histogram->xAxis->setLabel(tr("weight value"));
    m_histogram->yAxis->setLabel(tr("weights per bin (zeros not drawn)"));
    m_histogram->legend->setVisible(true);
    // The legend below the chart, one row, so it never covers the bars.
    m_histogram->axisRect()->insetLayout()->take(m_histogram->legend);
    m_histogram->plotLayout()->addElement(1, 0, m_histogram->legend);
    m_histogram->plotLayout()->setRowStretchFactor(1, 0.001);
    m_histogram->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_histogram->legend->setWrap(3);  // up to six series: two rows, each name whole
    m_histogram->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_sparsity = new ThemedPlot;
    m_sparsity->setMinimumSize(240, 240);
    splitter->addWidget(m_histogram);
    splitter->addWidget(m_sparsity);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    connect(m_run, &QComboBox::currentIndexChanged, this, [this] { load(m_run->currentRun()); });
    connect(m_layer, &QComboBox::currentTextChanged, this, [this](const QString& layer) {
        if (!layer.isEmpty()) showLayer(layer);
    });
}

void WeightsPage::addRun(const QString& dir) {
    const bool same = m_run->currentRun() == dir;
    m_run->addRun(dir);
    if (same) load(dir);  // selecting the same run again changes no index: reload it (it may have finished since)
}

void WeightsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_loadedDir != m_run->currentRun()) load(m_run->currentRun());
}

void WeightsPage::setPhasesShown(bool shown) {
    if (m_phases->isChecked() != shown) m_phases->setChecked(shown);  // re-enters through toggled
    if (!m_layer->currentText().isEmpty()) showLayer(m_layer->currentText());
}

bool WeightsPage::shownModel(const std::string& model) const {
    return m_phases->isChecked() || model.rfind("compress_", 0) != 0;
}

void WeightsPage::load(const QString& dir) {
    m_loadedDir = dir;
    const int generation = ++m_generation;
    m_models.clear();
    m_layer->clear();
    m_histogram->clearPlottables();
    m_histogram->replot();
    if (dir.isEmpty()) return;
    m_summary->setText(tr("Reading the models of %1...").arg(dir));
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, generation] {
        Loaded result = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation) return;  // another run was chosen meanwhile
        if (!result.error.isEmpty()) {
            m_summary->setText(result.error);
            emit failed(result.error);
            return;
        }
        m_models = std::move(result.models);
        // The student's layers first (the ones compression works on), then the teacher's others.
        QStringList names;
        for (const auto& model : m_models) {
            for (const auto& layer : model.layers) {
                const QString name = QString::fromStdString(layer.name);
                if (!names.contains(name)) names << name;
            }
        }
        m_layer->addItems(names);
        if (names.isEmpty()) m_summary->setText(tr("This run's models have no layers the studio can see (an imported TorchScript model)."));
        emit loaded();
    });
    // Off the GUI thread: LibTorch reads the models.
    watcher->setFuture(QtConcurrent::run([dir] {
        Loaded out;
        try {
            out.models = core::pipeline::loadRunWeights(dir.toStdString());
        } catch (const std::exception& e) {  // the engine's errors name the file and what is wrong
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void WeightsPage::showLayer(const QString& layer) {
    if (m_layer->currentText() != layer) {
        m_layer->setCurrentText(layer);  // draws through the signal
        return;
    }
    drawHistogram(layer);
    drawSparsity(layer);
}

void WeightsPage::drawHistogram(const QString& layerName) {
    m_histogram->clearPlottables();
    m_histogram->clearItems();
    m_seriesWeights.clear();
    m_seriesNames.clear();
    m_centroids = 0;
    const std::string name = layerName.toStdString();
    // One bin width for every model, over the range of all their non-zero weights.
    float lo = 0, hi = 0;
    bool any = false;
    for (const auto& model : m_models) {
        if (const auto* layer = model.find(name)) {
            for (const float v : layer->values) {
                if (v == 0.0f) continue;
                lo = any ? std::min(lo, v) : v;
                hi = any ? std::max(hi, v) : v;
                any = true;
            }
        }
    }
    if (!any) hi = lo + 1;
    const double width = (hi - lo) / kBins > 0 ? (hi - lo) / kBins : 1.0;
    QStringList lines;
    for (const auto& model : m_models) {
        const LayerWeights* layer = model.find(name);
        if (!layer || !shownModel(model.model)) continue;
        std::vector<double> counts(kBins, 0.0);
        for (const float v : layer->values) {
            if (v == 0.0f) continue;
            counts[static_cast<std::size_t>(std::clamp(static_cast<int>((v - lo) / width), 0, kBins - 1))] += 1;
        }
        QVector<double> x, y;
        for (int b = 0; b < kBins; ++b) {
            x << lo + (b + 0.5) * width;
            y << counts[static_cast<std::size_t>(b)];
        }
        const QString title = snapshotTitle(QString::fromStdString(model.model));
        const QColor colour = snapshotColour(QString::fromStdString(model.model));
        auto* graph = m_histogram->addGraph();
        graph->setLineStyle(QCPGraph::lsStepCenter);
        graph->setPen(QPen(colour, 2));
        QColor fill = colour;
        fill.setAlpha(40);
        graph->setBrush(fill);
        graph->setData(x, y);
        const auto total = static_cast<std::int64_t>(layer->values.size()), zeros = layer->zeros();
        graph->setName(tr("%1 (%2, %3 zero)").arg(title).arg(total).arg(zeros));
        m_seriesWeights.push_back(total);
        m_seriesNames << title;
        lines << tr("%1 %2 weights, %3% zero (not drawn)")
                     .arg(title)
                     .arg(total)
                     .arg(total ? 100.0 * static_cast<double>(zeros) / static_cast<double>(total) : 0.0, 0, 'f', 1);
        if (model.model == "compressed") {
            // Clustering leaves a few shared values: each is marked where it stands.
            const auto shared = layer->sharedValues(64);
            for (const float c : shared) {
                auto* mark = new QCPItemStraightLine(m_histogram);
                mark->point1->setCoords(c, 0);
                mark->point2->setCoords(c, 1);
                mark->setPen(QPen(colour, 1, Qt::DashLine));
            }
            m_centroids = static_cast<int>(shared.size());
            if (!shared.empty()) lines << tr("%1 shared values (the clusters' centroids, dashed)").arg(shared.size());
        }
    }
    m_histogram->legend->setVisible(true);
    m_histogram->rescaleAxes();
    m_histogram->yAxis->setRangeLower(0);
    m_histogram->replot();
    m_summary->setText(tr("%1: %2").arg(layerName, lines.join(QStringLiteral("; "))));
}

void WeightsPage::drawSparsity(const QString& layerName) {
    m_sparsity->clearPlottables();
    m_sparsity->clearItems();
    m_sparsityCells = m_maskCells = 0;
    const ModelWeights* compressed = nullptr;
    for (const auto& model : m_models) {
        if (model.model == "compressed") compressed = &model;
    }
    const ModelWeights* shown = compressed ? compressed : (m_models.empty() ? nullptr : &m_models.back());
    if (!shown) {
        m_sparsity->replot();
        return;
    }
    const LayerWeights* layer = shown->find(layerName.toStdString());
    auto* map = new QCPColorMap(m_sparsity->xAxis, m_sparsity->yAxis);
    map->setGradient(QCPColorGradient::gpThermal);
    map->setInterpolate(false);
    if (layer && static_cast<std::int64_t>(layer->values.size()) <= kMaskLimit && !layer->shape.empty()) {
        // The mask: one row per output channel, one column per weight of its filter; kept weights bright.
        const int rows = static_cast<int>(layer->shape[0]);
        const int columns = static_cast<int>(layer->values.size()) / std::max(rows, 1);
        map->data()->setSize(columns, rows);
        map->data()->setRange(QCPRange(0, columns - 1), QCPRange(0, rows - 1));
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < columns; ++c) map->data()->setCell(c, r, layer->values[static_cast<std::size_t>(r * columns + c)] != 0.0f ? 1.0 : 0.0);
        }
        map->setDataRange(QCPRange(0, 1));
        m_maskCells = rows * columns;
        m_sparsity->xAxis->setLabel(tr("weight of the filter"));
        m_sparsity->yAxis->setLabel(tr("output channel (%1 mask: bright = kept)").arg(QString::fromStdString(shown->model)));
    } else {
        // Too large to read cell by cell: each layer's sparsity as a strip, the chosen one among them.
        const int n = static_cast<int>(shown->layers.size());
        map->data()->setSize(n, 1);
        map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, 0));
        for (int i = 0; i < n; ++i) {
            const auto& l = shown->layers[static_cast<std::size_t>(i)];
            map->data()->setCell(i, 0, l.values.empty() ? 0.0 : static_cast<double>(l.zeros()) / static_cast<double>(l.values.size()));
        }
        map->setDataRange(QCPRange(0, 1));
        m_sparsityCells = n;
        m_sparsity->xAxis->setLabel(tr("layer (%1), sparsity 0 dark to 1 bright").arg(QString::fromStdString(shown->model)));
        m_sparsity->yAxis->setLabel(QString());
    }
    m_sparsity->rescaleAxes();
    m_sparsity->replot();
}

QStringList WeightsPage::layers() const {
    QStringList names;
    for (int i = 0; i < m_layer->count(); ++i) names << m_layer->itemText(i);
    return names;
}

int WeightsPage::histogramSeries() const { return m_histogram->graphCount(); }

std::int64_t WeightsPage::histogramWeights(int series) const { return m_seriesWeights.at(static_cast<std::size_t>(series)); }

int WeightsPage::centroidMarks() const { return m_centroids; }

int WeightsPage::sparsityCells() const { return m_sparsityCells; }

int WeightsPage::maskCells() const { return m_maskCells; }

QString WeightsPage::summaryText() const { return m_summary->text(); }

}  // namespace tinyforge::ui
