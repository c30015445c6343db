#include "app/cli/child_runs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "core/error.h"

extern char** environ;

namespace tinyforge::cli {

pid_t startSelf(const std::vector<std::string>& args, const std::filesystem::path& log) {
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, "/proc/self/exe", &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (failed != 0) throw Error("cannot start " + (args.size() > 1 ? args[1] : std::string("a child")) + " (log " + log.string() + "): " + std::strerror(failed));
    return pid;
}

void runChildren(std::size_t count, int parallel, const std::function<pid_t(std::size_t)>& start,
                 const std::function<void(std::size_t, int)>& finished) {
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    while (next < count || !running.empty()) {
        while (next < count && static_cast<int>(running.size()) < std::max(1, parallel)) {
            running[start(next)] = next;
            ++next;
        }
        int status = 0;
        const pid_t done = waitpid(-1, &status, 0);
        if (done < 0) {
            if (errno == EINTR) continue;
            throw Error(std::string("waiting for child processes: ") + std::strerror(errno));
        }
        const auto found = running.find(done);
        if (found == running.end()) continue;
        const std::size_t index = found->second;
        running.erase(found);
        finished(index, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
    }
}

ChildSchedule scheduleChildren(int tasks, int threads, int jobs, int cores) {
    cores = std::max(1, cores);
    tasks = std::max(1, tasks);
    ChildSchedule s;
    if (jobs > 0) s.parallel = std::min(jobs, tasks);
    else if (threads > 0) s.parallel = std::clamp(cores / threads, 1, tasks);
    else s.parallel = std::clamp(tasks, 1, cores);
    s.threadsEach = threads > 0 ? threads : std::max(1, cores / s.parallel);
    return s;
}

}  // namespace tinyforge::cli
