#pragma once
// The LibTorch side of Model: for core's .cpp files, which compile with core's precompiled header.
// Not for the CLI, the GUI or tests: include core/models/model.h there.

#include <torch/nn/modules/container/sequential.h>
#include <torch/script.h>

#include <map>
#include <optional>

#include "core/models/model.h"

namespace tinyforge::core::models {

struct Model::Impl {
    std::string arch;
    std::vector<std::int64_t> inputShape;
    std::int64_t classes = 0;
    torch::nn::Sequential network{nullptr};   ///< built-in architectures
    std::optional<torch::jit::Module> script;  ///< imported TorchScript
    Model::ActivationHook activationHook;
    std::vector<bool> groupEnds;  ///< per layer of `network`: does a layer group end after it (see Model)
    std::map<std::string, std::int64_t> channelWidths;  ///< layers narrowed by channel pruning (channel_surgery.h)
};

/// Builds the layers of a built-in architecture (architectures.cpp). Throws RecipeError naming `fieldPath`.
torch::nn::Sequential buildNetwork(const ArchitectureSpec& spec, const std::vector<std::int64_t>& inputShape,
                                   std::int64_t classes, const std::string& fieldPath);

/// Per layer of `network`: does an activation point (a layer group's end) follow it. A group is a layer with the
/// BatchNorm and activation after it; flattening and max pooling only move values and end none (model.cpp).
std::vector<bool> layerGroupEnds(torch::nn::Sequential& network);

/// The per-layer table of a built network, measured by passing one sample through it (model_stats.cpp).
std::vector<LayerInfo> describeLayers(torch::nn::Sequential& network, const std::vector<std::int64_t>& inputShape);

}  // namespace tinyforge::core::models
