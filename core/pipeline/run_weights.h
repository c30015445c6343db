#pragma once
// The weights of a finished run's models, layer by layer, as plain numbers: what the window's Weights view draws
// (the histograms before and after compression, the shared values clustering left, the masks pruning left). Free of
// LibTorch: the models are read in run_weights.cpp.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::core::pipeline {

struct LayerWeights {
    std::string name;                  ///< "conv1", "stage2_block1.conv2", "fc"
    std::string type;                  ///< "Conv2d", "DepthwiseConv2d", "Linear"
    std::vector<std::int64_t> shape;   ///< [out, in / groups, kh, kw] or [out, in]
    std::vector<float> values;         ///< in PyTorch's order

    /// Weights that are exactly zero (pruned, or clustered to zero).
    std::int64_t zeros() const;
    /// The distinct non-zero values, ascending, when there are at most `limit` of them (a clustered layer's
    /// centroids); empty otherwise.
    std::vector<float> sharedValues(std::size_t limit = 256) const;
};

struct ModelWeights {
    std::string model;  ///< "teacher", "student", a compression phase ("compress_prune", ...), "compressed"
    std::vector<LayerWeights> layers;  ///< convolutions and dense layers, in the model's order
    const LayerWeights* find(const std::string& layer) const;
};

/// The teacher's, the distilled student's, each compression phase's (as the phase ended: compress_joint,
/// compress_channels, compress_prune, compress_cluster, compress_qat) and the compressed model's weights, in that
/// order, those of them the run folder holds (a run that stopped early has fewer; a compression stage reused from the
/// stage cache brings only the compressed model; an imported TorchScript model has no layers the studio can see).
/// From the pruning phase on, BatchNorms are folded into the convolutions, as they deploy.
/// Throws DataError naming the file when the folder is not a run or a model does not load.
std::vector<ModelWeights> loadRunWeights(const std::filesystem::path& runDir);

}  // namespace tinyforge::core::pipeline
