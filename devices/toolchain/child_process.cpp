#include "devices/toolchain/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "devices/device_error.h"

extern char** environ;

namespace tinyforge::devices {

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) throw DeviceError(std::string("cannot create a pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int spawned = posix_spawnp(&m_pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (spawned != 0) {
        close(fds[0]);
        throw ToolError(argv[0], -1, "", "cannot run " + argv[0] + ": " + std::strerror(spawned) +
                                             " (is it installed? scripts/install-deps.sh installs the toolchain)");
    }
    m_out = fds[0];
}

ChildProcess::~ChildProcess() {
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
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

bool ChildProcess::wait(int timeoutSeconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    char buffer[4096];
    while (m_out >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            kill(m_pid, SIGKILL);
            waitpid(m_pid, nullptr, 0);
            m_pid = -1;
            return false;
        }
        pollfd p{m_out, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 500))) <= 0) continue;
        const ssize_t n = read(m_out, buffer, sizeof buffer);
        if (n <= 0) {
            close(m_out);
            m_out = -1;
            break;
        }
        m_output.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
}

}  // namespace tinyforge::devices
