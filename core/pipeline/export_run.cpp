#include "core/pipeline/export_run.h"

#include <functional>

#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/onnx_export.h"
#include "core/export/residual_fusion.h"
#include "core/export/test_vectors.h"
#include "core/export/torchscript_export.h"
#include "core/results/summary_file.h"

namespace tinyforge::core::pipeline {

namespace {

// Records one format's export in summary.json; a run that has no summary yet (still running) records nothing.
void recordInSummary(const std::filesystem::path& runDir, const results::ExportResults& written) {
    if (!std::filesystem::exists(results::summaryPath(runDir))) return;
    results::updateSummary(runDir, [&](results::RunSummary& summary) {
        auto& exports = summary.exports ? *summary.exports : summary.exports.emplace();
        if (written.c) exports.c = written.c;
        if (written.torchscript) exports.torchscript = written.torchscript;
        if (written.onnx) exports.onnx = written.onnx;
    });
}

// Writes one model file given the model, its quantization (or none) and the file.
using ModelWriter = std::function<void(const models::Model&, const RunFolder::Quantization*, const std::filesystem::path&)>;

// The float distilled student and, when the run has one, the compressed model with its quantization.
results::ModelFilesExportResult exportModelFiles(const RunFolder& run, const ExportOptions& options, const std::string& extension,
                                                 const ModelWriter& write) {
    std::filesystem::create_directories(options.outDir);
    results::ModelFilesExportResult out;
    out.dir = std::filesystem::absolute(options.outDir).string();
    auto& files = out.files;
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
    for (const auto& [name, file] : files) out.bytes[name] = static_cast<std::int64_t>(std::filesystem::file_size(options.outDir / file));
    return out;
}

}  // namespace

results::ExportResults exportRun(const RunFolder& run, ExportOptions options) {
    if (options.format != "c" && options.format != "torchscript" && options.format != "onnx") {
        throw SettingsError("unknown export format '" + options.format + "' (known: c, torchscript, onnx)");
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
        results::ExportResults written;
        (onnx ? written.onnx : written.torchscript) = entry;
        if (options.record) recordInSummary(run.dir(), written);
        return written;
    }
    auto integer = run.integerModel();
    if (options.softmax) quantized::appendSoftmax(integer);
    exporting::COptions cOptions;
    cOptions.prefix = options.prefix;
    cOptions.weights = options.denseWeights ? exporting::WeightStorage::Dense : exporting::WeightStorage::Smallest;
    cOptions.flashBudget = options.flashBudget;
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
    results::CExportResult entry;
    entry.dir = std::filesystem::absolute(options.outDir).string();
    for (const auto& f : written.files) entry.files.push_back(f.filename().string());
    for (const auto& layer : written.layers) entry.encodings[layer.name] = layer.encoding;
    entry.flash_bytes = written.flashBytes;
    entry.weight_bytes = written.weightBytes;
    entry.arena_bytes = written.arenaBytes;
    entry.scratch_bytes = written.scratchBytes;
    entry.softmax = options.softmax;
    entry.ops = static_cast<std::int64_t>(integer.ops.size());
    entry.layers.emplace();
    const auto fusions = exporting::findResidualFusions(integer);  // as exportC fused them
    for (const auto& op : integer.ops) {
        results::CExportLayer layer{op.name, quantized::opKindId(op.kind), integer.opMacs(op), 0,
                                    integer.tensors[static_cast<std::size_t>(op.output)].elements()};
        for (const auto& weights : written.layers) {
            if (weights.name != op.name) continue;
            layer.weight_bytes = weights.bytes;
            layer.kernel = weights.kernel;
            layer.encoding = weights.encoding;
            layer.reason = weights.reason;
        }
        const auto index = entry.layers->size();
        if (const auto fusion = exporting::fusionAt(fusions, index); fusion && fusion->conv == index) layer.fused_into = static_cast<std::int64_t>(fusion->add);
        entry.layers->push_back(layer);
    }
    entry.weight_bits = integer.weightBits;
    entry.test_vectors = vectors.count;
    entry.integer_test_accuracy = vectors.count ? static_cast<double>(correct) / static_cast<double>(vectors.count) : 0.0;
    results::ExportResults result;
    result.c = entry;
    if (options.record) recordInSummary(run.dir(), result);
    return result;
}

}  // namespace tinyforge::core::pipeline
