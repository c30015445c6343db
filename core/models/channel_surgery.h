#pragma once
// Removing whole output channels (filters, or hidden units of dense layers) from a built network, so that it
// becomes a genuinely smaller dense network: the layer's BatchNorm shrinks with it, depthwise convolutions that
// read it lose the same channels, and the next convolution or dense layer loses the matching inputs. Residual
// blocks are pruned inside (between their two convolutions); their outputs are tied to the skip path and stay.
// Internal to core (compress/channel_pruner.h chooses which channels go).

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "core/models/model.h"

namespace tinyforge::core::models {

/// A layer whose output channels can be removed.
struct ChannelLayer {
    std::string name;   ///< "conv2", "fc1", or "stage2_block1.conv1" inside a residual block
    at::Tensor weight;  ///< [out, ...]: row c makes output channel c
};

/// The layers of `model` whose output channels can be removed, in network order. Not the classifier, not a
/// layer whose output feeds a residual block's skip path; none for imported TorchScript models.
std::vector<ChannelLayer> channelLayers(const Model& model);

/// Keeps only the listed output channels (ascending, at least one) of each named layer and narrows what reads them.
/// The model's network is rebuilt: tensors taken from it before (optimisers, hooks) no longer belong to it.
/// Throws Error naming the layer when it is not in channelLayers() or an index is out of range.
void removeChannels(Model& model, const std::map<std::string, std::vector<std::int64_t>>& keep);

/// The output widths removeChannels left, by layer: stored with the weights so a saved model can be rebuilt.
const std::map<std::string, std::int64_t>& channelWidths(const Model& model);

}  // namespace tinyforge::core::models
