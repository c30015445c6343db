// What a sweep costs beyond training: planning (every point's recipe parsed), starting each point as a process,
// loading the data, writing its run folder and status, and collecting the table. A sweep of the bundled Iris recipe
// over N seeds with every epoch count at 0 and compression off, run one point at a time without the stage cache, so
// that its wall time per point is the bookkeeping a point adds. Prints seconds; never pass/fail.
//
//   bench_sweep_overhead [POINTS]     (default 16)

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/sweep/sweep_plan.h"
#include "report/sweep_table.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

int main(int argc, char** argv) {
    const int points = argc > 1 ? std::max(1, std::atoi(argv[1])) : 16;
    const fs::path dir = fs::temp_directory_path() / ("tinyforge-sweep-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    nlohmann::json seeds = nlohmann::json::array();
    for (int i = 0; i < points; ++i) seeds.push_back(i + 1);
    const nlohmann::json sweep{{"name", "overhead"},
                               {"recipe", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json"},
                               {"set", {"train.epochs=0", "baseline.student_scratch=false", "prune.enabled=false", "cluster.enabled=false",
                                        "quantize.enabled=false", "export.formats=[]"}},
                               {"axes", {{{"key", "seed"}, {"values", seeds}}}},
                               {"budget", points}};
    std::ofstream(dir / "sweep.json") << sweep.dump(2);

    auto start = Clock::now();
    const auto plan = tinyforge::core::sweep::planSweep(dir / "sweep.json");
    const double planning = secondsSince(start);

    const std::string command = std::string(TINYFORGE_CLI_PATH) + " sweep " + (dir / "sweep.json").string() + " --out " + (dir / "out").string() +
                                " --jobs 1 --threads 1 --no-cache --no-report > " + (dir / "log.txt").string() + " 2>&1";
    start = Clock::now();
    const int status = std::system(command.c_str());
    const double sweepSeconds = secondsSince(start);

    start = Clock::now();
    const auto table = tinyforge::report::collectSweep(dir / "out");
    const double collecting = secondsSince(start);
    double inRun = 0;  // the runs' own wall time (load, build, write), from their summaries
    for (const auto& row : table.points) inRun += row.seconds.value_or(0);

    std::printf("sweep of %d Iris points, 0 epochs, no compression, one at a time, no stage cache (exit %d, %zu done)\n", points,
                WEXITSTATUS(status), table.count("done"));
    std::printf("planning (every point's recipe parsed):  %8.4f s total, %8.5f s per point\n", planning, planning / points);
    std::printf("whole sweep, wall clock:                  %8.3f s total, %8.3f s per point\n", sweepSeconds, sweepSeconds / points);
    std::printf("  of which inside the runs (summary):     %8.3f s total, %8.3f s per point\n", inRun, inRun / points);
    std::printf("collecting the table:                     %8.4f s total, %8.5f s per point\n", collecting, collecting / points);
    std::printf("bookkeeping per point (wall / points):    %8.3f s\n", sweepSeconds / points);
    fs::remove_all(dir);
    return 0;
}
