#include "core/models/channel_surgery.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::models {

namespace {

namespace nn = torch::nn;

struct Layer {
    std::string name;
    nn::AnyModule module;
    nn::Module& get() const { return *module.ptr(); }
};

std::vector<Layer> layersOf(const Model& model) {
    auto& network = model.impl().network;
    std::vector<Layer> layers;
    const auto names = network->named_children().keys();
    std::size_t i = 0;
    for (auto& module : *network) layers.push_back({names[i++], module});
    return layers;
}

bool isDepthwise(const nn::Conv2dImpl& c) {
    return c.options.groups() > 1 && c.options.groups() == c.options.in_channels() && c.options.out_channels() == c.options.in_channels();
}
bool passesThrough(nn::Module& m) {
    return m.as<nn::BatchNorm2d>() || m.as<nn::ReLU>() || m.as<nn::ReLU6>() || m.as<nn::MaxPool2d>() || m.as<nn::AvgPool2d>() ||
           m.as<nn::AdaptiveAvgPool2d>() || m.as<nn::Flatten>();
}
bool producesChannels(nn::Module& m) {
    if (auto* c = m.as<nn::Conv2d>()) return c->options.groups() == 1;
    return m.as<nn::Linear>() != nullptr;
}

// The index of the layer that reads layer i's channels as its inputs (through pass-through and depthwise layers),
// or -1 when nothing prunable does (the classifier, a residual block's skip path).
std::ptrdiff_t consumerOf(const std::vector<Layer>& layers, std::size_t i) {
    for (std::size_t j = i + 1; j < layers.size(); ++j) {
        auto& m = layers[j].get();
        if (passesThrough(m)) continue;
        if (auto* c = m.as<nn::Conv2d>(); c && isDepthwise(*c)) continue;
        return producesChannels(m) ? static_cast<std::ptrdiff_t>(j) : -1;
    }
    return -1;
}

at::Tensor indexTensor(const std::vector<std::int64_t>& keep) { return torch::tensor(keep, torch::kLong); }

void copyInto(const at::Tensor& to, const at::Tensor& from) {
    if (to.defined() && from.defined()) to.copy_(from);
}

// A copy of `c` keeping output channels `out` and input channels `in` (either may be undefined: keep all).
nn::Conv2d slicedConv(nn::Conv2dImpl& c, const at::Tensor& out, const at::Tensor& in) {
    const auto& from = c.options;
    const bool depthwise = isDepthwise(c);
    at::Tensor w = c.weight.detach(), b = c.bias.defined() ? c.bias.detach() : at::Tensor();
    if (out.defined()) {
        w = w.index_select(0, out);
        if (b.defined()) b = b.index_select(0, out);
    }
    if (in.defined() && !depthwise) w = w.index_select(1, in);
    const std::int64_t outChannels = w.size(0), inChannels = depthwise ? outChannels : w.size(1) * from.groups();
    nn::Conv2d sliced(nn::Conv2dOptions(inChannels, outChannels, from.kernel_size())
                          .stride(from.stride())
                          .padding(from.padding())
                          .dilation(from.dilation())
                          .groups(depthwise ? outChannels : from.groups())
                          .bias(b.defined())
                          .padding_mode(from.padding_mode()));
    copyInto(sliced->weight, w);
    copyInto(sliced->bias, b);
    return sliced;
}

nn::BatchNorm2d slicedBatchNorm(nn::BatchNorm2dImpl& bn, const at::Tensor& keep) {
    auto o = bn.options;
    o.num_features(keep.numel());
    nn::BatchNorm2d sliced(o);
    copyInto(sliced->weight, bn.weight.detach().index_select(0, keep));
    copyInto(sliced->bias, bn.bias.detach().index_select(0, keep));
    copyInto(sliced->running_mean, bn.running_mean.index_select(0, keep));
    copyInto(sliced->running_var, bn.running_var.index_select(0, keep));
    copyInto(sliced->num_batches_tracked, bn.num_batches_tracked);
    sliced->weight.set_requires_grad(bn.weight.requires_grad());
    return sliced;
}

nn::Linear slicedLinear(nn::LinearImpl& l, const at::Tensor& out, const at::Tensor& in) {
    at::Tensor w = l.weight.detach(), b = l.bias.defined() ? l.bias.detach() : at::Tensor();
    if (out.defined()) {
        w = w.index_select(0, out);
        if (b.defined()) b = b.index_select(0, out);
    }
    if (in.defined()) w = w.index_select(1, in);
    nn::Linear sliced(nn::LinearOptions(w.size(1), w.size(0)).bias(b.defined()));
    copyInto(sliced->weight, w);
    copyInto(sliced->bias, b);
    return sliced;
}

// Inputs of a dense layer reading `channels` channels flattened channel-major: each channel is a run of columns.
at::Tensor flattenedColumns(const at::Tensor& keep, std::int64_t channels, std::int64_t inFeatures) {
    const std::int64_t perChannel = inFeatures / channels;
    return (keep.unsqueeze(1) * perChannel + torch::arange(perChannel).unsqueeze(0)).flatten();
}

void checkIndices(const std::string& name, const std::vector<std::int64_t>& keep, std::int64_t channels) {
    if (keep.empty()) throw Error(name + ": channel pruning must keep at least one channel");
    for (std::size_t i = 0; i < keep.size(); ++i) {
        if (keep[i] < 0 || keep[i] >= channels || (i > 0 && keep[i] <= keep[i - 1])) {
            throw Error(name + ": channels to keep must be ascending indices below " + std::to_string(channels));
        }
    }
}

void narrowResidualBlock(Layer& layer, const std::string& name, const std::vector<std::int64_t>& keepList) {
    auto* block = layer.get().as<ResidualBlock>();
    checkIndices(name, keepList, block->midChannels());
    const auto keep = indexTensor(keepList);
    ResidualBlock narrowed(block->inChannels(), block->outChannels(), block->stride(), keep.numel());
    torch::NoGradGuard noGrad;
    narrowed->conv1() = narrowed->replace_module("conv1", slicedConv(*block->conv1(), keep, {}));
    narrowed->bn1() = narrowed->replace_module("bn1", slicedBatchNorm(*block->bn1(), keep));
    narrowed->conv2() = narrowed->replace_module("conv2", slicedConv(*block->conv2(), {}, keep));
    narrowed->bn2() = narrowed->replace_module("bn2", slicedBatchNorm(*block->bn2(), torch::arange(block->outChannels())));
    const auto from = block->shortcut()->parameters(), to = narrowed->shortcut()->parameters();
    for (std::size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
    const auto fromBuffers = block->shortcut()->buffers(), toBuffers = narrowed->shortcut()->buffers();
    for (std::size_t i = 0; i < fromBuffers.size(); ++i) toBuffers[i].copy_(fromBuffers[i]);
    layer.module = nn::AnyModule(narrowed);
}

void narrowLayer(std::vector<Layer>& layers, std::size_t i, const std::vector<std::int64_t>& keepList) {
    const std::string& name = layers[i].name;
    const std::ptrdiff_t consumer = consumerOf(layers, i);
    if (!producesChannels(layers[i].get()) || consumer < 0) throw Error(name + ": its output channels cannot be removed");
    auto* conv = layers[i].get().as<nn::Conv2d>();
    auto* linear = layers[i].get().as<nn::Linear>();
    const std::int64_t channels = conv ? conv->options.out_channels() : linear->options.out_features();
    checkIndices(name, keepList, channels);
    const auto keep = indexTensor(keepList);
    torch::NoGradGuard noGrad;
    layers[i].module = conv ? nn::AnyModule(slicedConv(*conv, keep, {})) : nn::AnyModule(slicedLinear(*linear, keep, {}));
    for (auto j = static_cast<std::ptrdiff_t>(i) + 1; j <= consumer; ++j) {
        auto& layer = layers[static_cast<std::size_t>(j)];
        if (auto* bn = layer.get().as<nn::BatchNorm2d>()) layer.module = nn::AnyModule(slicedBatchNorm(*bn, keep));
        if (auto* c = layer.get().as<nn::Conv2d>()) layer.module = nn::AnyModule(slicedConv(*c, isDepthwise(*c) ? keep : at::Tensor(), keep));
        if (auto* l = layer.get().as<nn::Linear>()) {
            const std::int64_t in = l->options.in_features();
            layer.module = nn::AnyModule(slicedLinear(*l, {}, in == channels ? keep : flattenedColumns(keep, channels, in)));
        }
    }
}

}  // namespace

std::vector<ChannelLayer> channelLayers(const Model& model) {
    std::vector<ChannelLayer> out;
    if (model.impl().script) return out;
    const auto layers = layersOf(model);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        auto& m = layers[i].get();
        if (auto* block = m.as<ResidualBlock>()) {
            out.push_back({layers[i].name + ".conv1", block->conv1()->weight});
        } else if (producesChannels(m) && consumerOf(layers, i) >= 0) {
            out.push_back({layers[i].name, m.as<nn::Conv2d>() ? m.as<nn::Conv2d>()->weight : m.as<nn::Linear>()->weight});
        }
    }
    return out;
}

void removeChannels(Model& model, const std::map<std::string, std::vector<std::int64_t>>& keep) {
    auto& impl = model.impl();
    if (impl.script) throw Error("channel pruning needs a built-in architecture, not " + impl.arch);
    auto layers = layersOf(model);
    for (const auto& [name, indices] : keep) {
        const auto dot = name.find('.');
        const std::string top = name.substr(0, dot);
        auto found = std::find_if(layers.begin(), layers.end(), [&](const Layer& l) { return l.name == top; });
        if (found == layers.end()) throw Error(name + ": no such layer in " + impl.arch);
        if (dot != std::string::npos) {
            if (!found->get().as<ResidualBlock>() || name.substr(dot + 1) != "conv1") {
                throw Error(name + ": only a residual block's conv1 can lose channels inside the block");
            }
            narrowResidualBlock(*found, name, indices);
        } else {
            narrowLayer(layers, static_cast<std::size_t>(found - layers.begin()), indices);
        }
        impl.channelWidths[name] = static_cast<std::int64_t>(indices.size());
    }
    const bool training = impl.network->is_training();
    nn::Sequential rebuilt;
    for (auto& layer : layers) rebuilt->push_back(layer.name, layer.module);
    rebuilt->train(training);
    impl.network = rebuilt;
    impl.groupEnds.clear();
}

const std::map<std::string, std::int64_t>& channelWidths(const Model& model) { return model.impl().channelWidths; }

}  // namespace tinyforge::core::models
