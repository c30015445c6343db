#include "app/cli/repeat_runs.h"

#include <cstdio>
#include <thread>

#include "app/cli/child_runs.h"
#include "core/error.h"

namespace tinyforge::cli {

namespace fs = std::filesystem;

namespace {

// Starts this program on one seed's run, its output going to the run's log. Returns the child's pid.
pid_t startSeed(const RepeatPlan& plan, std::uint64_t seed, int threads, const fs::path& runDir) {
    fs::create_directories(runDir);
    std::vector<std::string> args{"tinyforge-cli", "run", plan.recipeFile.string(), "--out", runDir.string()};
    for (const auto& o : plan.overrides) args.insert(args.end(), {"--set", o});
    if (plan.resume) args.push_back("--resume");
    if (plan.force) args.push_back("--force");
    args.insert(args.end(), plan.extraArguments.begin(), plan.extraArguments.end());
    // After the user's overrides, so that these win: one seed each, the machine's cores shared.
    args.insert(args.end(), {"--set", "seed=" + std::to_string(seed), "--set", "seeds=1", "--set", "threads=" + std::to_string(threads)});
    return startSelf(args, runDir / "run.log");
}

}  // namespace

core::results::Aggregate runRepeats(const RepeatPlan& plan) {
    std::error_code ec;
    if (!plan.resume && fs::is_directory(plan.outDir, ec) && !fs::is_empty(plan.outDir, ec)) {
        if (!plan.force) {
            throw SettingsError(plan.outDir.string() + ": the folder is not empty; --resume continues the repeats it holds, --force clears "
                                      "their run folders first, or choose another --out");
        }
        fs::remove(plan.outDir / "aggregate.json", ec);  // the seeds' own folders are cleared by their runs
    }
    const auto schedule = scheduleChildren(plan.seeds, plan.threads, 0, static_cast<int>(std::thread::hardware_concurrency()));
    std::fprintf(stderr, "%d seeds from %llu, %d at a time with %d thread(s) each; logs in %s/seed-*/run.log\n", plan.seeds,
                 static_cast<unsigned long long>(plan.firstSeed), schedule.parallel, schedule.threadsEach, plan.outDir.string().c_str());
    std::vector<fs::path> runDirs;
    for (int i = 0; i < plan.seeds; ++i) runDirs.push_back(core::results::seedRunFolder(plan.outDir, plan.firstSeed + static_cast<std::uint64_t>(i)));
    std::vector<std::string> failures;
    int failedStatus = 0;
    runChildren(
        runDirs.size(), schedule.parallel,
        [&](std::size_t i) { return startSeed(plan, plan.firstSeed + i, schedule.threadsEach, runDirs[i]); },
        [&](std::size_t i, int status) {
            const fs::path& dir = runDirs[i];
            std::fprintf(stderr, "%s: %s\n", dir.filename().string().c_str(), status == 0 ? "done" : ("failed, see " + (dir / "run.log").string()).c_str());
            if (status == 0) return;
            failures.push_back(dir.filename().string());
            if (failedStatus == 0) failedStatus = status < 128 ? status : 1;
        });
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
