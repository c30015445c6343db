#pragma once
// One model's stage of a run: train (or resume) it, save its weights, append its history, describe it for
// summary.json. Shared by the teacher, student and compression stages. Internal to core/pipeline.

#include <map>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/pipeline/run_recipe.h"
#include "core/results/run_summary.h"
#include "core/train/trainer.h"

namespace tinyforge::core::pipeline {

class ModelStage {
public:
    ModelStage(const recipe::Recipe& recipe, const RunOptions& options, const data::Dataset& dataset,
               std::vector<train::EpochMetrics>& history, RunObserver* observer)
        : recipe_(recipe), options_(options), dataset_(dataset), history_(history), observer_(observer) {}

    /// Trains `model` as `name` ("teacher", "compress_prune", ...), distilling from `teachers` when given, with
    /// `hooks` around every step; checkpointed when `checkpointed`. Returns the model's summary entry.
    /// `source` (a stage key) goes into the checkpoint, so that resuming refuses one made from other settings or data.
    results::ModelResult run(const std::string& name, models::Model& model, const train::TrainSettings& settings,
                       const std::vector<models::Model>* teachers, const std::vector<train::TrainHook*>& hooks = {},
                       bool checkpointed = true, bool keepLastWeights = false, const std::string& source = {});

    /// Like run(), through the run's stage cache when it has one: the entry under `key` (see stageKey) is loaded
    /// instead of trained, its history replayed to the observer; a model trained here is stored under `key`, with
    /// `material` (what the key was computed from). Records the stage in the run folder's stages.json.
    results::ModelResult runCached(const std::string& key, const nlohmann::json& material, const std::string& name, models::Model& model,
                                   const train::TrainSettings& settings, const std::vector<models::Model>* teachers);

    struct Accuracies {
        double test = 0;
        std::optional<double> val;                ///< none without a validation split
        std::vector<std::int64_t> testPredicted;  ///< the class predicted for each test sample
        std::vector<std::vector<float>> testScores;  ///< identity datasets (wantsScores): each test sample's class probabilities
    };
    /// Test and validation accuracy of `model` as it is now.
    Accuracies accuracies(const models::Model& model) const;

    /// Keeps `name`'s predicted class for each test sample, for predictions.csv (run() does it for its model).
    void recordPredictions(const std::string& name, std::vector<std::int64_t> predicted) { predictions_[name] = std::move(predicted); }
    const std::map<std::string, std::vector<std::int64_t>>& predictions() const { return predictions_; }
    /// Keeps `name`'s class scores for each test sample, for scores.csv; only the run's models (predictionColumns),
    /// not its compression phases, and nothing for an empty list.
    void recordScores(const std::string& name, std::vector<std::vector<float>> scores);
    const std::map<std::string, std::vector<std::vector<float>>>& scores() const { return scores_; }
    /// Whether the run keeps class scores: for datasets of identities (image folders), whose users judge a model by
    /// its verification errors (ROC, EER); kept out of other runs' folders, where they would only take space.
    bool wantsScores() const { return dataset_.format == "folder"; }

    const data::Dataset& dataset() const { return dataset_; }
    RunObserver* observer() const { return observer_; }

    /// Saves `model` as DIR/NAME.pt and records in models.json that this run's recipe wrote it.
    void saveModel(const models::Model& model, const std::string& name) const;

private:
    const recipe::Recipe& recipe_;
    const RunOptions& options_;
    const data::Dataset& dataset_;
    std::vector<train::EpochMetrics>& history_;
    RunObserver* observer_;
    std::map<std::string, std::vector<std::int64_t>> predictions_;
    std::map<std::string, std::vector<std::vector<float>>> scores_;
    nlohmann::json stages_ = nlohmann::json::array();  ///< stages.json: each cached stage, reused or stored
};

/// The share of `predicted` (one class per test sample of `dataset`) equal to the sample's label; 0 for none.
double accuracyOfPredictions(const std::vector<std::int64_t>& predicted, const data::Dataset& dataset);

}  // namespace tinyforge::core::pipeline
