#pragma once
// Normalisation statistics, measured on the training split only so no test information leaks into training.

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"

namespace tinyforge::core::data {

/// Mean and population standard deviation per channel (images, on the pixel/255 scale) or per feature
/// (tables) over the samples in `indices`. A constant channel gets stddev 1 so dividing by it is harmless.
Normalization computeNormalization(const LoadedSamples& samples, const std::vector<std::int64_t>& indices);

}  // namespace tinyforge::core::data
