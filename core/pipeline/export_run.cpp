#include "core/pipeline/export_run.h"

#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/test_vectors.h"
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

}  // namespace

nlohmann::json exportRun(const RunFolder& run, ExportOptions options) {
    if (options.format != "c") throw Error("unknown export format '" + options.format + "' (known: c)");
    if (options.outDir.empty()) options.outDir = run.dir() / "export" / options.format;
    const auto integer = run.integerModel();
    const auto written = exporting::exportC(integer, options.outDir, options.prefix);
    const auto vectors = exporting::makeTestVectors(integer, run.dataset(), run.dataset().splits.test);
    exporting::writeTestVectors(vectors, options.outDir / "test_vectors.bin");
    exporting::writeTestVectorsC(vectors, options.outDir, options.embeddedVectors);
    std::int64_t correct = 0;
    for (std::int64_t s = 0; s < vectors.count; ++s) {
        const std::span<const std::int8_t> out(vectors.expected.data() + s * vectors.outputSize, static_cast<std::size_t>(vectors.outputSize));
        correct += quantized::argmax(out) == vectors.labels[static_cast<std::size_t>(s)];
    }
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : written.files) files.push_back(f.filename().string());
    const nlohmann::json entry{
        {"dir", std::filesystem::absolute(options.outDir).string()},
        {"files", files},
        {"flash_bytes", written.flashBytes},
        {"arena_bytes", written.arenaBytes},
        {"ops", integer.ops.size()},
        {"weight_bits", integer.weightBits},
        {"test_vectors", vectors.count},
        {"integer_test_accuracy", vectors.count ? static_cast<double>(correct) / static_cast<double>(vectors.count) : 0.0},
    };
    recordInSummary(run.dir(), options.format, entry);
    return entry;
}

}  // namespace tinyforge::core::pipeline
