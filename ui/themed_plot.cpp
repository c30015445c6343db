#include "ui/themed_plot.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSvgGenerator>

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

bool ThemedPlot::exportTo(const QString& file, QString* error) {
    prepareExport();
    const QString format = QFileInfo(file).suffix().toLower();
    // A chart never shown (or shown small) is written at a size a document can use.
    const int w = std::max(width(), 640);
    const int h = std::max(height(), 400);
    bool written = false;
    if (format == QLatin1String("png")) {
        written = savePng(file, w, h, 2.0);  // twice the pixels: sharp on HiDPI screens and in slides
    } else if (format == QLatin1String("pdf")) {
        written = savePdf(file, w, h, QCP::epAllowCosmetic, QStringLiteral("TinyForge Studio"), m_exportTitle);
    } else if (format == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(file);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle(m_exportTitle);
        QCPPainter painter;
        if (painter.begin(&svg)) {
            toPainter(&painter, w, h);
            written = painter.end() && QFileInfo(file).size() > 0;
        }
    } else {
        if (error) *error = tr("%1: cannot export a chart as \"%2\"; name the file .png, .svg or .pdf").arg(file, format);
        return false;
    }
    if (!written && error) *error = tr("%1: cannot write the chart there (is the folder writable?)").arg(file);
    return written;
}

void ThemedPlot::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(tr("Export as PNG, SVG or PDF..."), this, &ThemedPlot::chooseAndExport);
    addViewActions(menu);
    menu.exec(event->globalPos());
}

void ThemedPlot::chooseAndExport() {
    QString selected;
    QString file = QFileDialog::getSaveFileName(this, tr("Export chart"), QString(), tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &selected);
    if (file.isEmpty()) return;
    if (QFileInfo(file).suffix().isEmpty()) file += selected.contains(QLatin1String("svg")) ? QStringLiteral(".svg") : selected.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf") : QStringLiteral(".png");
    QString error;
    if (!exportTo(file, &error)) QMessageBox::warning(this, tr("Cannot export the chart"), error);  // the user just asked: tell them now
}

}  // namespace tinyforge::ui
