#include "ui/tune/tune_page.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <qcustomplot.h>

#include "ui/themed_plot.h"

#include "core/recipe/recipe_schema.h"
#include "ui/project/recipe_document.h"
#include "ui/project/recipe_form.h"

namespace tinyforge::ui {

namespace {

const core::recipe::FieldSpec& fieldAt(const std::string& path) {
    const auto* field = core::recipe::recipeField(path);
    if (!field) throw std::logic_error("the Tune page binds '" + path + "', which the recipe table does not describe");
    return *field;
}

// The value the engine uses when the recipe leaves the field out.
nlohmann::json defaultFor(const std::string& path) { return fieldAt(path).fallback; }

QString tooltipFor(const std::string& path) { return QString::fromStdString(fieldAt(path).tooltip()); }

// The document's value at `path` when it has the right type, else the engine's default: a control never throws on a
// value it cannot show (the engine refuses such a recipe with the field's name when it runs).
template <class T>
T valueAt(const RecipeDocument& document, const std::string& path) {
    const auto value = document.value(path, defaultFor(path));
    const bool fits = std::is_same_v<T, std::string> ? value.is_string() : std::is_integral_v<T> ? value.is_number_integer() : value.is_number();
    return (fits ? value : defaultFor(path)).template get<T>();
}

}  // namespace

TunePage::TunePage(RecipeDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    // The compression knobs with their curve, and every other setting of the recipe as a form.
    auto* tabs = new QTabWidget;
    tabs->setDocumentMode(true);
    auto* compression = new QWidget;
    tabs->addTab(compression, tr("Distil and compress"));
    m_form = new RecipeForm(document);
    tabs->addTab(m_form, tr("All settings"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(tabs);
    m_tabs = tabs;
    auto* grid = new QGridLayout(compression);
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

void TunePage::showAllSettings(bool all) { m_tabs->setCurrentIndex(all ? 1 : 0); }

QDoubleSpinBox* TunePage::number(const std::string& path, double step, int decimals) {
    const auto& field = fieldAt(path);
    auto* box = new QDoubleSpinBox;
    box->setDecimals(decimals);
    // An open lower bound (temperature > 0) starts at the smallest value the box can show.
    box->setRange(field.minExclusive ? field.min + std::pow(10.0, -decimals) : field.min, field.max);
    box->setSingleStep(step);
    box->setToolTip(tooltipFor(path));
    connect(box, &QDoubleSpinBox::valueChanged, this, [this, path](double v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v);
        m_loading = false;
        plotCurve();
    });
    m_loaders.push_back([this, box, path] { box->setValue(valueAt<double>(*m_document, path)); });
    return box;
}

QSpinBox* TunePage::integer(const std::string& path) {
    const auto& field = fieldAt(path);
    auto* box = new QSpinBox;
    const auto clamp = [](double x) { return static_cast<int>(std::clamp<double>(x, std::numeric_limits<int>::min(), std::numeric_limits<int>::max())); };
    box->setRange(clamp(field.min), clamp(field.max));
    box->setToolTip(tooltipFor(path));
    connect(box, &QSpinBox::valueChanged, this, [this, path](int v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v);
        m_loading = false;
        plotCurve();
    });
    m_loaders.push_back([this, box, path] { box->setValue(valueAt<int>(*m_document, path)); });
    return box;
}

QComboBox* TunePage::choice(const std::string& path) {
    auto* box = new QComboBox;
    for (const auto& value : fieldAt(path).choices) box->addItem(QString::fromStdString(value));
    box->setToolTip(tooltipFor(path));
    connect(box, &QComboBox::currentTextChanged, this, [this, path](const QString& v) {
        if (m_loading) return;
        m_loading = true;
        m_document->setValue(path, v.toStdString());
        m_loading = false;
    });
    m_loaders.push_back([this, box, path] {
        box->setCurrentText(QString::fromStdString(valueAt<std::string>(*m_document, path)));
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
    m_temperature = number("distill.temperature", 0.5, 1);
    form->addRow(tr("Temperature T"), m_temperature);
    form->addRow(tr("Alpha"), number("distill.alpha", 0.05, 2));
    return group;
}

QGroupBox* TunePage::buildPrune() {
    m_prune = new QGroupBox(tr("Gradual magnitude pruning"));
    bindSection(m_prune, "prune");
    auto* layout = new QVBoxLayout(m_prune);
    auto* form = new QFormLayout;
    form->addRow(tr("Initial sparsity s_i"), number("prune.initial_sparsity", 0.05, 3));
    m_final = number("prune.final_sparsity", 0.05, 3);
    form->addRow(tr("Final sparsity s_f"), m_final);
    form->addRow(tr("Begin step t0"), integer("prune.begin_step"));
    form->addRow(tr("Interval dt"), integer("prune.interval"));
    form->addRow(tr("Updates n"), integer("prune.updates"));
    form->addRow(tr("Exponent e"), number("prune.exponent", 0.5, 2));
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
    form->addRow(tr("Clusters k"), integer("cluster.clusters"));
    form->addRow(tr("Centroid init"), choice("cluster.init"));
    m_layerClusters = new QTableWidget(0, 2);
    m_layerClusters->setHorizontalHeaderLabels({tr("Layer"), tr("Clusters")});
    m_layerClusters->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_layerClusters->verticalHeader()->hide();
    m_layerClusters->setToolTip(tooltipFor("cluster.layers") + tr("; \"global\" uses the count above"));
    form->addRow(tr("Per layer"), m_layerClusters);
    m_loaders.push_back([this] { loadLayerClusters(); });
    return group;
}

QGroupBox* TunePage::buildQuantize() {
    auto* group = new QGroupBox(tr("Quantization"));
    bindSection(group, "quantize");
    auto* form = new QFormLayout(group);
    form->addRow(tr("Mode"), choice("quantize.mode"));
    form->addRow(tr("Weight bits"), integer("quantize.weight_bits"));
    form->addRow(tr("Activation bits"), integer("quantize.activation_bits"));
    form->addRow(tr("Noise"), number("quantize.noise", 0.05, 2));
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
        box->setRange(0, static_cast<int>(fieldAt("cluster.layers").max));  // 0: "global"
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
        const auto k = m_document->value(path, 0);
        static_cast<QSpinBox*>(m_layerClusters->cellWidget(row, 1))->setValue(k.is_number_integer() ? k.get<int>() : 0);
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
    s.initial = valueAt<double>(*m_document, "prune.initial_sparsity");
    s.final = valueAt<double>(*m_document, "prune.final_sparsity");
    s.begin = valueAt<std::int64_t>(*m_document, "prune.begin_step");
    s.interval = valueAt<std::int64_t>(*m_document, "prune.interval");
    s.count = valueAt<std::int64_t>(*m_document, "prune.updates");
    s.exponent = valueAt<double>(*m_document, "prune.exponent");
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
