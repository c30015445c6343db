#pragma once
// Stratified, seeded train / validation / test splits.

#include <cstdint>
#include <random>
#include <vector>

#include "core/data/dataset.h"

namespace tinyforge::core::data {

/// Shuffles `items` in place (Fisher-Yates). Depends only on mt19937_64's standard output, unlike std::shuffle,
/// so the same seed gives the same order with every standard library.
void seededShuffle(std::vector<std::int64_t>& items, std::mt19937_64& rng);

/// Splits samples class by class so each split keeps the class proportions.
/// Samples at or after `officialTestBegin` (when >= 0) form the test split unchanged; otherwise
/// round(testFraction * n_class) of each class go to test. Of the rest, round(valFraction * n) per class
/// go to validation. Of what remains, round(trainFraction * n) per class (at least one) form the training split
/// (a label budget; validation and test do not change with it). The same labels and seed always give the same
/// splits (own shuffle, not std::shuffle, whose output differs between standard libraries). Each split's indices
/// are sorted.
Splits stratifiedSplits(const std::vector<std::int64_t>& labels, std::int64_t classCount,
                        std::int64_t officialTestBegin, double valFraction, double testFraction,
                        std::uint64_t seed, double trainFraction = 1.0);

}  // namespace tinyforge::core::data
