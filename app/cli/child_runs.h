#pragma once
// Work split into child processes of this program (`run` per seed, `sweep-point` per point), a few at a time
// within the machine's cores, each child's output in a log file of its own.

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tinyforge::cli {

/// Starts this program (/proc/self/exe) with `args` (args[0] is the name it sees), stdin from /dev/null, stdout and
/// stderr into `log` (truncated). Returns its pid; throws Error when it cannot be started.
pid_t startSelf(const std::vector<std::string>& args, const std::filesystem::path& log);

/// Runs `count` children, at most `parallel` at once: start(i) starts child i and returns its pid; finished(i,
/// exitStatus) is called as each ends (exit status 128 + signal for one killed by a signal). Returns when all ended.
void runChildren(std::size_t count, int parallel, const std::function<pid_t(std::size_t)>& start,
                 const std::function<void(std::size_t, int)>& finished);

/// How many children go at once and with how many LibTorch threads each, for `tasks` tasks on `cores` cores:
/// `threads` > 0 fixes the threads (then cores / threads at once), `jobs` > 0 fixes the parallel count.
struct ChildSchedule {
    int parallel = 1, threadsEach = 1;
};
ChildSchedule scheduleChildren(int tasks, int threads, int jobs, int cores);

}  // namespace tinyforge::cli
