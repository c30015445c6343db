#pragma once
// Reads the profiling firmware's JSON lines (resources/firmware/profile/profile_main.c), from a serial port or an
// emulator's console: the profile's figures, or the drift debugger's per-op tensors.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tinyforge::devices {

struct DeviceProfile {
    /// "instructions" (an emulator, calibrated), "dwt" (core cycles from DWT->CYCCNT) or "systick" (core cycles
    /// counted by SysTick at the core clock)
    std::string counter;
    std::int64_t samples = 0, identical = 0, correct = 0;
    std::int64_t countMin = 0, countMedian = 0, countMax = 0;  ///< per inference, in the counter's unit
    std::vector<std::int64_t> mismatched;   ///< samples whose outputs differ from the reference
    std::vector<std::int64_t> layerCounts;  ///< mean per inference of each op, by op index
    std::int64_t stackBytes = 0, arenaBytes = 0;
    std::int64_t clockHz = 0;        ///< the core clock the samples ran at
    bool clockConfigured = false;    ///< the board's clock set-up completed (else clockHz is the reset clock)
    std::int64_t clockStepsDone = 0; ///< how many set-up steps completed
    bool countsInstructions() const { return counter == "instructions"; }
};

/// The profile in `output`; lines that are not JSON (a banner, a size table) are skipped. Throws DeviceError naming
/// `source` when the firmware reported an error, ProtocolError when no summary came or a line breaks the format.
DeviceProfile parseProfile(const std::string& output, const std::string& source);

/// The drift debugger's dump: each op's int8 output, by op index. Throws like parseProfile when the firmware
/// stopped, the dump did not finish, or a tensor line is malformed.
std::map<std::int64_t, std::vector<std::int8_t>> parseTensorDump(const std::string& output, const std::string& source);

}  // namespace tinyforge::devices
