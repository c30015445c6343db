#pragma once
// tinyforge-cli run --seeds N: the recipe under N seeds, each a run folder of its own (OUT/seed-S), run as child
// processes of this program a few at a time within the machine's cores, then aggregated into OUT/aggregate.json.

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/results/aggregate.h"

namespace tinyforge::cli {

struct RepeatPlan {
    std::filesystem::path recipeFile;
    std::vector<std::string> overrides;  ///< the user's --set arguments, passed on to every seed
    std::filesystem::path outDir;
    std::uint64_t firstSeed = 42;
    int seeds = 1;
    int threads = 0;  ///< the recipe's (0 = share the machine's cores among the parallel runs)
    bool resume = false;  ///< each seed continues from its folder's checkpoints
    bool force = false;   ///< each seed's folder is cleared first (a non-empty OUT is refused without resume or force)
    std::vector<std::string> extraArguments;  ///< passed on to every seed's `run` (--cache DIR, --no-cache)
};

/// Some seeds' runs failed; the others' folders are complete.
struct RepeatsFailed : Error {
    RepeatsFailed(const std::string& message, int status) : Error(message), exitStatus(status) {}
    int exitStatus;  ///< the first failed run's exit status (2 bad input, 3 device, 1 internal)
};

/// Runs every seed (its output in OUT/seed-S/run.log), then aggregates; prints a line per finished seed to stderr.
/// Throws SettingsError when OUT is not empty and neither resume nor force is set, RepeatsFailed naming the seeds that failed and their logs, or as aggregateRuns does.
core::results::Aggregate runRepeats(const RepeatPlan& plan);

}  // namespace tinyforge::cli
