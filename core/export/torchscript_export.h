#pragma once
// Export of a studio model as TorchScript, for PyTorch users (torch.jit.load) and LibTorch deployments.

#include <filesystem>
#include <vector>

#include "core/compress/quantization_math.h"
#include "core/models/model.h"

namespace tinyforge::core::exporting {

/// Writes `model` to `file` (atomically) as a TorchScript module whose forward computes what Model::forward computes
/// in inference mode. With `activationPoints` (one per activation point, as compressed.json holds them) the
/// activations are fake-quantized at the same points and with the same rounding (half away from zero) as in the
/// studio, so the file reproduces the compressed model. An imported TorchScript model is written as it is.
/// Throws Error naming the layer for a layer it cannot express, and when the points do not fit the model.
void exportTorchScript(const models::Model& model, const std::vector<compress::QuantParams>* activationPoints,
                       const std::filesystem::path& file);

}  // namespace tinyforge::core::exporting
