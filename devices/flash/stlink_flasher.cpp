#include "devices/flash/stlink_flasher.h"
#include "devices/transport/usb_device.h"

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "devices/device_error.h"
#include "devices/toolchain/command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace tinyforge::devices {

namespace fs = std::filesystem;

std::string rawImage(const std::vector<LoadSegment>& segments, std::uint32_t& startAddress) {
    if (segments.empty()) throw DeviceError("nothing to flash");
    std::uint64_t low = UINT64_MAX, high = 0;
    for (const auto& s : segments) {
        low = std::min<std::uint64_t>(low, s.address);
        high = std::max<std::uint64_t>(high, s.address + s.bytes.size());
    }
    if (high - low > (16u << 20)) throw DeviceError("the firmware's segments lie " + std::to_string(high - low) + " bytes apart: not one flash image");
    std::string image(high - low, '\xff');
    for (const auto& s : segments) std::copy(s.bytes.begin(), s.bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(s.address - low));
    startAddress = static_cast<std::uint32_t>(low);
    return image;
}

StLinkFlasher::StLinkFlasher(const Board& board, fs::path workDir, std::string probeSerial)
    : m_board(board), m_workDir(std::move(workDir)), m_probeSerial(std::move(probeSerial)) {
    if (!m_probeSerial.empty() && !isPlainSerial(m_probeSerial)) {
        throw DeviceError("probe serial '" + m_probeSerial.substr(0, 64) + "' is not letters and digits only; an ST-Link's serial is (see tinyforge-cli devices)");
    }
    if (!findOnPath("st-flash").empty()) {
        m_tool = "st-flash";
    } else if (!findOnPath("openocd").empty()) {
        if (board.openocdTarget.empty()) throw DeviceError("board " + board.id + " names no OpenOCD target (\"openocd_target\"), and st-flash is not installed");
        m_tool = "openocd";
    } else {
        throw ToolError("st-flash", -1, "", "neither st-flash nor openocd is installed (Debian packages stlink-tools, openocd): the stlink backend needs one of them");
    }
}

std::vector<std::string> StLinkFlasher::command(const fs::path& image, std::uint32_t address) const {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", address);
    if (m_tool == "st-flash") {
        std::vector<std::string> argv{"st-flash", "--reset"};
        if (!m_probeSerial.empty()) argv.insert(argv.end(), {"--serial", m_probeSerial});
        argv.insert(argv.end(), {"write", image.string(), hex});
        return argv;
    }
    std::vector<std::string> argv{"openocd", "-f", "interface/stlink.cfg"};
    if (!m_probeSerial.empty()) argv.insert(argv.end(), {"-c", "adapter serial " + m_probeSerial});
    // OpenOCD's Tcl reads the path in braces, so spaces in it stay one word.
    argv.insert(argv.end(), {"-f", "target/" + m_board.openocdTarget + ".cfg", "-c", "program {" + image.string() + "} " + hex + " verify reset exit"});
    return argv;
}

void StLinkFlasher::flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) {
    std::uint32_t address = 0;
    const std::string image = rawImage(segments, address);
    fs::create_directories(m_workDir);
    const fs::path file = m_workDir / "firmware.bin";
    core::io::writeFileAtomically(file, image.data(), image.size());
    if (progress && !progress({"download", 0, image.size()})) throw Cancelled();
    const CommandResult result = runCommand(command(file, address), 300);
    if (result.exitCode != 0) {
        const std::string tail = tailOf(result.output);
        throw ToolError(m_tool, result.exitCode, tail, m_tool + " could not flash " + m_board.id + (result.timedOut ? " (no answer in 300 s)" : "") + ":\n" + tail);
    }
    if (progress) progress({"verify", image.size(), image.size()});
}

}  // namespace tinyforge::devices
