#pragma once
// Residual sums fused into the convolution before them. A ResNet block ends conv -> add(conv's output, skip); run
// apart, the convolution's output needs a buffer of its own while the skip is still alive. Fused, the convolution
// adds each output value to the skip's value at the same place and writes the sum over it (the runtime's
// tf_conv2d_params.residual), so the block's peak holds one buffer fewer: for MLPerf Tiny's ResNet-8 the arena goes
// from 48 KB to 32 KB.

#include <optional>
#include <vector>

#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct ResidualFusion {
    std::size_t conv = 0;        ///< the convolution's op index
    std::size_t add = 0;         ///< the sum's op index: conv + 1
    int skip = -1;               ///< the sum's other operand: the tensor the convolution writes over
    bool convIsFirst = true;     ///< whether the convolution's output is the sum's first operand (op.input)
};

/// The sums that can be fused, each into the convolution right before it, when that is safe: the convolution's output
/// is read by the sum alone and is not the model's output; the skip is written by an op (not the caller's input), is
/// not the convolution's input, and is read by nothing after the sum.
std::vector<ResidualFusion> findResidualFusions(const quantized::IntModel& model);

/// The fusion whose convolution or sum is op `op`, if any.
std::optional<ResidualFusion> fusionAt(const std::vector<ResidualFusion>& fusions, std::size_t op);

}  // namespace tinyforge::core::exporting
