#include "ui/chart_view.h"

#include <QLocale>
#include <QMenu>

#include <cmath>

namespace tinyforge::ui {

namespace {
constexpr double kReadoutPixels = 24;  // how near the pointer a point must be to be read out

QString numberText(double value) {
    if (std::isfinite(value) && value == std::round(value) && std::abs(value) < 1e12) return QLocale().toString(static_cast<qlonglong>(value));
    return QString::number(value, 'g', 5);
}
}  // namespace

ChartView::ChartView(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent)
    : ThemedPlot(parent), m_xLabel(xLabel) {
    setExportTitle(title);
    setMinimumSize(280, 180);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, new QCPTextElement(this, title, QFont(font().family(), 9, QFont::Bold)));
    xAxis->setLabel(xLabel);
    yAxis->setLabel(yLabel);

    // The legend goes in its own row under the axes, entries side by side, so it never covers a curve.
    legend->setFont(QFont(font().family(), 8));
    axisRect()->insetLayout()->take(legend);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(4);
    legend->setBorderPen(Qt::NoPen);
    placeLegend();

    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // A range changed by anything but refresh() is the user's zoom or pan: the chart stops following the data.
    for (QCPAxis* axis : {xAxis, yAxis}) {
        connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
            if (m_fitting) return;
            m_userView = true;
            fitPhaseLabels();
        });
    }

    // Phases are drawn under the grid; the hover marker on its own buffered layer, so moving the pointer redraws
    // only the marker, not every curve.
    addLayer(QStringLiteral("phases"), layer(QStringLiteral("grid")), limBelow);
    addLayer(QStringLiteral("hover"), layer(QStringLiteral("main")), limAbove);
    layer(QStringLiteral("hover"))->setMode(QCPLayer::lmBuffered);
    m_marker = new QCPItemTracer(this);
    m_marker->setLayer(QStringLiteral("hover"));
    m_marker->setStyle(QCPItemTracer::tsCircle);
    m_marker->setSize(9);
    m_readout = new QCPItemText(this);
    m_readout->setLayer(QStringLiteral("hover"));
    m_readout->position->setParentAnchor(m_marker->position);
    m_readout->setPadding(QMargins(4, 2, 4, 2));
    m_readout->setFont(QFont(font().family(), 8));
    applyOverlayPalette();
    hideReadout();
}

void ChartView::changeEvent(QEvent* event) {
    ThemedPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) applyOverlayPalette();
}

void ChartView::applyOverlayPalette() {
    const QPalette p = palette();
    m_readout->setColor(p.color(QPalette::ToolTipText));
    m_readout->setBrush(p.brush(QPalette::ToolTipBase));
    m_readout->setPen(QPen(p.color(QPalette::Mid)));
    m_marker->setPen(QPen(p.color(QPalette::WindowText), 1.5));
    for (std::size_t i = 0; i < m_phases.size(); ++i) {
        QColor shade = p.color(QPalette::WindowText);
        shade.setAlpha(i % 2 ? 22 : 10);
        m_phases[i].band->setBrush(shade);
        QColor text = p.color(QPalette::WindowText);
        text.setAlpha(170);
        m_phases[i].label->setColor(text);
    }
}

QCPGraph* ChartView::findSeries(const QString& name) const {
    for (int i = 0; i < graphCount(); ++i) {
        if (graph(i)->name() == name) return graph(i);
    }
    return nullptr;
}

QCPGraph* ChartView::series(const QString& name, const QPen& pen, bool inLegend) {
    if (QCPGraph* existing = findSeries(name)) return existing;
    QCPGraph* created = addGraph();
    created->setName(name);
    created->setPen(pen);
    if (!inLegend) {
        created->removeFromLegend();
        m_unlisted.insert(name);
    }
    placeLegend();
    return created;
}

void ChartView::setSeriesShown(const QString& name, bool shown) {
    QCPGraph* found = findSeries(name);
    if (!found || found->visible() == shown) return;
    found->setVisible(shown);
    if (!shown) found->removeFromLegend();
    else if (!m_unlisted.contains(name)) found->addToLegend();
    placeLegend();
    refresh();
}

int ChartView::pointCount() const {
    int points = 0;
    for (int i = 0; i < graphCount(); ++i) points += graph(i)->dataCount();
    return points;
}

void ChartView::setFixedYRange(double low, double high) {
    m_fixedY = std::make_pair(low, high);
    refresh();
}

void ChartView::setLogScale(bool on) {
    m_log = on;
    m_fitting = true;
    yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog) : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_fitting = false;
    m_userView = false;  // a new scale starts from the whole data
    refresh();
}

void ChartView::setLegendShown(bool shown) {
    m_legendWanted = shown;
    placeLegend();
    replot(rpQueuedReplot);
}

void ChartView::placeLegend() {
    // The legend is in the layout only when wanted and not empty: a hidden one would keep its row's height, and an
    // empty one would narrow the whole column to its own few pixels (a layout grid's column is as narrow as its
    // narrowest element's maximum).
    const bool show = m_legendWanted && legend->itemCount() > 0;
    const bool placed = plotLayout()->hasElement(2, 0) && plotLayout()->element(2, 0) == legend;
    legend->setVisible(show);
    if (show && !placed) {
        plotLayout()->addElement(2, 0, legend);
        plotLayout()->setRowStretchFactor(2, 0.001);
    } else if (!show && placed) {
        plotLayout()->take(legend);
        plotLayout()->simplify();
    }
}

bool ChartView::legendShown() const { return m_legendWanted; }

void ChartView::beginPhase(const QString& label, double x) {
    extendPhases(x);
    auto* band = new QCPItemRect(this);
    band->setLayer(QStringLiteral("phases"));
    band->setPen(Qt::NoPen);
    band->setClipToAxisRect(true);
    for (QCPItemPosition* corner : {band->topLeft, band->bottomRight}) {
        corner->setTypeX(QCPItemPosition::ptPlotCoords);
        corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
    }
    band->topLeft->setCoords(x, 0);
    band->bottomRight->setCoords(x, 1);
    auto* text = new QCPItemText(this);
    text->setLayer(QStringLiteral("phases"));
    text->setText(label);
    text->setFont(QFont(font().family(), 8));
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setPadding(QMargins(3, 2, 3, 2));
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0);
    m_phases.push_back({band, text});
    applyOverlayPalette();
}

void ChartView::extendPhases(double x) {
    if (!m_phases.empty()) m_phases.back().band->bottomRight->setCoords(x, 1);
}

QStringList ChartView::phaseLabels() const {
    QStringList labels;
    for (const Phase& phase : m_phases) labels << phase.label->text();
    return labels;
}

void ChartView::clearAll() {
    clearGraphs();
    for (const Phase& phase : m_phases) {
        removeItem(phase.band);
        removeItem(phase.label);
    }
    m_phases.clear();
    m_unlisted.clear();
    m_userView = false;
    hideReadout();
    placeLegend();
    refresh();
}

void ChartView::refresh() {
    if (!m_userView) {
        m_fitting = true;
        rescaleAxes(true);
        // Every chart of a run spans all its phases, so the charts line up; a little room on the right and above
        // and below keeps the last point and a curve at the limit out of the frame.
        if (!m_phases.empty()) xAxis->setRange(m_phases.front().band->topLeft->coords().x(), std::max(xAxis->range().upper, m_phases.back().band->bottomRight->coords().x()));
        xAxis->scaleRange(1.03, xAxis->range().lower);
        if (m_fixedY && !m_log) {
            const double room = 0.03 * (m_fixedY->second - m_fixedY->first);
            yAxis->setRange(m_fixedY->first - room, m_fixedY->second + room);
        } else {
            const QCPRange y = yAxis->range();
            yAxis->scaleRange(1.1, m_log ? std::sqrt(y.lower * y.upper) : y.center());
        }
        m_fitting = false;
    }
    fitPhaseLabels();
    replot(rpQueuedReplot);
}

void ChartView::fitPhaseLabels() {
    // A label wider than its band would run into the next one: it is hidden (the hover read-out still names the phase).
    for (const Phase& phase : m_phases) {
        const double width = xAxis->coordToPixel(phase.band->bottomRight->coords().x()) - xAxis->coordToPixel(phase.band->topLeft->coords().x());
        phase.label->setVisible(width >= QFontMetrics(phase.label->font()).horizontalAdvance(phase.label->text()) + 8);
    }
}

void ChartView::resetView() {
    m_userView = false;
    refresh();
}

QString ChartView::readoutAt(const QPointF& pixel) {
    double bestDistance = kReadoutPixels * kReadoutPixels;
    const QCPGraph* bestGraph = nullptr;
    double bestKey = 0, bestValue = 0;
    const double keyLow = xAxis->pixelToCoord(pixel.x() - kReadoutPixels);
    const double keyHigh = xAxis->pixelToCoord(pixel.x() + kReadoutPixels);
    for (int i = 0; i < graphCount(); ++i) {
        const QCPGraph* candidate = graph(i);
        if (!candidate->visible() || candidate->dataCount() == 0) continue;
        const auto points = candidate->data();
        for (auto it = points->findBegin(std::min(keyLow, keyHigh)), end = points->findEnd(std::max(keyLow, keyHigh)); it != end; ++it) {
            if (m_log && it->value <= 0) continue;
            const double dx = xAxis->coordToPixel(it->key) - pixel.x();
            const double dy = yAxis->coordToPixel(it->value) - pixel.y();
            if (dx * dx + dy * dy < bestDistance) {
                bestDistance = dx * dx + dy * dy;
                bestGraph = candidate;
                bestKey = it->key;
                bestValue = it->value;
            }
        }
    }
    if (!bestGraph) {
        hideReadout();
        return {};
    }
    QString where = tr("%1 %2").arg(m_xLabel, numberText(bestKey));
    for (const Phase& phase : m_phases) {  // which phase the point belongs to, when the chart has phases
        if (bestKey > phase.band->topLeft->coords().x() && bestKey <= phase.band->bottomRight->coords().x()) where += tr(", %1").arg(phase.label->text());
    }
    const QString text = tr("%1: %2 (%3)").arg(bestGraph->name(), numberText(bestValue), where);
    m_marker->position->setCoords(bestKey, bestValue);
    m_marker->setVisible(true);
    m_readout->setText(text);
    // The box opens towards the side with room for it, so it stays inside the chart.
    const int boxWidth = QFontMetrics(m_readout->font()).horizontalAdvance(text) + 16;
    const bool rightHalf = pixel.x() + 8 + boxWidth > axisRect()->right() && pixel.x() - 8 - boxWidth >= axisRect()->left() - 40;
    const bool upperHalf = pixel.y() < axisRect()->center().y();
    m_readout->setPositionAlignment((rightHalf ? Qt::AlignRight : Qt::AlignLeft) | (upperHalf ? Qt::AlignTop : Qt::AlignBottom));
    m_readout->position->setCoords(rightHalf ? -8 : 8, upperHalf ? 8 : -8);
    m_readout->setVisible(true);
    return text;
}

void ChartView::hideReadout() {
    m_marker->setVisible(false);
    m_readout->setVisible(false);
}

void ChartView::mouseMoveEvent(QMouseEvent* event) {
    ThemedPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton) return;  // dragging: the view moves, no read-out
    const bool wasShown = m_readout->visible();
    readoutAt(event->position());
    if (wasShown || m_readout->visible()) layer(QStringLiteral("hover"))->replot();
}

void ChartView::mouseDoubleClickEvent(QMouseEvent* event) {
    ThemedPlot::mouseDoubleClickEvent(event);
    resetView();
}

void ChartView::leaveEvent(QEvent* event) {
    ThemedPlot::leaveEvent(event);
    if (!m_readout->visible()) return;
    hideReadout();
    layer(QStringLiteral("hover"))->replot();
}

void ChartView::addViewActions(QMenu& menu) {
    QAction* log = menu.addAction(tr("Log scale"), this, &ChartView::setLogScale);
    log->setCheckable(true);
    log->setChecked(m_log);
    QAction* legendAction = menu.addAction(tr("Legend"), this, &ChartView::setLegendShown);
    legendAction->setCheckable(true);
    legendAction->setChecked(legendShown());
    menu.addAction(tr("Whole run (double-click)"), this, &ChartView::resetView)->setEnabled(m_userView);
}

}  // namespace tinyforge::ui
