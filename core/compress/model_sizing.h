#pragma once
// What a model will cost on a device before it is trained: parameters, MACs, deployed bytes under the compression a
// recipe asks for, and the activation arena. The Models page and the board fit checks ask this; after a run, the
// measured figures are in summary.json (core/results/run_summary.h: deviceNeeds).

#include <cstdint>
#include <string>
#include <vector>

#include "core/compress/compression_settings.h"
#include "core/models/model.h"

namespace tinyforge::core::compress {

struct LayerSizing {
    std::string name, type;
    std::vector<std::int64_t> outputShape;  ///< per sample
    std::int64_t params = 0, macs = 0;
    std::int64_t deployedBytes = 0;  ///< its weights in their estimated smallest encoding, with bias and scales
    std::string encoding;            ///< that encoding ("dense", "bitmask", "codebook+bitmask", ...); "" without weights
};

struct ModelSizing {
    std::int64_t params = 0, macs = 0, bytesFp32 = 0;
    bool macsKnown = true;               ///< false for imported TorchScript models
    std::int64_t deployedBytes = 0;      ///< every layer's deployedBytes plus BatchNorm shifts and activation parameters
    std::int64_t activationArenaBytes = 0;  ///< the largest input + output of one layer, at the activation width
    int weightBits = 32, activationBits = 32;
    std::vector<LayerSizing> layers;
};

/// Sizes `model` (a fresh one is fine: only shapes count) for a sample of `sampleShape` under `compression`: each
/// weighted layer at the pruning's final sparsity (a layer's own when set, 0 when excluded) and the clustering's k,
/// in the smallest of the dense, bitmask and codebook encodings the C export decodes (relative-index encodings
/// depend on where the zeros fall, so the estimate is an upper bound when they would win), BatchNorm folded to a
/// shift. Without quantization weights and activations count as 32-bit floats. Exact for a dense model; an estimate
/// otherwise (the trained model's figure is summary.json's compressed.bytes_deployed).
ModelSizing sizeModel(const models::Model& model, const std::vector<std::int64_t>& sampleShape, const CompressionSettings& compression);

/// The deployed bytes of `weights` weights (`outputChannels` rows, `biases` biases) at `sparsity` zeros and
/// `clusters` shared values (0: none) with `bits`-bit values: the smallest dense, bitmask or codebook layout.
LayerSizing sizeWeights(std::int64_t weights, std::int64_t outputChannels, std::int64_t biases, double sparsity, int clusters, int bits);

}  // namespace tinyforge::core::compress
