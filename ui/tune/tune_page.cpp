#include "ui/tune/tune_page.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "ui/themed_plot.h"

#include "ui/project/recipe_document.h"

namespace tinyforge::ui {

namespace {
// Defaults as the engine applies them (docs/compression.md), shown when a section leaves a field out.
const nlohmann::json kDefaults = {
    {"distill", {{"temperature", 4.0}, {"alpha", 0.7}}},
    {"prune", {{"initial_sparsity", 0.0}, {"final_sparsity", 0.9}, {"begin_step", 0}, {"interval", 100}, {"updates", 10}, {"exponent", 3.0}}},
    {"cluster", {{"clusters", 16}, {"init", "linear"}}},
    {"quantize", {{"mode", "ptq"}, {"weight_bits", 8}, {"activation_bits", 8}, {"noise", 0.0}}},
};

nlohmann::json defaultFor(const std::string& path) {
    const auto dot = path.find('.');
    return kDefaults.at(path.substr(0, dot)).at(path.substr(dot + 1));
}
}  // namespace

TunePage::TunePage(RecipeDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    auto* grid = new QGridLayout(this);
    grid->addWidget(buildDistill(), 0, 0);
    grid->addWidget(buildCluster(), 1, 0);
    grid->addWidget(buildQuantize(), 2, 0);
    grid->addWidget(buildPrune(), 0, 1, 3, 1);
    grid->setColumnStretch(1, 2);
    connect(m_document, &RecipeDocument::changed, this, [this] {
        if (!m_loading) loadFromDocument();
    });
    loadFromDocument();
}

QDoubleSpinBox* TunePage::number(const std::string& path, double min, double max, double step, int decimals, const QString& tip) {
    auto* box = new QDoubleSpinBox;
    box->setRange(min, max);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setToolTip(tip);
    connect(box, &QDoubleSpinBox::valueChanged, this, [this, path](double v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v);
        m_loading = false;
        plotCurve();
    });
    m_loaders.push_back([this, box, path] { box->setValue(m_document->value(path, defaultFor(path)).get<double>()); });
    return box;
}

QSpinBox* TunePage::integer(const std::string& path, int min, int max, const QString& tip) {
    auto* box = new QSpinBox;
    box->setRange(min, max);
    box->setToolTip(tip);
    connect(box, &QSpinBox::valueChanged, this, [this, path](int v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v);
        m_loading = false;
        plotCurve();
    });
    m_loaders.push_back([this, box, path] { box->setValue(m_document->value(path, defaultFor(path)).get<int>()); });
    return box;
}

QComboBox* TunePage::choice(const std::string& path, const QStringList& values, const QString& tip) {
    auto* box = new QComboBox;
    box->addItems(values);
    box->setToolTip(tip);
    connect(box, &QComboBox::currentTextChanged, this, [this, path](const QString& v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v.toStdString());
        m_loading = false;
    });
    m_loaders.push_back([this, box, path] {
        box->setCurrentText(QString::fromStdString(m_document->value(path, defaultFor(path)).get<std::string>()));
    });
    return box;
}

// A checkable group is its recipe section: unchecking removes the section, checking adds it with what it shows.
void TunePage::bindSection(QGroupBox* group, const std::string& section) {
    group->setCheckable(true);
    connect(group, &QGroupBox::toggled, this, [this, section](bool on) {
        if (m_loading) return;
        m_loading = true;
        if (on) m_document->setValue(section, m_document->value(section, nlohmann::json::object()).is_object() ? m_document->value(section, nlohmann::json::object()) : nlohmann::json::object());
        else m_document->remove(section);
        m_loading = false;
        plotCurve();
    });
    m_loaders.push_back([this, group, section] { group->setChecked(m_document->value(section).is_object()); });
}

QGroupBox* TunePage::buildDistill() {
    auto* group = new QGroupBox(tr("Distillation"));
    auto* form = new QFormLayout(group);
    m_temperature = number("distill.temperature", 0.5, 50, 0.5, 1,
                           tr("Temperature T of the softened softmax: p_i = exp(z_i / T) / sum_j exp(z_j / T)"));
    form->addRow(tr("Temperature T"), m_temperature);
    form->addRow(tr("Alpha"), number("distill.alpha", 0, 1, 0.05, 2,
                                     tr("Loss = alpha * T^2 * H(teacher_T, student_T) + (1 - alpha) * H(labels, student_1)")));
    return group;
}

QGroupBox* TunePage::buildPrune() {
    m_prune = new QGroupBox(tr("Gradual magnitude pruning"));
    bindSection(m_prune, "prune");
    auto* layout = new QVBoxLayout(m_prune);
    auto* form = new QFormLayout;
    const QString curve = tr("s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n dt))^e");
    form->addRow(tr("Initial sparsity s_i"), number("prune.initial_sparsity", 0, 0.99, 0.05, 2, curve));
    m_final = number("prune.final_sparsity", 0, 0.99, 0.05, 2, curve);
    form->addRow(tr("Final sparsity s_f"), m_final);
    form->addRow(tr("Begin step t0"), integer("prune.begin_step", 0, 1000000, tr("First pruning step t0 (optimiser steps of the phase). ") + curve));
    form->addRow(tr("Interval dt"), integer("prune.interval", 1, 100000, tr("Steps between mask updates dt. ") + curve));
    form->addRow(tr("Updates n"), integer("prune.updates", 1, 10000, tr("Number of mask updates n. ") + curve));
    form->addRow(tr("Exponent e"), number("prune.exponent", 0.1, 10, 0.5, 1, tr("Curve exponent e (3 in Zhu & Gupta). ") + curve));
    layout->addLayout(form);
    m_curve = new ThemedPlot;
    m_curve->setMinimumHeight(220);
    m_curve->addGraph();
    m_curve->xAxis->setLabel(tr("step t"));
    m_curve->yAxis->setLabel(tr("sparsity s_t"));
    m_curve->yAxis->setRange(0, 1);
    layout->addWidget(m_curve, 1);
    return m_prune;
}

QGroupBox* TunePage::buildCluster() {
    auto* group = new QGroupBox(tr("Weight clustering"));
    bindSection(group, "cluster");
    auto* form = new QFormLayout(group);
    form->addRow(tr("Clusters k"), integer("cluster.clusters", 2, 256,
                                            tr("k shared values per layer; k-means minimises sum_j sum_(w in C_j) (w - c_j)^2")));
    form->addRow(tr("Centroid init"), choice("cluster.init", {"linear", "random", "density", "kmeans++"},
                                             tr("linear: evenly from min to max; random: k weights; density: quantiles (j + 1/2) / k; kmeans++")));
    m_layerClusters = new QTableWidget(0, 2);
    m_layerClusters->setHorizontalHeaderLabels({tr("Layer"), tr("Clusters")});
    m_layerClusters->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_layerClusters->verticalHeader()->hide();
    m_layerClusters->setToolTip(tr("A layer's own k (cluster.layers); \"global\" uses the count above"));
    form->addRow(tr("Per layer"), m_layerClusters);
    m_loaders.push_back([this] { loadLayerClusters(); });
    return group;
}

QGroupBox* TunePage::buildQuantize() {
    auto* group = new QGroupBox(tr("Quantization"));
    bindSection(group, "quantize");
    auto* form = new QFormLayout(group);
    const QString affine = tr("q = clamp(round(x / scale) + zero_point, qmin, qmax); x = scale (q - zero_point)");
    form->addRow(tr("Mode"), choice("quantize.mode", {"ptq", "qat"}, tr("ptq: calibrate and round; qat: fine-tune through fake quantization first")));
    form->addRow(tr("Weight bits"), integer("quantize.weight_bits", 2, 8, tr("Symmetric weights: qmax = 2^(b-1) - 1. ") + affine));
    form->addRow(tr("Activation bits"), integer("quantize.activation_bits", 2, 8, tr("Affine activations. ") + affine));
    form->addRow(tr("Noise"), number("quantize.noise", 0, 1, 0.05, 2, tr("Share of weight blocks quantized per QAT pass (Fan et al. 2020); 0 = all")));
    return group;
}

void TunePage::setLayers(const QStringList& names) {
    m_layerClusters->setRowCount(0);
    for (const QString& name : names) {
        const int row = m_layerClusters->rowCount();
        m_layerClusters->insertRow(row);
        auto* item = new QTableWidgetItem(name);
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        m_layerClusters->setItem(row, 0, item);
        auto* box = new QSpinBox;
        box->setRange(0, 256);
        box->setSpecialValueText(tr("global"));
        connect(box, &QSpinBox::valueChanged, this, [this, name](int k) {
            if (m_loading) return;
            m_loading = true;
            const std::string path = "cluster.layers." + name.toStdString();
            if (k >= 2) m_document->setValue(path, k);
            else m_document->remove(path);
            m_loading = false;
        });
        m_layerClusters->setCellWidget(row, 1, box);
    }
    m_loading = true;
    loadLayerClusters();
    m_loading = false;
}

void TunePage::setLayerClusters(const QString& layer, int clusters) {
    for (int row = 0; row < m_layerClusters->rowCount(); ++row) {
        if (m_layerClusters->item(row, 0)->text() == layer) static_cast<QSpinBox*>(m_layerClusters->cellWidget(row, 1))->setValue(clusters);
    }
}

void TunePage::loadLayerClusters() {
    for (int row = 0; row < m_layerClusters->rowCount(); ++row) {
        const std::string path = "cluster.layers." + m_layerClusters->item(row, 0)->text().toStdString();
        static_cast<QSpinBox*>(m_layerClusters->cellWidget(row, 1))->setValue(m_document->value(path, 0).get<int>());
    }
}

void TunePage::loadFromDocument() {
    m_loading = true;
    for (const auto& load : m_loaders) load();
    m_loading = false;
    plotCurve();
}

core::compress::SparsitySchedule TunePage::schedule() const {
    core::compress::SparsitySchedule s;
    s.initial = m_document->value("prune.initial_sparsity", defaultFor("prune.initial_sparsity")).get<double>();
    s.final = m_document->value("prune.final_sparsity", defaultFor("prune.final_sparsity")).get<double>();
    s.begin = m_document->value("prune.begin_step", defaultFor("prune.begin_step")).get<std::int64_t>();
    s.interval = m_document->value("prune.interval", defaultFor("prune.interval")).get<std::int64_t>();
    s.count = m_document->value("prune.updates", defaultFor("prune.updates")).get<std::int64_t>();
    s.exponent = m_document->value("prune.exponent", defaultFor("prune.exponent")).get<double>();
    return s;
}

void TunePage::plotCurve() {
    const auto s = schedule();
    const std::int64_t end = s.begin + s.interval * s.count;
    const std::int64_t last = end + std::max<std::int64_t>(1, (end - s.begin) / 5);
    const int points = 400;
    QVector<double> t, y;
    for (int i = 0; i <= points; ++i) {
        const auto step = static_cast<std::int64_t>(static_cast<double>(last) * i / points);
        t.push_back(static_cast<double>(step));
        y.push_back(core::compress::sparsityAt(s, step));
    }
    m_curve->graph(0)->setData(t, y, true);
    m_curve->xAxis->setRange(0, static_cast<double>(last));
    m_curve->graph(0)->setPen(QPen(m_prune->isChecked() ? QColor(0x1565c0) : QColor(0x9e9e9e), 2));
    m_curve->replot();
}

int TunePage::curvePointCount() const { return m_curve->graph(0)->dataCount(); }

double TunePage::curveFinalValue() const {
    const auto* points = m_curve->graph(0)->data().data();
    return points->isEmpty() ? 0.0 : (points->constEnd() - 1)->value;
}

}  // namespace tinyforge::ui
