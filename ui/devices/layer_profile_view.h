#pragma once
// One device profile's ops as a bar chart: each op's count on the device (instructions or cycles, as the entry
// says) beside the host's figures for it, its multiply-accumulates and weight bytes, each on its own axis.

#include <QWidget>

#include "core/results/run_summary.h"

class QLabel;

namespace tinyforge::ui {

class ThemedPlot;

class LayerProfileView : public QWidget {
    Q_OBJECT
public:
    explicit LayerProfileView(QWidget* parent = nullptr);

    /// Draws `entry`'s layers; an entry without any (a Linux board) clears the chart and says why.
    void showDevice(const core::results::DeviceResult& entry);

    // For tests.
    int opCount() const;        ///< ops drawn
    QString caption() const;    ///< the line above the chart
    double deviceBar(int op) const;  ///< the device bar's height for op (its count)

private:
    QLabel* m_caption;
    ThemedPlot* m_plot;
};

}  // namespace tinyforge::ui
