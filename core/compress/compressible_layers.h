#pragma once
// The layers compression works on: every convolution and dense layer's weight, by its layer name. Internal to core.

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/models/model.h"

namespace tinyforge::core::compress {

struct CompressibleLayer {
    std::string name;     ///< "conv1", "stage2_block1.conv2", "fc"
    std::string type;     ///< "Conv2d", "DepthwiseConv2d", "Linear"
    at::Tensor weight;    ///< the parameter itself (shares storage with the model)
    at::Tensor bias;      ///< undefined when the layer has none
};

/// The model's convolution and dense weights in a fixed order. Imported TorchScript models have none (they
/// cannot be compressed by the studio).
std::vector<CompressibleLayer> compressibleLayers(const models::Model& model);

/// Folds every BatchNorm that follows a convolution into it, exactly: the convolution's weights take the per-channel
/// scale gamma / sqrt(var + eps), and the BatchNorm keeps only the shift (running mean 0, var 1 - eps, gamma 1,
/// no longer trained).
/// In inference mode the model computes the same function; weight compression then sees the deployed weights.
/// Returns how many BatchNorms were folded.
int foldBatchNorms(models::Model& model);

/// Keeps every BatchNorm in inference mode (fixed statistics), as compression fine-tuning needs after folding.
void freezeBatchNorms(models::Model& model);

}  // namespace tinyforge::core::compress
