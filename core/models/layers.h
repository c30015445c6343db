#pragma once
// Building blocks that LibTorch lacks: the residual block of ResNet-8/20. Internal to core.

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

namespace tinyforge::core::models {

/// Two 3x3 convolutions with batch norm and ReLU, added to the input (through a 1x1 convolution when the
/// stride or channel count changes), then ReLU: He et al. 2016, as in the MLPerf Tiny ResNet-8.
class ResidualBlockImpl : public torch::nn::Module {
public:
    ResidualBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t stride);
    torch::Tensor forward(const torch::Tensor& x);
    /// Multiply-accumulates for one sample entering with `height` x `width`.
    std::int64_t macs(std::int64_t height, std::int64_t width) const;

private:
    std::int64_t in_, out_, stride_;
    torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
    torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
    torch::nn::Sequential shortcut_{nullptr};  // empty: identity
};
TORCH_MODULE(ResidualBlock);

}  // namespace tinyforge::core::models
