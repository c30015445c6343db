#include "core/train/train_settings.h"

#include <cmath>
#include <numbers>

namespace tinyforge::core::train {

double learningRateAt(const TrainSettings& settings, int epoch) {
    if (settings.schedule == "cosine") {
        return settings.learningRate * (1.0 + std::cos(std::numbers::pi * epoch / settings.epochs)) / 2.0;
    }
    if (settings.schedule == "step") {
        return settings.learningRate * std::pow(settings.stepGamma, epoch / settings.stepEpochs);
    }
    return settings.learningRate;
}

}  // namespace tinyforge::core::train
