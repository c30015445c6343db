#pragma once
// From a trained, quantized Model to its integer-only network (int_model.h). Internal to core and its tests.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/data/dataset.h"
#include "core/models/model.h"
#include "core/quantized/int_model.h"

namespace tinyforge::core::quantized {

/// A weight [out, ...] on a symmetric `bits`-bit grid: the integers (row-major, rounded half away from zero) and one
/// scale per output channel, shared by the whole layer when its weights already lie on one grid (clustered layers,
/// whose codebook has one scale), else each channel's own. The lowering and the ONNX export both quantize so.
struct QuantizedWeights {
    std::vector<std::int8_t> values;
    std::vector<float> scales;
};
QuantizedWeights quantizeWeights(const at::Tensor& weight, int bits);

/// Lowers `model` to integer-only ops: BatchNorm folded into the convolution before it (from its running
/// statistics), ReLU / ReLU6 fused as output clamps, max pooling and flattening kept on the integer grid, residual
/// additions rescaled. Weights are rounded onto symmetric `weightBits` grids: one scale for the whole layer when its
/// weights already lie on such a grid (clustered layers, whose codebook shares one scale), else one per output
/// channel. `points` gives the affine parameters of every activation point of Model::setActivationHook, as
/// calibrateActivations measured them. Throws Error naming the layer for what cannot be lowered (an imported
/// TorchScript model, a BatchNorm with no convolution before it) and when `points` does not fit the model.
IntModel lowerToIntModel(const models::Model& model, const std::vector<QuantParams>& points, int weightBits);

/// The quantized inputs and the integer model's outputs for `indices` of `dataset` (normalised as in training, then
/// quantized onto the input's grid), sample after sample in the order of `indices`. Runs on all cores.
struct IntegerRuns {
    std::int64_t inputSize = 0, outputSize = 0;
    std::vector<std::int8_t> inputs;   ///< indices.size() x inputSize
    std::vector<std::int8_t> outputs;  ///< indices.size() x outputSize
};
IntegerRuns runIntegerModel(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices);

/// The share of `indices` (samples of `dataset`) the integer model classifies correctly; samples are normalised
/// as in training, then quantized onto the input's grid. Runs on all cores.
double integerAccuracy(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices);

/// The class the integer model predicts (its largest output, the first on ties) for each sample at `indices`.
std::vector<std::int64_t> integerPredictions(const IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices);

}  // namespace tinyforge::core::quantized
