#pragma once
// Building blocks that LibTorch lacks: the residual block of ResNet-8/20. Internal to core.

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

#include <functional>

namespace tinyforge::core::models {

/// Two 3x3 convolutions with batch norm and ReLU, added to the input (through a 1x1 convolution when the
/// stride or channel count changes), then ReLU: He et al. 2016, as in the MLPerf Tiny ResNet-8.
/// `midChannels` (default: outChannels) is the width between the two convolutions, which filter pruning narrows.
class ResidualBlockImpl : public torch::nn::Module {
public:
    ResidualBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t stride, std::int64_t midChannels = 0);
    torch::Tensor forward(const torch::Tensor& x);
    /// Multiply-accumulates for one sample entering with `height` x `width`.
    std::int64_t macs(std::int64_t height, std::int64_t width) const;

    /// Receives the block's inner activations in order (after conv1-bn1-relu, after conv2-bn2, after the projection
    /// shortcut when there is one) and returns what flows on: Model's activation hook reaches inside the block so.
    using PointHook = std::function<torch::Tensor(const torch::Tensor&)>;
    void setPointHook(PointHook hook) { hook_ = std::move(hook); }
    /// How many inner activations the hook sees: 2, or 3 with a projection shortcut.
    std::size_t innerPoints() const { return shortcut_->is_empty() ? 2 : 3; }

    std::int64_t inChannels() const { return in_; }
    std::int64_t outChannels() const { return out_; }
    std::int64_t midChannels() const { return mid_; }
    std::int64_t stride() const { return stride_; }
    torch::nn::Conv2d& conv1() { return conv1_; }
    torch::nn::Conv2d& conv2() { return conv2_; }
    torch::nn::BatchNorm2d& bn1() { return bn1_; }
    torch::nn::BatchNorm2d& bn2() { return bn2_; }
    /// The projection shortcut (1x1 convolution and BatchNorm); empty for an identity shortcut.
    torch::nn::Sequential& shortcut() { return shortcut_; }

private:
    std::int64_t in_, out_, stride_, mid_;
    PointHook hook_;
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
    torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
    torch::nn::Sequential shortcut_{nullptr};  // empty: identity
};
TORCH_MODULE(ResidualBlock);

}  // namespace tinyforge::core::models
