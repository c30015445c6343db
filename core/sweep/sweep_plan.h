#pragma once
// A sweep: one base recipe, axes of recipe keys to vary, a strategy that picks the points, and the boards every
// finished point is profiled on. The sweep file is JSON (docs/sweeps.md; `tinyforge-cli schema sweep`); planning it
// validates every point's recipe before anything runs, so a bad axis fails in a second, not after an hour.
// Each point becomes an ordinary run folder, DIR/points/<id>, with the point's settings as recipe overrides.

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/contract/json_contract.h"

namespace tinyforge::core::sweep {

using contract::field;

/// One varied recipe key: its values listed, or a linear range with a step, or a geometric range with a count.
struct SweepAxis {
    std::string key;  ///< a recipe key as tinyforge-cli run --set takes it ("prune.final_sparsity", "student.channels")
    std::optional<std::vector<nlohmann::json>> values;
    std::optional<std::array<double, 2>> range;
    std::optional<double> step;
    std::optional<std::array<double, 2>> log_range;
    std::optional<int> count;
    static constexpr std::string_view kName = "SweepAxis", kDoc = "A recipe key and the values it takes";
    static auto fields() {
        using S = SweepAxis;
        return std::tuple{field("key", &S::key, "recipe key, dotted as in tinyforge-cli run --set (prune.final_sparsity, student.channels)"),
                          field("values", &S::values, "the values, listed (give values, range or log_range)"),
                          field("range", &S::range, "[first, last]: first, first + step, ... up to last"), field("step", &S::step, "range's step"),
                          field("log_range", &S::log_range, "[first, last]: count values evenly spaced in log scale (whole numbers when both ends are)"),
                          field("count", &S::count, "log_range's number of values")};
    }
};

/// A board every finished point is deployed to and profiled on.
struct SweepBoard {
    std::string board;                    ///< a board id (resources/boards)
    std::optional<std::string> backend;   ///< default: the board's (qemu for microcontrollers)
    std::optional<std::string> host;      ///< ssh: USER@HOST[:PORT]
    std::optional<std::string> identity;  ///< ssh: private key file
    std::optional<std::string> known_hosts;
    std::optional<int> samples;  ///< test samples compiled into the firmware (default 32)
    static constexpr std::string_view kName = "SweepBoard", kDoc = "A board every point is profiled on";
    static auto fields() {
        using S = SweepBoard;
        return std::tuple{field("board", &S::board, "board id, a file name in resources/boards"),
                          field("backend", &S::backend, "qemu, dfu, stlink or ssh (default: the board's)"),
                          field("host", &S::host, "ssh: USER@HOST[:PORT]"), field("identity", &S::identity, "ssh: private key file"),
                          field("known_hosts", &S::known_hosts, "ssh: known_hosts file"),
                          field("samples", &S::samples, "test samples compiled into the firmware (default 32)", "samples")};
    }
};

/// Successive halving: every candidate first runs at a low fidelity (few epochs, say); the best `keep` fraction by
/// validation accuracy runs again at the next fidelity, and so on, so that the full budget goes to the candidates
/// that earned it. Validation, never test, accuracy ranks them: the test split stays unseen by the choice.
struct SweepHalving {
    std::string key;                     ///< the fidelity: a recipe key whose value grows rung by rung
    std::vector<nlohmann::json> values;  ///< its value at rung 0, 1, ... (at least two rungs)
    std::optional<double> keep;          ///< fraction of a rung's points promoted to the next (default 0.5)
    static constexpr std::string_view kName = "SweepHalving", kDoc = "Successive halving: rungs of a fidelity key, the best promoted";
    static auto fields() {
        using S = SweepHalving;
        return std::tuple{field("key", &S::key, "fidelity: a recipe key raised rung by rung (student.train.epochs, cluster.train.epochs, ...)"),
                          field("values", &S::values, "the key's value at each rung, lowest fidelity first (two or more)"),
                          field("keep", &S::keep, "fraction of a rung's points that run at the next rung, best validation accuracy first (default 0.5)", "fraction of 1")};
    }
};

/// Resources of each point's Slurm task (flags of tinyforge-cli sweep override them).
struct SlurmSettings {
    std::optional<std::string> partition, time, memory, account;
    std::optional<int> cpus;      ///< CPUs per task (default: the recipe's threads, else 2)
    std::optional<int> parallel;  ///< tasks running at once (the %K of --array)
    std::optional<std::vector<std::string>> sbatch;  ///< further sbatch arguments, as given
    static constexpr std::string_view kName = "SlurmSettings", kDoc = "Slurm resources of each point's task";
    static auto fields() {
        using S = SlurmSettings;
        return std::tuple{field("partition", &S::partition, "partition (sbatch --partition)"), field("time", &S::time, "time limit per point (sbatch --time)"),
                          field("memory", &S::memory, "memory per point (sbatch --mem, e.g. 4G)"), field("account", &S::account, "account (sbatch --account)"),
                          field("cpus", &S::cpus, "CPUs per point (sbatch --cpus-per-task)"),
                          field("parallel", &S::parallel, "points running at once (the %K of --array)"),
                          field("sbatch", &S::sbatch, "further sbatch arguments")};
    }
};

struct SweepFile {
    std::string name;
    std::string recipe;  ///< the base recipe, relative to the sweep file
    std::optional<std::vector<std::string>> set;  ///< overrides applied to every point ("key=value")
    std::vector<SweepAxis> axes;
    std::optional<std::string> strategy;   ///< grid (the default), random or halving
    std::optional<int> budget;             ///< random: points drawn; grid: the most points allowed (default 256); halving: candidates
    std::optional<SweepHalving> halving;   ///< strategy halving: its rungs
    std::optional<std::uint64_t> seed;     ///< random: the draw's seed (default 1)
    std::optional<std::vector<SweepBoard>> boards;
    std::optional<SlurmSettings> slurm;
    static constexpr std::string_view kName = "SweepFile", kDoc = "A sweep: a base recipe, axes to vary, the points' boards";
    static auto fields() {
        using S = SweepFile;
        return std::tuple{field("name", &S::name, "the sweep's name"), field("recipe", &S::recipe, "base recipe file, relative to the sweep file"),
                          field("set", &S::set, "overrides applied to every point (key=value, as run --set)"),
                          field("axes", &S::axes, "the keys varied; grid takes every combination"),
                          field("strategy", &S::strategy,
                                "grid (every combination), random (budget combinations drawn without repeats) or halving (successive halving, see halving)"),
                          field("budget", &S::budget,
                                "random: points drawn; grid: most points allowed (default 256); halving: candidates at the first rung (default: the whole grid)",
                                "points"),
                          field("halving", &S::halving, "strategy halving: the fidelity key, its value per rung, the fraction kept"),
                          field("seed", &S::seed, "random: seed of the draw (default 1)"),
                          field("boards", &S::boards, "boards every finished point is profiled on"),
                          field("slurm", &S::slurm, "Slurm resources (tinyforge-cli sweep --executor slurm)")};
    }
};

/// One point: its id (its folder's name) and its settings, one value per axis.
struct SweepPoint {
    std::string id;  ///< "p000", "p001", ...
    std::vector<nlohmann::json> values;  ///< in axis order
    std::vector<std::string> overrides;  ///< the sweep's `set`, then key=value per axis: what run --set gets
    int rung = 0;                        ///< successive halving: the rung it runs at (its fidelity is the last value)
};

/// A sweep ready to run: the file, its base recipe's absolute path, and its points.
struct SweepPlan {
    std::filesystem::path file;
    SweepFile sweep;
    std::filesystem::path recipe;  ///< absolute
    std::vector<std::string> axisKeys;  ///< the axes' keys, then (halving) the fidelity key
    std::vector<SweepPoint> points;
    int threads = 0;  ///< the base recipe's (after the sweep's set)
};

/// The values an axis takes, in order. Throws RecipeError naming the sweep file and the axis.
std::vector<nlohmann::json> axisValues(const SweepAxis& axis, const std::string& where);

/// Reads and plans `file`: checks the file (unknown keys refused), expands the axes, picks the points, and parses
/// every point's recipe. `extraSet` ("key=value", as run --set; relative paths against the current directory) is
/// applied to every point after the file's `set` (whose relative paths are against the sweep file's folder).
/// Throws RecipeError "<file>: <path>: <problem>" (for a point: its id and settings).
SweepPlan planSweep(const std::filesystem::path& file, const std::vector<std::string>& extraSet = {});

/// The number of rungs: the halving's values, else 1.
int rungCount(const SweepPlan& plan);

/// Successive halving's next rung: the best `keep` fraction (rounded up, at least one) of rung `rung`'s points by
/// `validationAccuracy` (higher first, ties by id), each with the fidelity key at rung + 1's value; a point with no
/// score is never promoted. Ids keep the candidate's: p003 at rung 0 is p003-r1 at rung 1. Throws SettingsError
/// when the plan has no rung + 1.
std::vector<SweepPoint> promotePoints(const SweepPlan& plan, int rung, const std::map<std::string, double>& validationAccuracy);

/// The plan as JSON (file, recipe, axes, points), written to the sweep folder as plan.json.
nlohmann::json planJson(const SweepPlan& plan);

/// The folder of point `id` in sweep folder `dir`.
inline std::filesystem::path pointFolder(const std::filesystem::path& dir, const std::string& id) { return dir / "points" / id; }

/// The plan a sweep folder was started with (its plan.json), to resume it from the folder alone. Throws DataError
/// naming plan.json when it is missing or damaged.
SweepPlan readPlan(const std::filesystem::path& sweepDir);

/// The JSON Schema of sweep files.
nlohmann::json sweepSchema();

}  // namespace tinyforge::core::sweep
