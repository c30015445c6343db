#include "ui/devices/layer_profile_view.h"

#include <QLabel>

#include <algorithm>
#include <QVBoxLayout>

#include "ui/themed_plot.h"

namespace tinyforge::ui {

LayerProfileView::LayerProfileView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_caption = new QLabel(tr("Profile a run on a board to see each op's share."));
    m_caption->setWordWrap(true);
    m_plot = new ThemedPlot;
    m_plot->setMinimumHeight(180);
    m_plot->legend->setVisible(true);
    // The legend in a row of its own above the bars, laid out across, so it never covers one.
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_plot->legend);
    m_plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_plot->plotLayout()->setRowStretchFactor(0, 0.001);
    m_plot->yAxis2->setVisible(true);
    layout->addWidget(m_caption);
    layout->addWidget(m_plot, 1);
}

void LayerProfileView::showDevice(const core::results::DeviceResult& entry) {
    m_plot->clearPlottables();
    for (QCPAxis* extra : m_plot->axisRect()->axes(QCPAxis::atRight)) {
        if (extra != m_plot->yAxis2) m_plot->axisRect()->removeAxis(extra);
    }
    if (entry.layers.empty()) {
        m_caption->setText(tr("%1 over %2 reports no per-op figures (Linux boards are timed as a whole).")
                               .arg(QString::fromStdString(entry.board), QString::fromStdString(entry.backend)));
        m_plot->replot();
        return;
    }
    const QString unit = QString::fromStdString(entry.count_unit.value_or("cycles"));
    m_caption->setText(tr("%1 over %2 (%3): %4 per op, the mean over %5 samples, beside the host's MACs and weight bytes")
                           .arg(QString::fromStdString(entry.board), QString::fromStdString(entry.backend),
                                QString::fromStdString(entry.measured_on), unit)
                           .arg(entry.samples));
    QCPAxis* bytesAxis = m_plot->axisRect()->addAxis(QCPAxis::atRight);
    auto* group = new QCPBarsGroup(m_plot);
    const auto series = [&](QCPAxis* axis, const QString& name, const QColor& colour) {
        auto* bars = new QCPBars(m_plot->xAxis, axis);
        bars->setName(name);
        bars->setBrush(colour);
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.25);
        bars->setBarsGroup(group);
        return bars;
    };
    QCPBars* device = series(m_plot->yAxis, tr("device %1").arg(unit), palette().highlight().color());
    QCPBars* macs = series(m_plot->yAxis2, tr("MACs (host)"), QColor(0x2e, 0x7d, 0x32));
    QCPBars* bytes = series(bytesAxis, tr("weight bytes (host)"), QColor(0xef, 0x6c, 0x00));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (const auto& layer : entry.layers) {
        const double key = static_cast<double>(layer.op + 1);
        device->addData(key, static_cast<double>(layer.count));
        macs->addData(key, static_cast<double>(layer.macs));
        bytes->addData(key, static_cast<double>(layer.weight_bytes));
        ticker->addTick(key, QString::fromStdString(layer.name.empty() ? "op " + std::to_string(layer.op) : layer.name));
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(entry.layers.size() > 6 ? 40 : 0);
    m_plot->xAxis->setRange(0.4, static_cast<double>(entry.layers.size()) + 0.6);
    m_plot->yAxis->setLabel(unit);
    m_plot->yAxis2->setLabel(tr("MACs"));
    bytesAxis->setLabel(tr("bytes"));
    for (QCPBars* bars : {device, macs, bytes}) {  // from zero, with a margin above the tallest bar
        bars->rescaleValueAxis(false, true);
        QCPAxis* axis = bars->valueAxis();
        axis->setRange(0, std::max(1.0, axis->range().upper * 1.1));
    }
    m_plot->replot();
}

int LayerProfileView::opCount() const {
    auto* bars = m_plot->plottableCount() > 0 ? qobject_cast<QCPBars*>(m_plot->plottable(0)) : nullptr;
    return bars ? bars->dataCount() : 0;
}

QString LayerProfileView::caption() const { return m_caption->text(); }

double LayerProfileView::deviceBar(int op) const {
    auto* bars = qobject_cast<QCPBars*>(m_plot->plottable(0));
    return bars ? bars->data()->at(op)->value : 0;
}

}  // namespace tinyforge::ui
