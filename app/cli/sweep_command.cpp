// tinyforge-cli sweep: a sweep file's points as run folders, profiled on its boards, on this machine (children of
// this program within the cores) or on a Slurm cluster; then the table of every point and the sweep's report.
// sweep-point and sweep-collect are what the executors run for one point and for the end.

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <thread>

#include "app/cli/cache_command.h"
#include "app/cli/child_runs.h"
#include "app/cli/cli_text.h"
#include "app/cli/commands.h"
#include "app/cli/slurm_executor.h"
#include "app/cli/sweep_point.h"
#include "core/error.h"
#include "core/resources.h"
#include "devices/boards/board.h"
#include "devices/deploy/deploy_backends.h"
#include "core/io/json_text.h"
#include "core/pipeline/run_files.h"
#include "core/recipe/recipe.h"
#include "core/sweep/sweep_plan.h"
#include "report/sweep_table.h"

namespace tinyforge::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct SweepArguments {
    std::string file, out, executor = "local";
    int jobs = 0, threads = 0;
    std::vector<std::string> overrides;
    bool resume = false, detach = false, noReport = false, planOnly = false;
    core::sweep::SlurmSettings slurm;  ///< flags that override the sweep file's
    StageCacheFlags cache;
};

// The sweep's boards exist and take the backend asked for, checked before any point runs (a typo in a board id
// would otherwise fail every point after its training).
void checkBoards(const core::sweep::SweepPlan& plan) {
    const auto boards = plan.sweep.boards.value_or(std::vector<core::sweep::SweepBoard>{});
    if (boards.empty()) return;
    const auto known = devices::loadBoards(core::resourceDir() / "boards");
    for (std::size_t i = 0; i < boards.size(); ++i) {
        const std::string where = plan.file.string() + ": boards[" + std::to_string(i) + "]: ";
        try {
            const auto& board = devices::findBoard(known, boards[i].board);
            const auto& backend = devices::chooseDeployBackend(board, boards[i].backend.value_or(""));
            if (backend.id == "ssh" && !boards[i].host) throw SettingsError("the ssh backend needs a host (USER@HOST[:PORT])");
        } catch (const Error& e) {
            throw SettingsError(where + e.what());
        }
    }
}

bool folderIsEmpty(const fs::path& dir) {
    std::error_code ec;
    return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

// A new sweep folder gets the plan and its own copy of the base recipe (paths made absolute), so that it can be
// resumed, and its points rerun, after the files it was started from have changed or gone. A resumed folder must
// have been planned from the same points.
core::sweep::SweepPlan prepareSweepFolder(core::sweep::SweepPlan plan, const fs::path& out, bool resume) {
    const auto baseRecipe = out / "base-recipe.json";
    if (resume && report::isSweepFolder(out)) {
        const auto before = core::io::readJsonFile(out / "plan.json");
        // Successive halving adds the later rungs' points as it goes: the first rung's are what was planned.
        const auto firstRung = [](const json& points) {
            json kept = json::array();
            for (const auto& p : points) {
                if (p.is_object() && p.value("rung", 0) == 0) kept.push_back(p);
            }
            return kept;
        };
        if (firstRung(before.value("points", json::array())) != firstRung(core::sweep::planJson(plan).at("points"))) {
            throw SettingsError(out.string() + ": planned from other points than " + plan.file.string() +
                                " now gives (the sweep file or its recipe changed); sweep into a new --out folder");
        }
        plan.recipe = before.value("recipe", plan.recipe.string());
        return plan;
    }
    if (!folderIsEmpty(out)) {
        throw SettingsError(out.string() + ": the folder is not empty; --resume finishes a sweep there, or choose another --out");
    }
    fs::create_directories(out / "points");
    core::pipeline::writeText(baseRecipe, core::recipe::loadRecipe(plan.recipe).resolved.dump(2) + "\n");
    fs::copy_file(plan.file, out / "sweep.json", fs::copy_options::overwrite_existing);
    plan.recipe = baseRecipe;
    core::pipeline::writeText(out / "plan.json", core::sweep::planJson(plan).dump(2) + "\n");
    return plan;
}

std::string rowFigures(const report::SweepRow& r) {
    std::string out;
    char text[96];
    if (r.deployed_accuracy && r.deployed_bytes) {
        std::snprintf(text, sizeof text, "deployed %.4f at %s bytes", *r.deployed_accuracy, withThousands(*r.deployed_bytes).c_str());
        out += text;
    }
    for (const auto& d : r.devices) {
        if (!d.latency_count) continue;
        out += (out.empty() ? "" : "; ") + d.board + " " + withThousands(*d.latency_count) + " " + d.count_unit.value_or("");
    }
    return out;
}

// table.json, table.csv and (with a finished point) report.html; prints the front and the failures. Returns the
// number of points not done.
std::size_t collectAndReport(const fs::path& out, bool withReport) {
    const auto table = report::collectSweep(out);
    report::writeSweepTable(out, table);
    std::printf("%s: %zu of %zu points done", table.name.c_str(), table.count("done"), table.points.size());
    if (const auto failed = table.count("failed")) std::printf(", %zu failed", failed);
    std::printf("\nPareto front (deployed accuracy against deployed bytes):\n");
    for (const auto& r : table.points) {
        if (r.status == "done" && r.deployed_bytes && !r.dominated_by) std::printf("  %s  %s  %s\n", r.id.c_str(), report::settingsLabel(table.axes, r.values).c_str(), rowFigures(r).c_str());
    }
    for (const auto& r : table.points) {
        if (r.status == "failed") std::printf("failed %s (%s): %s; log %s\n", r.id.c_str(), report::settingsLabel(table.axes, r.values).c_str(), r.message.value_or("").c_str(),
                                              (core::sweep::pointFolder(out, r.id) / "run.log").c_str());
    }
    std::printf("table: %s/table.csv and table.json\n", out.c_str());
    if (withReport && table.count("done") > 0) {
        writeReport({out}, out / "report.html", "", "a4");
        std::printf("report: %s/report.html\n", out.c_str());
    }
    return table.points.size() - table.count("done");
}

void printPlan(const core::sweep::SweepPlan& plan) {
    std::printf("%s: %zu points from %s\n", plan.sweep.name.c_str(), plan.points.size(), plan.recipe.c_str());
    if (const auto& h = plan.sweep.halving) {
        std::string rungs;
        for (const auto& v : h->values) rungs += (rungs.empty() ? "" : ", ") + v.dump();
        std::printf("successive halving on %s (%s), keeping %g of each rung's points by validation accuracy\n", h->key.c_str(), rungs.c_str(),
                    h->keep.value_or(0.5));
    }
    for (const auto& p : plan.points) {
        std::printf("  %s  %s\n", p.id.c_str(), report::settingsLabel(plan.axisKeys, p.values).c_str());
    }
    for (const auto& b : plan.sweep.boards.value_or(std::vector<core::sweep::SweepBoard>{})) std::printf("profiled on %s\n", b.board.c_str());
}

std::map<std::string, int> rungsById(const core::sweep::SweepPlan& plan) {
    std::map<std::string, int> out;
    for (const auto& p : plan.points) out[p.id] = p.rung;
    return out;
}

// The points of `rung` that are not done.
std::vector<std::string> pointsToRun(const core::sweep::SweepPlan& plan, const fs::path& out, int rung) {
    const auto rungs = rungsById(plan);
    std::vector<std::string> ids;
    for (const auto& r : report::collectSweep(out).points) {
        if (r.status != "done" && rungs.count(r.id) && rungs.at(r.id) == rung) ids.push_back(r.id);
    }
    return ids;
}

int runLocally(const core::sweep::SweepPlan& plan, const fs::path& out, const std::vector<std::string>& ids, const SweepArguments& args,
               bool firstRung) {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    const int threads = args.threads > 0 ? args.threads : plan.threads;
    const auto schedule = scheduleChildren(static_cast<int>(ids.size()), threads, args.jobs, cores);
    // With a stage cache, the first point runs alone on every core: it trains the stages the points share (the
    // teacher, and the students when only compression varies) that the others would otherwise wait for.
    const bool warmFirst = firstRung && args.cache.settings().has_value() && ids.size() > 1 && schedule.parallel > 1;
    const int firstThreads = threads > 0 ? threads : std::max(1, cores);
    std::fprintf(stderr, "%zu points, %d at a time with %d thread(s) each%s; logs in %s/points/*/run.log\n", ids.size(), schedule.parallel,
                 schedule.threadsEach, warmFirst ? " (the first alone, filling the stage cache)" : "", out.c_str());
    std::size_t finished = 0;
    int firstFailure = 0;
    const auto cacheArguments = args.cache.arguments();
    const auto start = [&](const std::string& id, int pointThreads) {
        const auto folder = core::sweep::pointFolder(out, id);
        fs::create_directories(folder);
        std::vector<std::string> command{"tinyforge-cli", "sweep-point", out.string(), "--point", id, "--threads", std::to_string(pointThreads)};
        command.insert(command.end(), cacheArguments.begin(), cacheArguments.end());
        return startSelf(command, folder / "run.log");
    };
    const auto report = [&](const std::string& id, int status) {
        ++finished;
        const auto table = report::collectSweep(out);
        for (const auto& r : table.points) {
            if (r.id != id) continue;
            std::fprintf(stderr, "%s %s [%zu of %zu]: %s\n", r.id.c_str(), status == 0 ? "done" : "FAILED", finished, ids.size(),
                         status == 0 ? rowFigures(r).c_str() : r.message.value_or("see its run.log").c_str());
        }
        if (status != 0 && firstFailure == 0) firstFailure = status < 128 ? status : 1;
    };
    const std::size_t first = warmFirst ? 1 : 0;
    if (warmFirst) runChildren(1, 1, [&](std::size_t) { return start(ids[0], firstThreads); }, [&](std::size_t, int status) { report(ids[0], status); });
    runChildren(
        ids.size() - first, schedule.parallel, [&](std::size_t i) { return start(ids[first + i], schedule.threadsEach); },
        [&](std::size_t i, int status) { report(ids[first + i], status); });
    return firstFailure;
}

// Runs the sweep rung by rung (a single rung unless it is successive halving): the rung's points not done, then,
// once all of them are done, the best of them promoted to the next rung and added to plan.json. A rung with points
// that failed stops the sweep there (--resume runs them again, then promotes). Returns the first failure's status.
int runRungs(core::sweep::SweepPlan plan, const fs::path& out, const std::function<int(const std::vector<std::string>&, int)>& runPoints) {
    const int rungs = core::sweep::rungCount(plan);
    int status = 0;
    for (int rung = 0; rung < rungs; ++rung) {
        const auto ids = pointsToRun(plan, out, rung);
        if (rungs > 1 && !ids.empty()) {
            std::fprintf(stderr, "rung %d of %d (%s=%s): %zu points\n", rung + 1, rungs, plan.sweep.halving->key.c_str(),
                         plan.sweep.halving->values[static_cast<std::size_t>(rung)].dump().c_str(), ids.size());
        }
        if (!ids.empty()) {
            if (const int s = runPoints(ids, rung); s != 0 && status == 0) status = s;
        }
        if (rung + 1 == rungs) break;
        const auto byId = rungsById(plan);
        std::map<std::string, double> scores;
        std::size_t notDone = 0;
        for (const auto& r : report::collectSweep(out).points) {
            if (!byId.count(r.id) || byId.at(r.id) != rung) continue;
            if (r.status != "done") ++notDone;
            else if (r.val_accuracy) scores[r.id] = *r.val_accuracy;
        }
        if (notDone > 0) {
            std::fprintf(stderr, "rung %d: %zu points not done, so none is promoted yet (--resume runs them again)\n", rung + 1, notDone);
            return status != 0 ? status : 1;
        }
        const bool promoted = std::any_of(plan.points.begin(), plan.points.end(), [&](const auto& p) { return p.rung == rung + 1; });
        if (promoted) continue;  // an earlier invocation chose them
        const auto next = core::sweep::promotePoints(plan, rung, scores);
        for (const auto& p : next) {
            const auto from = p.id.substr(0, p.id.find('-')) + (rung == 0 ? "" : "-r" + std::to_string(rung));
            std::fprintf(stderr, "promoted %s (validation accuracy %.4f) as %s\n", from.c_str(), scores.count(from) ? scores.at(from) : 0.0, p.id.c_str());
        }
        plan.points.insert(plan.points.end(), next.begin(), next.end());
        core::pipeline::writeText(out / "plan.json", core::sweep::planJson(plan).dump(2) + "\n");
    }
    return status;
}

}  // namespace

void addSweepCommand(CLI::App& app, CommandAction& selected) {
    auto args = std::make_shared<SweepArguments>();
    CLI::App* command = app.add_subcommand("sweep", "Run every point of a sweep file, profile each on its boards, and tabulate and report them");
    command->add_option("sweep", args->file, "Sweep file (JSON; see docs/sweeps.md), or a sweep folder to resume")->required();
    command->add_option("--out", args->out, "Sweep folder (default: sweeps/<sweep name>)");
    command->add_option("--jobs", args->jobs, "Points at once on this machine (default: the cores / threads per point)")->check(CLI::Range(1, 256));
    command->add_option("--threads", args->threads, "LibTorch threads per point (default: the recipe's, else the cores / jobs)")->check(CLI::Range(1, 256));
    command->add_option("--executor", args->executor, "local: child processes on this machine; slurm: a job array on the cluster (sbatch)")
        ->check(CLI::IsMember({"local", "slurm"}));
    command->add_flag("--resume", args->resume, "Finish a sweep folder: run only the points not done (failed, interrupted or never started)");
    command->add_flag("--detach", args->detach, "slurm: submit and return at once (sweep-collect writes the table when the points end)");
    command->add_flag("--no-report", args->noReport, "Write the table only, not report.html");
    command->add_option("--set", args->overrides, "Override a recipe field of every point: key.path=value (repeatable; after the file's set)")
        ->take_all()
        ->allow_extra_args(false);
    command->add_flag("--plan", args->planOnly, "Check the sweep file and every point's recipe, print the points, run nothing");
    command->add_option("--partition", args->slurm.partition, "slurm: partition");
    command->add_option("--time", args->slurm.time, "slurm: time limit per point (e.g. 01:00:00)");
    command->add_option("--cpus", args->slurm.cpus, "slurm: CPUs per point")->check(CLI::Range(1, 1024));
    command->add_option("--mem", args->slurm.memory, "slurm: memory per point (e.g. 4G)");
    command->add_option("--account", args->slurm.account, "slurm: account");
    command->add_option("--parallel", args->slurm.parallel, "slurm: points running at once (the array's %K)")->check(CLI::Range(1, 100000));
    args->cache.addTo(*command);
    command->callback([&selected, args] {
        selected = [args] {
            // A sweep folder resumes from its own plan and base recipe, whatever happened to the files it came from.
            const bool fromFolder = report::isSweepFolder(args->file);
            if (fromFolder && !args->overrides.empty()) throw SettingsError("--set: a sweep folder resumes with the settings it was planned with");
            if (fromFolder) {
                args->resume = true;
                if (args->out.empty()) args->out = args->file;
                if (fs::weakly_canonical(args->out) != fs::weakly_canonical(args->file)) {
                    throw SettingsError("--out " + args->out + ": a sweep folder is resumed in place (" + args->file + ")");
                }
            }
            const auto plan = fromFolder ? core::sweep::readPlan(args->file) : core::sweep::planSweep(args->file, args->overrides);
            checkBoards(plan);
            if (args->planOnly) {
                printPlan(plan);
                return 0;
            }
            const bool halving = plan.sweep.halving.has_value();
            if (halving && args->detach) throw SettingsError("--detach: successive halving needs the CLI to choose each rung's points; run it attached");
            const fs::path out = fs::absolute(args->out.empty() ? "sweeps/" + plan.sweep.name : args->out);
            const auto prepared = prepareSweepFolder(plan, out, args->resume);
            auto planned = core::sweep::readPlan(out);  // with the rungs already promoted
            if (planned.threads == 0) planned.threads = prepared.threads;
            const auto rungs = rungsById(planned);
            const bool lastRungPlanned = std::any_of(rungs.begin(), rungs.end(), [&](const auto& r) { return r.second + 1 == core::sweep::rungCount(planned); });
            if (lastRungPlanned && report::collectSweep(out).count("done") == planned.points.size()) {
                std::fprintf(stderr, "every point of %s is done\n", out.c_str());
                collectAndReport(out, !args->noReport);
                return 0;
            }
            if (args->executor == "slurm") {
                SlurmOptions options;
                options.resources = plan.sweep.slurm.value_or(core::sweep::SlurmSettings{});
                const auto& flags = args->slurm;
                auto& r = options.resources;
                if (flags.partition) r.partition = flags.partition;
                if (flags.time) r.time = flags.time;
                if (flags.cpus) r.cpus = flags.cpus;
                if (flags.memory) r.memory = flags.memory;
                if (flags.account) r.account = flags.account;
                if (flags.parallel) r.parallel = flags.parallel;
                if (!r.cpus) r.cpus = args->threads > 0 ? args->threads : plan.threads > 0 ? plan.threads : 2;
                options.detach = args->detach;
                options.cacheArguments = args->cache.arguments();
                if (const char* poll = std::getenv("TINYFORGE_SLURM_POLL_SECONDS")) options.pollSeconds = std::max(0.1, std::atof(poll));
                if (args->detach) {  // never halving (refused above): one rung
                    runOnSlurm(planned, out, pointsToRun(planned, out, 0), options);
                    return 0;
                }
                const int status = runRungs(planned, out, [&](const std::vector<std::string>& ids, int) {
                    runOnSlurm(planned, out, ids, options);
                    return 0;
                });
                return collectAndReport(out, !args->noReport) == 0 && status == 0 ? 0 : 1;
            }
            const int status = runRungs(planned, out, [&](const std::vector<std::string>& ids, int rung) { return runLocally(planned, out, ids, *args, rung == 0); });
            const auto notDone = collectAndReport(out, !args->noReport);
            if (notDone > 0) std::fprintf(stderr, "error: %zu points did not finish; tinyforge-cli sweep %s --out %s --resume runs them again\n", notDone,
                                          args->file.c_str(), out.c_str());
            return notDone == 0 ? 0 : status != 0 ? status : 1;
        };
    });

    auto point = std::make_shared<std::pair<std::string, std::string>>();
    auto pointThreads = std::make_shared<int>(0);
    auto pointCache = std::make_shared<StageCacheFlags>();
    CLI::App* pointCommand = app.add_subcommand("sweep-point", "Run one point of a planned sweep folder (what sweep's executors run)");
    pointCommand->add_option("dir", point->first, "Sweep folder (with plan.json)")->required();
    pointCommand->add_option("--point", point->second, "Point id (p000, ...)")->required();
    pointCommand->add_option("--threads", *pointThreads, "LibTorch threads (default: the recipe's)");
    pointCache->addTo(*pointCommand);
    pointCommand->callback([&selected, point, pointThreads, pointCache] {
        selected = [point, pointThreads, pointCache] { return runSweepPoint(point->first, point->second, *pointThreads, pointCache->settings()); };
    });

    auto collectDir = std::make_shared<std::string>();
    auto collectNoReport = std::make_shared<bool>(false);
    CLI::App* collect = app.add_subcommand("sweep-collect", "Write a sweep folder's table (table.csv, table.json) and report.html as it stands");
    collect->add_option("dir", *collectDir, "Sweep folder (with plan.json)")->required();
    collect->add_flag("--no-report", *collectNoReport, "Write the table only");
    collect->callback([&selected, collectDir, collectNoReport] {
        selected = [collectDir, collectNoReport] { return collectAndReport(fs::absolute(*collectDir), !*collectNoReport) == 0 ? 0 : 1; };
    });
}

}  // namespace tinyforge::cli
