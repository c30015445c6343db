#pragma once
// Runs a recipe: load the dataset, train the teacher(s), optionally the scratch student, distil the student, and
// write the run folder: recipe.json, summary.json, history.csv, teacher.pt / student.pt ..., checkpoints/.

#include <filesystem>
#include <optional>
#include <string>

#include "core/pipeline/stage_cache.h"
#include "core/recipe/recipe.h"
#include "core/results/run_summary.h"
#include "core/train/train_events.h"

namespace tinyforge::core::pipeline {

struct RunOptions {
    std::filesystem::path outDir;
    bool resume = false;  ///< continue from the checkpoints in outDir; finished models are not trained again
    /// Where the teacher(s) and the students are looked up before training and stored after (stages.json in the
    /// run folder says which were reused); none trains everything.
    std::optional<StageCacheSettings> cache;
    /// Clear outDir first when it holds a run; without it (or resume) a non-empty outDir is refused.
    bool force = false;
};

/// Observes a whole run: stage changes as well as each model's training events.
class RunObserver : public train::TrainObserver {
public:
    /// A new stage begins: "load", "teacher", "student_scratch", "student", "write"; "reuse" when a stage is taken
    /// from the stage cache (its history is then replayed through onEpoch).
    virtual void onStage(const std::string& stage, const std::string& detail) { (void)stage, (void)detail; }
};

/// Runs `recipe` and returns its summary (also written to outDir/summary.json). The folder must be empty unless
/// resuming the same recipe or forced (see prepareRunFolder). Throws DataError / RecipeError /
/// SettingsError for bad input, Cancelled when the observer asks to stop (checkpoints of finished epochs remain,
/// so a run with resume = true continues where this one stopped).
results::RunSummary runRecipe(const recipe::Recipe& recipe, const RunOptions& options, RunObserver* observer = nullptr);

}  // namespace tinyforge::core::pipeline
