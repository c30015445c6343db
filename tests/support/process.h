#pragma once
// Runs a program to completion and captures its exit status, stdout and stderr (for CLI contract tests).

#include <string>
#include <vector>

namespace tinyforge::test {

struct ProcessResult {
    int exitCode = -1;       ///< the exit status; -1 if it did not exit normally
    int signal = 0;          ///< the signal that ended it, or 0
    std::string out;
    std::string err;
};

/// Runs `argv[0]` (a path, or a name looked up on PATH) with `argv`, with stdin from /dev/null. Throws std::runtime_error if it cannot start.
ProcessResult runProcess(const std::vector<std::string>& argv);

/// A TCP port on 127.0.0.1 that nothing listens on now (bound to port 0, the kernel picks it). Throws
/// std::runtime_error when there is none.
int freeLoopbackPort();

#ifdef TINYFORGE_CLI_PATH
/// Runs tinyforge-cli (the one this build made) with `args`.
inline ProcessResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), TINYFORGE_CLI_PATH);
    return runProcess(args);
}
#endif

}  // namespace tinyforge::test
