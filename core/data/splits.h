#pragma once
// Stratified, seeded train / validation / test splits.

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"

namespace tinyforge::core::data {

/// Splits samples class by class so each split keeps the class proportions.
/// Samples at or after `officialTestBegin` (when >= 0) form the test split unchanged; otherwise
/// round(testFraction * n_class) of each class go to test. Of the rest, round(valFraction * n) per class
/// go to validation. The same labels and seed always give the same splits (own shuffle, not std::shuffle,
/// whose output differs between standard libraries). Each split's indices are sorted.
Splits stratifiedSplits(const std::vector<std::int64_t>& labels, std::int64_t classCount,
                        std::int64_t officialTestBegin, double valFraction, double testFraction,
                        std::uint64_t seed);

}  // namespace tinyforge::core::data
