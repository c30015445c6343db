#pragma once
// A complete firmware project of the studio's own for one board and one exported C model: start-up code and vector
// table, a linker script from the board's data, the profiling harness (resources/firmware/profile/), a Makefile;
// built with arm-none-eabi-gcc.

#include "devices/toolchain/child_process.h"
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "devices/boards/board.h"
#include "devices/device_error.h"

namespace tinyforge::devices {

/// The compiler flags for the board's core and FPU, e.g. -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16.
/// Throws DeviceError naming the board for a core or FPU the studio cannot build for.
std::vector<std::string> coreFlags(const Board& board);

/// The linker script: flash at the board's flash origin and size, data, bss and stack in its contiguous RAM.
std::string linkerScript(const Board& board);

/// uart_setup.h: the board's UART pin set-up (uart.setup) as a table of register writes for console.c.
std::string uartSetupHeader(const Board& board);

/// board_clock.h: the board's clock set-up (clock.setup) as the step table tf_clock_run carries out, with the core
/// clock after it (TF_CLOCK_HZ) and after reset (TF_CLOCK_RESET_HZ).
std::string boardClockHeader(const Board& board);

/// What a firmware build is for.
struct FirmwareTarget {
    /// Runs under QEMU and counts instructions (-DTF_EMULATED). A board whose part QEMU does not model is built for
    /// its core's stand-in machine (Board::emulator): its memory map, semihosting, no clock or UART set-up.
    bool emulated = false;
    /// The drift debugger's build: reports every op's int8 output for this embedded sample instead of profiling.
    std::optional<std::int64_t> dumpSample;
};

/// The board as a firmware build for `target` sees it: itself, or on a stand-in machine the machine's memory map
/// (no larger than the part's), no UART and no clock set-up.
Board firmwareBoard(const Board& board, const FirmwareTarget& target);

/// Writes the project into `projectDir`: the model's C files from `modelDir` (a C export with embedded test
/// vectors), start-up, semihosting, the harness, board.ld and a Makefile. Throws DeviceError naming what is missing.
void writeFirmwareProject(const Board& board, const std::filesystem::path& modelDir, const std::filesystem::path& projectDir,
                          const FirmwareTarget& target = {});

struct FirmwareImage {
    std::filesystem::path elf;
    std::int64_t textBytes = 0, dataBytes = 0, bssBytes = 0;  ///< arm-none-eabi-size's sections
    std::int64_t flashBytes() const { return textBytes + dataBytes; }
    std::int64_t ramBytes() const { return dataBytes + bssBytes; }
};

/// The image did not fit the flash it was linked for: the linker's region overflowed by overflowBytes().
class FlashOverflowError : public DeviceError {
public:
    FlashOverflowError(const std::string& board, std::int64_t overflowBytes, std::int64_t flashBytes)
        : DeviceError("firmware for " + board + " needs " + std::to_string(flashBytes + overflowBytes) + " bytes of flash; the part has " +
                      std::to_string(flashBytes)),
          overflowBytes_(overflowBytes) {}
    std::int64_t overflowBytes() const noexcept { return overflowBytes_; }

private:
    std::int64_t overflowBytes_;
};

/// Builds the project with `make`; throws FlashOverflowError when the image does not fit the part's flash, and
/// DeviceError with the compiler's messages when it fails otherwise.
FirmwareImage buildFirmware(const Board& board, const std::filesystem::path& projectDir, const CancelRequested& cancelled = {});

}  // namespace tinyforge::devices
