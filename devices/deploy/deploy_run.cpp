#include "devices/deploy/deploy_run.h"

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/pipeline/export_run.h"
#include "core/resources.h"
#include "devices/boards/board.h"
#include "devices/device_error.h"
#include "devices/firmware/elf_segments.h"
#include "devices/firmware/firmware_project.h"
#include "devices/profile/profile_report.h"
#include "devices/toolchain/child_process.h"
#include "devices/transport/gdb_remote.h"
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

// Runs the firmware on the board's QEMU machine with -icount shift=0, so every run counts the same instructions.
// QEMU starts halted with its gdbstub on a Unix socket; the firmware is written into the emulated flash through
// the GDB remote protocol, as a debug probe would load a real board, read back, and the board reset to boot it.
// A board with a UART reports on QEMU's serial port, a pty the studio reads as it reads a real serial port.
std::string runOnQemu(const Board& board, const fs::path& elf) {
    static std::atomic<int> counter{0};
    const fs::path socket = fs::temp_directory_path() / ("tinyforge-gdb-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".sock");
    fs::remove(socket);
    const auto segments = elfLoadSegments(elf);
    const bool uart = board.uart.base != 0;
    ChildProcess qemu({"qemu-system-arm", "-M", board.qemuMachine, "-nographic", "-monitor", "none", "-serial", uart ? "pty" : "null",
                       "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-S", "-chardev",
                       "socket,path=" + socket.string() + ",server=on,wait=off,id=gdb0", "-gdb", "chardev:gdb0"});
    std::unique_ptr<SerialPort> port;
    if (uart) port = std::make_unique<SerialPort>(waitForPty(qemu));  // open before the firmware starts talking
    {
        GdbRemote gdb(socket, 20);
        for (const auto& segment : segments) {
            gdb.writeMemory(segment.address, {reinterpret_cast<const std::uint8_t*>(segment.bytes.data()), segment.bytes.size()});
            if (gdb.readMemory(segment.address, static_cast<std::uint32_t>(segment.bytes.size())) != segment.bytes) {
                throw DeviceError("qemu-system-arm -M " + board.qemuMachine + ": the flash does not read back as written");
            }
        }
        gdb.monitor("system_reset");  // the core fetches its stack pointer and entry from the new vector table
        gdb.detach();
    }
    fs::remove(socket);
    std::string report;
    if (port) {
        report = port->readUntil([](const std::string& line) {
            return line.find("\"event\": \"summary\"") != std::string::npos || line.find("\"event\": \"error\"") != std::string::npos;
        }, 600);
    }
    if (!qemu.wait(600)) throw DeviceError("qemu-system-arm -M " + board.qemuMachine + ": no result within 600 s");
    return report + qemu.output();
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

}  // namespace

nlohmann::json deployRun(const fs::path& runDir, const DeployOptions& options) {
    const auto boards = loadBoards(core::resourceDir() / "boards");
    const Board& board = findBoard(boards, options.board);
    if (board.kind != "mcu") throw DeviceError("board " + board.id + " is a Linux board: deploy it over SSH (--host)");
    if (!options.buildOnly) {
        if (options.backend == "dfu" || options.backend == "stlink") {
            throw DeviceError("the " + options.backend + " backend is not available yet; use --backend qemu (board stm32f405), or --build-only");
        }
        if (options.backend != "qemu") throw DeviceError("unknown backend '" + options.backend + "' (known: qemu, dfu, stlink)");
        if (board.qemuMachine.empty()) {
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
    const std::string output = runOnQemu(board, image.elf);
    const DeviceProfile profile = parseProfile(output, "qemu-system-arm -M " + board.qemuMachine);

    const nlohmann::json entry{
        {"board", board.id},
        {"backend", options.backend},
        {"latency_cycles", profile.cyclesMedian},
        {"latency_ms", static_cast<double>(profile.cyclesMedian) / (board.clockMhz * 1000.0)},
        {"counter", profile.counter == "dwt" ? "core cycles (DWT)" : "instructions (QEMU -icount counts instructions, not cycles)"},
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
    recordDevice(runDir, entry);
    return entry;
}

}  // namespace tinyforge::devices
