#include "devices/toolchain/command.h"

#include "devices/toolchain/child_process.h"

namespace tinyforge::devices {

CommandResult runCommand(const std::vector<std::string>& argv, int timeoutSeconds, const CancelRequested& cancelled) {
    ChildProcess child(argv);
    CommandResult result;
    result.timedOut = !child.wait(timeoutSeconds, cancelled);
    result.exitCode = result.timedOut ? -1 : child.exitCode();
    result.output = child.output();
    return result;
}

}  // namespace tinyforge::devices
