#pragma once
// Exports a finished run's compressed model (tinyforge-cli export, and a recipe's export section).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/pipeline/run_folder.h"
#include "core/results/run_summary.h"

namespace tinyforge::core::pipeline {

struct ExportOptions {
    std::string format = "c";          ///< "c", "torchscript" or "onnx"
    std::filesystem::path outDir;      ///< default: RUN/export/<format>
    std::string prefix = "tf_model";   ///< C identifier prefix of the generated API
    std::int64_t embeddedVectors = 32; ///< test samples compiled into tf_test_vectors.c for firmware checks
    bool denseWeights = false;         ///< C: plain int8 weights (fastest) instead of each layer's smallest encoding
    std::optional<std::int64_t> flashBudget;  ///< C: the fastest encodings whose constant data fits these bytes
    bool softmax = false;              ///< C: end in an int8 softmax, so the model returns probabilities
    bool onlyEmbeddedVectors = false;  ///< C: run just the embedded samples through the reference (firmware builds)
    bool record = true;                ///< record the entry in summary.json's "export"
};

/// Writes the export into the out folder, records it in summary.json's exports under its format (unless `record` is
/// false; under the summary's lock, so a deploy finishing at the same time loses nothing), and returns it with only
/// that format set.
/// "c": the C library and test vectors (the test split through the integer reference). "torchscript": student.pt
/// (the float distilled student) and compressed.pt (the compressed model, fake-quantized as in the studio). "onnx":
/// student.onnx (float) and compressed.onnx (int8 QDQ when quantized).
/// Throws DataError naming the file when the run has no quantized model; SettingsError for an unknown format.
results::ExportResults exportRun(const RunFolder& run, ExportOptions options);

}  // namespace tinyforge::core::pipeline
