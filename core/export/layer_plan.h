#pragma once
// How the C export stores and runs each layer with weights: the weight encoding (weight_encoding.h), the runtime
// kernel that reads it (tf_kernels.h: im2col or sparse) and, under a flash budget, the fastest mix that fits. Speeds
// are estimates of emulated Cortex-M4 instructions from the kernels' measured costs (docs/results.md), good enough to
// rank choices, not figures to report as measured.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/export/weight_encoding.h"
#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

/// How the weights are stored: each layer in its smallest encoding (sparse and clustered layers decoded on the fly,
/// weight_encoding.h), or every layer as plain int8 (the fastest to run, the most flash).
enum class WeightStorage { Smallest, Dense };

struct LayerChoice {
    EncodedWeights weights;        ///< in the order its kernel reads: kernel order for im2col, PyTorch's for sparse
    bool sparse = false;           ///< the sparse kernel (the non-zero weights only) or the im2col / row kernel
    std::int64_t block = 0;        ///< convolution: output pixels a block (im2col) or output rows a band (sparse)
    std::int64_t bandRows = 0;     ///< sparse convolution: input rows a band's line buffer holds per channel
    std::int64_t lineW = 0;        ///< sparse convolution: bytes of a line buffer row
    double instructions = 0;       ///< estimated emulated Cortex-M4 instructions of the op
    std::string reason;            ///< why this encoding and kernel
};

/// One entry per op (none for ops without weights). With a budget on the weights' bytes, each layer starts at its
/// fastest choice and layers move to smaller encodings, the least instructions added per byte saved first, until
/// the weights fit; throws Error when even the smallest encodings do not.
std::vector<std::optional<LayerChoice>> planLayers(const quantized::IntModel& model, WeightStorage storage,
                                                   std::optional<std::int64_t> weightBudget = std::nullopt);

/// Position i of a stored filter row holds the weight of this tap (PyTorch's order) in the runtime's kernel order
/// (tf_kernels.h: tf_kernel_order_tap, which this mirrors); dense layers pass kernelW 0.
std::int64_t kernelOrderTap(std::int64_t length, std::int64_t kernelW, std::int64_t i);

}  // namespace tinyforge::core::exporting
