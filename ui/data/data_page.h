#pragma once
// The Data page: open a dataset of any supported format and see what it holds: format, splits, a class
// histogram, and a grid of sample images (or the first rows, for a table).

#include <QWidget>

#include <memory>

#include "core/data/dataset.h"
#include "core/data/load_options.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace tinyforge::ui {

class DatasetLoadWorker;
class SampleGrid;

class DataPage : public QWidget {
    Q_OBJECT
public:
    explicit DataPage(QWidget* parent = nullptr);

    /// Loads `path` in the background with the page's format choice; `loaded` or `loadFailed` follows.
    void load(const QString& path);
    /// The dataset shown now, or null before the first successful load.
    std::shared_ptr<const core::data::Dataset> dataset() const { return m_dataset; }
    /// What the page shows in its summary line (for tests and screenshots).
    QString summaryText() const;
    /// Bars in the class histogram.
    int histogramBarCount() const;
    /// Sample images shown in the grid (0 for tables).
    int sampleTileCount() const;

signals:
    void loaded(std::shared_ptr<const tinyforge::core::data::Dataset> dataset);
    void loadFailed(QString message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildLayout();
    void chooseFile();
    void chooseFolder();
    void showDataset(std::shared_ptr<const core::data::Dataset> dataset);
    void showHistogram(const core::data::Dataset& dataset);
    void showTable(const core::data::Dataset& dataset);
    void setBusy(bool busy);

    DatasetLoadWorker* m_worker = nullptr;
    std::shared_ptr<const core::data::Dataset> m_dataset;
    QLineEdit* m_path = nullptr;
    QComboBox* m_format = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QCustomPlot* m_histogram = nullptr;
    QStackedWidget* m_samples = nullptr;
    SampleGrid* m_grid = nullptr;
    QTableWidget* m_table = nullptr;
};

}  // namespace tinyforge::ui
