#include "core/pipeline/export_run.h"

#include <functional>

#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/onnx_export.h"
#include "core/export/test_vectors.h"
#include "core/export/torchscript_export.h"
#include "core/io/file_bytes.h"

namespace tinyforge::core::pipeline {

namespace {

void recordInSummary(const std::filesystem::path& runDir, const std::string& format, const nlohmann::json& entry) {
    const auto file = runDir / "summary.json";
    nlohmann::json summary = nlohmann::json::object();
    if (std::filesystem::is_regular_file(file)) {
        try {
            summary = nlohmann::json::parse(io::readTextFile(file));
        } catch (const nlohmann::json::exception& e) {
            throw DataError(file, "", std::string("not JSON: ") + e.what());
        }
    }
    summary["export"][format] = entry;
    const std::string text = summary.dump(2) + "\n";
    io::writeFileAtomically(file, text.data(), text.size());
}

// Writes one model file given the model, its quantization (or none) and the file.
using ModelWriter = std::function<void(const models::Model&, const RunFolder::Quantization*, const std::filesystem::path&)>;

// The float distilled student and, when the run has one, the compressed model with its quantization.
nlohmann::json exportModelFiles(const RunFolder& run, const ExportOptions& options, const std::string& extension,
                                const ModelWriter& write) {
    std::filesystem::create_directories(options.outDir);
    nlohmann::json files = nlohmann::json::object();
    write(run.model("student"), nullptr, options.outDir / ("student" + extension));
    files["student"] = "student" + extension;
    if (std::filesystem::exists(run.dir() / "compressed.pt")) {
        const auto model = run.model("compressed");
        if (std::filesystem::exists(run.dir() / "compressed.json")) {
            const auto q = run.quantization();
            write(model, &q, options.outDir / ("compressed" + extension));
        } else {
            write(model, nullptr, options.outDir / ("compressed" + extension));
        }
        files["compressed"] = "compressed" + extension;
    }
    nlohmann::json bytes = nlohmann::json::object();
    for (const auto& [name, file] : files.items()) bytes[name] = std::filesystem::file_size(options.outDir / file.get<std::string>());
    return {{"dir", std::filesystem::absolute(options.outDir).string()}, {"files", files}, {"bytes", bytes}};
}

}  // namespace

nlohmann::json exportRun(const RunFolder& run, ExportOptions options) {
    if (options.format != "c" && options.format != "torchscript" && options.format != "onnx") {
        throw Error("unknown export format '" + options.format + "' (known: c, torchscript, onnx)");
    }
    if (options.outDir.empty()) options.outDir = run.dir() / "export" / options.format;
    if (options.format == "torchscript" || options.format == "onnx") {
        const bool onnx = options.format == "onnx";
        const auto entry = exportModelFiles(run, options, onnx ? ".onnx" : ".pt",
                                            [onnx](const models::Model& m, const RunFolder::Quantization* q, const std::filesystem::path& f) {
                                                const auto* points = q ? &q->points : nullptr;
                                                if (onnx) exporting::exportOnnx(m, points, q ? q->weightBits : 8, f);
                                                else exporting::exportTorchScript(m, points, f);
                                            });
        recordInSummary(run.dir(), options.format, entry);
        return entry;
    }
    auto integer = run.integerModel();
    if (options.softmax) quantized::appendSoftmax(integer);
    exporting::COptions cOptions;
    cOptions.prefix = options.prefix;
    cOptions.weights = options.denseWeights ? exporting::WeightStorage::Dense : exporting::WeightStorage::Smallest;
    const auto written = exporting::exportC(integer, options.outDir, cOptions);
    auto samples = run.dataset().splits.test;
    if (options.onlyEmbeddedVectors && static_cast<std::int64_t>(samples.size()) > options.embeddedVectors) {
        samples.resize(static_cast<std::size_t>(options.embeddedVectors));
    }
    const auto vectors = exporting::makeTestVectors(integer, run.dataset(), samples);
    exporting::writeTestVectors(vectors, options.outDir / "test_vectors.bin");
    exporting::writeTestVectorsC(vectors, options.outDir, options.embeddedVectors);
    std::int64_t correct = 0;
    for (std::int64_t s = 0; s < vectors.count; ++s) {
        const std::span<const std::int8_t> out(vectors.expected.data() + s * vectors.outputSize, static_cast<std::size_t>(vectors.outputSize));
        correct += quantized::argmax(out) == vectors.labels[static_cast<std::size_t>(s)];
    }
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : written.files) files.push_back(f.filename().string());
    nlohmann::json encodings = nlohmann::json::object();
    for (const auto& layer : written.layers) encodings[layer.name] = layer.encoding;
    const nlohmann::json entry{
        {"dir", std::filesystem::absolute(options.outDir).string()},
        {"files", files},
        {"flash_bytes", written.flashBytes},
        {"weight_bytes", written.weightBytes},
        {"arena_bytes", written.arenaBytes},
        {"scratch_bytes", written.scratchBytes},
        {"encodings", encodings},
        {"softmax", options.softmax},
        {"ops", integer.ops.size()},
        {"weight_bits", integer.weightBits},
        {"test_vectors", vectors.count},
        {"integer_test_accuracy", vectors.count ? static_cast<double>(correct) / static_cast<double>(vectors.count) : 0.0},
    };
    if (options.record) recordInSummary(run.dir(), options.format, entry);
    return entry;
}

}  // namespace tinyforge::core::pipeline
