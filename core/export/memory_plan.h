#pragma once
// Where each activation of an integer network lives in one static arena: buffers whose lifetimes overlap never
// share bytes, others reuse them. Greedy by size (largest first, lowest free offset), as TFLite Micro's planner.

#include <cstdint>
#include <vector>

#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct MemoryPlan {
    std::vector<std::int64_t> offsets;  ///< per tensor: byte offset in the arena; -1 for the input (the caller's buffer)
    std::int64_t arenaBytes = 0;
};

/// Plans the arena for `model`: each tensor lives from the op writing it to its last reader (the output to the
/// end); offsets are multiples of `alignment`.
MemoryPlan planMemory(const quantized::IntModel& model, std::int64_t alignment = 4);

}  // namespace tinyforge::core::exporting
