#pragma once
// Structured (filter / channel) pruning: ranks each prunable layer's output channels by the L1 or L2 norm of
// their weights (Li et al. 2017) and removes the weakest, narrowing what reads them (models/channel_surgery.h).
// Internal to core.

#include <map>
#include <string>
#include <vector>

#include "core/compress/compression_settings.h"
#include "core/models/model.h"

namespace tinyforge::core::compress {

struct ChannelChange {
    std::string layer;
    std::int64_t before = 0, after = 0;
};

/// The channels each layer keeps: per layer not excluded, the ceil((1 - ratio) * channels) (at least one) with the
/// largest norms, in ascending order. Throws SettingsError for an unknown norm, or a per-layer ratio or exclusion
/// naming a layer that cannot lose channels (the message lists those that can).
std::map<std::string, std::vector<std::int64_t>> chooseChannels(const models::Model& model, const ChannelPruneSettings& settings);

/// Chooses and removes the channels; returns each narrowed layer's width before and after.
std::vector<ChannelChange> pruneChannels(models::Model& model, const ChannelPruneSettings& settings);

}  // namespace tinyforge::core::compress
