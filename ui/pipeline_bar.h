#pragma once
// The pages as the steps of the pipeline: each with a numbered badge that turns into its state (a check when done,
// "!" when it needs attention, filled while running), a tooltip saying why and the Alt+number that shows it.
// The badges are drawn, not loaded, so they follow the palette and stay sharp at any scale factor.

#include <QListWidget>

#include <vector>

#include "ui/pipeline_state.h"

namespace tinyforge::ui {

class PipelineBar : public QListWidget {
    Q_OBJECT
public:
    explicit PipelineBar(QWidget* parent = nullptr);

    /// Adds the next step (numbered in the order added).
    void addStep(const QString& title);
    /// Shows each page's state; pages not named keep theirs.
    void setSteps(const std::vector<PipelineStep>& steps);
    StepState state(const QString& page) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    QIcon badge(int number, StepState state) const;
    void repaintBadges();
};

}  // namespace tinyforge::ui
