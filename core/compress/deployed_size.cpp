#include "core/compress/deployed_size.h"

#include <torch/torch.h>

#include <limits>

#include "core/compress/compressible_layers.h"
#include "core/compress/size_accounting.h"
#include "core/models/model_impl.h"

namespace tinyforge::core::compress {

namespace {

struct Candidate {
    std::string encoding;
    std::int64_t bytes;
};

// How often each distinct non-zero value occurs (ascending values).
std::vector<std::int64_t> valueCounts(const at::Tensor& nonzeroValues) {
    if (nonzeroValues.numel() == 0) return {};
    const auto counts = std::get<2>(at::_unique2(nonzeroValues, true, false, true));
    return {counts.data_ptr<std::int64_t>(), counts.data_ptr<std::int64_t>() + counts.numel()};
}

// The encodings a layer's weights can take, and what each costs.
std::vector<Candidate> candidates(const at::Tensor& weight, const SizeOptions& o, int& clusters) {
    const auto flat = weight.detach().flatten().contiguous();
    const std::int64_t n = flat.numel();
    const auto maskTensor = flat.ne(0).to(torch::kUInt8).contiguous();
    const std::span<const std::uint8_t> mask(maskTensor.data_ptr<std::uint8_t>(), static_cast<std::size_t>(n));
    const auto nonzeroValues = flat.masked_select(flat.ne(0));
    const std::int64_t nnz = nonzeroValues.numel(), zeros = n - nnz;
    const int b = o.weightBits;
    const std::int64_t relative4 = relativeIndexEntries(mask, 4), relative5 = relativeIndexEntries(mask, 5);
    std::vector<Candidate> out{{"dense", denseBytes(n, b)},
                               {"bitmask", bitmaskSparseBytes(n, nnz, b)},
                               {"relative4", (relative4 * (4 + b) + 7) / 8},
                               {"relative5", (relative5 * (5 + b) + 7) / 8}};
    auto nonzeroCounts = valueCounts(nonzeroValues);
    const auto distinct = static_cast<std::int64_t>(nonzeroCounts.size());
    clusters = 0;
    if (distinct == 0 || distinct > o.maxClusters) return out;
    clusters = static_cast<int>(distinct);
    const std::int64_t codebook = denseBytes(distinct, b);
    const int valueBits = indexBits(static_cast<int>(distinct));
    const int withZeroBits = indexBits(static_cast<int>(distinct) + (zeros > 0 ? 1 : 0));
    const std::int64_t sparseIndexBits = o.huffman ? huffmanBits(nonzeroCounts) : nnz * valueBits;
    if (zeros > 0) nonzeroCounts.push_back(zeros);  // the dense layout gives zero its own symbol
    const std::int64_t denseIndexBits = o.huffman ? huffmanBits(nonzeroCounts) : n * withZeroBits;
    out.push_back({o.huffman ? "codebook+huffman" : "codebook", codebook + (denseIndexBits + 7) / 8});
    out.push_back({o.huffman ? "codebook+bitmask+huffman" : "codebook+bitmask",
                   codebook + (n + 7) / 8 + (sparseIndexBits + 7) / 8});
    out.push_back({"codebook+relative4", codebook + (relative4 * (4 + withZeroBits) + 7) / 8});
    out.push_back({"codebook+relative5", codebook + (relative5 * (5 + withZeroBits) + 7) / 8});
    return out;
}

std::int64_t batchNormBytes(const models::Model& model) {
    std::int64_t bytes = 0;
    for (const auto& m : model.impl().network->modules(false)) {
        if (const auto* bn = m->as<torch::nn::BatchNorm2d>()) {
            const bool folded = torch::all(bn->weight == 1).item<bool>() && torch::all(bn->running_mean == 0).item<bool>();
            bytes += bn->options.num_features() * (folded ? 4 : 16);  // a folded BatchNorm is only a bias
        }
    }
    return bytes;
}

}  // namespace

DeployedSize deployedSize(const models::Model& model, const SizeOptions& options) {
    DeployedSize size;
    torch::NoGradGuard noGrad;
    std::int64_t zeros = 0, weights = 0;
    for (const auto& layer : compressibleLayers(model)) {
        LayerBytes lb;
        lb.name = layer.name;
        lb.weights = layer.weight.numel();
        lb.nonzeros = layer.weight.ne(0).sum().item<std::int64_t>();
        const auto options_ = candidates(layer.weight, options, lb.clusters);
        const auto best = std::min_element(options_.begin(), options_.end(),
                                           [](const Candidate& a, const Candidate& b) { return a.bytes < b.bytes; });
        lb.encoding = best->encoding;
        lb.bytes = best->bytes;
        if (layer.bias.defined()) lb.bytes += layer.bias.numel() * 4;  // int32 or float, 4 bytes either way
        if (options.weightBits < 32) {
            const bool codebook = lb.encoding.starts_with("codebook");
            lb.bytes += codebook ? 4 : layer.weight.size(0) * 4;  // one scale per codebook, else per output channel
        }
        if (lb.clusters == 0 || !lb.encoding.starts_with("codebook")) lb.clusters = 0;
        zeros += lb.weights - lb.nonzeros;
        weights += lb.weights;
        size.total += lb.bytes;
        size.layers.push_back(lb);
    }
    size.otherBytes = batchNormBytes(model);
    if (options.quantizedActivations) size.otherBytes += static_cast<std::int64_t>(model.activationPointCount()) * 8;
    size.total += size.otherBytes;
    size.sparsity = weights > 0 ? static_cast<double>(zeros) / static_cast<double>(weights) : 0.0;
    return size;
}

}  // namespace tinyforge::core::compress
