#pragma once
// The JSON description of a loaded dataset that `tinyforge-cli inspect` prints and run summaries embed.

#include <nlohmann/json_fwd.hpp>

#include "core/data/dataset.h"

namespace tinyforge::core::data {

/// {"name", "format", "source", "samples", "classes", "class_names", "sample_shape", "feature_names",
///  "splits": {"train", "val", "test"}, "normalization": {"mean", "stddev"}}
nlohmann::json datasetSummary(const Dataset& dataset);

}  // namespace tinyforge::core::data
