#include "ui/themed_plot.h"

namespace tinyforge::ui {

ThemedPlot::ThemedPlot(QWidget* parent) : QCustomPlot(parent) { applyPalette(); }

void ThemedPlot::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
        applyPalette();
        replot(rpQueuedReplot);
    }
}

void ThemedPlot::applyPalette() {
    const QPalette p = palette();
    const QColor text = p.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    setBackground(p.brush(QPalette::Base));
    for (QCPAxis* axis : {xAxis, yAxis, xAxis2, yAxis2}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    legend->setBrush(p.brush(QPalette::Base));
    legend->setTextColor(text);
    legend->setBorderPen(QPen(grid));
    for (int i = 0; i < plotLayout()->elementCount(); ++i) {
        if (auto* title = qobject_cast<QCPTextElement*>(plotLayout()->elementAt(i))) title->setTextColor(text);
    }
}

}  // namespace tinyforge::ui
