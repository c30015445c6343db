#pragma once
// Turns a Dataset into LibTorch tensors. Declared with an incomplete at::Tensor so that including this header
// costs nothing; callers that use the result include <ATen/core/Tensor.h> (or core's precompiled header).

#include <cstdint>
#include <vector>

#include "core/data/augment.h"
#include "core/data/dataset.h"

namespace at {
class Tensor;
}

namespace tinyforge::core::data {

/// Float32 tensor [N, ...sample shape] of the samples at `indices`, normalised with the training split's
/// statistics: (x - mean) / stddev per channel or feature, images first scaled to [0, 1].
at::Tensor samplesTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices);

/// As samplesTensor, with each image first augmented (random crop with padding, horizontal flip) from `rng`.
/// Tables are returned unchanged.
at::Tensor augmentedSamplesTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices,
                                  const AugmentSettings& settings, std::mt19937_64& rng);

/// Int64 tensor [N] of the labels of the samples at `indices`.
at::Tensor labelsTensor(const Dataset& dataset, const std::vector<std::int64_t>& indices);

}  // namespace tinyforge::core::data
