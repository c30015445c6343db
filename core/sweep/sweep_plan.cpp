#include "core/sweep/sweep_plan.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/recipe/recipe.h"
#include "core/recipe/recipe_schema.h"

namespace tinyforge::core::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kDefaultGridBudget = 256;

// The contract reader ignores keys it does not know (a newer writer may add some); a sweep file is written by a
// person, so a misspelt key is refused instead, with the keys the object takes.
template <class T>
void rejectUnknownKeys(const json& object, const std::string& path, const std::string& file) {
    if (!object.is_object()) return;  // the contract reader says what was expected
    std::vector<std::string> known;
    std::apply([&](const auto&... f) { (known.push_back(std::string(f.key)), ...); }, T::fields());
    for (const auto& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw RecipeError(file + ": " + (path.empty() ? key : path + "." + key) + ": unknown key (this object takes " + list + ")");
    }
}

void checkKeys(const json& input, const std::string& file) {
    rejectUnknownKeys<SweepFile>(input, "", file);
    if (const auto axes = input.find("axes"); axes != input.end() && axes->is_array()) {
        for (std::size_t i = 0; i < axes->size(); ++i) rejectUnknownKeys<SweepAxis>((*axes)[i], "axes[" + std::to_string(i) + "]", file);
    }
    if (const auto boards = input.find("boards"); boards != input.end() && boards->is_array()) {
        for (std::size_t i = 0; i < boards->size(); ++i) rejectUnknownKeys<SweepBoard>((*boards)[i], "boards[" + std::to_string(i) + "]", file);
    }
    if (const auto slurm = input.find("slurm"); slurm != input.end()) rejectUnknownKeys<SlurmSettings>(*slurm, "slurm", file);
    if (const auto halving = input.find("halving"); halving != input.end()) rejectUnknownKeys<SweepHalving>(*halving, "halving", file);
}

bool isWhole(double v) { return std::isfinite(v) && v == std::round(v) && std::abs(v) < 9e15; }

json numberValue(double v, bool whole) {
    if (whole) return static_cast<std::int64_t>(std::llround(v));
    return std::round(v * 1e9) / 1e9;  // 0.1 + 0.2 reads as 0.3 in folder names and tables
}

// key=value as run --set takes it: strings bare, everything else as JSON. A path is made absolute against the
// sweep file's folder, since overrides are read relative to the current directory.
std::string overrideOf(const std::string& key, const json& value, const fs::path& sweepDir) {
    const auto* spec = recipe::recipeField(key);
    if (value.is_string()) {
        std::string text = value.get<std::string>();
        if (spec && spec->kind == recipe::FieldKind::Path && !text.empty()) text = (sweepDir / text).lexically_normal().string();
        return key + "=" + text;
    }
    return key + "=" + value.dump();
}

// Every combination of the axes' values, the last axis changing fastest.
std::vector<std::vector<json>> gridOf(const std::vector<std::vector<json>>& axes) {
    std::vector<std::vector<json>> out{{}};
    for (const auto& values : axes) {
        std::vector<std::vector<json>> next;
        for (const auto& prefix : out) {
            for (const auto& v : values) {
                next.push_back(prefix);
                next.back().push_back(v);
            }
        }
        out = std::move(next);
    }
    return out;
}

// `count` of the grid's combinations drawn without repeats, in the grid's order. A Fisher-Yates shuffle on the
// raw output of mt19937_64 (whose sequence the standard fixes), so the same seed draws the same points everywhere.
std::vector<std::size_t> drawWithoutRepeats(std::size_t total, std::size_t count, std::uint64_t seed) {
    std::vector<std::size_t> order(total);
    for (std::size_t i = 0; i < total; ++i) order[i] = i;
    std::mt19937_64 random(seed);
    for (std::size_t i = total; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
    order.resize(std::min(count, total));
    std::sort(order.begin(), order.end());
    return order;
}

std::string pointId(std::size_t index) {
    std::string id = std::to_string(index);
    return "p" + std::string(id.size() < 3 ? 3 - id.size() : 0, '0') + id;
}

// The candidate a point belongs to: its id without the rung suffix ("p003-r2" -> "p003").
std::string candidateOf(const std::string& id) { return id.substr(0, id.find('-')); }

void checkHalving(const SweepFile& sweep, const std::string& name) {
    const bool halving = sweep.strategy.value_or("grid") == "halving";
    if (!halving) {
        if (sweep.halving) throw RecipeError(name + ": halving: is given but strategy is not halving");
        return;
    }
    if (!sweep.halving) throw RecipeError(name + ": halving: strategy halving needs halving {key, values, keep}");
    const auto& h = *sweep.halving;
    if (!recipe::recipeField(h.key)) throw RecipeError(name + ": halving.key: '" + h.key + "' is not a recipe key (see docs/recipe-reference.md)");
    for (const auto& axis : sweep.axes) {
        if (axis.key == h.key) throw RecipeError(name + ": halving.key: '" + h.key + "' is also an axis; the fidelity is set by the rungs");
    }
    if (h.values.size() < 2) throw RecipeError(name + ": halving.values: give the fidelity at two or more rungs");
    if (h.keep && !(*h.keep > 0 && *h.keep < 1)) throw RecipeError(name + ": halving.keep: must be above 0 and below 1");
}
}  // namespace

std::vector<json> axisValues(const SweepAxis& axis, const std::string& where) {
    const int given = axis.values.has_value() + axis.range.has_value() + axis.log_range.has_value();
    if (given != 1) throw RecipeError(where + ": give exactly one of values, range and log_range");
    if (axis.values) {
        if (axis.values->empty()) throw RecipeError(where + ".values: is empty");
        return *axis.values;
    }
    std::vector<json> out;
    if (axis.range) {
        const auto [first, last] = *axis.range;
        if (!axis.step || !(*axis.step > 0)) throw RecipeError(where + ".step: a range needs a step > 0");
        if (!(last >= first)) throw RecipeError(where + ".range: last is below first");
        const bool whole = isWhole(first) && isWhole(*axis.step);
        const auto n = static_cast<std::int64_t>(std::floor((last - first) / *axis.step + 1e-9)) + 1;
        if (n > 10000) throw RecipeError(where + ".range: more than 10000 values");
        for (std::int64_t i = 0; i < n; ++i) out.push_back(numberValue(first + static_cast<double>(i) * *axis.step, whole));
        return out;
    }
    const auto [first, last] = *axis.log_range;
    if (!(first > 0) || !(last >= first)) throw RecipeError(where + ".log_range: needs 0 < first <= last");
    if (!axis.count || *axis.count < 1 || *axis.count > 10000) throw RecipeError(where + ".count: a log_range needs a count from 1 to 10000");
    const bool whole = isWhole(first) && isWhole(last);
    const int n = *axis.count;
    for (int i = 0; i < n; ++i) {
        const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
        const double v = first * std::pow(last / first, t);
        auto value = whole ? numberValue(std::round(v), true) : json(std::round(v * 1e6) / 1e6);
        if (out.empty() || out.back() != value) out.push_back(value);  // whole numbers can repeat at the low end
    }
    return out;
}

SweepPlan planSweep(const fs::path& file, const std::vector<std::string>& extraSet) {
    const std::string name = file.string();
    json input;
    try {
        input = io::readJsonFile(file, 4 << 20);
    } catch (const DataError& e) {
        throw RecipeError(e.what());
    }
    checkKeys(input, name);
    SweepPlan plan;
    plan.file = fs::absolute(file);
    try {
        contract::fromJson(input, plan.sweep);
    } catch (const contract::ContractError& e) {
        throw RecipeError(name + ": " + e.what());
    }
    auto& sweep = plan.sweep;
    const fs::path dir = plan.file.parent_path();
    plan.recipe = (dir / sweep.recipe).lexically_normal();
    const std::string strategy = sweep.strategy.value_or("grid");
    if (strategy != "grid" && strategy != "random" && strategy != "halving") {
        throw RecipeError(name + ": strategy: '" + strategy + "' is not grid, random or halving");
    }
    checkHalving(sweep, name);
    if (sweep.axes.empty()) throw RecipeError(name + ": axes: is empty (a sweep varies at least one key)");
    if (sweep.budget && *sweep.budget < 1) throw RecipeError(name + ": budget: must be at least 1");

    std::vector<std::vector<json>> axes;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < sweep.axes.size(); ++i) {
        const auto& axis = sweep.axes[i];
        const std::string where = name + ": axes[" + std::to_string(i) + "]";
        if (!recipe::recipeField(axis.key)) throw RecipeError(where + ".key: '" + axis.key + "' is not a recipe key (see docs/recipe-reference.md)");
        if (!seen.insert(axis.key).second) throw RecipeError(where + ".key: '" + axis.key + "' is varied twice");
        plan.axisKeys.push_back(axis.key);
        axes.push_back(axisValues(axis, where));
    }
    const auto grid = gridOf(axes);
    std::vector<std::size_t> chosen;
    if (strategy == "grid") {
        const int budget = sweep.budget.value_or(kDefaultGridBudget);
        if (grid.size() > static_cast<std::size_t>(budget)) {
            throw RecipeError(name + ": the grid has " + std::to_string(grid.size()) + " points, more than the budget of " + std::to_string(budget) +
                              " (raise budget, or use strategy random)");
        }
        for (std::size_t i = 0; i < grid.size(); ++i) chosen.push_back(i);
    } else if (strategy == "halving") {
        // Every combination, or as many as the budget drawn from them.
        if (!sweep.budget && grid.size() > static_cast<std::size_t>(kDefaultGridBudget)) {
            throw RecipeError(name + ": the grid has " + std::to_string(grid.size()) + " points; give a budget (the candidates drawn for the first rung)");
        }
        const auto count = sweep.budget ? static_cast<std::size_t>(*sweep.budget) : grid.size();
        chosen = drawWithoutRepeats(grid.size(), count, sweep.seed.value_or(1));
    } else {
        if (!sweep.budget) throw RecipeError(name + ": budget: strategy random needs a budget (the number of points to draw)");
        chosen = drawWithoutRepeats(grid.size(), static_cast<std::size_t>(*sweep.budget), sweep.seed.value_or(1));
    }

    // Every point's own folder is the run's, so relative paths are made absolute here, once.
    std::vector<std::string> common;
    const auto absolutePaths = [&](const std::string& assignment, const fs::path& base) {
        const auto equals = assignment.find('=');
        if (equals == std::string::npos) return assignment;  // the recipe parser says what is wrong with it
        const auto key = assignment.substr(0, equals);
        return overrideOf(key, json(assignment.substr(equals + 1)), base);  // a text value is passed on as written
    };
    for (const auto& a : sweep.set.value_or(std::vector<std::string>{})) common.push_back(absolutePaths(a, dir));
    for (const auto& a : extraSet) common.push_back(absolutePaths(a, fs::current_path()));
    const auto describe = [&](const SweepPoint& point) {
        std::string settings;
        for (std::size_t a = 0; a < point.values.size(); ++a) settings += (a ? ", " : "") + plan.axisKeys[a] + "=" + point.values[a].dump();
        return name + ": point " + point.id + " (" + settings + "): ";
    };
    // Halving: the fidelity is the last setting of every point, at rung 0's value to begin with.
    if (sweep.halving) plan.axisKeys.push_back(sweep.halving->key);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        SweepPoint point;
        point.id = pointId(i);
        point.values = grid[chosen[i]];
        point.overrides = common;
        for (std::size_t a = 0; a < axes.size(); ++a) point.overrides.push_back(overrideOf(plan.axisKeys[a], point.values[a], dir));
        if (sweep.halving) {
            point.values.push_back(sweep.halving->values.front());
            point.overrides.push_back(overrideOf(sweep.halving->key, sweep.halving->values.front(), dir));
        }
        try {
            const auto recipe = recipe::loadRecipe(plan.recipe, point.overrides);
            if (i == 0) plan.threads = recipe.threads;
        } catch (const RecipeError& e) {
            throw RecipeError(describe(point) + e.what());
        }
        plan.points.push_back(std::move(point));
    }
    // Every later rung's fidelity must make a valid recipe too, checked now rather than after the first rung's hours.
    if (sweep.halving && !plan.points.empty()) {
        auto point = plan.points.front();
        for (std::size_t r = 1; r < sweep.halving->values.size(); ++r) {
            point.values.back() = sweep.halving->values[r];
            point.overrides.back() = overrideOf(sweep.halving->key, sweep.halving->values[r], dir);
            try {
                recipe::loadRecipe(plan.recipe, point.overrides);
            } catch (const RecipeError& e) {
                throw RecipeError(name + ": halving.values[" + std::to_string(r) + "]: " + e.what());
            }
        }
    }
    for (const auto& board : sweep.boards.value_or(std::vector<SweepBoard>{})) {
        if (board.board.empty()) throw RecipeError(name + ": boards: a board id is empty");
        if (board.samples && (*board.samples < 1 || *board.samples > 10000)) throw RecipeError(name + ": boards: samples must be 1 to 10000");
    }
    return plan;
}

int rungCount(const SweepPlan& plan) { return plan.sweep.halving ? static_cast<int>(plan.sweep.halving->values.size()) : 1; }

std::vector<SweepPoint> promotePoints(const SweepPlan& plan, int rung, const std::map<std::string, double>& validationAccuracy) {
    if (!plan.sweep.halving || rung + 1 >= rungCount(plan)) throw SettingsError("sweep " + plan.sweep.name + ": there is no rung after rung " + std::to_string(rung));
    const auto& halving = *plan.sweep.halving;
    std::vector<const SweepPoint*> ranked;
    std::size_t inRung = 0;
    for (const auto& p : plan.points) {
        if (p.rung != rung) continue;
        ++inRung;
        if (validationAccuracy.count(p.id)) ranked.push_back(&p);
    }
    std::sort(ranked.begin(), ranked.end(), [&](const SweepPoint* a, const SweepPoint* b) {
        const double x = validationAccuracy.at(a->id), y = validationAccuracy.at(b->id);
        return x != y ? x > y : a->id < b->id;
    });
    const double keep = halving.keep.value_or(0.5);
    const auto wanted = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(static_cast<double>(inRung) * keep - 1e-9)));
    ranked.resize(std::min(wanted, ranked.size()));
    const fs::path dir = plan.file.parent_path();
    std::vector<SweepPoint> next;
    for (const auto* p : ranked) {
        SweepPoint point = *p;
        point.rung = rung + 1;
        point.id = candidateOf(p->id) + "-r" + std::to_string(point.rung);
        point.values.back() = halving.values[static_cast<std::size_t>(point.rung)];
        point.overrides.back() = overrideOf(halving.key, point.values.back(), dir);
        next.push_back(std::move(point));
    }
    std::sort(next.begin(), next.end(), [](const SweepPoint& a, const SweepPoint& b) { return a.id < b.id; });
    return next;
}

json planJson(const SweepPlan& plan) {
    json points = json::array();
    for (const auto& p : plan.points) {
        points.push_back({{"id", p.id}, {"values", p.values}, {"overrides", p.overrides}});
        if (plan.sweep.halving) points.back()["rung"] = p.rung;
    }
    return {{"sweep", plan.file.string()}, {"name", plan.sweep.name}, {"recipe", plan.recipe.string()}, {"axes", plan.axisKeys},
            {"strategy", plan.sweep.strategy.value_or("grid")}, {"threads", plan.threads}, {"definition", contract::toJson(plan.sweep)},
            {"points", points}};
}

SweepPlan readPlan(const fs::path& sweepDir) {
    const auto file = sweepDir / "plan.json";
    const json input = io::readJsonFile(file);
    SweepPlan plan;
    try {
        plan.file = input.at("sweep").get<std::string>();
        contract::fromJson(input.at("definition"), plan.sweep);
        plan.recipe = input.at("recipe").get<std::string>();
        plan.axisKeys = input.at("axes").get<std::vector<std::string>>();
        plan.threads = input.value("threads", 0);
        for (const auto& p : input.at("points")) {
            plan.points.push_back({p.at("id").get<std::string>(), p.at("values").get<std::vector<json>>(), p.at("overrides").get<std::vector<std::string>>(),
                                   p.value("rung", 0)});
        }
    } catch (const std::exception& e) {
        throw DataError(file, "", std::string("not a sweep plan: ") + e.what());
    }
    return plan;
}

json sweepSchema() {
    return contract::documentSchema<SweepFile>("https://tinyforge.invalid/schema/sweep.json", "TinyForge sweep file");
}

}  // namespace tinyforge::core::sweep
