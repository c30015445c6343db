#pragma once
// Where the user is in the pipeline: each page's state (done, needs attention, running) and the one thing to do
// next, worked out from what the window knows (a dataset loaded, the recipe valid, the student fitting the board,
// runs finished, an export, a device profile). Plain data in, plain data out, so the rules are tested on their own.

#include <QString>
#include <QStringList>

#include <vector>

namespace tinyforge::ui {

struct PipelineFacts {
    bool datasetLoaded = false;
    QString datasetError;   ///< the last load's error while nothing is loaded
    QString recipeError;    ///< what the engine says is wrong with the recipe; empty when it parses
    QString fitProblem;     ///< "Will not fit ..." from the Models page; empty when it fits or is unknown
    bool running = false;
    QString runError;       ///< the last run's failure; cleared by the next start
    int runs = 0;           ///< finished runs listed (this session's and those reopened)
    bool sweeping = false;
    QString sweepError;
    bool swept = false;
    bool exported = false;
    QString exportError;
    bool profiled = false;
    QString deviceError;
};

enum class StepState { Idle, Done, Attention, Running };

struct PipelineStep {
    QString page;   ///< the page's title: "Data", "Models", ...
    StepState state = StepState::Idle;
    QString why;    ///< one line for the tooltip: what is done, or what needs attention
};

/// The pages in the order the window lists them (their Alt+number shortcuts follow this order).
QStringList pipelinePages();
/// Every page's state, in pipelinePages() order.
std::vector<PipelineStep> pipelineSteps(const PipelineFacts& facts);
/// What to do next, as the status bar says it (names the page and its shortcut).
QString nextStep(const PipelineFacts& facts);

}  // namespace tinyforge::ui
