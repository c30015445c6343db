#pragma once
// What a model costs on the device, byte by byte: each layer's weights in the smallest encoding the C export can
// decode on the fly (dense, bitmask-sparse, Deep Compression's relative indices, codebook + packed indices,
// optionally Huffman-coded), plus biases, BatchNorm shifts and quantization parameters.

#include <cstdint>
#include <string>
#include <vector>

#include "core/models/model.h"

namespace tinyforge::core::compress {

struct LayerBytes {
    std::string name;
    std::string encoding;        ///< "dense", "bitmask", "relative4", "relative5", "codebook", "codebook+bitmask", ...
    std::int64_t weights = 0;    ///< parameter count
    std::int64_t nonzeros = 0;
    int clusters = 0;            ///< distinct non-zero values when the layer is clustered, else 0
    std::int64_t bytes = 0;      ///< weights in that encoding, with bias and per-channel scales
};

struct DeployedSize {
    std::vector<LayerBytes> layers;
    std::int64_t otherBytes = 0;  ///< BatchNorm parameters, activation quantization parameters
    std::int64_t total = 0;
    double sparsity = 0;          ///< zeros among all compressible weights
};

struct SizeOptions {
    int weightBits = 32;             ///< 32 for float weights, else the quantized width
    bool quantizedActivations = false;
    bool huffman = false;            ///< Huffman-code cluster indices
    int maxClusters = 256;           ///< a layer with at most this many distinct non-zero values counts as clustered
};

/// Measures `model` as it is (zeros, shared values and all). Built-in architectures only.
DeployedSize deployedSize(const models::Model& model, const SizeOptions& options);

}  // namespace tinyforge::core::compress
