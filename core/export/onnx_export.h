#pragma once
// Export of a studio model as ONNX (opset 13), written through the ONNX protobuf (libonnx-dev): a float graph, or
// an int8 graph in QDQ form (QuantizeLinear / DequantizeLinear pairs at the activation points, int8 weights with
// per-channel scales) that ONNX runtimes fuse into integer kernels.

#include <filesystem>
#include <vector>

#include "core/compress/quantization_math.h"
#include "core/models/model.h"

namespace tinyforge::core::exporting {

/// Writes `model` to `file` atomically. Without `activationPoints`: the float graph, computing Model::forward in
/// inference mode. With them: the QDQ graph, activations quantized at the studio's points with its scales and zero
/// points, weights as int8 with per-output-channel scales (`weightBits` wide). ONNX's QuantizeLinear rounds half to
/// even where the studio rounds half away from zero, so values exactly halfway between two levels may differ by one
/// step. Input "input" [batch, ...sample shape], output "logits" [batch, classes].
/// Throws Error naming the layer for what ONNX export cannot express (imported TorchScript models among them).
void exportOnnx(const models::Model& model, const std::vector<compress::QuantParams>* activationPoints, int weightBits,
                const std::filesystem::path& file);

}  // namespace tinyforge::core::exporting
