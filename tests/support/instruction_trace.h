#pragma once
// An independent count of the instructions a firmware executes inside one function, to check the profiling
// firmware's own counts against: QEMU runs the ELF one instruction per translation block and logs each block it
// executes (-singlestep -d exec,nochain), and the log is read call by call.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tinyforge::test {

struct TraceOptions {
    std::string machine;         ///< qemu-system-arm -M
    std::string function;        ///< whose calls are counted: "tf_model_run"
    std::string caller = "main"; ///< the function that calls it; its other instructions are not logged
    /// Functions left out of the log, for speed: ones that never run inside a call (a clock set-up's long polls).
    std::vector<std::string> skip;
    bool uart = false;           ///< the firmware reports on a UART and parks (else it exits over semihosting)
    std::string lastLine;        ///< with a UART: the text of the line after which QEMU is stopped
};

/// Instructions executed in each call of options.function, in call order: from its first instruction up to, not
/// including, the instruction it returns to. Interrupt handlers that run inside a call are counted with it.
/// Throws std::runtime_error when QEMU or the binutils fail or the function is never called.
std::vector<std::int64_t> traceCallInstructions(const std::filesystem::path& elf, const TraceOptions& options);

}  // namespace tinyforge::test
