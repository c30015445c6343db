#pragma once
// A QCustomPlot that takes its colours from the widget palette (background, axes, grid, text, legend) and follows
// it when it changes, so charts match the light or dark theme; and that every chart of the studio can be exported
// to PNG, SVG or PDF from its context menu.

#include <qcustomplot.h>

namespace tinyforge::ui {

class ThemedPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit ThemedPlot(QWidget* parent = nullptr);

    /// Writes the chart to `file`; the suffix says the format (.png at twice the pixels, .svg, .pdf). False with
    /// `error` naming the file and what went wrong.
    bool exportTo(const QString& file, QString* error = nullptr);
    /// The title written into SVG and PDF files.
    void setExportTitle(const QString& title) { m_exportTitle = title; }

protected:
    void changeEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    /// What a chart adds to its context menu after "Export...".
    virtual void addViewActions(QMenu& menu) { (void)menu; }
    /// Called before an export draws the chart (to hide what only the screen should show).
    virtual void prepareExport() {}

private:
    void applyPalette();
    void chooseAndExport();

    QString m_exportTitle;
};

}  // namespace tinyforge::ui
