#pragma once
// tinyforge-cli deploy (and the GUI's Devices page): a run's compressed model onto a board, profiled there. Exports
// the C with embedded test samples, generates and builds the board's firmware, runs it through a backend, reads the
// profile and records it in the run's summary.json under "devices".

#include <filesystem>
#include <string>

#include "devices/flash/flasher.h"
#include "devices/transport/ssh_session.h"

#include <nlohmann/json.hpp>

namespace tinyforge::devices {

struct DeployOptions {
    std::string board;               ///< a file name in resources/boards/ without .json: "stm32f405"
    /// "qemu" (the emulated board), "dfu" (USB system bootloader), "stlink"; "ssh" for Linux boards ("" = the
    /// board's usual one: ssh for Linux boards, qemu for the others)
    std::string backend;
    std::filesystem::path workDir;   ///< default RUN/deploy/<board>
    int samples = 32;                ///< test samples compiled into the firmware
    bool buildOnly = false;          ///< stop after building: report the firmware's sizes, record nothing
    std::string device;              ///< dfu: "BUS:ADDRESS" of the bootloader; stlink: the probe's serial ("" = the only one)
    std::string serialPort;          ///< dfu/stlink: the board's UART ("" = the only ST-Link virtual COM port)
    FlashProgressFn progress;        ///< flashing (or upload) progress; returning false cancels
    // Linux boards (backend "ssh"):
    std::string host;                ///< USER@HOST[:PORT]
    SshOptions ssh;                  ///< identity, known_hosts, and what to do about an unknown host or a password
};

/// Deploys and profiles; returns the device entry {"board", "backend", "latency_cycles", "latency_ms",
/// "clock_hz", "clock_configured", "flash_bytes", "ram_bytes", "stack_bytes", "arena_bytes", "accuracy", "samples",
/// "identical", "counter", "firmware", "console"}, also recorded in summary.json (replacing an earlier entry for the
/// same board and backend). When the board's clock set-up did not complete, "clock_note" says where it stopped and
/// latency_ms is at the reset clock.
/// Throws DeviceError (unknown board or backend, build, flash or run failure), DataError (not a run, no quantized
/// model) or Cancelled (progress returned false).
/// With buildOnly: {"board", "firmware", "flash_bytes", "ram_bytes", "text_bytes", "data_bytes", "bss_bytes"}.
/// Linux boards (see devices/linux/linux_runner.h): {"board", "backend": "ssh", "host", "latency_ms", "latency_ms_p90",
/// "latency_ms_p99", "peak_rss_bytes", "flash_bytes" (the runner's size), "ram_bytes" (its peak RSS), "arena_bytes",
/// "accuracy", "samples", "identical", "counter", "runner"}.
nlohmann::json deployRun(const std::filesystem::path& runDir, const DeployOptions& options);

}  // namespace tinyforge::devices
