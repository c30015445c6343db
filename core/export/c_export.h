#pragma once
// Export of an integer-only network as a dependency-free C99 library for microcontrollers: the model's header and
// source (weights const, so they stay in flash; one static arena laid out by memory_plan.h; no malloc) and the
// runtime kernels it calls (resources/c_runtime). Its outputs equal the integer reference's bit for bit.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct CExport {
    std::vector<std::filesystem::path> files;  ///< what was written
    std::int64_t flashBytes = 0;               ///< constant data: weights, biases, requantization tables, op descriptors
    std::int64_t arenaBytes = 0;               ///< the static activation arena
};

/// Writes `<prefix>.h`, `<prefix>.c`, `tf_kernels.h` and `tf_kernels.c` into `dir` (created if needed), each file
/// atomically. `prefix` must be a C identifier. Throws Error for a bad prefix or an unwritable folder.
CExport exportC(const quantized::IntModel& model, const std::filesystem::path& dir, const std::string& prefix = "tf_model");

}  // namespace tinyforge::core::exporting
