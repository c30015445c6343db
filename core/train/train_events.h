#pragma once
// What a training run reports as it goes, through the core observer.

#include <cstdint>
#include <string>

#include "core/progress.h"

namespace tinyforge::core::train {

struct StepMetrics {
    std::string model;  ///< "teacher", "student_scratch", "student"
    int epoch = 0;      ///< 0-based
    std::int64_t step = 0;         ///< batches done in this run of this model, across epochs
    std::int64_t stepsPerEpoch = 0;
    double loss = 0, softLoss = 0, hardLoss = 0;  ///< soft is 0 without distillation
    double batchAccuracy = 0;
    double learningRate = 0;
    double sparsity = 0;  ///< fraction of prunable weights at zero (compression phases; 0 otherwise)
};

struct EpochMetrics {
    std::string model;
    int epoch = 0;  ///< 0-based
    double loss = 0, softLoss = 0, hardLoss = 0;  ///< means over the epoch's batches
    double trainAccuracy = 0;  ///< on the (augmented) training batches as they were seen
    double valAccuracy = 0;    ///< on the validation split, in inference mode; train accuracy if there is none
    double learningRate = 0;
    double samplesPerSecond = 0;
    double seconds = 0;
    double sparsity = 0;           ///< compression phases: fraction of prunable weights at zero
    std::int64_t deployedBytes = 0;  ///< compression phases: the model's size as it would be deployed; 0 otherwise
};

/// A ProgressObserver that also receives training metrics. Callbacks run on the training thread.
class TrainObserver : public ProgressObserver {
public:
    virtual void onStep(const StepMetrics& metrics) { (void)metrics; }
    virtual void onEpoch(const EpochMetrics& metrics) { (void)metrics; }
};

}  // namespace tinyforge::core::train
