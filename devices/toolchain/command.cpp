#include "devices/toolchain/command.h"

#include "devices/toolchain/child_process.h"

namespace tinyforge::devices {

CommandResult runCommand(const std::vector<std::string>& argv, int timeoutSeconds) {
    ChildProcess child(argv);
    CommandResult result;
    result.timedOut = !child.wait(timeoutSeconds);
    result.exitCode = result.timedOut ? -1 : child.exitCode();
    result.output = child.output();
    return result;
}

}  // namespace tinyforge::devices
