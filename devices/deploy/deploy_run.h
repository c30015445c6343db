#pragma once
// tinyforge-cli deploy (and the GUI's Devices page): a run's compressed model onto a board, profiled there. Exports
// the C with embedded test samples, generates and builds the board's firmware, runs it through a backend, reads the
// profile and records it in the run's summary.json under "devices".

#include <filesystem>
#include <optional>
#include <functional>
#include <string>

#include "core/results/run_summary.h"
#include "devices/flash/flasher.h"
#include "devices/toolchain/child_process.h"
#include "devices/transport/ssh_session.h"

namespace tinyforge::devices {

struct DeployOptions {
    std::string board;               ///< a file name in resources/boards/ without .json: "stm32f405"
    /// a backend id from deploy_backends.h ("" = the board's default: ssh for Linux boards, qemu for the others)
    std::string backend;
    std::filesystem::path workDir;   ///< default RUN/deploy/<board>
    int samples = 32;                ///< test samples compiled into the firmware
    /// Bytes the model's constant data (weights, biases, tables) may take: each layer gets the fastest encoding and
    /// kernel within it. Default: what the board leaves, the board's flash less the firmware's own code (found by
    /// building: the fastest encodings first, fitted to what the code leaves when they do not fit).
    std::optional<std::int64_t> flashBudget;
    std::string device;              ///< dfu: "BUS:ADDRESS" of the bootloader; stlink: the probe's serial ("" = the only one)
    std::string serialPort;          ///< dfu/stlink: the board's UART ("" = the only ST-Link virtual COM port)
    FlashProgressFn progress;        ///< flashing (or upload) progress; returning false cancels
    /// Asked while building, emulating, flashing and reading the board: true cancels within about 200 ms (the
    /// build's or emulator's process group killed), throwing Cancelled.
    CancelRequested cancelled;
    // Linux boards (backend "ssh"):
    std::string host;                ///< USER@HOST[:PORT]
    SshOptions ssh;                  ///< identity, known_hosts, and what to do about an unknown host or a password
    /// Called with the exported model's folder before anything is built from it: a caller may patch the generated C
    /// (the drift debugger's tests perturb one op this way). Empty: the export is used as written.
    std::function<void(const std::filesystem::path& modelDir)> editModel;
};

/// What --build-only reports: the firmware (or Linux runner) built for a board, and its sizes.
struct FirmwareBuild {
    std::string board;
    std::string file;  ///< the ELF image, or the Linux runner
    std::int64_t flash_bytes = 0;
    std::optional<std::int64_t> ram_bytes, text_bytes, data_bytes, bss_bytes;  ///< microcontroller firmware only
    static constexpr std::string_view kName = "FirmwareBuild", kDoc = "Firmware or runner built for a board";
    static auto fields() {
        using S = FirmwareBuild;
        using core::contract::field;
        return std::tuple{field(core::results::key::kBoard, &S::board, "board id"), field("file", &S::file, "ELF image or Linux runner"),
                          field(core::results::key::kFlashBytes, &S::flash_bytes, "size in flash (.text + .data), or the runner's size", "bytes"),
                          field(core::results::key::kRamBytes, &S::ram_bytes, ".data + .bss", "bytes"), field("text_bytes", &S::text_bytes, ".text", "bytes"),
                          field("data_bytes", &S::data_bytes, ".data", "bytes"), field("bss_bytes", &S::bss_bytes, ".bss", "bytes")};
    }
};

/// Deploys and profiles; returns the device entry, also recorded in summary.json under the summary's lock (replacing
/// an earlier entry for the same board and backend). A microcontroller's entry counts instructions on an emulator
/// (milliseconds only as a labelled estimate) and cycles on a chip, per inference and per op (device_figures.h).
/// When a chip's clock set-up did not complete, clock_note says where it stopped and latency_ms is at the reset clock.
/// Linux boards (see devices/linux/linux_runner.h) report wall-clock percentiles and peak RSS instead of cycles.
/// Throws DeviceError (unknown board or backend, build, flash or run failure), DataError (not a run, no quantized
/// model) or Cancelled (progress returned false).
core::results::DeviceResult deployRun(const std::filesystem::path& runDir, const DeployOptions& options);

/// Builds the board's firmware (or Linux runner) for the run's model and reports its sizes; runs and records nothing.
/// Throws as deployRun does.
FirmwareBuild buildForBoard(const std::filesystem::path& runDir, const DeployOptions& options);

}  // namespace tinyforge::devices
