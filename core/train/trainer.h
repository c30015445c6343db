#pragma once
// Trains one model, from labels alone or distilled from a teacher (ensemble). The loop every run uses.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/train/train_events.h"
#include "core/train/train_hook.h"
#include "core/train/train_settings.h"

namespace tinyforge::core::train {

struct TrainJob {
    std::string name = "model";  ///< reported in events and history: "teacher", "student"
    TrainSettings settings;
    std::uint64_t seed = 42;     ///< batch order and augmentation derive from (seed, epoch), so resuming repeats them
    const std::vector<models::Model>* teachers = nullptr;  ///< distil from these (averaged) when set and non-empty
    DistillSettings distill;
    std::filesystem::path checkpoint;  ///< written atomically after every epoch when not empty
    bool resume = false;               ///< continue from `checkpoint` when it exists
    /// What the model is trained from (a stage key: settings, data, seed), stored in the checkpoint; resuming from a
    /// checkpoint with another source is refused. Empty: not recorded, not checked.
    std::string source;
    std::vector<TrainHook*> hooks;     ///< compression hooks, called in order around every step
    /// Keep the last epoch's weights instead of the best validation epoch's: compression phases must end with
    /// their final structure (an earlier epoch of a pruning phase is less sparse).
    bool keepLastWeights = false;
};

struct TrainResult {
    std::vector<EpochMetrics> history;
    int bestEpoch = -1;          ///< 0-based epoch whose weights the model holds at the end
    double bestValAccuracy = 0;
    bool stoppedEarly = false;
    double seconds = 0;          ///< training time in this process (not counting resumed epochs)
};

/// Trains `model` on the training split, keeping the weights with the best validation accuracy (the latest such
/// epoch on a tie). With early stopping, "best" must improve within `earlyStopPatience` epochs.
/// Throws Cancelled within one batch of `observer` asking to stop (the last finished epoch's checkpoint stays).
TrainResult trainModel(models::Model& model, const data::Dataset& dataset, const TrainJob& job,
                       TrainObserver* observer = nullptr);

}  // namespace tinyforge::core::train
