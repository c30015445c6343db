#pragma once
// A QCustomPlot that takes its colours from the widget palette (background, axes, grid, text, legend) and follows
// it when it changes, so charts match the system's light or dark theme.

#include <qcustomplot.h>

namespace tinyforge::ui {

class ThemedPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit ThemedPlot(QWidget* parent = nullptr);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
};

}  // namespace tinyforge::ui
