#pragma once
// Gradual pruning's sparsity schedule (Zhu and Gupta 2017):
//   s_t = s_f + (s_i - s_f) * (1 - (t - t0) / (n * dt))^e   for t0 <= t <= t0 + n * dt,
// s_i before t0 and s_f after. Masks are recomputed every dt steps from t0, n times.

#include <cstdint>

namespace tinyforge::core::compress {

struct SparsitySchedule {
    double initial = 0.0;     ///< s_i
    double final = 0.9;       ///< s_f
    std::int64_t begin = 0;   ///< t0, in optimiser steps
    std::int64_t interval = 100;  ///< dt
    std::int64_t count = 10;  ///< n: how many pruning updates
    double exponent = 3.0;    ///< e
};

/// The target sparsity at step `t`.
double sparsityAt(const SparsitySchedule& schedule, std::int64_t t);

/// True when the masks are recomputed at step `t`: t = t0 + k * dt for k = 0..n.
bool isPruningStep(const SparsitySchedule& schedule, std::int64_t t);

/// Throws SettingsError (naming `fieldPath`) when a value is out of range: sparsities in [0, 1), s_i <= s_f,
/// dt >= 1, n >= 1, e > 0.
void validate(const SparsitySchedule& schedule, const char* fieldPath);

}  // namespace tinyforge::core::compress
