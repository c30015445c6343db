#pragma once
// Reference kernels of the integer-only network: plain loops, written for clarity, not speed. They define the
// arithmetic every other implementation (the exported C, device runtimes) must reproduce bit for bit.

#include <cstdint>
#include <span>

#include "core/quantized/int_model.h"

namespace tinyforge::core::quantized {

/// acc = bias[oc] + sum (x - inZp) * w over the receptive field (padding counts as real zero, i.e. inZp);
/// out = clamp(requantize(acc, multiplier[oc]) + outZp, activationMin, activationMax).
void convolve(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
              std::span<std::int8_t> y);

/// The same for a dense layer over all of the input's elements.
void fullyConnected(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                    std::span<std::int8_t> y);

/// Maximum over each window, per channel.
void maxPool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
             std::span<std::int8_t> y);

/// Per channel: requantize(sum (x - inZp), outputMultiplier) + outZp.
void globalAveragePool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                       std::span<std::int8_t> y);

/// Per channel and window: requantize(sum (x - inZp) over the window, outputMultiplier) + outZp; padding adds zero.
void averagePool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                 std::span<std::int8_t> y);

/// e_i = expTable[max - x_i]; y_i = clamp(round(256 * e_i / sum e) - 128), rounding half up in integers.
void softmax(const IntOp& op, std::span<const std::int8_t> x, std::span<std::int8_t> y);

/// Elementwise a + b with both rescaled to a shared scale first (TFLite's scheme: shift left, then multiply).
void add(const IntOp& op, const IntTensor& inA, std::span<const std::int8_t> a, const IntTensor& inB,
         std::span<const std::int8_t> b, const IntTensor& out, std::span<std::int8_t> y);

}  // namespace tinyforge::core::quantized
