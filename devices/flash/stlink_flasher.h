#pragma once
// Flashing through an ST-Link probe with the tools users already have: st-flash (stlink-tools) when it is on PATH,
// else OpenOCD with the board's target configuration ("openocd_target" in the board file).

#include "devices/boards/board.h"
#include "devices/flash/flasher.h"
#include "devices/toolchain/child_process.h"  // findOnPath

#include <filesystem>

namespace tinyforge::devices {

class StLinkFlasher : public Flasher {
public:
    /// Picks the tool; throws DeviceError when neither st-flash nor openocd is on PATH (saying which packages bring
    /// them), or when only OpenOCD is there and the board file names no OpenOCD target. `probeSerial` picks one of
    /// several probes ("" = the only one). The firmware image is written into `workDir`.
    StLinkFlasher(const Board& board, std::filesystem::path workDir, std::string probeSerial = "");

    std::string describe() const override { return m_tool + " (ST-Link)"; }
    void flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) override;

    /// The command that flashes `image` (a raw binary for st-flash, starting at `address`): exposed for tests.
    std::vector<std::string> command(const std::filesystem::path& image, std::uint32_t address) const;

private:
    Board m_board;
    std::filesystem::path m_workDir;
    std::string m_probeSerial;
    std::string m_tool;  // "st-flash" or "openocd"
};

/// The segments as one raw image from the lowest address, gaps filled with 0xFF (erased flash). Throws DeviceError
/// when the segments lie more than 16 MiB apart (not one flash).
std::string rawImage(const std::vector<LoadSegment>& segments, std::uint32_t& startAddress);

}  // namespace tinyforge::devices
