#pragma once
// Hooks into the training loop: how compression (pruning masks, shared cluster weights, fake quantization) rides on
// the one training loop instead of copying it. Every method has a do-nothing default.

#include <cstdint>
#include <string>
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

    /// What the hook holds beyond the model's weights, saved in every epoch checkpoint so that a resumed phase
    /// continues exactly: tensors (restored by copying into these same tensors, which the optimiser may hold) and
    /// text (flags, a random generator's state). Hooks without state keep the defaults.
    virtual std::vector<at::Tensor> stateTensors();  ///< defined in trainer.cpp, where at::Tensor is complete
    virtual std::string stateText() const { return {}; }
    virtual void restoreText(const std::string& text) { (void)text; }
};

}  // namespace tinyforge::core::train
