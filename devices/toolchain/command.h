#pragma once
// Runs a tool (a compiler, an emulator) to completion with a time limit, capturing what it prints.

#include <string>
#include <vector>

#include "devices/toolchain/child_process.h"

namespace tinyforge::devices {

struct CommandResult {
    int exitCode = -1;      ///< -1 when it did not exit normally (a signal, or killed at the time limit)
    bool timedOut = false;
    std::string output;     ///< stdout and stderr together, in order
};

/// Runs argv[0] (looked up on PATH) with stdin from /dev/null, in a process group of its own that is killed whole at
/// the time limit. Throws DeviceError when it cannot be started (naming the program, e.g. a missing
/// arm-none-eabi-gcc), Cancelled (the group killed) when `cancelled` says so.
CommandResult runCommand(const std::vector<std::string>& argv, int timeoutSeconds, const CancelRequested& cancelled = {});

}  // namespace tinyforge::devices
