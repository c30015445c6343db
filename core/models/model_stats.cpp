// Measures a built network layer by layer: output shapes from a dry run on one sample, parameters by counting,
// multiply-accumulates from each layer's geometry.

#include <torch/torch.h>

#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::models {

namespace {

std::int64_t parameterCount(const torch::nn::Module& module) {
    std::int64_t count = 0;
    for (const auto& p : module.parameters()) count += p.numel();
    return count;
}

// MACs per sample of one layer, given its input and output (both with a batch dimension of 1).
std::int64_t layerMacs(const torch::nn::Module& module, const torch::Tensor& input, const torch::Tensor& output,
                       std::string& type) {
    if (const auto* conv = module.as<torch::nn::Conv2d>()) {
        const auto& o = conv->options;
        const auto kernel = (*o.kernel_size())[0] * (*o.kernel_size())[1];
        const bool depthwise = o.groups() > 1 && o.groups() == o.in_channels();
        type = depthwise ? "DepthwiseConv2d" : "Conv2d";
        return output.numel() * (o.in_channels() / o.groups()) * kernel;
    }
    if (const auto* linear = module.as<torch::nn::Linear>()) {
        type = "Linear";
        return linear->options.in_features() * linear->options.out_features();
    }
    if (const auto* block = module.as<ResidualBlock>()) {
        type = "ResidualBlock";
        return block->macs(input.size(2), input.size(3));
    }
    type = module.name();
    if (type.ends_with("Impl")) type.resize(type.size() - 4);
    if (const auto colon = type.rfind("::"); colon != std::string::npos) type = type.substr(colon + 2);
    return 0;
}

}  // namespace

std::vector<LayerInfo> describeLayers(torch::nn::Sequential& network, const std::vector<std::int64_t>& inputShape) {
    std::vector<std::int64_t> batch{1};
    batch.insert(batch.end(), inputShape.begin(), inputShape.end());
    torch::NoGradGuard noGrad;
    const bool wasTraining = network->is_training();
    network->eval();
    torch::Tensor x = torch::zeros(batch);
    std::vector<LayerInfo> layers;
    const auto named = network->named_children();
    std::size_t index = 0;
    for (auto& layer : *network) {
        const torch::Tensor y = layer.forward(x);
        LayerInfo info;
        info.name = named[index].key();
        info.params = parameterCount(*layer.ptr());
        info.macs = layerMacs(*layer.ptr(), x, y, info.type);
        info.outputShape.assign(y.sizes().begin() + 1, y.sizes().end());
        layers.push_back(std::move(info));
        x = y;
        ++index;
    }
    network->train(wasTraining);
    return layers;
}

}  // namespace tinyforge::core::models
