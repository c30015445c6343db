#pragma once
// Gradual magnitude pruning (Zhu and Gupta 2017) as a training hook: at each pruning step the smallest-magnitude
// weights are masked to reach the schedule's sparsity, per layer or with one global threshold; masks hold pruned
// weights (and their gradients) at zero through fine-tuning. Internal to core.

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "core/compress/compressible_layers.h"
#include "core/compress/compression_settings.h"
#include "core/train/train_hook.h"

namespace tinyforge::core::compress {

class Pruner final : public train::TrainHook {
public:
    /// Prunes the compressible layers of `model` not excluded by `settings`. Existing zeros start masked, so a
    /// pruned model resumes with its masks.
    Pruner(const models::Model& model, const PruneSettings& settings);

    /// Masks the smallest weights so the pruned layers reach `sparsity` (each scaled by its own final sparsity).
    void prune(double sparsity);
    /// Applies the schedule's target for `step` when it is a pruning step.
    void beforeStep(std::int64_t step) override;
    void afterBackward() override;  ///< pruned weights get no gradient
    void afterStep() override;      ///< and stay exactly zero (Adam's moments would otherwise move them)
    void annotate(train::StepMetrics& m) const override { m.sparsity = sparsity(); }
    void annotate(train::EpochMetrics& m) const override { m.sparsity = sparsity(); }
    std::vector<at::Tensor> stateTensors() override;  ///< the masks, in layer order
    std::string stateText() const override { return scheduleActive_ ? "pruning" : "holding"; }
    void restoreText(const std::string& text) override { scheduleActive_ = text != "holding"; }

    /// From now on only hold the masks (later phases): no more pruning steps.
    void holdMasks() { scheduleActive_ = false; }
    /// Fraction of weights at zero over the pruned layers.
    double sparsity() const;
    /// Per pruned layer: its mask (1 keeps a weight).
    const std::map<std::string, at::Tensor>& masks() const { return masks_; }

private:
    double layerTarget(const std::string& name, double sparsity) const;
    PruneSettings settings_;
    std::vector<CompressibleLayer> layers_;
    std::map<std::string, at::Tensor> masks_;
    bool scheduleActive_ = true;
};

}  // namespace tinyforge::core::compress
