#include "core/compress/model_sizing.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/compress/compressible_layers.h"
#include "core/compress/size_accounting.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::compress {

namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::int64_t elements(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (const auto d : shape) n *= d;
    return n;
}

// BatchNorm features: each becomes one 4-byte shift once folded into the layer before it.
std::int64_t batchNormFeatures(const models::Model& model) {
    std::int64_t features = 0;
    if (!model.impl().network) return 0;  // an imported TorchScript model: its modules are opaque
    for (const auto& m : model.impl().network->modules(false)) {
        if (const auto* bn = m->as<torch::nn::BatchNorm2d>()) features += bn->options.num_features();
    }
    return features;
}

}  // namespace

LayerSizing sizeWeights(std::int64_t weights, std::int64_t outputChannels, std::int64_t biases, double sparsity, int clusters, int bits) {
    const auto zeros = static_cast<std::int64_t>(std::llround(static_cast<double>(weights) * sparsity));
    const std::int64_t nonzeros = weights - zeros;
    std::vector<std::pair<std::string, std::int64_t>> candidates{{"dense", denseBytes(weights, bits)},
                                                                 {"bitmask", bitmaskSparseBytes(weights, nonzeros, bits)}};
    if (clusters > 0) {
        const std::int64_t codebook = denseBytes(clusters, bits);
        const int withZeroBits = indexBits(clusters + (zeros > 0 ? 1 : 0));
        candidates.push_back({"codebook", codebook + (weights * withZeroBits + 7) / 8});
        candidates.push_back({"codebook+bitmask", codebook + (weights + 7) / 8 + (nonzeros * indexBits(clusters) + 7) / 8});
    }
    const auto best = std::min_element(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    LayerSizing out;
    out.params = weights + biases;
    out.encoding = best->first;
    out.deployedBytes = best->second + biases * 4;  // int32 or float biases: 4 bytes either way
    if (bits < 32) out.deployedBytes += out.encoding.starts_with("codebook") ? 4 : outputChannels * 4;  // the scales
    return out;
}

ModelSizing sizeModel(const models::Model& model, const std::vector<std::int64_t>& sampleShape, const CompressionSettings& c) {
    const auto stats = model.stats();
    ModelSizing out;
    out.params = stats.params;
    out.macs = stats.macs;
    out.macsKnown = stats.macsKnown;
    out.bytesFp32 = stats.bytesFp32;
    out.weightBits = c.quantize.enabled ? c.quantize.weightBits : 32;
    out.activationBits = c.quantize.enabled ? c.quantize.activationBits : 32;
    for (const auto& l : stats.layers) out.layers.push_back({l.name, l.type, l.outputShape, l.params, l.macs, 0, ""});

    for (const auto& layer : compressibleLayers(model)) {
        double sparsity = 0;
        if (c.prune.enabled && !listed(c.prune.exclude, layer.name)) {
            const auto own = c.prune.layerFinal.find(layer.name);
            sparsity = own != c.prune.layerFinal.end() ? own->second : c.prune.schedule.final;
        }
        int clusters = 0;
        if (c.cluster.enabled && !listed(c.cluster.exclude, layer.name)) {
            const auto own = c.cluster.layerClusters.find(layer.name);
            clusters = own != c.cluster.layerClusters.end() ? own->second : c.cluster.clusters;
        }
        const auto sized = sizeWeights(layer.weight.numel(), layer.weight.size(0), layer.bias.defined() ? layer.bias.numel() : 0, sparsity,
                                       clusters, out.weightBits);
        out.deployedBytes += sized.deployedBytes;
        // A stats row is a layer or a group of them (a residual block): it carries its layers' bytes.
        for (auto& row : out.layers) {
            if (layer.name == row.name || layer.name.starts_with(row.name + ".")) {
                row.deployedBytes += sized.deployedBytes;
                row.encoding = row.encoding.empty() || row.encoding == sized.encoding ? sized.encoding : "mixed";
                break;
            }
        }
    }
    out.deployedBytes += batchNormFeatures(model) * 4;
    if (!stats.macsKnown) out.deployedBytes = denseBytes(stats.params, out.weightBits);  // opaque: every parameter dense
    const std::int64_t activationBytes = out.activationBits <= 8 ? 1 : 4;
    if (c.quantize.enabled) out.deployedBytes += static_cast<std::int64_t>(model.activationPointCount()) * 8;
    // A layer's input and output are alive together: the arena holds at least the largest such pair.
    std::int64_t previous = elements(sampleShape);
    for (const auto& l : stats.layers) {
        const std::int64_t current = elements(l.outputShape);
        out.activationArenaBytes = std::max(out.activationArenaBytes, (previous + current) * activationBytes);
        previous = current;
    }
    return out;
}

}  // namespace tinyforge::core::compress
