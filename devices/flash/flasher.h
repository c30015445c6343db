#pragma once
// One interface for every way firmware reaches a board: the STM32 system bootloader over USB (DfuSe), an ST-Link
// probe (st-flash or OpenOCD), or QEMU's gdbstub. Deploy picks one by the backend's name; the rest of deploy is the
// same for all.

#include "devices/firmware/elf_segments.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tinyforge::devices {

struct FlashProgress {
    std::string phase;        ///< "erase", "download", "verify"
    std::uint64_t done = 0;   ///< bytes (or sectors, for erase) done in this phase
    std::uint64_t total = 0;
};

/// Called as flashing advances; returning false cancels: the flasher stops at the next block and throws Cancelled.
using FlashProgressFn = std::function<bool(const FlashProgress&)>;

class Flasher {
public:
    virtual ~Flasher() = default;
    /// What is being flashed through, for messages: "DfuSe USB 0483:df11 (bus 1, address 5)".
    virtual std::string describe() const = 0;
    /// Writes the segments, verifies them, and starts the firmware. Throws DeviceError naming the device and the
    /// address on a failure, Cancelled when `progress` returned false.
    virtual void flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) = 0;
};

}  // namespace tinyforge::devices
