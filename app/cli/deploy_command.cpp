#include <cstdio>

#include "app/cli/commands.h"
#include "devices/deploy/deploy_run.h"
#include "devices/discovery/probe_watcher.h"

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
    command->add_option("--backend", args->options.backend,
                        "qemu: the emulated STM32F405 (netduinoplus2), counting instructions; dfu: a board in its USB system "
                        "bootloader (0483:df11); stlink: through an ST-Link probe with st-flash or OpenOCD")
        ->check(CLI::IsMember({"qemu", "dfu", "stlink"}))
        ->capture_default_str();
    command->add_option("--samples", args->options.samples, "Test samples compiled into the firmware")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    command->add_flag("--build-only", args->options.buildOnly, "Build the board's firmware and print its sizes; run nothing");
    command->add_option("--device", args->options.device, "dfu: the bootloader's BUS:ADDRESS when several are connected; stlink: the probe's serial");
    command->add_option("--port", args->options.serialPort, "dfu, stlink: the board's serial port (default: the only ST-Link virtual COM port)");
    command->add_option("--work", args->work, "Folder for the model's C and the firmware project (default: RUN/deploy/BOARD)");
    command->callback([&selected, args] {
        selected = [args] {
            args->options.workDir = args->work;
            // One line per phase and every 10%, on stderr: the JSON result stays alone on stdout.
            args->options.progress = [last = std::string(), step = -1](const devices::FlashProgress& p) mutable {
                const int tenth = p.total ? static_cast<int>(p.done * 10 / p.total) : 10;
                if (p.phase != last || tenth != step) {
                    std::fprintf(stderr, "flash: %s %llu/%llu\n", p.phase.c_str(), static_cast<unsigned long long>(p.done),
                                 static_cast<unsigned long long>(p.total));
                    last = p.phase;
                    step = tenth;
                }
                return true;
            };
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

void addProbesCommand(CLI::App& app, CommandAction& selected) {
    CLI::App* command = app.add_subcommand("probes", "List the connected ST-Link probes and STM32s in DFU mode, with what deploy --device takes");
    command->callback([&selected] {
        selected = [] {
            devices::UsbContext usb;
            const auto probes = devices::listProbes(usb);
            nlohmann::json list = nlohmann::json::array();
            for (const auto& p : probes) {
                list.push_back({{"model", p.model}, {"backend", p.backend()}, {"device", p.deviceArgument()}, {"serial", p.serial},
                                {"bus", p.usb.bus}, {"address", p.usb.address}});
                std::fprintf(stderr, "%s\n  deploy ... --backend %s%s\n", p.describe().c_str(), p.backend().c_str(),
                             p.deviceArgument().empty() ? "" : (" --device " + p.deviceArgument()).c_str());
            }
            if (probes.empty()) std::fprintf(stderr, "no ST-Link probe or STM32 in DFU mode is connected\n");
            std::printf("%s\n", list.dump(2).c_str());
            return 0;
        };
    });
}

}  // namespace tinyforge::cli
