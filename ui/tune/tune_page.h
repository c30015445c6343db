#pragma once
// The Tune page: distillation (temperature, alpha), the gradual-pruning sparsity curve with a live plot of s_t,
// clustering (count, centroid initialisation) and quantization (bits, PTQ or QAT, noise). Every control writes its
// recipe field at once. Ranges, defaults and tooltips (with the formula each field feeds) come from the recipe's
// field table in core (core/recipe/recipe_schema.h); the page keeps none of its own.

#include <QWidget>

#include <functional>
#include <vector>

#include "core/compress/sparsity_schedule.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QGroupBox;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace tinyforge::ui {

class RecipeDocument;
class RecipeForm;

class TunePage : public QWidget {
    Q_OBJECT
public:
    TunePage(RecipeDocument* document, QWidget* parent = nullptr);

    /// The schedule the curve editor shows, as the recipe holds it.
    core::compress::SparsitySchedule schedule() const;
    /// Points of the plotted curve and its last value (for tests).
    int curvePointCount() const;
    double curveFinalValue() const;

    QDoubleSpinBox* temperatureBox() const { return m_temperature; }
    QDoubleSpinBox* finalSparsityBox() const { return m_final; }
    QGroupBox* pruneGroup() const { return m_prune; }

    /// The student's weighted layers, each offered its own cluster count (cluster.layers).
    void setLayers(const QStringList& names);
    /// Sets one layer's cluster count as its spin box would (0: the global count).
    void setLayerClusters(const QString& layer, int clusters);

    /// Every other recipe setting as a form (the "All settings" tab), and showing that tab.
    RecipeForm* recipeForm() const { return m_form; }
    void showAllSettings(bool all);

private:
    QGroupBox* buildDistill();
    QGroupBox* buildPrune();
    QGroupBox* buildCluster();
    QGroupBox* buildQuantize();
    // Controls bound to a recipe field: range, choices, default and tooltip come from the recipe's field table.
    QDoubleSpinBox* number(const std::string& path, double step, int decimals);
    QSpinBox* integer(const std::string& path);
    QComboBox* choice(const std::string& path);
    void bindSection(QGroupBox* group, const std::string& section);
    void loadFromDocument();
    void plotCurve();
    void loadLayerClusters();

    RecipeDocument* m_document;
    RecipeForm* m_form = nullptr;
    QTabWidget* m_tabs = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QDoubleSpinBox* m_final = nullptr;
    QGroupBox* m_prune = nullptr;
    QCustomPlot* m_curve = nullptr;
    QTableWidget* m_layerClusters = nullptr;
    bool m_loading = false;
    std::vector<std::function<void()>> m_loaders;  ///< each control's read-back from the document
};

}  // namespace tinyforge::ui
