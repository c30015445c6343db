#include "devices/deploy/deploy_run.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/pipeline/export_run.h"
#include "core/resources.h"
#include "devices/boards/board.h"
#include "devices/device_error.h"
#include "devices/discovery/probe_watcher.h"
#include "devices/firmware/elf_segments.h"
#include "devices/firmware/firmware_project.h"
#include "devices/profile/profile_report.h"
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
std::string waitForPty(ChildProcess& qemu) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::smatch m;
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string& output = qemu.readAvailable(200);
        if (std::regex_search(output, m, std::regex("redirected to (/dev/pts/\\d+)"))) return m[1];
    }
    throw DeviceError("qemu-system-arm: no serial port appeared:\n" + qemu.readAvailable(0));
}

bool isLastProfileLine(const std::string& line) {
    return line.find("\"event\": \"summary\"") != std::string::npos || line.find("\"event\": \"error\"") != std::string::npos;
}

// Runs the firmware on the board's QEMU machine with -icount shift=0, so every run counts the same instructions.
// QEMU starts halted with its gdbstub on a Unix socket; the firmware is loaded through the GDB remote protocol, as a
// debug probe loads a real board. A board with a UART reports on QEMU's serial port, a pty the studio reads as it
// reads a real serial port.
std::string runOnQemu(const Board& board, const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) {
    static std::atomic<int> counter{0};
    const fs::path socket = fs::temp_directory_path() / ("tinyforge-gdb-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".sock");
    fs::remove(socket);
    const bool uart = board.uart.base != 0;
    const std::string target = "qemu-system-arm -M " + board.qemuMachine;
    ChildProcess qemu({"qemu-system-arm", "-M", board.qemuMachine, "-nographic", "-monitor", "none", "-serial", uart ? "pty" : "null",
                       "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-S", "-chardev",
                       "socket,path=" + socket.string() + ",server=on,wait=off,id=gdb0", "-gdb", "chardev:gdb0"});
    std::unique_ptr<SerialPort> port;
    if (uart) port = std::make_unique<SerialPort>(waitForPty(qemu));  // open before the firmware starts talking
    GdbFlasher(socket, target).flash(segments, progress);
    fs::remove(socket);
    // Firmware that reports on a UART parks after its summary, as on a real board, and QEMU is closed once the last
    // line is read (an emulator that exits first closes the pty and the lines not yet read are lost with it).
    if (port) return port->readUntil(isLastProfileLine, 600) + qemu.readAvailable(0);  // QEMU's own messages, if it failed
    if (!qemu.wait(600)) throw DeviceError(target + ": no result within 600 s");
    return qemu.output();
}

// A real board: open its serial port, flash it (the bootloader or the probe starts the firmware), read the report.
std::string runOnBoard(const Board& board, const std::string& backend, const DeployOptions& options, const fs::path& work,
                       const std::vector<LoadSegment>& segments) {
    if (board.uart.base == 0) {
        throw DeviceError("board " + board.id + " describes no UART (\"uart\" in resources/boards/" + board.id + ".json): its firmware could not report");
    }
    // The ST-Link's virtual COM port: the chosen probe's (--device SERIAL) when flashing through one, else the only one.
    const std::string probeSerial = backend == "stlink" ? options.device : "";
    SerialPort port(options.serialPort.empty() ? pickStLinkSerialPort(listSerialPorts(), probeSerial) : options.serialPort);
    std::unique_ptr<Flasher> flasher;
    std::unique_ptr<UsbContext> usb;
    if (backend == "dfu") {
        usb = std::make_unique<UsbContext>();
        flasher = std::make_unique<DfuseFlasher>(*usb, findDfuDevice(listUsbDevices(*usb), options.device));
    } else {
        flasher = std::make_unique<StLinkFlasher>(board, work / "flash", options.device);
    }
    flasher->flash(segments, options.progress);
    return port.readUntil(isLastProfileLine, 600);
}

void recordDevice(const fs::path& runDir, const nlohmann::json& entry) {
    const auto file = runDir / "summary.json";
    nlohmann::json summary = nlohmann::json::parse(core::io::readTextFile(file), nullptr, false);
    if (!summary.is_object()) throw DataError(file, "", "not JSON");
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : summary.value("devices", nlohmann::json::array())) {
        if (d.value("board", "") != entry["board"] || d.value("backend", "") != entry["backend"]) devices.push_back(d);
    }
    devices.push_back(entry);
    summary["devices"] = devices;
    const std::string text = summary.dump(2) + "\n";
    core::io::writeFileAtomically(file, text.data(), text.size());
}

// Why the core ran at its reset clock: which set-up step gave up, in the board file's words.
std::string clockNote(const Board& board, const DeviceProfile& profile, bool emulated) {
    const auto done = static_cast<std::size_t>(std::max<std::int64_t>(0, profile.clockStepsDone));
    std::string note = "the clock set-up stopped at clock.setup[" + std::to_string(done) + "]";
    if (done < board.clock.setup.size() && !board.clock.setup[done].note.empty()) note += " (" + board.clock.setup[done].note + ")";
    note += ", so the core ran at its reset clock of " + std::to_string(profile.clockHz) + " Hz";
    if (emulated) note += "; QEMU does not model this part's clock controller";
    return note;
}

}  // namespace

nlohmann::json deployRun(const fs::path& runDir, const DeployOptions& options) {
    const auto boards = loadBoards(core::resourceDir() / "boards");
    const Board& board = findBoard(boards, options.board);
    const bool linuxBoard = board.kind == "linux";
    const std::string backend = !options.backend.empty() ? options.backend : linuxBoard ? "ssh" : "qemu";
    if (linuxBoard && backend != "ssh") throw DeviceError("board " + board.id + " is a Linux board: it is deployed over SSH (--backend ssh, --host)");
    if (!linuxBoard && backend == "ssh") throw DeviceError("board " + board.id + " is a microcontroller: use --backend qemu, dfu or stlink");
    if (!options.buildOnly) {
        if (backend != "qemu" && backend != "dfu" && backend != "stlink" && backend != "ssh") {
            throw DeviceError("unknown backend '" + backend + "' (known: qemu, dfu, stlink, ssh)");
        }
        if (linuxBoard && options.host.empty()) throw DeviceError("board " + board.id + " is reached over SSH: give --host USER@HOST[:PORT]");
        if (backend == "qemu" && board.qemuMachine.empty()) {
            throw DeviceError("board " + board.id + " has no QEMU model (the emulated board is stm32f405, QEMU's netduinoplus2); "
                              "--build-only builds its firmware");
        }
    }
    const fs::path work = options.workDir.empty() ? runDir / "deploy" / board.id : options.workDir;

    const core::pipeline::RunFolder run(runDir);
    core::pipeline::ExportOptions exportOptions;
    exportOptions.format = "c";
    exportOptions.outDir = work / "model";
    exportOptions.embeddedVectors = options.samples;
    exportOptions.onlyEmbeddedVectors = true;  // the firmware holds only these; the run's own export stays recorded
    exportOptions.record = false;
    core::pipeline::exportRun(run, exportOptions);

    if (linuxBoard) {
        const LinuxRunner runner = buildLinuxRunner(board, work / "model", work / "runner");
        if (options.buildOnly) return {{"board", board.id}, {"runner", fs::absolute(runner.binary).string()}, {"flash_bytes", runner.bytes}};
        const SshTarget target = SshTarget::parse(options.host);
        SshSession ssh(target, options.ssh);
        const nlohmann::json entry = profileOverSsh(board, runner, ssh, options.progress);
        recordDevice(runDir, entry);  // only a complete result reaches summary.json
        return entry;
    }

    writeFirmwareProject(board, work / "model", work / "firmware");
    const FirmwareImage image = buildFirmware(board, work / "firmware");
    if (static_cast<std::uint64_t>(image.flashBytes()) > board.flashBytes) {
        throw DeviceError("firmware for " + board.id + " needs " + std::to_string(image.flashBytes()) + " bytes of flash; the part has " +
                          std::to_string(board.flashBytes));
    }
    if (options.buildOnly) {
        return {{"board", board.id}, {"firmware", fs::absolute(image.elf).string()}, {"flash_bytes", image.flashBytes()},
                {"ram_bytes", image.ramBytes()}, {"text_bytes", image.textBytes}, {"data_bytes", image.dataBytes}, {"bss_bytes", image.bssBytes}};
    }
    const auto segments = elfLoadSegments(image.elf);
    const bool emulated = backend == "qemu";
    const std::string output = emulated ? runOnQemu(board, segments, options.progress) : runOnBoard(board, backend, options, work, segments);
    const DeviceProfile profile = parseProfile(output, emulated ? "qemu-system-arm -M " + board.qemuMachine : board.id + " over " + backend);

    nlohmann::json entry{
        {"board", board.id},
        {"backend", backend},
        {"latency_cycles", profile.cyclesMedian},
        {"latency_ms", static_cast<double>(profile.cyclesMedian) * 1000.0 / static_cast<double>(profile.clockHz)},
        {"clock_hz", profile.clockHz},
        {"clock_configured", profile.clockConfigured},
        {"counter", profile.counter == "dwt" ? "core cycles (DWT)"
                    : emulated             ? "instructions (QEMU -icount counts instructions, not cycles)"
                                           : "core cycles (SysTick)"},
        {"flash_bytes", image.flashBytes()},
        {"ram_bytes", image.ramBytes()},
        {"stack_bytes", profile.stackBytes},
        {"arena_bytes", profile.arenaBytes},
        {"accuracy", static_cast<double>(profile.correct) / static_cast<double>(profile.samples)},
        {"samples", profile.samples},
        {"identical", profile.identical},
        {"firmware", fs::absolute(image.elf).string()},
        {"console", board.uart.base != 0 ? "uart" : "semihosting"},
    };
    if (!profile.clockConfigured) entry["clock_note"] = clockNote(board, profile, emulated);
    recordDevice(runDir, entry);
    return entry;
}

}  // namespace tinyforge::devices
