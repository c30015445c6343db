#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "app/cli/commands.h"
#include "devices/deploy/deploy_backends.h"
#include "devices/deploy/deploy_run.h"
#include "devices/discovery/probe_watcher.h"

namespace tinyforge::cli {

namespace {

// A secret typed on the terminal with echo off; nothing when there is no terminal (a build server).
std::optional<std::string> readPasswordFromTerminal(const std::string& prompt) {
    const int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0) return std::nullopt;
    termios saved{};
    const bool isTerminal = tcgetattr(tty, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    const std::string question = prompt + ": ";
    [[maybe_unused]] const auto written = write(tty, question.data(), question.size());
    std::string secret;
    char c = 0;
    while (read(tty, &c, 1) == 1 && c != '\n') secret += c;
    if (isTerminal) tcsetattr(tty, TCSAFLUSH, &saved);
    [[maybe_unused]] const auto newline = write(tty, "\n", 1);
    close(tty);
    return secret;
}

// The device entry for a person, on stderr: what was measured and in which unit, the estimates with their
// assumptions, and each op's share beside its MACs.
void printDeviceReport(const core::results::DeviceResult& entry) {
    if (entry.host) {
        std::fprintf(stderr, "%s on %s (%s): %.4f ms per inference (p50; p99 %.4f ms), peak RSS %lld bytes\n", entry.board.c_str(), entry.host->c_str(),
                     entry.measured_on.c_str(), entry.latency_ms.value_or(0), entry.latency_ms_p99.value_or(0),
                     static_cast<long long>(entry.peak_rss_bytes.value_or(0)));
        if (entry.latency_note) std::fprintf(stderr, "note: %s\n", entry.latency_note->c_str());
        return;
    }
    const std::string unit = entry.count_unit.value_or("cycles");
    std::fprintf(stderr, "%s on %s: %lld %s per inference (median; %lld to %lld), counted as %s\n", entry.board.c_str(),
                 entry.emulator ? entry.emulator->c_str() : ("the board over " + entry.backend).c_str(), static_cast<long long>(entry.latency_count.value_or(0)),
                 unit.c_str(), static_cast<long long>(entry.latency_count_min.value_or(0)), static_cast<long long>(entry.latency_count_max.value_or(0)),
                 entry.counter.c_str());
    if (entry.latency_ms) {
        std::fprintf(stderr, "  %.4f ms at %.0f MHz (measured)\n", *entry.latency_ms, static_cast<double>(entry.clock_hz.value_or(0)) / 1e6);
    }
    if (entry.latency_ms_estimate) std::fprintf(stderr, "  %.4f ms, %s\n", *entry.latency_ms_estimate, entry.latency_note.value_or("").c_str());
    if (entry.energy_uj) std::fprintf(stderr, "  %.3f uJ per inference, %s\n", *entry.energy_uj, entry.energy_note.value_or("").c_str());
    if (!entry.layers.empty()) {
        std::fprintf(stderr, "  %-3s %-24s %-16s %14s %10s %9s %12s\n", "op", "name", "kind", unit.c_str(), "MACs", "per MAC", "weight bytes");
        for (const auto& layer : entry.layers) {
            const std::string perMac = layer.count_per_mac ? std::to_string(*layer.count_per_mac).substr(0, 6) : "";
            std::fprintf(stderr, "  %-3lld %-24s %-16s %14lld %10lld %9s %12lld\n", static_cast<long long>(layer.op), layer.name.c_str(), layer.kind.c_str(),
                         static_cast<long long>(layer.count), static_cast<long long>(layer.macs), perMac.c_str(), static_cast<long long>(layer.weight_bytes));
        }
    }
}

}  // namespace

void addDeployCommand(CLI::App& app, CommandAction& selected) {
    struct Arguments {
        std::string run;
        devices::DeployOptions options;
        std::string work;
        bool acceptNewHostKey = false;
        bool askPassword = false;
        bool buildOnly = false;
        std::int64_t flashBudget = 0;
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("deploy", "Build a run's model into firmware for a board, run it there and profile it");
    command->add_option("run", args->run, "Run folder (made by tinyforge-cli run, with a quantize section)")->required();
    command->add_option("--board", args->options.board, "Board id: a file name in resources/boards/ (for example stm32f405)")->required();
    std::string backendHelp;
    for (const auto& b : devices::deployBackends()) backendHelp += (backendHelp.empty() ? "" : "; ") + b.id + ": " + b.help;
    command->add_option("--backend", args->options.backend, backendHelp)->check(CLI::IsMember(devices::deployBackendIds()));
    command->add_option("--samples", args->options.samples, "Test samples compiled into the firmware")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    command->add_option("--flash-budget", args->flashBudget,
                        "Microcontrollers: bytes the model's constant data may take; each layer gets the fastest encoding within them "
                        "(default: what the board's flash leaves after the firmware's code)")
        ->check(CLI::PositiveNumber);
    command->add_flag("--build-only", args->buildOnly, "Build the board's firmware and print its sizes; run nothing");
    command->add_option("--device", args->options.device, "dfu: the bootloader's BUS:ADDRESS when several are connected; stlink: the probe's serial");
    command->add_option("--port", args->options.serialPort, "dfu, stlink: the board's serial port (default: the only ST-Link virtual COM port)");
    command->add_option("--host", args->options.host, "ssh: the board as USER@HOST[:PORT]");
    command->add_option("--identity", args->options.ssh.identity, "ssh: a private key file (default: the agent, then ~/.ssh's keys)");
    command->add_option("--known-hosts", args->options.ssh.knownHosts, "ssh: the known_hosts file checked strictly (default ~/.ssh/known_hosts)");
    command->add_flag("--accept-new-host-key", args->acceptNewHostKey,
                      "ssh: trust a host that is not in known_hosts yet and record its key (a changed key is always refused)");
    command->add_flag("--ask-password", args->askPassword, "ssh: ask for a password on the terminal when no key is accepted");
    command->add_option("--work", args->work, "Folder for the model's C and the firmware project (default: RUN/deploy/BOARD)");
    command->callback([&selected, args] {
        selected = [args] {
            args->options.workDir = args->work;
            if (args->flashBudget > 0) args->options.flashBudget = args->flashBudget;
            if (args->acceptNewHostKey) {
                args->options.ssh.trustUnknownHost = [](const devices::UnknownHostKey& key) {
                    std::fprintf(stderr, "ssh: accepting the new host %s, key %s %s\n", key.host.c_str(), key.keyType.c_str(), key.fingerprint.c_str());
                    return true;
                };
            }
            if (args->askPassword) args->options.ssh.askPassword = readPasswordFromTerminal;
            args->options.ssh.askPassphrase = readPasswordFromTerminal;
            // One line per phase and every 10%, on stderr: the JSON result stays alone on stdout.
            args->options.progress = [last = std::string(), step = -1](const devices::FlashProgress& p) mutable {
                const int tenth = p.total ? static_cast<int>(p.done * 10 / p.total) : 10;
                if (p.phase != last || tenth != step) {
                    std::fprintf(stderr, "%s: %s %llu/%llu\n", p.phase == "upload" || p.phase == "run" ? "ssh" : "flash", p.phase.c_str(), static_cast<unsigned long long>(p.done),
                                 static_cast<unsigned long long>(p.total));
                    last = p.phase;
                    step = tenth;
                }
                return true;
            };
            if (args->buildOnly) {
                std::printf("%s\n", core::contract::toJson(devices::buildForBoard(args->run, args->options)).dump(2).c_str());
                return 0;
            }
            const auto entry = devices::deployRun(args->run, args->options);
            std::printf("%s\n", core::contract::toJson(entry).dump(2).c_str());
            printDeviceReport(entry);
            std::fprintf(stderr, "%lld of %lld samples identical to the integer reference\n", static_cast<long long>(entry.identical),
                         static_cast<long long>(entry.samples));
            if (entry.clock_note) std::fprintf(stderr, "note: %s\n", entry.clock_note->c_str());
            if (entry.identical == entry.samples) return 0;
            // The device ran, but computed something else than the reference: a device failure (exit 3).
            std::fprintf(stderr, "error: %s: %lld of %lld samples differ from the integer reference; "
                         "tinyforge-cli diff %s --board %s names the first op that differs\n", entry.board.c_str(),
                         static_cast<long long>(entry.samples - entry.identical), static_cast<long long>(entry.samples), args->run.c_str(), entry.board.c_str());
            return 3;
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
