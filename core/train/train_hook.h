#pragma once
// Hooks into the training loop: how compression (pruning masks, shared cluster weights, fake quantization) rides on
// the one training loop instead of copying it. Every method has a do-nothing default.

#include <cstdint>
#include <vector>

#include "core/train/train_events.h"

namespace at {
class Tensor;
}

namespace tinyforge::core::train {

class TrainHook {
public:
    virtual ~TrainHook() = default;
    /// Adjusts what the optimiser updates (clustering swaps a layer's weights for its centroids).
    virtual void replaceParameters(std::vector<at::Tensor>& parameters) { (void)parameters; }
    /// Before the forward pass of global step `step` (0-based across epochs): update masks, swap in fake-quantized weights.
    virtual void beforeStep(std::int64_t step) { (void)step; }
    /// After backward, before the optimiser: mask gradients, gather centroid gradients, restore float weights.
    virtual void afterBackward() {}
    /// After the optimiser: re-impose the structure (zeros stay zero, weights stay on their centroids).
    virtual void afterStep() {}
    /// Adds what the hook measures (sparsity, deployed bytes) to a step's and an epoch's metrics.
    virtual void annotate(StepMetrics& metrics) const { (void)metrics; }
    virtual void annotate(EpochMetrics& metrics) const { (void)metrics; }
};

}  // namespace tinyforge::core::train
