#pragma once
// Reads the profiling firmware's JSON lines (resources/firmware/profile/profile_main.c), from a serial port or an
// emulator's console, into the figures a run's summary.json records under "devices".

#include <cstdint>
#include <string>

namespace tinyforge::devices {

struct DeviceProfile {
    std::string counter;  ///< "dwt" (core cycles) or "systick" (core clock ticks; instructions under QEMU -icount)
    std::int64_t samples = 0, identical = 0, correct = 0;
    std::int64_t cyclesMin = 0, cyclesMedian = 0, cyclesMax = 0;
    std::int64_t stackBytes = 0, arenaBytes = 0;
    std::int64_t clockHz = 0;        ///< the core clock the samples ran at
    bool clockConfigured = false;    ///< the board's clock set-up completed (else clockHz is the reset clock)
    std::int64_t clockStepsDone = 0; ///< how many set-up steps completed
};

/// The summary line of `output`; lines that are not JSON (a banner, a size table) are skipped. Throws DeviceError
/// naming `source` when the firmware reported an error or no summary came.
DeviceProfile parseProfile(const std::string& output, const std::string& source);

}  // namespace tinyforge::devices
