#include "core/compress/compressible_layers.h"

#include <torch/torch.h>

#include "core/models/layers.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::compress {

namespace {

namespace nn = torch::nn;

// Visits (name, module) pairs depth-first, with dotted names below the top level.
void visit(const std::shared_ptr<nn::Module>& module, const std::string& prefix,
           const std::function<void(const std::string&, nn::Module&)>& f) {
    for (const auto& child : module->named_children()) {
        const std::string name = prefix.empty() ? child.key() : prefix + "." + child.key();
        f(name, *child.value());
        visit(child.value(), name, f);
    }
}

void foldInto(nn::Conv2dImpl& conv, nn::BatchNorm2dImpl& bn) {
    torch::NoGradGuard noGrad;
    const auto scale = bn.weight / torch::sqrt(bn.running_var + bn.options.eps());
    conv.weight.mul_(scale.reshape({-1, 1, 1, 1}));
    bn.bias.sub_(bn.running_mean * scale);
    bn.weight.fill_(1.0);
    bn.weight.set_requires_grad(false);  // gamma stays 1, or fine-tuning would quietly un-fold it
    bn.running_mean.zero_();
    bn.running_var.fill_(1.0 - bn.options.eps());
}

}  // namespace

std::vector<CompressibleLayer> compressibleLayers(const models::Model& model) {
    std::vector<CompressibleLayer> layers;
    auto& impl = model.impl();
    if (impl.script) return layers;
    visit(impl.network.ptr(), "", [&](const std::string& name, nn::Module& module) {
        if (auto* conv = module.as<nn::Conv2d>()) {
            const auto& o = conv->options;
            const bool depthwise = o.groups() > 1 && o.groups() == o.in_channels();
            layers.push_back({name, depthwise ? "DepthwiseConv2d" : "Conv2d", conv->weight, conv->bias});
        } else if (auto* linear = module.as<nn::Linear>()) {
            layers.push_back({name, "Linear", linear->weight, linear->bias});
        }
    });
    return layers;
}

int foldBatchNorms(models::Model& model) {
    auto& impl = model.impl();
    if (impl.script) return 0;
    int folded = 0;
    // A convolution followed directly by a BatchNorm, in the top-level sequence or inside a residual block.
    nn::Conv2dImpl* previousConv = nullptr;
    visit(impl.network.ptr(), "", [&](const std::string&, nn::Module& module) {
        if (auto* conv = module.as<nn::Conv2d>()) {
            previousConv = conv;
        } else if (auto* bn = module.as<nn::BatchNorm2d>()) {
            if (previousConv != nullptr && previousConv->options.out_channels() == bn->options.num_features()) {
                foldInto(*previousConv, *bn);
                ++folded;
            }
            previousConv = nullptr;
        } else if (module.as<nn::Sequential>() == nullptr) {
            previousConv = nullptr;
        }
    });
    return folded;
}

void freezeBatchNorms(models::Model& model) {
    auto& impl = model.impl();
    if (impl.script) return;
    visit(impl.network.ptr(), "", [](const std::string&, nn::Module& module) {
        if (module.as<nn::BatchNorm2d>() != nullptr) module.eval();
    });
}

}  // namespace tinyforge::core::compress
