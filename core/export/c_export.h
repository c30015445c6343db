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

/// How the weights are stored: each layer in its smallest encoding (sparse and clustered layers decoded on the fly,
/// weight_encoding.h), or every layer as plain int8 (the fastest to run, the most flash).
enum class WeightStorage { Smallest, Dense };

struct COptions {
    std::string prefix = "tf_model";  ///< a C identifier: names the files, the functions and the macros
    WeightStorage weights = WeightStorage::Smallest;
};

struct CLayerWeights {
    std::string name;      ///< the model's layer name
    std::string encoding;  ///< as weight_encoding.h names it
    std::int64_t bytes = 0;
    std::string kernel;    ///< "dense" (im2col, kernel order) or "sparse" (the non-zero weights only, PyTorch's order)
};

struct CExport {
    std::vector<std::filesystem::path> files;  ///< what was written
    std::int64_t flashBytes = 0;    ///< constant data: weights, biases, requantization tables, op descriptors
    std::int64_t weightBytes = 0;   ///< the encoded weights alone
    std::int64_t arenaBytes = 0;    ///< the static activation arena
    std::int64_t scratchBytes = 0;  ///< the kernels' working memory besides the arena
    std::vector<CLayerWeights> layers;
};

/// The runtime's files an export carries (resources/c_runtime): its header, the private header both sources share,
/// the reference kernels and the optimised ones. The .c files are what a build compiles besides `<prefix>.c`.
const std::vector<std::string>& runtimeFiles();
const std::vector<std::string>& runtimeSources();

/// Position i of a stored filter row holds the weight of this tap (PyTorch's order) in the runtime's kernel order
/// (tf_kernels.h: tf_kernel_order_tap, which this mirrors); dense layers pass kernelW 0.
std::int64_t kernelOrderTap(std::int64_t length, std::int64_t kernelW, std::int64_t i);

/// Writes `<prefix>.h`, `<prefix>.c` and the runtimeFiles() into `dir` (created if needed), each file
/// atomically. Throws Error for a prefix that is not a C identifier or an unwritable folder.
CExport exportC(const quantized::IntModel& model, const std::filesystem::path& dir, const COptions& options = {});

}  // namespace tinyforge::core::exporting
