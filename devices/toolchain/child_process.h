#pragma once
// A program that runs beside the studio (a compiler under make, an emulator waiting for a debugger), with its output
// collected until it ends. It runs in a process group of its own, and the whole group is killed on a time-out, on
// cancel and when the ChildProcess is destroyed, so make's compilers and QEMU never outlive their job; on Linux the
// kernel kills it too when the thread that started it dies (a crashed studio leaves no emulator behind).

#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace tinyforge::devices {

/// Asked while waiting on a program, a device or a port: true means the user cancelled (the wait then ends within
/// about 200 ms, throwing Cancelled).
using CancelRequested = std::function<bool()>;

/// The full path of `program` on PATH (an executable file), or "" when there is none.
std::string findOnPath(const std::string& program);

class ChildProcess {
public:
    /// Starts argv[0] (looked up on PATH); throws DeviceError naming it when it cannot be started.
    explicit ChildProcess(const std::vector<std::string>& argv);
    ~ChildProcess();  ///< kills the program's process group if it still runs
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Collects what the program has printed so far, waiting up to `timeoutMs` for something new; returns all output.
    const std::string& readAvailable(int timeoutMs);
    /// Waits up to `timeoutSeconds` for the program to end, collecting its output; false on time-out (its group is
    /// killed). Throws Cancelled, after killing the group, when `cancelled` says so. A program that closes its output
    /// but goes on running counts against the same deadline.
    bool wait(int timeoutSeconds, const CancelRequested& cancelled = {});
    int exitCode() const { return m_exitCode; }
    pid_t pid() const { return m_pid; }
    const std::string& output() const { return m_output; }

private:
    void killGroup();
    pid_t m_pid = -1;
    int m_out = -1;
    int m_exitCode = -1;
    std::string m_output;
};

}  // namespace tinyforge::devices
