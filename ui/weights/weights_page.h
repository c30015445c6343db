#pragma once
// The Weights page: what compression did to a finished run's weights, the picture of Deep Compression. For a chosen
// layer, the histogram of its weights in the teacher (when it has a layer of that name), the distilled student and
// the compressed model, with exact zeros counted apart (pruning's, not drawn) and the compressed layer's shared
// values (clustering's centroids) marked; beside it, each layer's sparsity as a heat strip and, for a layer small
// enough to read, its mask (which weights pruning kept). The models load on a worker thread.

#include <QWidget>

#include <vector>

#include "core/pipeline/run_weights.h"

class QCheckBox;
class QComboBox;
class QLabel;

namespace tinyforge::ui {

class RunPicker;
class ThemedPlot;

class WeightsPage : public QWidget {
    Q_OBJECT
public:
    explicit WeightsPage(QWidget* parent = nullptr);

    /// Offers `dir` (a run folder), selects it and loads its weights; `loaded` or `failed` follows.
    void addRun(const QString& dir);
    /// Draws `layer` of the loaded run (a name the layer list offers).
    void showLayer(const QString& layer);

    // For tests: the layers offered, the histogram's series (one per model) with the weights each counts (zeros
    // included), the centroid marks, and the heat strip's and mask's cells.
    QStringList layers() const;
    int histogramSeries() const;
    std::int64_t histogramWeights(int series) const;
    int centroidMarks() const;
    int sparsityCells() const;
    int maskCells() const;
    QString summaryText() const;
    /// The histogram's series names, in order ("teacher", "student", "after pruning", ..., "compressed").
    QStringList seriesNames() const { return m_seriesNames; }
    /// Whether each compression phase's snapshot is drawn beside the teacher, the student and the compressed model.
    void setPhasesShown(bool shown);

signals:
    void loaded();
    void failed(QString message);

protected:
    /// A run picked before the page was ever shown (the saved list at start-up) is loaded when it first shows.
    void showEvent(QShowEvent* event) override;

private:
    void load(const QString& dir);
    bool shownModel(const std::string& model) const;
    void drawHistogram(const QString& layer);
    void drawSparsity(const QString& layer);

    RunPicker* m_run;
    QComboBox* m_layer;
    ThemedPlot* m_histogram;
    ThemedPlot* m_sparsity;
    QLabel* m_summary;
    std::vector<core::pipeline::ModelWeights> m_models;
    std::vector<std::int64_t> m_seriesWeights;
    QStringList m_seriesNames;
    QCheckBox* m_phases;
    QString m_loadedDir;  ///< the run whose models are loaded or loading
    int m_centroids = 0, m_sparsityCells = 0, m_maskCells = 0;
    int m_generation = 0;  ///< the load whose result is still wanted
};

}  // namespace tinyforge::ui
