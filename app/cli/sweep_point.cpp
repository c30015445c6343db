#include "app/cli/sweep_point.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "app/cli/run_progress.h"
#include "core/error.h"
#include "core/pipeline/run_files.h"
#include "core/pipeline/run_recipe.h"
#include "core/recipe/recipe.h"
#include "core/results/summary_file.h"
#include "core/sweep/sweep_plan.h"
#include "devices/deploy/deploy_run.h"

namespace tinyforge::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct PointToRun {
    fs::path recipe;
    std::vector<std::string> overrides;
    std::vector<core::sweep::SweepBoard> boards;
};

PointToRun readPoint(const fs::path& dir, const std::string& id) {
    const auto plan = core::sweep::readPlan(dir);
    for (const auto& p : plan.points) {
        if (p.id == id) return {plan.recipe, p.overrides, plan.sweep.boards.value_or(std::vector<core::sweep::SweepBoard>{})};
    }
    throw SettingsError((dir / "plan.json").string() + ": the sweep has no point '" + id + "'");
}

bool profiled(const core::results::RunSummary& summary, const core::sweep::SweepBoard& board) {
    for (const auto& d : summary.devices) {
        if (d.board == board.board && (!board.backend || d.backend == *board.backend)) return true;
    }
    return false;
}

// The point's run, unless a complete summary shows it finished before (a resumed sweep whose boards failed).
void runPointRecipe(const PointToRun& point, const fs::path& folder, int threads,
                    const std::optional<core::pipeline::StageCacheSettings>& cache) {
    if (core::results::readSummaryIfPresent(folder)) return;
    auto overrides = point.overrides;
    if (threads > 0) overrides.push_back("threads=" + std::to_string(threads));
    overrides.push_back("seeds=1");
    const auto recipe = core::recipe::loadRecipe(point.recipe, overrides);
    RunProgress progress(false);
    std::error_code ec;
    // The sweep owns its point folders: one with checkpoints continues, anything else left there is cleared.
    const bool resume = fs::exists(folder / "checkpoints", ec);
    core::pipeline::runRecipe(recipe, {folder, resume, cache, !resume}, &progress);
}

std::string profilePoint(const fs::path& folder, const std::vector<core::sweep::SweepBoard>& boards) {
    std::string notes;
    for (const auto& board : boards) {
        if (profiled(core::results::readSummary(folder), board)) continue;
        devices::DeployOptions options;
        options.board = board.board;
        options.backend = board.backend.value_or("");
        options.samples = board.samples.value_or(32);
        options.host = board.host.value_or("");
        if (board.identity) options.ssh.identity = *board.identity;
        if (board.known_hosts) options.ssh.knownHosts = *board.known_hosts;
        std::fprintf(stderr, "== profiling on %s\n", board.board.c_str());
        const auto entry = devices::deployRun(folder, options);
        std::fprintf(stderr, "%s: %lld %s per inference, %lld of %lld samples identical to the integer reference\n", entry.board.c_str(),
                     static_cast<long long>(entry.latency_count.value_or(0)), entry.count_unit.value_or("").c_str(),
                     static_cast<long long>(entry.identical), static_cast<long long>(entry.samples));
        if (entry.identical != entry.samples) {
            notes += (notes.empty() ? "" : "; ") + entry.board + ": " + std::to_string(entry.samples - entry.identical) + " of " +
                     std::to_string(entry.samples) + " samples differ from the integer reference";
        }
    }
    return notes;
}

}  // namespace

void writeSweepPointStatus(const fs::path& pointDir, const std::string& state, const std::string& message) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const std::time_t now = std::time(nullptr);
    char time[32];
    std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    json status{{"state", state}, {"host", host}, {"pid", getpid()}, {"time", time}};
    if (!message.empty()) status["message"] = message;
    fs::create_directories(pointDir);
    core::pipeline::writeText(pointDir / "status.json", status.dump(2) + "\n");
}

int runSweepPoint(const fs::path& dir, const std::string& id, int threads, const std::optional<core::pipeline::StageCacheSettings>& cache) {
    const auto point = readPoint(dir, id);
    const auto folder = core::sweep::pointFolder(dir, id);
    writeSweepPointStatus(folder, "running");
    try {
        RunProgress::catchInterrupt();
        runPointRecipe(point, folder, threads, cache);
        const auto notes = profilePoint(folder, point.boards);
        writeSweepPointStatus(folder, "done", notes);
        return 0;
    } catch (const std::exception& e) {
        writeSweepPointStatus(folder, "failed", e.what());
        throw;
    }
}

}  // namespace tinyforge::cli
