#pragma once
// A chart that reads at a glance: title above, legend below the data (toggled), named series found or created by
// name, a log scale on demand, phases of a run shaded and labelled along the x axis, a hover read-out of the nearest
// point's exact value, drag to pan and wheel to zoom (double-click returns to the whole run). Export to PNG, SVG or
// PDF and the colours that follow the palette come from ThemedPlot.

#include <QSet>
#include <QString>

#include <optional>
#include <vector>

#include "ui/themed_plot.h"

namespace tinyforge::ui {

class ChartView : public ThemedPlot {
    Q_OBJECT
public:
    ChartView(const QString& title, const QString& xLabel, const QString& yLabel, QWidget* parent = nullptr);

    /// The series called `name`, created with this pen the first time. `inLegend` false keeps it out of the legend
    /// (a dashed twin of a series the title explains).
    QCPGraph* series(const QString& name, const QPen& pen, bool inLegend = true);
    QCPGraph* findSeries(const QString& name) const;
    /// Shows or hides a series (and its legend entry).
    void setSeriesShown(const QString& name, bool shown);
    /// Points over all series, shown or not.
    int pointCount() const;

    /// y from `low` to `high` whatever the data (accuracy, sparsity); without it the y axis fits the data.
    void setFixedYRange(double low, double high);
    void setLogScale(bool on);
    bool logScale() const { return m_log; }
    void setLegendShown(bool shown);
    bool legendShown() const;

    /// Starts a shaded, labelled phase at x (the previous one ends there); extendPhases() moves the last one's end.
    void beginPhase(const QString& label, double x);
    void extendPhases(double x);
    QStringList phaseLabels() const;

    /// Removes every series and phase.
    void clearAll();
    /// Fits the axes to the data unless the user has zoomed or panned, then redraws (queued).
    void refresh();
    /// Back to the whole data (double-click).
    void resetView();
    bool userView() const { return m_userView; }

    /// What the hover read-out says for the pointer at `pixel`: the nearest shown point within 24 pixels as
    /// "series: value at x" (empty when none is that near). Also places the marker there.
    QString readoutAt(const QPointF& pixel);

protected:
    void changeEvent(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void addViewActions(QMenu& menu) override;
    void prepareExport() override { hideReadout(); }

private:
    struct Phase {
        QCPItemRect* band;
        QCPItemText* label;
    };
    void hideReadout();
    void applyOverlayPalette();
    void fitPhaseLabels();
    void placeLegend();

    QString m_xLabel;
    bool m_log = false;
    bool m_userView = false;
    bool m_legendWanted = true;
    bool m_fitting = false;        ///< refresh() is fitting the axes: a range change that is not the user's
    QSet<QString> m_unlisted;      ///< series kept out of the legend even when shown
    std::optional<std::pair<double, double>> m_fixedY;
    std::vector<Phase> m_phases;
    QCPItemTracer* m_marker;
    QCPItemText* m_readout;
};

}  // namespace tinyforge::ui
