#pragma once
// Quantized models for tests of the integer reference and the exporters (LibTorch: train_tests only).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/compress/quantization_math.h"
#include "core/data/dataset.h"
#include "core/models/model.h"

namespace tinyforge::test {

/// `count` random 1 x 16 x 16 images in 3 classes; every sample is in the train and the test split.
core::data::Dataset randomImages(int count = 96);

/// A built-in architecture for `shape` inputs and 3 classes, initialised from a fixed seed.
core::models::Model buildModel(const std::string& arch, const std::vector<std::int64_t>& shape,
                               nlohmann::json options = nlohmann::json::object());

/// Gives BatchNorm non-trivial statistics, folds it, and quantizes the model post-training (weights of `bits`,
/// int8 activations calibrated on `dataset`); returns the activation points' parameters.
std::vector<core::compress::QuantParams> quantizeForTest(core::models::Model& model, const core::data::Dataset& dataset, int bits);

}  // namespace tinyforge::test
