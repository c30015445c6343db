#include <cstdio>

#include "app/cli/commands.h"
#include "devices/deploy/deploy_run.h"

namespace tinyforge::cli {

void addDeployCommand(CLI::App& app, CommandAction& selected) {
    struct Arguments {
        std::string run;
        devices::DeployOptions options;
        std::string work;
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("deploy", "Build a run's model into firmware for a board, run it there and profile it");
    command->add_option("run", args->run, "Run folder (made by tinyforge-cli run, with a quantize section)")->required();
    command->add_option("--board", args->options.board, "Board id: a file name in resources/boards/ (for example stm32f405)")->required();
    command->add_option("--backend", args->options.backend, "qemu: the emulated STM32F405 (netduinoplus2), counting instructions")
        ->check(CLI::IsMember({"qemu", "dfu", "stlink"}))
        ->capture_default_str();
    command->add_option("--samples", args->options.samples, "Test samples compiled into the firmware")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    command->add_flag("--build-only", args->options.buildOnly, "Build the board's firmware and print its sizes; run nothing");
    command->add_option("--work", args->work, "Folder for the model's C and the firmware project (default: RUN/deploy/BOARD)");
    command->callback([&selected, args] {
        selected = [args] {
            args->options.workDir = args->work;
            const auto entry = devices::deployRun(args->run, args->options);
            std::printf("%s\n", entry.dump(2).c_str());
            if (args->options.buildOnly) return 0;
            std::fprintf(stderr, "%s: %lld %s per inference, %lld of %lld samples identical to the reference\n",
                         entry["board"].get<std::string>().c_str(), static_cast<long long>(entry["latency_cycles"].get<std::int64_t>()),
                         entry["counter"].get<std::string>().c_str(), static_cast<long long>(entry["identical"].get<std::int64_t>()),
                         static_cast<long long>(entry["samples"].get<std::int64_t>()));
            return entry["identical"] == entry["samples"] ? 0 : 1;
        };
    });
}

}  // namespace tinyforge::cli
