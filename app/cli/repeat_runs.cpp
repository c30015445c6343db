#include "app/cli/repeat_runs.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <map>
#include <thread>

#include "core/error.h"

extern char** environ;

namespace tinyforge::cli {

namespace fs = std::filesystem;

namespace {

// Starts this program on one seed's run, its output going to the run's log. Returns the child's pid.
pid_t startSeed(const RepeatPlan& plan, std::uint64_t seed, int threads, const fs::path& runDir) {
    fs::create_directories(runDir);
    std::vector<std::string> args{"tinyforge-cli", "run", plan.recipeFile.string(), "--out", runDir.string()};
    for (const auto& o : plan.overrides) args.insert(args.end(), {"--set", o});
    if (plan.resume) args.push_back("--resume");
    // After the user's overrides, so that these win: one seed each, the machine's cores shared.
    args.insert(args.end(), {"--set", "seed=" + std::to_string(seed), "--set", "seeds=1", "--set", "threads=" + std::to_string(threads)});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    const std::string log = (runDir / "run.log").string();
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, "/proc/self/exe", &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (failed != 0) throw Error("cannot start the run for seed " + std::to_string(seed) + ": " + std::strerror(failed));
    return pid;
}

}  // namespace

RepeatSchedule scheduleRepeats(int seeds, int threads, int cores) {
    cores = std::max(1, cores);
    RepeatSchedule s;
    s.parallel = std::clamp(seeds, 1, cores);
    s.threadsEach = threads > 0 ? threads : std::max(1, cores / s.parallel);
    return s;
}

core::results::Aggregate runRepeats(const RepeatPlan& plan) {
    const auto schedule = scheduleRepeats(plan.seeds, plan.threads, static_cast<int>(std::thread::hardware_concurrency()));
    std::fprintf(stderr, "%d seeds from %llu, %d at a time with %d thread(s) each; logs in %s/seed-*/run.log\n", plan.seeds,
                 static_cast<unsigned long long>(plan.firstSeed), schedule.parallel, schedule.threadsEach, plan.outDir.string().c_str());
    std::vector<fs::path> runDirs;
    std::map<pid_t, std::size_t> running;  // pid -> index into runDirs
    std::vector<std::string> failures;
    int failedStatus = 0;
    std::size_t next = 0;
    for (int i = 0; i < plan.seeds; ++i) runDirs.push_back(core::results::seedRunFolder(plan.outDir, plan.firstSeed + static_cast<std::uint64_t>(i)));
    while (next < runDirs.size() || !running.empty()) {
        while (next < runDirs.size() && static_cast<int>(running.size()) < schedule.parallel) {
            running[startSeed(plan, plan.firstSeed + next, schedule.threadsEach, runDirs[next])] = next;
            ++next;
        }
        int status = 0;
        const pid_t done = waitpid(-1, &status, 0);
        if (done < 0) {
            if (errno == EINTR) continue;
            throw Error(std::string("waiting for the seeds' runs: ") + std::strerror(errno));
        }
        const auto found = running.find(done);
        if (found == running.end()) continue;
        const fs::path& dir = runDirs[found->second];
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::fprintf(stderr, "%s: %s\n", dir.filename().string().c_str(), ok ? "done" : ("failed, see " + (dir / "run.log").string()).c_str());
        if (!ok) {
            failures.push_back(dir.filename().string());
            if (failedStatus == 0) failedStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        }
        running.erase(found);
    }
    if (!failures.empty()) {
        std::string names;
        for (const auto& f : failures) names += (names.empty() ? "" : ", ") + f;
        throw RepeatsFailed("the runs of " + names + " failed (their run.log says why); the other seeds' folders are complete", failedStatus);
    }
    auto aggregate = core::results::aggregateRuns(runDirs);
    core::results::writeAggregate(plan.outDir, aggregate);
    return aggregate;
}

}  // namespace tinyforge::cli
