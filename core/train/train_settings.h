#pragma once
// How a model is trained and distilled: the recipe's "train" and "distill" sections.

#include <cstdint>
#include <string>

namespace tinyforge::core::train {

struct TrainSettings {
    std::string optimizer = "adam";  ///< "sgd" (with momentum) or "adam"
    double learningRate = 1e-3;
    double momentum = 0.9;           ///< sgd only
    double weightDecay = 0.0;
    std::string schedule = "cosine";  ///< "constant", "cosine" (to 0 over the epochs) or "step"
    int stepEpochs = 10;              ///< step: multiply the rate by stepGamma every stepEpochs epochs
    double stepGamma = 0.1;
    int batchSize = 64;
    int epochs = 10;
    int earlyStopPatience = 0;  ///< stop after this many epochs without a better validation accuracy; 0 = never
};

struct DistillSettings {
    bool enabled = true;
    double temperature = 4.0;  ///< T > 0
    double alpha = 0.9;        ///< weight of the soft (teacher) term, in [0, 1]
    /// "kl": alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(labels, student_1)  (Hinton et al. 2015)
    /// "sum": H(teacher_T, student_T) + H(labels, student_1), unweighted and without T^2
    std::string loss = "kl";
};

/// The learning rate for `epoch` (0-based) under the settings' schedule.
/// cosine: lr * (1 + cos(pi * epoch / epochs)) / 2; step: lr * gamma^floor(epoch / stepEpochs); constant: lr.
double learningRateAt(const TrainSettings& settings, int epoch);

}  // namespace tinyforge::core::train
