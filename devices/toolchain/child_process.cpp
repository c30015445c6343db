#include "devices/toolchain/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "devices/device_error.h"

extern char** environ;

namespace tinyforge::devices {

std::string findOnPath(const std::string& program) {
    const char* path = std::getenv("PATH");
    const std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + program;
        if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return "";
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
    // argv[0] as execve needs it, resolved here in the parent: PATH search may allocate, which is unsafe after fork.
    const std::string program = argv.empty() ? std::string() : argv[0].find('/') != std::string::npos ? argv[0] : findOnPath(argv[0]);
    if (program.empty()) {
        throw ToolError(argv.empty() ? "" : argv[0], -1, "", "cannot run " + (argv.empty() ? std::string("nothing") : argv[0]) +
                                                                  ": not found on PATH (is it installed? scripts/install-deps.sh installs the toolchain)");
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw DeviceError(std::string("cannot create a pipe: ") + std::strerror(errno));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int errorPipe[2];  // the child reports a failed exec here; closed unread (O_CLOEXEC) when exec succeeds
    if (pipe2(errorPipe, O_CLOEXEC) != 0) {
        close(fds[0]);
        close(fds[1]);
        throw DeviceError(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec: the studio has other threads.
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
        const int devNull = open("/dev/null", O_RDONLY);
        if (devNull >= 0) dup2(devNull, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        execve(program.c_str(), args.data(), environ);
        const int code = errno;
        [[maybe_unused]] const auto wrote = write(errorPipe[1], &code, sizeof code);
        _exit(127);
    }
    close(fds[1]);
    close(errorPipe[1]);
    if (pid < 0) {
        const int code = errno;
        close(fds[0]);
        close(errorPipe[0]);
        throw DeviceError("cannot start " + argv[0] + ": " + std::strerror(code));
    }
    setpgid(pid, pid);  // also from here, so that a kill of the group right after cannot miss it
    int execError = 0;
    const auto got = read(errorPipe[0], &execError, sizeof execError);
    close(errorPipe[0]);
    if (got == sizeof execError) {
        waitpid(pid, nullptr, 0);
        close(fds[0]);
        throw ToolError(argv[0], -1, "", "cannot run " + argv[0] + ": " + std::strerror(execError) +
                                             " (is it installed? scripts/install-deps.sh installs the toolchain)");
    }
    m_pid = pid;
    m_out = fds[0];
}

void ChildProcess::killGroup() {
    if (m_pid <= 0) return;
    kill(-m_pid, SIGKILL);
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
    m_pid = -1;
}

ChildProcess::~ChildProcess() {
    killGroup();
    if (m_out >= 0) close(m_out);
}

const std::string& ChildProcess::readAvailable(int timeoutMs) {
    if (m_out < 0) return m_output;
    pollfd p{m_out, POLLIN, 0};
    if (poll(&p, 1, timeoutMs) > 0) {
        char buffer[4096];
        const ssize_t n = read(m_out, buffer, sizeof buffer);
        if (n > 0) m_output.append(buffer, static_cast<std::size_t>(n));
    }
    return m_output;
}

bool ChildProcess::wait(int timeoutSeconds, const CancelRequested& cancelled) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::seconds(timeoutSeconds);
    const auto leftMs = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count(); };
    char buffer[4096];
    // Reads what is there; false once the output is closed.
    const auto readSome = [&](int timeoutMs) {
        if (m_out < 0) return false;
        pollfd p{m_out, POLLIN, 0};
        if (poll(&p, 1, timeoutMs) <= 0) return true;
        const ssize_t n = read(m_out, buffer, sizeof buffer);
        if (n <= 0) {
            close(m_out);
            m_out = -1;
            return false;
        }
        m_output.append(buffer, static_cast<std::size_t>(n));
        return true;
    };
    int status = 0;
    for (;;) {
        if (cancelled && cancelled()) {
            killGroup();
            throw Cancelled();
        }
        if (leftMs() <= 0) {
            killGroup();
            return false;
        }
        // The program's end is its own exit, not the end of its output: something it started in the background
        // (a daemon, a compiler's helper) may hold the output open long after.
        const pid_t done = waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid || (done < 0 && errno != EINTR && errno != EAGAIN)) break;
        if (!readSome(static_cast<int>(std::min<long long>(leftMs(), m_out < 0 ? 20 : 200)))) continue;
    }
    // What it printed before it ended (bounded: a process left behind could go on printing).
    for (int piece = 0; piece < 4096 && m_out >= 0; ++piece) {
        pollfd p{m_out, POLLIN, 0};
        if (poll(&p, 1, 0) <= 0 || !readSome(0)) break;
    }
    kill(-m_pid, SIGKILL);  // anything it left behind in its group
    m_pid = -1;
    m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
}

}  // namespace tinyforge::devices
