#include "core/models/layers.h"

#include <torch/torch.h>

namespace tinyforge::core::models {

namespace nn = torch::nn;

ResidualBlockImpl::ResidualBlockImpl(std::int64_t inChannels, std::int64_t outChannels, std::int64_t stride,
                                     std::int64_t midChannels)
    : in_(inChannels), out_(outChannels), stride_(stride), mid_(midChannels > 0 ? midChannels : outChannels) {
    conv1_ = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in_, mid_, 3).stride(stride).padding(1).bias(false)));
    bn1_ = register_module("bn1", nn::BatchNorm2d(mid_));
    conv2_ = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(mid_, out_, 3).padding(1).bias(false)));
    bn2_ = register_module("bn2", nn::BatchNorm2d(out_));
    shortcut_ = register_module("shortcut", nn::Sequential());
    if (stride != 1 || in_ != out_) {
        shortcut_->push_back(nn::Conv2d(nn::Conv2dOptions(in_, out_, 1).stride(stride).bias(false)));
        shortcut_->push_back(nn::BatchNorm2d(out_));
    }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
    auto observe = [this](const torch::Tensor& t) { return hook_ ? hook_(t) : t; };
    auto y = observe(torch::relu(bn1_(conv1_(x))));
    y = observe(bn2_(conv2_(y)));
    const auto skip = shortcut_->is_empty() ? x : observe(shortcut_->forward(x));
    return torch::relu(y + skip);
}

std::int64_t ResidualBlockImpl::macs(std::int64_t height, std::int64_t width) const {
    const std::int64_t outH = (height + 2 - 3) / stride_ + 1;
    const std::int64_t outW = (width + 2 - 3) / stride_ + 1;
    std::int64_t total = outH * outW * mid_ * in_ * 9 + outH * outW * out_ * mid_ * 9;
    if (!shortcut_->is_empty()) total += outH * outW * out_ * in_;
    return total;
}

}  // namespace tinyforge::core::models
