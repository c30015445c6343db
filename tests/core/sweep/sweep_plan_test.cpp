// Sweep files: axes expanded to exact values, grid and random points, every point's recipe checked before anything
// runs, and bad files refused with the file, the field and the point named.
#include <catch2/catch.hpp>

#include <set>

#include "core/error.h"
#include "core/sweep/sweep_plan.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::core::sweep;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace test = tinyforge::test;

namespace {

const std::string kIrisRecipe = std::string(TINYFORGE_RESOURCE_DIR) + "/recipes/iris-distill.json";

std::filesystem::path writeSweep(const test::TempDir& dir, json sweep) {
    if (!sweep.contains("recipe")) sweep["recipe"] = kIrisRecipe;
    if (!sweep.contains("name")) sweep["name"] = "t";
    test::writeText(dir / "sweep.json", sweep.dump());
    return dir / "sweep.json";
}

SweepAxis axisFrom(const json& j) {
    SweepAxis axis;
    tinyforge::core::contract::fromJson(j, axis);
    return axis;
}

}  // namespace

TEST_CASE("Axes expand lists, linear ranges and log ranges to exact values", "[core][sweep]") {
    CHECK(axisValues(axisFrom({{"key", "k"}, {"values", {0.5, 0.8}}}), "a") == std::vector<json>{0.5, 0.8});
    // 0.5 + 4 x 0.1 is 0.9000000000000001 in binary; the axis says 0.9.
    CHECK(axisValues(axisFrom({{"key", "k"}, {"range", {0.5, 0.9}}, {"step", 0.1}}), "a") == std::vector<json>{0.5, 0.6, 0.7, 0.8, 0.9});
    CHECK(axisValues(axisFrom({{"key", "k"}, {"range", {4, 16}}, {"step", 4}}), "a") == std::vector<json>{4, 8, 12, 16});
    CHECK(axisValues(axisFrom({{"key", "k"}, {"log_range", {4, 64}}, {"count", 5}}), "a") == std::vector<json>{4, 8, 16, 32, 64});
    // Whole-number ends give whole numbers: 1, sqrt(8) = 2.83 -> 3, 8.
    CHECK(axisValues(axisFrom({{"key", "k"}, {"log_range", {1, 8}}, {"count", 3}}), "a") == std::vector<json>{1, 3, 8});
    CHECK(axisValues(axisFrom({{"key", "k"}, {"log_range", {0.5, 2.0}}, {"count", 3}}), "a") == std::vector<json>{0.5, 1.0, 2.0});
    CHECK_THROWS_WITH(axisValues(axisFrom({{"key", "k"}}), "axes[0]"), Contains("axes[0]: give exactly one of values, range and log_range"));
    CHECK_THROWS_WITH(axisValues(axisFrom({{"key", "k"}, {"range", {1, 2}}}), "a"), Contains("step"));
    CHECK_THROWS_WITH(axisValues(axisFrom({{"key", "k"}, {"range", {2, 1}}, {"step", 1}}), "a"), Contains("last is below first"));
    CHECK_THROWS_WITH(axisValues(axisFrom({{"key", "k"}, {"log_range", {0, 8}}, {"count", 3}}), "a"), Contains("0 < first"));
    CHECK_THROWS_WITH(axisValues(axisFrom({{"key", "k"}, {"values", json::array()}}), "a"), Contains("is empty"));
}

TEST_CASE("A grid sweep has every combination, the last axis fastest, each point's overrides after the sweep's set", "[core][sweep]") {
    test::TempDir dir;
    const auto plan = planSweep(writeSweep(dir, {{"set", {"export.formats=[]"}},
                                                 {"axes", {{{"key", "prune.final_sparsity"}, {"values", {0.5, 0.8}}},
                                                           {{"key", "student.hidden"}, {"values", {{8}, {16, 8}}}},
                                                           {{"key", "cluster.init"}, {"values", {"linear", "density"}}}}}}));
    REQUIRE(plan.points.size() == 8);
    CHECK(plan.axisKeys == std::vector<std::string>{"prune.final_sparsity", "student.hidden", "cluster.init"});
    CHECK(plan.points[0].id == "p000");
    CHECK(plan.points[7].id == "p007");
    CHECK(plan.points[1].values == std::vector<json>{0.5, {8}, "density"});
    CHECK(plan.points[2].values == std::vector<json>{0.5, {16, 8}, "linear"});
    CHECK(plan.points[4].values[0] == 0.8);
    CHECK(plan.points[3].overrides ==
          std::vector<std::string>{"export.formats=[]", "prune.final_sparsity=0.5", "student.hidden=[16,8]", "cluster.init=density"});
    CHECK(plan.recipe == std::filesystem::path(kIrisRecipe).lexically_normal());
    CHECK(planJson(plan).at("points").size() == 8);
}

TEST_CASE("A random sweep draws budget distinct points, the same for the same seed", "[core][sweep]") {
    test::TempDir dir;
    const json axes = {{{"key", "prune.final_sparsity"}, {"range", {0.5, 0.9}}, {"step", 0.1}}, {{"key", "cluster.clusters"}, {"values", {4, 8, 16}}}};
    const auto a = planSweep(writeSweep(dir, {{"axes", axes}, {"strategy", "random"}, {"budget", 6}, {"seed", 7}}));
    const auto b = planSweep(writeSweep(dir, {{"axes", axes}, {"strategy", "random"}, {"budget", 6}, {"seed", 7}}));
    const auto c = planSweep(writeSweep(dir, {{"axes", axes}, {"strategy", "random"}, {"budget", 6}, {"seed", 8}}));
    REQUIRE(a.points.size() == 6);
    std::set<std::vector<json>> distinct;
    for (std::size_t i = 0; i < a.points.size(); ++i) {
        distinct.insert(a.points[i].values);
        CHECK(a.points[i].values == b.points[i].values);
    }
    CHECK(distinct.size() == 6);
    bool differs = false;
    for (std::size_t i = 0; i < a.points.size(); ++i) differs = differs || a.points[i].values != c.points[i].values;
    CHECK(differs);
    // A budget above the grid's size takes the whole grid.
    CHECK(planSweep(writeSweep(dir, {{"axes", axes}, {"strategy", "random"}, {"budget", 100}})).points.size() == 15);
}

TEST_CASE("A bad sweep file is refused naming the file, the field or the point", "[core][sweep]") {
    test::TempDir dir;
    const json good = {{"key", "prune.final_sparsity"}, {"values", {0.5}}};
    const auto refused = [&](const json& sweep, const std::string& expected) {
        const auto file = writeSweep(dir, sweep);
        CHECK_THROWS_WITH(planSweep(file), Contains(file.string()) && Contains(expected));
    };
    refused({{"axes", {good}}, {"boards", {{{"board", "stm32f405"}, {"sampels", 8}}}}}, "boards[0].sampels: unknown key");
    refused({{"axis", {good}}}, "axis: unknown key");
    refused({{"axes", {{{"key", "prune.final_sparsity"}, {"value", {0.5}}}}}}, "axes[0].value: unknown key");
    refused({{"axes", {{{"key", "distill.temprature"}, {"values", {2}}}}}}, "'distill.temprature' is not a recipe key");
    refused({{"axes", {good, good}}}, "is varied twice");
    refused({{"axes", json::array()}}, "axes: is empty");
    refused({{"axes", {good}}, {"strategy", "bayes"}}, "'bayes' is not grid, random or halving");
    refused({{"axes", {good}}, {"strategy", "random"}}, "needs a budget");
    refused({{"axes", {{{"key", "cluster.clusters"}, {"range", {2, 64}}, {"step", 1}}, {{"key", "quantize.weight_bits"}, {"range", {2, 8}}, {"step", 1}}}},
             {"budget", 100}},
            "the grid has 441 points, more than the budget of 100");
    refused({{"axes", {{{"key", "prune.final_sparsity"}, {"values", {0.5, 1.5}}}}}}, "point p001 (prune.final_sparsity=1.5)");
    refused({{"axes", {good}}, {"recipe", "missing.json"}}, "missing.json");
    refused({{"axes", "all"}}, "axes");
}

TEST_CASE("Successive halving starts every candidate at the lowest fidelity and promotes the best by validation accuracy",
          "[core][sweep]") {
    test::TempDir dir;
    auto plan = planSweep(writeSweep(dir, {{"strategy", "halving"},
                                           {"axes", {{{"key", "prune.final_sparsity"}, {"values", {0.5, 0.6, 0.7, 0.8, 0.9}}}}},
                                           {"halving", {{"key", "student.train.epochs"}, {"values", {5, 15, 45}}, {"keep", 0.4}}}}));
    REQUIRE(plan.points.size() == 5);
    CHECK(rungCount(plan) == 3);
    // The fidelity is the last setting of every point, at rung 0's value.
    CHECK(plan.axisKeys == std::vector<std::string>{"prune.final_sparsity", "student.train.epochs"});
    CHECK(plan.points[2].values == std::vector<json>{0.7, 5});
    CHECK(plan.points[2].overrides == std::vector<std::string>{"prune.final_sparsity=0.7", "student.train.epochs=5"});
    CHECK(plan.points[2].rung == 0);

    // ceil(5 x 0.4) = 2 promoted: the two best validation accuracies, ties broken by id; p004 has no score.
    const std::map<std::string, double> first{{"p000", 0.80}, {"p001", 0.95}, {"p002", 0.90}, {"p003", 0.90}};
    const auto second = promotePoints(plan, 0, first);
    REQUIRE(second.size() == 2);
    CHECK(second[0].id == "p001-r1");
    CHECK(second[1].id == "p002-r1");  // p002 and p003 tie at 0.90: the lower id goes on
    CHECK(second[0].rung == 1);
    CHECK(second[0].values == std::vector<json>{0.6, 15});
    CHECK(second[0].overrides == std::vector<std::string>{"prune.final_sparsity=0.6", "student.train.epochs=15"});

    // The promoted points join the plan (plan.json records each point's rung); the next rung keeps ceil(2 x 0.4) = 1.
    plan.points.insert(plan.points.end(), second.begin(), second.end());
    const auto written = planJson(plan);
    CHECK(written.at("points")[5].at("rung") == 1);
    CHECK(written.at("points")[5].at("id") == "p001-r1");
    const auto third = promotePoints(plan, 1, {{"p001-r1", 0.91}, {"p002-r1", 0.93}});
    REQUIRE(third.size() == 1);
    CHECK(third[0].id == "p002-r2");
    CHECK(third[0].values == std::vector<json>{0.7, 45});
    CHECK_THROWS_WITH(promotePoints(plan, 2, {}), Contains("no rung after rung 2"));

    // Written and read back, the rungs survive (a resumed sweep knows which points are which rung's).
    test::writeText(dir / "plan.json", written.dump());
    const auto read = readPlan(dir.path());
    REQUIRE(read.points.size() == 7);
    CHECK(read.points[6].rung == 1);
    CHECK(read.points[0].rung == 0);
    CHECK(rungCount(read) == 3);
}

TEST_CASE("Halving's budget draws the first rung's candidates, and a bad halving is refused naming the field", "[core][sweep]") {
    test::TempDir dir;
    const json axes = {{{"key", "prune.final_sparsity"}, {"values", {0.5, 0.6, 0.7, 0.8}}}, {{"key", "cluster.clusters"}, {"values", {4, 8, 16}}}};
    const json halving = {{"key", "student.train.epochs"}, {"values", {2, 8}}};
    const auto plan = planSweep(writeSweep(dir, {{"strategy", "halving"}, {"budget", 5}, {"seed", 3}, {"axes", axes}, {"halving", halving}}));
    CHECK(plan.points.size() == 5);
    std::set<std::vector<json>> distinct;
    for (const auto& p : plan.points) distinct.insert(p.values);
    CHECK(distinct.size() == 5);
    // No keep: half, rounded up.
    CHECK(promotePoints(plan, 0, {{"p000", 0.1}, {"p001", 0.2}, {"p002", 0.3}, {"p003", 0.4}, {"p004", 0.5}}).size() == 3);

    const auto refused = [&](json sweep, const std::string& message) {
        sweep["axes"] = axes;
        CHECK_THROWS_WITH(planSweep(writeSweep(dir, sweep)), Contains(message));
    };
    refused({{"strategy", "halving"}}, "halving: strategy halving needs halving");
    refused({{"halving", halving}}, "halving: is given but strategy is not halving");
    refused({{"strategy", "halving"}, {"halving", {{"key", "student.nope"}, {"values", {1, 2}}}}}, "halving.key: 'student.nope' is not a recipe key");
    refused({{"strategy", "halving"}, {"halving", {{"key", "cluster.clusters"}, {"values", {1, 2}}}}}, "is also an axis");
    refused({{"strategy", "halving"}, {"halving", {{"key", "student.train.epochs"}, {"values", {4}}}}}, "two or more rungs");
    refused({{"strategy", "halving"}, {"halving", {{"key", "student.train.epochs"}, {"values", {2, 4}}, {"keep", 1.0}}}}, "halving.keep: must be above 0");
    refused({{"strategy", "halving"}, {"halving", {{"key", "student.train.epochs"}, {"values", {2, 4}}, {"rungs", 3}}}}, "halving.rungs: unknown key");
    // A later rung's fidelity that no recipe takes is refused before the first rung runs.
    refused({{"strategy", "halving"}, {"halving", {{"key", "student.train.epochs"}, {"values", {2, -4}}}}}, "halving.values[1]");
}
