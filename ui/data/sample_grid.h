#pragma once
// A grid of sample images from a dataset, each captioned with its class.

#include <QWidget>

#include "core/data/dataset.h"

class QGridLayout;

namespace tinyforge::ui {

class SampleGrid : public QWidget {
    Q_OBJECT
public:
    explicit SampleGrid(QWidget* parent = nullptr);
    /// Shows up to `count` training images, spread evenly over the split so several classes appear.
    void setDataset(const core::data::Dataset& dataset, int count = 32);

    /// Number of images shown.
    int tileCount() const;

private:
    QGridLayout* m_layout = nullptr;
};

/// The image of sample `index` as a QImage (grayscale or RGB), for display.
QImage sampleImage(const core::data::Dataset& dataset, std::int64_t index);

}  // namespace tinyforge::ui
