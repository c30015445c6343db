#pragma once
// Parsing of the recipe's "prune", "cluster" and "quantize" sections. Internal to core/recipe.

#include <nlohmann/json.hpp>

#include "core/compress/compression_settings.h"
#include "core/recipe/json_fields.h"

namespace tinyforge::core::recipe {

/// Reads the three sections from the top-level fields (marking them read); `train` is the recipe's shared training
/// settings, from which each phase's fine-tuning starts (a tenth of the learning rate, a few epochs).
compress::CompressionSettings parseCompression(JsonFields& top, const std::string& file,
                                               const train::TrainSettings& train);

/// Parses a "train" object on top of `defaults` (shared with the model sections).
train::TrainSettings parseTrainSection(const nlohmann::json& value, const std::string& path, const std::string& file,
                                       train::TrainSettings defaults);

}  // namespace tinyforge::core::recipe
