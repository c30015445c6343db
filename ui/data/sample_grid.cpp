#include "ui/data/sample_grid.h"

#include <QGridLayout>
#include <QImage>
#include <QLabel>
#include <QPixmap>

namespace tinyforge::ui {

QImage sampleImage(const core::data::Dataset& dataset, std::int64_t index) {
    const auto& shape = dataset.samples.sampleShape;
    const int channels = static_cast<int>(shape[0]);
    const int height = static_cast<int>(shape[1]);
    const int width = static_cast<int>(shape[2]);
    const std::uint8_t* pixels = dataset.samples.pixels.data() + index * dataset.sampleSize();
    const std::size_t plane = static_cast<std::size_t>(width) * height;
    QImage image(width, height, channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const std::size_t p = static_cast<std::size_t>(y) * width + x;
            if (channels == 1) {
                line[x] = pixels[p];
            } else {
                for (int c = 0; c < 3; ++c) line[3 * x + c] = pixels[c * plane + p];
            }
        }
    }
    return image;
}

SampleGrid::SampleGrid(QWidget* parent) : QWidget(parent), m_layout(new QGridLayout(this)) {
    m_layout->setSpacing(6);
}

int SampleGrid::tileCount() const { return m_layout->count(); }

void SampleGrid::setDataset(const core::data::Dataset& dataset, int count) {
    while (QLayoutItem* item = m_layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const auto& train = dataset.splits.train;
    if (train.empty() || dataset.samples.kind != core::data::SampleKind::Image) return;
    const int shown = std::min<int>(count, static_cast<int>(train.size()));
    const int columns = 8;
    for (int i = 0; i < shown; ++i) {
        const std::int64_t index = train[static_cast<std::size_t>(i) * train.size() / shown];
        auto* cell = new QLabel;
        cell->setPixmap(QPixmap::fromImage(sampleImage(dataset, index).scaled(64, 64, Qt::KeepAspectRatio)));
        cell->setToolTip(QString::fromStdString(dataset.samples.classNames[dataset.samples.labels[index]]) +
                         QStringLiteral(" (sample %1)").arg(index));
        auto* caption = new QLabel(QString::fromStdString(dataset.samples.classNames[dataset.samples.labels[index]]));
        caption->setAlignment(Qt::AlignHCenter);
        auto* box = new QWidget;
        auto* column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->addWidget(cell, 0, Qt::AlignHCenter);
        column->addWidget(caption);
        m_layout->addWidget(box, i / columns, i % columns);
    }
}

}  // namespace tinyforge::ui
