#pragma once
// A network the studio trains, distils and measures: built from an architecture id or imported from TorchScript.
// A handle: copies share the same network (as LibTorch modules do). Free of LibTorch headers; functions taking
// or returning at::Tensor need <ATen/core/Tensor.h> (or core's precompiled header) where they are called.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/models/architecture.h"
#include "core/models/model_stats.h"

namespace at {
class Tensor;
}
namespace torch::serialize {
class InputArchive;
}

namespace tinyforge::core::models {

class Model {
public:
    struct Impl;  ///< defined in core/models/model_impl.h, for core's LibTorch code

    /// Builds `spec` for samples of `inputShape` and `classes` outputs, initialised from `seed`.
    /// Throws RecipeError (naming `fieldPath`) for unknown architectures, bad options, or an input the
    /// architecture cannot take (a table for a CNN, an image too small for its strides).
    static Model build(const ArchitectureSpec& spec, const std::vector<std::int64_t>& inputShape,
                       std::int64_t classes, std::uint64_t seed, const std::string& fieldPath);

    /// Loads a TorchScript file and checks that it maps [N, inputShape] to [N, classes].
    /// Throws DataError naming the file when it cannot be read or its shapes do not fit the dataset.
    static Model importTorchScript(const std::filesystem::path& file, const std::vector<std::int64_t>& inputShape,
                                   std::int64_t classes);

    /// "mlp", "resnet8", or "torchscript:<file name>".
    const std::string& arch() const;
    const std::vector<std::int64_t>& inputShape() const;
    std::int64_t classes() const;

    /// Logits [N, classes] for a batch [N, inputShape].
    at::Tensor forward(const at::Tensor& batch) const;
    /// Trainable parameters, for an optimiser.
    std::vector<at::Tensor> parameters() const;
    /// Parameters and buffers (BatchNorm statistics) in a fixed order: a complete snapshot of the weights.
    std::vector<at::Tensor> state() const;
    /// Copies a snapshot taken by state() (of this model or one of the same architecture) into this model.
    void loadState(const std::vector<at::Tensor>& snapshot);
    /// Training mode (BatchNorm uses batch statistics) or inference mode.
    void setTraining(bool training);

    ModelStats stats() const;

    /// Receives the input (point 0) and the output of each layer group (a layer with the BatchNorm and activation
    /// that follow it; points 1..n; a residual block's inner activations come before the block's output) and returns what flows on: how activations are observed for calibration and
    /// fake-quantized. An empty hook (the default) costs nothing. Built-in architectures only.
    using ActivationHook = std::function<at::Tensor(std::size_t point, const at::Tensor& activation)>;
    void setActivationHook(ActivationHook hook);
    /// How many points the hook sees: 1 + the number of layer groups + residual blocks' inner points.
    std::size_t activationPointCount() const;

    /// Writes the weights (and the widths channel pruning left) to `file` atomically (LibTorch archive); load()
    /// reads them into the same architecture, narrowing it first when the saved model was channel-pruned.
    /// load() throws DataError naming the file when it is unreadable or does not fit the architecture.
    void save(const std::filesystem::path& file) const;
    void load(const std::filesystem::path& file);

    Impl& impl() const { return *impl_; }

private:
    explicit Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
    void narrowToSavedWidths(torch::serialize::InputArchive& archive, const std::filesystem::path& file);
    std::shared_ptr<Impl> impl_;
};

}  // namespace tinyforge::core::models
