#pragma once
// Where each activation of an integer network lives in one static arena: buffers whose lifetimes overlap never
// share bytes, others reuse them. Greedy by size (largest first, lowest free offset), as TFLite Micro's planner.

#include <cstdint>
#include <vector>

#include "core/export/residual_fusion.h"
#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct MemoryPlan {
    /// Per tensor: byte offset in the arena; -1 for the input (the caller's buffer) and for the outputs of convolutions
    /// with a fused sum (they have no buffer: the sum's output takes its skip's place).
    std::vector<std::int64_t> offsets;
    std::int64_t arenaBytes = 0;
};

/// Plans the arena for `model`: each tensor lives from the op writing it to its last reader (the output to the
/// end); offsets are multiples of `alignment`. With `fusions`, each fused sum's output shares its skip's bytes (one
/// buffer living from the skip's writer to the sum's last reader) and the fused convolution's output gets none.
MemoryPlan planMemory(const quantized::IntModel& model, const std::vector<ResidualFusion>& fusions = {}, std::int64_t alignment = 4);

}  // namespace tinyforge::core::exporting
