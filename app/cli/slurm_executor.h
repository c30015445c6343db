#pragma once
// A sweep's points on a Slurm cluster: one job array (a task per point, `tinyforge-cli sweep-point`) and a collecting
// job that depends on it (`tinyforge-cli sweep-collect`), both submitted with sbatch; progress followed with squeue
// and the points' status files on the shared filesystem.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/sweep/sweep_plan.h"

namespace tinyforge::cli {

struct SlurmOptions {
    core::sweep::SlurmSettings resources;  ///< the sweep file's, with the command line's flags applied over them
    int threads = 0;                       ///< LibTorch threads per point: cpus per task when 0
    bool detach = false;                   ///< submit and return
    double pollSeconds = 2;
    std::vector<std::string> cacheArguments;  ///< --cache DIR / --no-cache, passed to every task
};

struct SlurmJobs {
    std::string array, collect;
};

/// The job script each array task runs: the task's line of the id list names its point.
std::string slurmTaskScript(const std::filesystem::path& cli, const std::filesystem::path& sweepDir, const std::vector<std::string>& cacheArguments);

/// The sbatch command line of the array over `count` points whose ids are in `idsFile`.
std::vector<std::string> slurmArrayCommand(const core::sweep::SlurmSettings& resources, const std::string& name, std::size_t count,
                                           const std::filesystem::path& sweepDir, const std::filesystem::path& script,
                                           const std::filesystem::path& idsFile);

/// Submits `ids` of the planned sweep in `sweepDir` and, unless detached, waits for them and the collecting job,
/// printing progress. Throws DeviceError when sbatch or squeue fails (naming the command and what it said).
SlurmJobs runOnSlurm(const core::sweep::SweepPlan& plan, const std::filesystem::path& sweepDir, const std::vector<std::string>& ids,
                     const SlurmOptions& options);

/// A single-quoted word for sh.
std::string shellQuote(const std::string& word);

}  // namespace tinyforge::cli
