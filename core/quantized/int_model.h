#pragma once
// An integer-only network (Jacob et al. 2017): int8 activations with affine parameters per tensor, int8 (n-bit)
// symmetric weights per output channel, int32 biases and accumulators, and requantization by a fixed-point
// multiplier and shift. Its plain-loop interpreter (int_kernels.h) is the reference the C export must match bit
// for bit. Free of LibTorch: lower_model.h builds one from a compressed Model.
//
// Layout: activations are stored channel-major without the batch (C x H x W, or N features), as PyTorch lays
// them out, so flattening is free.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/compress/quantization_math.h"

namespace tinyforge::core::quantized {

using compress::FixedPointMultiplier;
using compress::QuantParams;

/// One activation buffer: its shape without the batch and its affine parameters.
struct IntTensor {
    std::vector<std::int64_t> shape;
    QuantParams params;
    std::int64_t elements() const;
};

enum class IntOpKind {
    Conv2d,         ///< any group count: 1 (dense), channels (depthwise), or in between
    FullyConnected, ///< over all elements of its input
    MaxPool2d,      ///< same parameters in and out: max commutes with the monotonic quantization
    GlobalAvgPool,  ///< mean over H x W, requantized
    Add,            ///< elementwise sum of two tensors with different parameters, requantized
    AvgPool2d,      ///< mean over each window (padding counted as zero), requantized
    Softmax,        ///< int8 probabilities (scale 1/256, zero point -128) from a table of exponentials
};

/// The stable id of a kind, as the C export and the JSON dump name it: "conv2d", "fully_connected", ...
const char* opKindId(IntOpKind kind);

struct IntOp {
    IntOpKind kind = IntOpKind::Conv2d;
    std::string name;     ///< the model's layer name, for messages and the export
    int input = 0;        ///< index into IntModel::tensors
    int input2 = -1;      ///< Add's second operand
    int output = 0;

    // Conv2d and FullyConnected. Weights [out, in / groups, kh, kw] (or [out, in]) as integers of `weightBits`.
    std::vector<std::int64_t> weightShape;
    std::vector<std::int8_t> weights;
    std::vector<std::int32_t> bias;                  ///< per output channel, in units of inScale * weightScale
    std::vector<float> weightScales;                 ///< per output channel (equal when the layer shares one)
    std::vector<FixedPointMultiplier> multipliers;   ///< per output channel: inScale * weightScale / outScale
    int strideH = 1, strideW = 1, padH = 0, padW = 0, groups = 1;

    // MaxPool2d, AvgPool2d: window and stride; in max pooling padding positions never win, in average pooling they
    // count as zeros.
    int kernelH = 1, kernelW = 1;

    // Softmax: expTable[d] = round(2^15 * exp(-inScale * d)) for d = max - q in 0..255.
    std::vector<std::uint16_t> expTable;

    // Add: (q - zp) << leftShift, scaled to a shared scale by inputMultiplier/input2Multiplier, summed, then
    // scaled by outputMultiplier. GlobalAvgPool: outputMultiplier = inScale / (outScale * H * W); AvgPool2d: the
    // same with the window's area.
    int leftShift = 0;
    FixedPointMultiplier inputMultiplier, input2Multiplier, outputMultiplier;

    /// The output is clamped to [activationMin, activationMax]: the fused ReLU or ReLU6, or the int8 range.
    std::int32_t activationMin = -128, activationMax = 127;
};

struct IntModel {
    std::string arch;
    std::vector<IntTensor> tensors;
    std::vector<IntOp> ops;  ///< in execution order; each op's inputs are written by earlier ops (or are the input)
    int input = 0;
    int output = 0;
    int weightBits = 8;
    int activationBits = 8;

    /// Quantizes one float sample (already normalised like the training data) onto the input's grid.
    std::vector<std::int8_t> quantizeInput(std::span<const float> sample) const;
    /// Runs one sample through the reference kernels; returns the output tensor (int8 logits).
    /// Throws Error when the sample's size does not match the input tensor.
    std::vector<std::int8_t> run(std::span<const std::int8_t> input) const;
    /// The real values of the output: scale * (q - zeroPoint).
    std::vector<float> dequantizeOutput(std::span<const std::int8_t> output) const;
    /// Every op's output for one sample, indexed like `ops`: the reference a device's layers are compared with.
    /// Throws as run() does.
    std::vector<std::vector<std::int8_t>> runLayers(std::span<const std::int8_t> input) const;
    /// Multiply-accumulates of one op per inference (convolutions and fully connected layers; 0 for the others).
    std::int64_t opMacs(const IntOp& op) const;
    /// Bytes of weights and biases (int8 weights, int32 biases); activations not counted.
    std::int64_t parameterBytes() const;
    /// The most activation bytes alive at once (each buffer lives from the op writing it to its last reader):
    /// the RAM an arena allocator needs.
    std::int64_t peakActivationBytes() const;
};

/// Appends a softmax to `model`'s output, so it returns int8 probabilities (scale 1/256, zero point -128; the largest
/// is the predicted class, the first on ties). Throws Error when the output already is a softmax.
void appendSoftmax(IntModel& model);

/// The index of the largest value (the first on ties), as the predicted class.
std::size_t argmax(std::span<const std::int8_t> values);

}  // namespace tinyforge::core::quantized
