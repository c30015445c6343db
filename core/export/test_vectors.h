#pragma once
// Test vectors for exported C models: quantized inputs from a dataset split, the integer reference's outputs for
// them and the labels. The host check reads them from a binary file; firmware embeds some as C arrays.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/data/dataset.h"
#include "core/quantized/int_model.h"

namespace tinyforge::core::exporting {

struct TestVectors {
    std::int64_t count = 0, inputSize = 0, outputSize = 0;
    std::vector<std::int8_t> inputs;    ///< count x inputSize, on the model's input grid
    std::vector<std::int8_t> expected;  ///< count x outputSize, from the integer reference
    std::vector<std::uint8_t> labels;   ///< count
};

/// Quantizes `indices` of `dataset` (normalised as in training) and runs them through the integer reference.
TestVectors makeTestVectors(const quantized::IntModel& model, const data::Dataset& dataset, const std::vector<std::int64_t>& indices);

/// Binary layout, little-endian: "TFTV", u32 count, u32 input size, u32 output size, then per sample the input
/// bytes, the expected output bytes and one label byte. Written atomically.
void writeTestVectors(const TestVectors& vectors, const std::filesystem::path& file);

/// `tf_test_vectors.h` / `.c` in `dir` with the first `limit` samples as const arrays (tf_test_count,
/// tf_test_inputs, tf_test_expected, tf_test_labels), for firmware that has no file system.
void writeTestVectorsC(const TestVectors& vectors, const std::filesystem::path& dir, std::int64_t limit);

}  // namespace tinyforge::core::exporting
