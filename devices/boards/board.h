#pragma once
// Boards as data: one JSON file per board in resources/boards/, never `if (family == ...)` chains in code.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::devices {

/// One read-modify-write of a memory-mapped register: `*address = (*address & ~clear) | set`.
struct RegisterWrite {
    std::uint64_t address = 0;
    std::uint64_t clear = 0;
    std::uint64_t set = 0;
    bool operator==(const RegisterWrite&) const = default;
};

/// The UART the profiling firmware reports on: its registers and the clock feeding it after reset.
struct BoardUart {
    std::uint64_t base = 0;         ///< 0: no UART described; the firmware uses semihosting
    /// "f4" (SR/DR/BRR/CR1: F1, F2, F4), "v2" (CR1/BRR/ISR/TDR: F0, F3, F7, L4, H7) or "lpuart" (v2 registers, the
    /// low-power UART's divider of 256 x clock / baud)
    std::string layout;
    std::uint64_t rccRegister = 0;  ///< the RCC enable register of the peripheral
    int rccBit = 0;
    std::uint64_t clockHz = 0;       ///< its kernel clock (the baud-rate divider's input) once the board's clock is set up
    std::uint64_t resetClockHz = 0;  ///< ... and after reset, used when the clock set-up did not complete
    /// Writes done in order before the UART starts: the GPIO port's clock, the TX pin's mode and alternate function,
    /// a power domain the port needs. Empty when the pin needs no set-up (QEMU).
    std::vector<RegisterWrite> setup;
};

/// One step of the board's clock set-up, run in order by the firmware (resources/firmware/profile/clock_setup.c).
struct ClockStep {
    enum class Kind { Write, Wait, Spin };
    Kind kind = Kind::Write;
    std::uint64_t address = 0;  ///< Write, Wait: the register
    std::uint64_t mask = 0;     ///< Write: bits cleared; Wait: bits compared
    std::uint64_t value = 0;    ///< Write: bits set; Wait: what the compared bits must read; Spin: loop count
    std::string note;           ///< why, in the reference manual's words ("PLL locked")
    bool operator==(const ClockStep&) const = default;
};

/// How the firmware brings the core from its reset clock to its working clock (PLL, flash wait states, bus
/// prescalers), as register writes and bounded waits. A wait that times out stops the set-up; the core then keeps its
/// reset clock, so steps that can time out come before the steps that change the clocks.
struct BoardClock {
    std::uint64_t resetHz = 0;  ///< the core clock after reset (HSI, MSI)
    std::uint64_t hz = 0;       ///< the core clock once every step ran
    std::vector<ClockStep> setup;
};

/// A QEMU machine that runs the board's core but not its peripherals ("emulator" in the board file): the firmware is
/// built for the machine's memory map and reports over semihosting, without the board's clock or UART set-up.
struct BoardEmulator {
    std::string machine;  ///< "mps2-an500"; empty: none
    std::uint64_t flashOrigin = 0, flashBytes = 0, ramOrigin = 0, ramBytes = 0;
    std::string note;     ///< what the machine is, in a sentence
};

/// The datasheet's typical supply current in run mode ("power" in the board file), for energy estimates.
struct BoardPower {
    double runCurrentMa = 0;  ///< 0: not described
    std::uint64_t atHz = 0;   ///< the core clock the current is given for
    double supplyV = 0;
    std::string source;       ///< the document, the table and its conditions
};

struct Board {
    std::string id;     ///< the file's name without .json; stored in recipes, never changes
    std::string name;   ///< what people call it: "STM32F746NG (STM32F746G-DISCO)"
    std::string kind;   ///< "mcu" or "linux"
    std::string core;   ///< "cortex-m4", "cortex-a72", ...
    int clockMhz = 0;
    std::uint64_t flashBytes = 0;
    std::uint64_t ramBytes = 0;
    std::string fpu;    ///< "none", "fpv4-sp", "fpv5-sp", "fpv5-dp", "neon"
    bool dsp = false;   ///< has the Armv7E-M DSP extension (SMLAD)
    double priceUsd = 0;
    std::string notes;
    std::uint64_t flashOrigin = 0x08000000;  ///< where the firmware's flash starts (STM32: 0x08000000)
    std::uint64_t ramOrigin = 0x20000000;    ///< the contiguous RAM the linker places data, heap and stack in
    std::uint64_t linkerRamBytes = 0;        ///< its size (defaults to ramBytes; less when RAM is split, e.g. CCM)
    std::string qemuMachine;                 ///< a QEMU board that emulates this very part ("netduinoplus2"), or empty
    BoardEmulator emulator;                  ///< else a QEMU machine that runs its core only, or none
    std::string openocdTarget;               ///< OpenOCD's target config for the part ("stm32f4x"), or empty
    BoardUart uart;                          ///< "uart": where the firmware reports, when described
    /// "clock": the set-up the firmware runs first. Without one, the core is taken to run at clock_mhz.
    BoardClock clock;
    BoardPower power;
    /// The QEMU machine deploy --backend qemu runs it on: the part's own model, else the core's stand-in; "" if none.
    const std::string& emulatorMachine() const { return qemuMachine.empty() ? emulator.machine : qemuMachine; }
    // Linux boards: how the benchmark runner is built for them.
    std::string arch;                 ///< "aarch64", "armhf" or "x86_64"
    std::string cc;                   ///< the (cross) compiler: "aarch64-linux-gnu-gcc"
    std::vector<std::string> cflags;  ///< for the board's core: {"-mcpu=cortex-a72"}
};

/// Parses one board file; the board's id is the file name. Throws DeviceError naming the file and the field
/// that is missing, of the wrong type, or out of range, or when the "id" field disagrees with the file name.
Board loadBoard(const std::filesystem::path& file);

/// Every *.json board in `folder`, sorted by id. Throws DeviceError for a missing folder or any bad file.
std::vector<Board> loadBoards(const std::filesystem::path& folder);

/// The board with `id`; throws DeviceError listing the known ids when there is none.
const Board& findBoard(const std::vector<Board>& boards, const std::string& id);

}  // namespace tinyforge::devices
