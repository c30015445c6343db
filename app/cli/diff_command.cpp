// tinyforge-cli diff: the drift debugger. Runs one test sample on a board with every op's output reported and names
// the first op whose output departs from the integer reference.
#include <cstdio>

#include "app/cli/commands.h"
#include "core/results/summary_file.h"
#include "devices/deploy/deploy_backends.h"
#include "devices/deploy/drift_debug.h"

namespace tinyforge::cli {

namespace {

// The sample to look at when none is given: the first one the board's last profile found differing, else 0.
std::int64_t defaultSample(const std::string& run, const std::string& board) {
    if (const auto summary = core::results::readSummaryIfPresent(run)) {
        for (const auto& device : summary->devices) {
            if (device.board == board && !device.mismatched_samples.empty()) return device.mismatched_samples.front();
        }
    }
    return 0;
}

void printDrift(const devices::DriftReport& report) {
    std::fprintf(stderr, "%s over %s, test sample %lld:\n", report.board.c_str(), report.backend.c_str(), static_cast<long long>(report.sample));
    std::fprintf(stderr, "  %-3s %-24s %-16s %8s %10s %8s\n", "op", "name", "kind", "values", "differing", "max |d|");
    for (const auto& layer : report.layers) {
        std::fprintf(stderr, "  %-3lld %-24s %-16s %8lld %10lld %8lld%s\n", static_cast<long long>(layer.op), layer.name.c_str(), layer.kind.c_str(),
                     static_cast<long long>(layer.values), static_cast<long long>(layer.differing), static_cast<long long>(layer.max_difference),
                     report.first_divergent_op == layer.op ? "   <- first to differ"
                     : layer.fused_into                     ? "   (runs the sum after it: compared there)"
                                                            : "");
    }
    if (!report.first_divergent_op) {
        std::fprintf(stderr, "every op's output equals the integer reference\n");
        return;
    }
    const auto& first = report.layers.at(static_cast<std::size_t>(*report.first_divergent_op));
    std::fprintf(stderr, "op %lld (%s): %lld of %lld values differ, by up to %lld; side by side (index, reference, device):\n",
                 static_cast<long long>(first.op), first.name.c_str(), static_cast<long long>(first.differing), static_cast<long long>(first.values),
                 static_cast<long long>(first.max_difference));
    int shown = 0;
    for (std::size_t i = 0; i < first.reference.size() && shown < 32; ++i) {
        if (first.reference[i] == first.device[i]) continue;
        std::fprintf(stderr, "  [%zu] %4lld %4lld\n", i, static_cast<long long>(first.reference[i]), static_cast<long long>(first.device[i]));
        ++shown;
    }
    if (first.differing > shown) std::fprintf(stderr, "  ... %lld more in the JSON on stdout\n", static_cast<long long>(first.differing - shown));
}

}  // namespace

void addDiffCommand(CLI::App& app, CommandAction& selected) {
    struct Arguments {
        std::string run, work;
        devices::DeployOptions options;
        std::optional<std::int64_t> sample;
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("diff", "Find the first op where a board's outputs depart from the integer reference");
    command->add_option("run", args->run, "Run folder (made by tinyforge-cli run, with a quantize section)")->required();
    command->add_option("--board", args->options.board, "Board id (a microcontroller in resources/boards/)")->required();
    command->add_option("--backend", args->options.backend, "qemu (default), dfu or stlink, as for deploy")->check(CLI::IsMember(devices::deployBackendIds()));
    command->add_option("--sample", args->sample, "Test sample to run (default: the first the board's last profile found differing, else 0)")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--device", args->options.device, "dfu: the bootloader's BUS:ADDRESS; stlink: the probe's serial");
    command->add_option("--port", args->options.serialPort, "dfu, stlink: the board's serial port");
    command->add_option("--work", args->work, "Folder for the model's C and the firmware (default: RUN/diff/BOARD)");
    command->callback([&selected, args] {
        selected = [args] {
            args->options.workDir = args->work;
            const std::int64_t sample = args->sample.value_or(defaultSample(args->run, args->options.board));
            const auto report = devices::findDrift(args->run, args->options, sample);
            std::printf("%s\n", core::contract::toJson(report).dump(2).c_str());
            printDrift(report);
            return report.first_divergent_op ? 3 : 0;  // as deploy: 3 when the device computes something else
        };
    });
}

}  // namespace tinyforge::cli
