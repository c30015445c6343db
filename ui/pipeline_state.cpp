#include "ui/pipeline_state.h"

#include <QObject>

namespace tinyforge::ui {

namespace {
QString tr(const char* text, const char* disambiguation = nullptr, int n = -1) { return QObject::tr(text, disambiguation, n); }

// "Export (Alt+8)": a page named with the shortcut that shows it.
QString pageKey(const QString& page) { return QObject::tr("%1 (Alt+%2)").arg(page).arg(pipelinePages().indexOf(page) + 1); }

PipelineStep step(const QString& page, StepState state, const QString& why) { return {page, state, why}; }
PipelineStep doneIf(const QString& page, bool done, const QString& why) { return {page, done ? StepState::Done : StepState::Idle, done ? why : QString()}; }
}  // namespace

QStringList pipelinePages() {
    return {tr("Data"), tr("Models"), tr("Tune"), tr("Run"), tr("Sweep"), tr("Compare"), tr("Weights"), tr("Export"), tr("Devices")};
}

std::vector<PipelineStep> pipelineSteps(const PipelineFacts& f) {
    std::vector<PipelineStep> steps;
    if (!f.datasetLoaded && !f.datasetError.isEmpty()) steps.push_back(step(tr("Data"), StepState::Attention, f.datasetError));
    else steps.push_back(doneIf(tr("Data"), f.datasetLoaded, tr("A dataset is loaded")));
    if (!f.fitProblem.isEmpty()) steps.push_back(step(tr("Models"), StepState::Attention, f.fitProblem));
    else steps.push_back(doneIf(tr("Models"), f.datasetLoaded, tr("The models fit the board")));
    if (!f.recipeError.isEmpty()) steps.push_back(step(tr("Tune"), StepState::Attention, f.recipeError));
    else steps.push_back(doneIf(tr("Tune"), f.datasetLoaded, tr("The recipe is valid")));
    if (f.running) steps.push_back(step(tr("Run"), StepState::Running, tr("Training")));
    else if (!f.runError.isEmpty()) steps.push_back(step(tr("Run"), StepState::Attention, f.runError));
    else steps.push_back(doneIf(tr("Run"), f.runs > 0, tr("%n run(s) finished", nullptr, f.runs)));
    if (f.sweeping) steps.push_back(step(tr("Sweep"), StepState::Running, tr("Sweeping")));
    else if (!f.sweepError.isEmpty()) steps.push_back(step(tr("Sweep"), StepState::Attention, f.sweepError));
    else steps.push_back(doneIf(tr("Sweep"), f.swept, tr("A sweep finished")));
    steps.push_back(doneIf(tr("Compare"), f.runs > 0, tr("%n run(s) to compare", nullptr, f.runs)));
    steps.push_back(doneIf(tr("Weights"), f.runs > 0, tr("Weights of the runs to see")));
    if (!f.exportError.isEmpty()) steps.push_back(step(tr("Export"), StepState::Attention, f.exportError));
    else steps.push_back(doneIf(tr("Export"), f.exported, tr("Exported")));
    if (!f.deviceError.isEmpty()) steps.push_back(step(tr("Devices"), StepState::Attention, f.deviceError));
    else steps.push_back(doneIf(tr("Devices"), f.profiled, tr("Profiled on a device")));
    return steps;
}

QString nextStep(const PipelineFacts& f) {
    if (!f.datasetLoaded && !f.datasetError.isEmpty()) return tr("Next: load a dataset on %1; the last one could not be read").arg(pageKey(tr("Data")));
    if (!f.datasetLoaded) return tr("Next: load a dataset on %1").arg(pageKey(tr("Data")));
    if (f.running) return tr("Training: %1 follows it; Run > Cancel (Ctrl+.) stops it").arg(pageKey(tr("Run")));
    if (!f.recipeError.isEmpty()) return tr("Next: mend the recipe on %1: %2").arg(pageKey(tr("Tune")), f.recipeError);
    if (!f.fitProblem.isEmpty()) return tr("Next: make the student smaller or pick a larger board on %1").arg(pageKey(tr("Models")));
    if (!f.runError.isEmpty()) return tr("The last run stopped: the log on %1 says why").arg(pageKey(tr("Run")));
    if (f.runs == 0) return tr("Next: train, distil and compress with Run (Ctrl+R)");
    if (!f.exportError.isEmpty()) return tr("The export failed: %1 says why").arg(pageKey(tr("Export")));
    if (!f.exported && !f.profiled) return tr("Next: export the result on %1 or deploy it on %2").arg(pageKey(tr("Export")), pageKey(tr("Devices")));
    if (!f.profiled) return tr("Next: deploy and profile it on a board on %1").arg(pageKey(tr("Devices")));
    return tr("Next: compare runs and devices and write a report on %1").arg(pageKey(tr("Compare")));
}

}  // namespace tinyforge::ui
