#pragma once
// A program that runs beside the studio (an emulator waiting for a debugger), with its output collected until it
// ends.

#include <string>
#include <vector>

#include <sys/types.h>

namespace tinyforge::devices {

class ChildProcess {
public:
    /// Starts argv[0] (looked up on PATH); throws DeviceError naming it when it cannot be started.
    explicit ChildProcess(const std::vector<std::string>& argv);
    ~ChildProcess();  ///< kills the program if it still runs
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Collects what the program has printed so far, waiting up to `timeoutMs` for something new; returns all output.
    const std::string& readAvailable(int timeoutMs);
    /// Waits up to `timeoutSeconds` for the program to end, collecting its output; false on time-out (it is killed).
    bool wait(int timeoutSeconds);
    int exitCode() const { return m_exitCode; }
    pid_t pid() const { return m_pid; }
    const std::string& output() const { return m_output; }

private:
    pid_t m_pid = -1;
    int m_out = -1;
    int m_exitCode = -1;
    std::string m_output;
};

}  // namespace tinyforge::devices
