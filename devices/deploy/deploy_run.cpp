#include "devices/deploy/deploy_run.h"

#include <algorithm>
#include <cstdint>
#include <functional>

#include "core/error.h"
#include "core/pipeline/export_run.h"
#include "core/resources.h"
#include "core/results/summary_file.h"
#include "devices/boards/board.h"
#include "devices/deploy/deploy_backends.h"
#include "devices/device_error.h"
#include "devices/discovery/probe_watcher.h"
#include "devices/firmware/elf_segments.h"
#include "devices/firmware/firmware_project.h"
#include "devices/profile/device_figures.h"
#include "devices/profile/profile_report.h"
#include "devices/deploy/deploy_steps.h"
#include "devices/toolchain/child_process.h"
#include "devices/flash/dfuse_flasher.h"
#include "devices/flash/gdb_flasher.h"
#include "devices/flash/stlink_flasher.h"
#include "devices/linux/linux_runner.h"
#include "devices/transport/usb_device.h"
#include "devices/transport/serial_port.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <regex>

namespace tinyforge::devices {

namespace fs = std::filesystem;

namespace {

// The pty QEMU put the board's first serial port on ("char device redirected to /dev/pts/3 (label serial0)").
// The caller's progress, answering false as well once the caller has cancelled.
FlashProgressFn withCancel(const DeployOptions& options) {
    if (!options.cancelled) return options.progress;
    return [progress = options.progress, cancelled = options.cancelled](const FlashProgress& p) {
        return !cancelled() && (!progress || progress(p));
    };
}

std::string waitForPty(ChildProcess& qemu, const CancelRequested& cancelled) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::smatch m;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cancelled && cancelled()) throw Cancelled();
        const std::string& output = qemu.readAvailable(200);
        if (std::regex_search(output, m, std::regex("redirected to (/dev/pts/\\d+)"))) return m[1];
    }
    throw DeviceError("qemu-system-arm: no serial port appeared:\n" + qemu.readAvailable(0));
}

bool isLastProfileLine(const std::string& line) {
    return line.find("\"event\": \"summary\"") != std::string::npos || line.find("\"event\": \"error\"") != std::string::npos;
}

// Runs the firmware on the board's QEMU machine (the part's own model, or its core's stand-in) with -icount, so every
// run counts the same instructions. QEMU starts halted with its gdbstub on a Unix socket; the firmware is loaded
// through the GDB remote protocol, as a debug probe loads a real board. Firmware with a UART reports on QEMU's serial
// port, a pty the studio reads as it reads a real serial port; a stand-in's firmware reports over semihosting.
std::string runOnQemu(const Board& board, const std::vector<LoadSegment>& segments, const FlashProgressFn& progress,
                      const CancelRequested& cancelled, bool (*isLastLine)(const std::string&)) {
    static std::atomic<int> counter{0};
    const fs::path socket = fs::temp_directory_path() / ("tinyforge-gdb-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".sock");
    fs::remove(socket);
    const bool uart = board.uart.base != 0;
    const std::string target = "qemu-system-arm -M " + board.emulatorMachine();
    auto command = qemuCommand(board, uart);
    command.insert(command.end(), {"-S", "-chardev", "socket,path=" + socket.string() + ",server=on,wait=off,id=gdb0", "-gdb", "chardev:gdb0"});
    ChildProcess qemu(command);
    std::unique_ptr<SerialPort> port;
    if (uart) port = std::make_unique<SerialPort>(waitForPty(qemu, cancelled));  // open before the firmware starts talking
    GdbFlasher(socket, target).flash(segments, progress);
    fs::remove(socket);
    // Firmware that reports on a UART parks after its last line, as on a real board, and QEMU is closed once that line
    // is read (an emulator that exits first closes the pty and the lines not yet read are lost with it).
    if (port) return port->readUntil(isLastLine, 600, cancelled) + qemu.readAvailable(0);  // QEMU's own messages, if it failed
    if (!qemu.wait(600, cancelled)) throw DeviceError(target + ": no result within 600 s");
    return qemu.output();
}

// A real board: open its serial port, flash it (the bootloader or the probe starts the firmware), read the report.
std::string runOnBoard(const Board& board, const std::string& backend, const DeployOptions& options, const fs::path& work,
                       const std::vector<LoadSegment>& segments, bool (*isLastLine)(const std::string&)) {
    if (board.uart.base == 0) {
        throw DeviceError("board " + board.id + " describes no UART (\"uart\" in resources/boards/" + board.id + ".json): its firmware could not report");
    }
    // The ST-Link's virtual COM port: the chosen probe's (--device SERIAL) when flashing through one, else the only one.
    const std::string probeSerial = backend == kStLinkBackend ? options.device : "";
    SerialPort port(options.serialPort.empty() ? pickStLinkSerialPort(listSerialPorts(), probeSerial) : options.serialPort);
    std::unique_ptr<Flasher> flasher;
    std::unique_ptr<UsbContext> usb;
    if (backend == kDfuBackend) {
        usb = std::make_unique<UsbContext>();
        flasher = std::make_unique<DfuseFlasher>(*usb, findDfuDevice(listUsbDevices(*usb), options.device));
    } else {
        flasher = std::make_unique<StLinkFlasher>(board, work / "flash", options.device);
    }
    flasher->flash(segments, withCancel(options));
    return port.readUntil(isLastLine, 600, options.cancelled);
}

// Adds the entry to summary.json, replacing an earlier one for the same board and backend.
void recordDevice(const fs::path& runDir, const core::results::DeviceResult& entry) {
    core::results::updateSummary(runDir, [&](core::results::RunSummary& summary) {
        std::erase_if(summary.devices, [&](const auto& d) { return d.board == entry.board && d.backend == entry.backend; });
        summary.devices.push_back(entry);
    });
}

// Why the core ran at its reset clock: which set-up step gave up, in the board file's words.
std::string clockNote(const Board& board, const DeviceProfile& profile) {
    const auto done = static_cast<std::size_t>(std::max<std::int64_t>(0, profile.clockStepsDone));
    std::string note = "the clock set-up stopped at clock.setup[" + std::to_string(done) + "]";
    if (done < board.clock.setup.size() && !board.clock.setup[done].note.empty()) note += " (" + board.clock.setup[done].note + ")";
    return note + ", so the core ran at its reset clock of " + std::to_string(profile.clockHz) + " Hz";
}

}  // namespace

bool PreparedDeploy::emulated() const { return !backend.empty() && findDeployBackend(backend).emulated; }

std::string PreparedDeploy::source() const {
    return emulated() ? "qemu-system-arm -M " + board.emulatorMachine() : board.id + " over " + backend;
}

std::vector<std::string> qemuCommand(const Board& board, bool uart) {
    return {"qemu-system-arm", "-M", board.emulatorMachine(), "-nographic", "-monitor", "none", "-serial", uart ? "pty" : "null",
            "-semihosting-config", "enable=on,target=native", "-icount", "shift=7"};
}

namespace {

// The run's model as C in options.outDir, fastest within `budget` (none: smallest), then edited by the caller's hook.
core::results::CExportResult exportForDeploy(const core::pipeline::RunFolder& run, core::pipeline::ExportOptions options,
                                             std::optional<std::int64_t> budget, const std::function<void(const fs::path&)>& edit) {
    options.flashBudget = budget;
    auto model = *core::pipeline::exportRun(run, options).c;
    if (edit) edit(options.outDir);
    return model;
}

}  // namespace

PreparedDeploy prepareDeploy(const core::pipeline::RunFolder& run, const DeployOptions& options, bool buildOnly) {
    PreparedDeploy p;
    p.board = findBoard(loadBoards(core::resourceDir() / "boards"), options.board);
    const Board& board = p.board;
    // Building needs no backend; deploying checks the one asked for (or the board's default) against the board.
    p.backend = buildOnly ? std::string() : chooseDeployBackend(board, options.backend).id;
    if (!buildOnly && findDeployBackend(p.backend).needsHost && options.host.empty()) {
        throw SettingsError("board " + board.id + " is reached over SSH: give --host USER@HOST[:PORT]");
    }
    p.work = options.workDir.empty() ? run.dir() / "deploy" / board.id : options.workDir;

    core::pipeline::ExportOptions exportOptions;
    exportOptions.format = "c";
    exportOptions.outDir = p.work / "model";
    exportOptions.embeddedVectors = options.samples;
    exportOptions.onlyEmbeddedVectors = true;  // the firmware holds only these; the run's own export stays recorded
    exportOptions.record = false;
    p.exportModel = [runDir = run.dir(), exportOptions, edit = options.editModel](std::optional<std::int64_t> budget) {
        return exportForDeploy(core::pipeline::RunFolder(runDir), exportOptions, budget, edit);
    };
    p.budgetGiven = options.flashBudget.has_value();
    // Until a build says otherwise the model may take the whole flash: the fastest encodings.
    const auto wholeFlash = static_cast<std::int64_t>(std::min<std::uint64_t>(board.flashBytes, INT64_MAX));
    p.model = exportForDeploy(run, exportOptions, options.flashBudget.value_or(wholeFlash), options.editModel);
    return p;
}

FirmwareImage buildFittingFirmware(PreparedDeploy& p, const fs::path& projectDir, const FirmwareTarget& target, const CancelRequested& cancelled) {
    const Board& board = p.board;
    const auto build = [&] {
        writeFirmwareProject(board, p.work / "model", projectDir, target);
        return buildFirmware(board, projectDir, cancelled);
    };
    const auto tooLarge = [&](const FlashOverflowError& overflow, const std::string& how) {
        return DeviceError(std::string(overflow.what()) + " (the model's constant data takes " + std::to_string(p.model.flash_bytes) + " bytes " + how + ")");
    };
    std::int64_t budget = 0;
    try {
        return build();
    } catch (const FlashOverflowError& overflow) {
        if (p.budgetGiven) throw tooLarge(overflow, "within the given flash budget");
        // The fastest encodings leave the firmware's own code no room. What the code takes does not depend on the
        // encodings (every kernel is linked), so the model's data must shrink by the overflow, and a little more for
        // alignment.
        constexpr std::int64_t kSlackBytes = 256;
        budget = p.model.flash_bytes - overflow.overflowBytes() - kSlackBytes;
    }
    try {
        p.model = p.exportModel(budget);
        return build();
    } catch (const SettingsError&) {        // below even the smallest encodings
    } catch (const FlashOverflowError&) {  // the code grew after all: the smallest is the last try
    }
    p.model = p.exportModel(std::nullopt);
    try {
        return build();
    } catch (const FlashOverflowError& overflow) {
        throw tooLarge(overflow, "in its smallest encodings");
    }
}

std::string runFirmware(const PreparedDeploy& p, const DeployOptions& options, const FirmwareImage& image, bool (*isLastLine)(const std::string&)) {
    const auto segments = elfLoadSegments(image.elf);
    if (p.emulated()) return runOnQemu(firmwareBoard(p.board, {true, {}}), segments, withCancel(options), options.cancelled, isLastLine);
    return runOnBoard(p.board, p.backend, options, p.work, segments, isLastLine);
}

FirmwareBuild buildForBoard(const fs::path& runDir, const DeployOptions& options) {
    PreparedDeploy p = prepareDeploy(core::pipeline::RunFolder(runDir), options, true);
    const Board& board = p.board;
    if (board.kind == "linux") {
        const LinuxRunner runner = buildLinuxRunner(board, p.work / "model", p.work / "runner");
        return {board.id, fs::absolute(runner.binary).string(), static_cast<std::int64_t>(runner.bytes), {}, {}, {}, {}};
    }
    const FirmwareImage image = buildFittingFirmware(p, p.work / "firmware", {});
    return {board.id, fs::absolute(image.elf).string(), image.flashBytes(), image.ramBytes(), image.textBytes, image.dataBytes, image.bssBytes};
}

core::results::DeviceResult deployRun(const fs::path& runDir, const DeployOptions& options) {
    PreparedDeploy p = prepareDeploy(core::pipeline::RunFolder(runDir), options, false);
    const Board& board = p.board;
    if (board.kind == "linux") {
        const LinuxRunner runner = buildLinuxRunner(board, p.work / "model", p.work / "runner");
        const SshTarget target = SshTarget::parse(options.host);
        SshSession ssh(target, options.ssh);
        const auto entry = profileOverSsh(board, runner, ssh, withCancel(options));
        recordDevice(runDir, entry);  // only a complete result reaches summary.json
        return entry;
    }

    const bool emulated = p.emulated();
    const FirmwareImage image = buildFittingFirmware(p, p.work / "firmware", {emulated, {}}, options.cancelled);
    const std::string output = runFirmware(p, options, image, isLastProfileLine);
    const DeviceProfile profile = parseProfile(output, p.source());

    core::results::DeviceResult entry;
    entry.board = board.id;
    entry.backend = p.backend;
    describeCounts(entry, board, profile, p.model.layers.value_or(std::vector<core::results::CExportLayer>{}));
    if (emulated) {
        entry.emulator = p.source() + (board.qemuMachine.empty() ? " (" + board.emulator.note + ")" : " (this part's own model)");
    } else if (!profile.clockConfigured) {
        entry.clock_note = clockNote(board, profile);
    }
    entry.flash_bytes = image.flashBytes();
    entry.ram_bytes = image.ramBytes();
    entry.stack_bytes = profile.stackBytes;
    entry.arena_bytes = profile.arenaBytes;
    entry.accuracy = static_cast<double>(profile.correct) / static_cast<double>(profile.samples);
    entry.samples = profile.samples;
    entry.identical = profile.identical;
    entry.firmware = fs::absolute(image.elf).string();
    entry.console = firmwareBoard(board, {emulated, {}}).uart.base != 0 ? "uart" : "semihosting";
    recordDevice(runDir, entry);
    return entry;
}

}  // namespace tinyforge::devices
