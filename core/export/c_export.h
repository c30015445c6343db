#pragma once
// Export of an integer-only network as a dependency-free C99 library for microcontrollers: the model's header and
// source (weights const, so they stay in flash; one static arena laid out by memory_plan.h; no malloc) and the
// runtime kernels it calls (resources/c_runtime). Its outputs equal the integer reference's bit for bit.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/export/c_runtime_files.h"
#include "core/export/layer_plan.h"
#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct COptions {
    std::string prefix = "tf_model";  ///< a C identifier: names the files, the functions and the macros
    WeightStorage weights = WeightStorage::Smallest;
    /// When set: the model's constant data (TF_MODEL_FLASH_BYTES) may take this many bytes, and each layer gets the
    /// fastest encoding and kernel that keep it within (layer_plan.h); `weights` is then not used.
    std::optional<std::int64_t> flashBudget = std::nullopt;
};

struct CLayerWeights {
    std::string name;      ///< the model's layer name
    std::string encoding;  ///< as weight_encoding.h names it
    std::int64_t bytes = 0;
    std::string kernel;    ///< "dense" (im2col, kernel order) or "sparse" (the non-zero weights only, PyTorch's order)
    double estimatedInstructions = 0;  ///< the planner's estimate of the op's emulated Cortex-M4 instructions
    std::string reason;                ///< why this encoding: the smallest, plain int8, the fastest, or smaller to fit
};

struct CExport {
    std::vector<std::filesystem::path> files;  ///< what was written
    std::int64_t flashBytes = 0;    ///< constant data: weights, biases, requantization tables, op descriptors
    std::int64_t weightBytes = 0;   ///< the encoded weights alone
    std::int64_t arenaBytes = 0;    ///< the static activation arena
    std::int64_t scratchBytes = 0;  ///< the kernels' working memory besides the arena
    std::vector<CLayerWeights> layers;
};

/// Writes `<prefix>.h`, `<prefix>.c` and the runtimeFiles() into `dir` (created if needed), each file
/// atomically. Throws Error for a prefix that is not a C identifier or an unwritable folder.
CExport exportC(const quantized::IntModel& model, const std::filesystem::path& dir, const COptions& options = {});

}  // namespace tinyforge::core::exporting
