// The pipeline bar's rules: each page's state and the next step, from what the window knows; and the bar itself
// showing those states and tooltips.
#include <catch2/catch.hpp>

#include "ui/pipeline_bar.h"
#include "ui/pipeline_state.h"

using namespace tinyforge::ui;

namespace {
StepState stateOf(const PipelineFacts& facts, const QString& page) {
    for (const PipelineStep& step : pipelineSteps(facts)) {
        if (step.page == page) return step.state;
    }
    FAIL("no step " << page.toStdString());
    return StepState::Idle;
}
}  // namespace

TEST_CASE("pipeline: every page's state follows the facts", "[pipeline]") {
    PipelineFacts facts;
    REQUIRE(pipelineSteps(facts).size() == static_cast<std::size_t>(pipelinePages().size()));
    for (const PipelineStep& step : pipelineSteps(facts)) CHECK(step.state == StepState::Idle);

    facts.datasetError = "/data/x.csv: line 3 has 2 columns, the header 5";
    CHECK(stateOf(facts, "Data") == StepState::Attention);
    facts.datasetLoaded = true;  // a later load succeeded: the old error no longer matters
    CHECK(stateOf(facts, "Data") == StepState::Done);
    CHECK(stateOf(facts, "Tune") == StepState::Done);

    facts.fitProblem = "Will not fit (flash): ...";
    CHECK(stateOf(facts, "Models") == StepState::Attention);
    facts.fitProblem.clear();
    facts.recipeError = "recipe.json: train.epochs: must be at least 1";
    CHECK(stateOf(facts, "Tune") == StepState::Attention);
    facts.recipeError.clear();

    facts.running = true;
    CHECK(stateOf(facts, "Run") == StepState::Running);
    facts.running = false;
    facts.runError = "out of memory";
    CHECK(stateOf(facts, "Run") == StepState::Attention);
    facts.runError.clear();
    CHECK(stateOf(facts, "Run") == StepState::Idle);
    facts.runs = 2;
    CHECK(stateOf(facts, "Run") == StepState::Done);
    CHECK(stateOf(facts, "Compare") == StepState::Done);
    CHECK(stateOf(facts, "Export") == StepState::Idle);
    facts.exportError = "cannot write";
    CHECK(stateOf(facts, "Export") == StepState::Attention);
    facts.sweeping = true;
    CHECK(stateOf(facts, "Sweep") == StepState::Running);
    facts.deviceError = "no board";
    CHECK(stateOf(facts, "Devices") == StepState::Attention);
    facts.deviceError.clear();
    facts.profiled = true;
    CHECK(stateOf(facts, "Devices") == StepState::Done);
}

TEST_CASE("pipeline: the next step is the first thing left to do, named with its key", "[pipeline]") {
    PipelineFacts facts;
    CHECK(nextStep(facts) == "Next: load a dataset on Data (Alt+1)");
    facts.datasetError = "bad file";
    CHECK(nextStep(facts).contains("could not be read"));
    facts.datasetLoaded = true;
    CHECK(nextStep(facts) == "Next: train, distil and compress with Run (Ctrl+R)");
    facts.fitProblem = "Will not fit (RAM): ...";
    CHECK(nextStep(facts).contains("Models (Alt+2)"));
    facts.recipeError = "train.epochs: must be at least 1";
    CHECK(nextStep(facts) == "Next: mend the recipe on Tune (Alt+3): train.epochs: must be at least 1");  // before the fit
    facts.running = true;
    CHECK(nextStep(facts).startsWith("Training: Run (Alt+4)"));  // a run is going: nothing else to do first
    facts = PipelineFacts{};
    facts.datasetLoaded = true;
    facts.runs = 1;
    CHECK(nextStep(facts) == "Next: export the result on Export (Alt+8) or deploy it on Devices (Alt+9)");
    facts.exported = true;
    CHECK(nextStep(facts) == "Next: deploy and profile it on a board on Devices (Alt+9)");
    facts.profiled = true;
    CHECK(nextStep(facts).contains("Compare (Alt+6)"));
}

TEST_CASE("pipeline bar: badges and tooltips follow the states", "[pipeline]") {
    PipelineBar bar;
    for (const QString& page : pipelinePages()) bar.addStep(page);
    REQUIRE(bar.count() == 9);
    CHECK(bar.item(3)->toolTip() == "Run (Alt+4)");
    const QImage idle = bar.item(3)->icon().pixmap(QSize(20, 20)).toImage();
    PipelineFacts facts;
    facts.datasetLoaded = true;
    facts.runError = "the dataset vanished";
    bar.setSteps(pipelineSteps(facts));
    CHECK(bar.state("Run") == StepState::Attention);
    CHECK(bar.state("Data") == StepState::Done);
    CHECK(bar.item(3)->toolTip() == "Run (Alt+4): the dataset vanished");
    CHECK(bar.item(3)->icon().pixmap(QSize(20, 20)).toImage() != idle);  // the badge is redrawn
    // Drawn at twice the pixels for a scale factor of 2.
    CHECK(bar.item(3)->icon().availableSizes().contains(QSize(40, 40)));
}
