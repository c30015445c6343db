#include "app/cli/slurm_executor.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "core/pipeline/run_files.h"
#include "devices/device_error.h"
#include "devices/toolchain/command.h"
#include "report/sweep_table.h"

namespace tinyforge::cli {

namespace fs = std::filesystem;

namespace {

// sbatch --parsable prints "JOBID" or "JOBID;CLUSTER".
std::string submit(const std::vector<std::string>& command) {
    const auto result = devices::runCommand(command, 120);
    std::string id;
    for (const char c : result.output) {
        if (c >= '0' && c <= '9') id += c;
        else if (!id.empty()) break;
    }
    if (result.exitCode != 0 || id.empty()) {
        throw DeviceError("sbatch failed (exit " + std::to_string(result.exitCode) + "): " + result.output);
    }
    return id;
}

// The jobs squeue still knows about; an empty set once both have left the queue.
std::map<std::string, std::string> queued(const SlurmJobs& jobs) {
    const auto result = devices::runCommand({"squeue", "-h", "-j", jobs.array + "," + jobs.collect, "-o", "%i %T"}, 60);
    std::map<std::string, std::string> out;
    if (result.exitCode != 0) {
        // Jobs that ended long ago are forgotten, and squeue then refuses their ids: the same as an empty queue.
        if (result.output.find("Invalid job id") != std::string::npos) return out;
        throw DeviceError("squeue failed (exit " + std::to_string(result.exitCode) + "): " + result.output);
    }
    std::size_t start = 0;
    while (start < result.output.size()) {
        const auto end = result.output.find('\n', start);
        const auto line = result.output.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (const auto space = line.find(' '); space != std::string::npos) out[line.substr(0, space)] = line.substr(space + 1);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

std::string progressLine(const report::SweepTable& table) {
    char line[160];
    std::snprintf(line, sizeof line, "%zu done, %zu failed, %zu running, %zu pending of %zu points", table.count("done"), table.count("failed"),
                  table.count("running"), table.count("pending"), table.points.size());
    return line;
}

}  // namespace

std::string shellQuote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string slurmTaskScript(const fs::path& cli, const fs::path& sweepDir, const std::vector<std::string>& cacheArguments) {
    std::string cache;
    for (const auto& a : cacheArguments) cache += " " + shellQuote(a);
    const std::string dir = shellQuote(sweepDir.string());
    return "#!/bin/sh\n"
           "# A task of a TinyForge sweep's job array: line SLURM_ARRAY_TASK_ID + 1 of the id list ($1) names its point.\n"
           "set -eu\n"
           "id=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$1\")\n"
           "mkdir -p " + dir + "/points/\"$id\"\n"
           "exec " + shellQuote(cli.string()) + " sweep-point " + dir + " --point \"$id\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"" + cache +
           " > " + dir + "/points/\"$id\"/run.log 2>&1\n";
}

std::vector<std::string> slurmArrayCommand(const core::sweep::SlurmSettings& r, const std::string& name, std::size_t count,
                                           const fs::path& sweepDir, const fs::path& script, const fs::path& idsFile) {
    std::string array = "0-" + std::to_string(count - 1);
    if (r.parallel) array += "%" + std::to_string(*r.parallel);
    std::vector<std::string> command{"sbatch", "--parsable", "--job-name", "tinyforge-" + name, "--array", array, "--cpus-per-task",
                                     std::to_string(r.cpus.value_or(2)), "--output", (sweepDir / "slurm" / "%A_%a.out").string()};
    if (r.partition) command.insert(command.end(), {"--partition", *r.partition});
    if (r.time) command.insert(command.end(), {"--time", *r.time});
    if (r.memory) command.insert(command.end(), {"--mem", *r.memory});
    if (r.account) command.insert(command.end(), {"--account", *r.account});
    for (const auto& extra : r.sbatch.value_or(std::vector<std::string>{})) command.push_back(extra);
    command.insert(command.end(), {script.string(), idsFile.string()});
    return command;
}

SlurmJobs runOnSlurm(const core::sweep::SweepPlan& plan, const fs::path& sweepDir, const std::vector<std::string>& ids, const SlurmOptions& options) {
    const fs::path cli = fs::read_symlink("/proc/self/exe");  // the same program on the shared filesystem
    const fs::path slurmDir = sweepDir / "slurm";
    fs::create_directories(slurmDir);
    // One id list per submission, so that a resubmission (--resume) never renumbers a running array's tasks.
    const auto stamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const fs::path idsFile = slurmDir / ("ids-" + stamp + ".txt");
    std::string list;
    for (const auto& id : ids) list += id + "\n";
    core::pipeline::writeText(idsFile, list);
    const fs::path script = slurmDir / "point.sh";
    core::pipeline::writeText(script, slurmTaskScript(cli, sweepDir, options.cacheArguments));
    fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);

    SlurmJobs jobs;
    jobs.array = submit(slurmArrayCommand(options.resources, plan.sweep.name, ids.size(), sweepDir, script, idsFile));
    std::vector<std::string> collect{"sbatch", "--parsable", "--job-name", "tinyforge-" + plan.sweep.name + "-collect", "--dependency",
                                     "afterany:" + jobs.array, "--cpus-per-task", "1", "--output", (slurmDir / "collect-%j.out").string()};
    if (options.resources.partition) collect.insert(collect.end(), {"--partition", *options.resources.partition});
    if (options.resources.account) collect.insert(collect.end(), {"--account", *options.resources.account});
    collect.insert(collect.end(), {"--wrap", "exec " + shellQuote(cli.string()) + " sweep-collect " + shellQuote(sweepDir.string())});
    jobs.collect = submit(collect);
    core::pipeline::writeText(slurmDir / "jobs.json", nlohmann::json{{"array", jobs.array}, {"collect", jobs.collect}, {"ids", idsFile.string()},
                                                                      {"points", ids.size()}}.dump(2) + "\n");
    std::fprintf(stderr, "slurm: job array %s (%zu points) and collecting job %s submitted; task logs in %s\n", jobs.array.c_str(), ids.size(),
                 jobs.collect.c_str(), slurmDir.c_str());
    if (options.detach) return jobs;

    std::string last;
    while (true) {
        const auto queue = queued(jobs);
        const auto line = progressLine(report::collectSweep(sweepDir));
        if (line != last) {
            std::fprintf(stderr, "slurm: %s\n", line.c_str());
            last = line;
        }
        if (queue.empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(options.pollSeconds * 1000)));
    }
    // A task that Slurm ended (time limit, memory, node failure) leaves its point "running": it failed.
    const auto table = report::collectSweep(sweepDir);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (const auto& row : table.points) {
            if (row.id != ids[i] || (row.status != "running" && row.status != "pending")) continue;
            const auto log = slurmDir / (jobs.array + "_" + std::to_string(i) + ".out");
            const auto pointDir = core::sweep::pointFolder(sweepDir, ids[i]);
            fs::create_directories(pointDir);
            core::pipeline::writeText(pointDir / "status.json",
                                      nlohmann::json{{"state", "failed"}, {"message", "the Slurm task ended before the point finished; see " + log.string()}}.dump(2) + "\n");
        }
    }
    return jobs;
}

}  // namespace tinyforge::cli
