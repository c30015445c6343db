#include "devices/deploy/drift_debug.h"

#include <cstdlib>

#include "core/error.h"
#include "core/export/test_vectors.h"
#include "core/pipeline/run_folder.h"
#include "core/resources.h"
#include "devices/deploy/deploy_steps.h"
#include "devices/device_error.h"
#include "devices/profile/profile_report.h"

namespace tinyforge::devices {

namespace fs = std::filesystem;

namespace {

bool isLastDumpLine(const std::string& line) {
    return line.find("\"event\": \"dump_done\"") != std::string::npos || line.find("\"event\": \"error\"") != std::string::npos;
}

// The integer reference's output of every op for test sample `sample`, on the input the firmware embeds for it.
std::vector<std::vector<std::int8_t>> referenceLayers(const core::pipeline::RunFolder& run, std::int64_t sample) {
    const auto integer = run.integerModel();
    const auto& test = run.dataset().splits.test;
    const auto vectors = core::exporting::makeTestVectors(integer, run.dataset(), {test.at(static_cast<std::size_t>(sample))});
    return integer.runLayers(vectors.inputs);
}

}  // namespace

DriftReport findDrift(const fs::path& runDir, DeployOptions options, std::int64_t sample) {
    const core::pipeline::RunFolder run(runDir);  // names a folder that is not a run before anything is built
    const std::int64_t testSamples = static_cast<std::int64_t>(run.dataset().splits.test.size());
    if (sample < 0 || sample >= testSamples) {
        throw SettingsError("--sample " + std::to_string(sample) + " is outside the run's " + std::to_string(testSamples) + " test samples (0.." +
                            std::to_string(testSamples - 1) + ")");
    }
    if (findBoard(loadBoards(core::resourceDir() / "boards"), options.board).kind == "linux") {
        throw SettingsError("board " + options.board + " is a Linux board: diff compares microcontroller firmware's layers");
    }
    options.samples = sample + 1;  // the firmware embeds samples 0..sample and dumps the last
    if (options.workDir.empty()) options.workDir = runDir / "diff" / options.board;
    PreparedDeploy p = prepareDeploy(run, options, false);
    const FirmwareImage image = buildFittingFirmware(p, p.work / "firmware", {p.emulated(), sample}, options.cancelled);
    const std::string source = p.source();
    const auto device = parseTensorDump(runFirmware(p, options, image, isLastDumpLine), source);
    const auto reference = referenceLayers(run, sample);

    DriftReport report;
    report.board = p.board.id;
    report.backend = p.backend;
    report.sample = sample;
    const auto ops = p.model.layers.value_or(std::vector<core::results::CExportLayer>{});
    for (std::size_t k = 0; k < reference.size(); ++k) {
        const auto found = device.find(static_cast<std::int64_t>(k));
        if (found == device.end()) throw ProtocolError(source, source + ": the layer dump has no output for op " + std::to_string(k));
        const auto fusedInto = k < ops.size() ? ops[k].fused_into : std::nullopt;
        if (fusedInto && found->second.empty()) {  // the convolution wrote the sum: op *fusedInto compares it
            LayerDrift layer;
            layer.op = static_cast<std::int64_t>(k);
            layer.name = ops[k].name;
            layer.kind = ops[k].kind;
            layer.fused_into = fusedInto;
            report.layers.push_back(std::move(layer));
            continue;
        }
        if (found->second.size() != reference[k].size()) {
            throw ProtocolError(source, source + ": op " + std::to_string(k) + " reported " + std::to_string(found->second.size()) +
                                            " values; the reference writes " + std::to_string(reference[k].size()));
        }
        LayerDrift layer;
        layer.op = static_cast<std::int64_t>(k);
        if (k < ops.size()) {
            layer.name = ops[k].name;
            layer.kind = ops[k].kind;
        }
        layer.values = static_cast<std::int64_t>(reference[k].size());
        for (std::size_t i = 0; i < reference[k].size(); ++i) {
            const int difference = std::abs(static_cast<int>(found->second[i]) - static_cast<int>(reference[k][i]));
            layer.differing += difference != 0;
            layer.max_difference = std::max<std::int64_t>(layer.max_difference, difference);
            layer.reference.push_back(reference[k][i]);
            layer.device.push_back(found->second[i]);
        }
        if (layer.differing > 0 && !report.first_divergent_op) report.first_divergent_op = layer.op;
        report.layers.push_back(std::move(layer));
    }
    if (device.size() != reference.size()) {
        throw ProtocolError(source, source + ": the layer dump has " + std::to_string(device.size()) + " ops; the model has " + std::to_string(reference.size()));
    }
    return report;
}

}  // namespace tinyforge::devices
