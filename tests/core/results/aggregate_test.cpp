// Repeats under several seeds: the spread of a figure, the exact McNemar test, predictions.csv and aggregate.json,
// against values worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.h"
#include "core/results/aggregate.h"
#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::core::results;
namespace test = tinyforge::test;
using Catch::Matchers::Contains;

TEST_CASE("A spread is the mean, the sample standard deviation and Student's 95% interval", "[core][results][aggregate]") {
    const Spread s = spreadOf({0.90, 0.92, 0.94});
    CHECK(s.mean == Approx(0.92));
    REQUIRE(s.std);
    CHECK(*s.std == Approx(0.02));  // sqrt((0.02^2 + 0 + 0.02^2) / 2)
    REQUIRE(s.ci95);
    CHECK((*s.ci95)[0] == Approx(0.92 - 4.303 * 0.02 / std::sqrt(3.0)));  // t(0.975, 2) = 4.303
    CHECK((*s.ci95)[1] == Approx(0.92 + 4.303 * 0.02 / std::sqrt(3.0)));
    CHECK(s.per_seed == std::vector<double>{0.90, 0.92, 0.94});
    const Spread one = spreadOf({0.5});
    CHECK(one.mean == 0.5);
    CHECK_FALSE(one.std);  // one seed has no spread to state
    CHECK_FALSE(one.ci95);
    CHECK_THROWS_AS(spreadOf({}), tinyforge::Error);
}

TEST_CASE("The exact McNemar test against binomial tails worked out by hand", "[core][results][aggregate]") {
    CHECK(mcnemarExactP(1, 5) == Approx(2.0 * 7.0 / 64.0));      // 2 P(X <= 1), X ~ B(6, 1/2) = 2 (1 + 6) / 64
    CHECK(mcnemarExactP(5, 1) == Approx(2.0 * 7.0 / 64.0));      // symmetric
    CHECK(mcnemarExactP(10, 0) == Approx(2.0 / 1024.0));         // 2 P(X = 0), X ~ B(10, 1/2)
    CHECK(mcnemarExactP(3, 3) == 1.0);                           // 2 (1 + 6 + 15 + 20) / 64 > 1
    CHECK(mcnemarExactP(0, 0) == 1.0);                           // no discordant samples: no evidence
    CHECK(mcnemarExactP(40, 60) == Approx(0.0569).epsilon(0.01));  // the normal approximation's 0.057, continuity-corrected
    CHECK(mcnemarExactP(2000, 2100) > 0.1);                      // large counts stay finite
}

TEST_CASE("predictions.csv is written and read back, and a damaged one is refused by line and column", "[core][results][aggregate][bad-input]") {
    test::TempDir dir;
    Predictions p;
    p.index = {4, 9, 11};
    p.label = {0, 1, 2};
    p.byModel["student"] = {0, 1, 1};
    p.byModel["teacher"] = {0, 1, 2};
    writePredictions(dir.path(), p);
    CHECK(test::readText(dir / "predictions.csv") == "index,label,teacher,student\n4,0,0,0\n9,1,1,1\n11,2,2,1\n");
    const Predictions back = readPredictions(dir.path());
    CHECK(back.index == p.index);
    CHECK(back.byModel == p.byModel);
    CHECK(back.correct("teacher") == 3);
    CHECK(back.correct("student") == 2);
    CHECK_THROWS_WITH(back.correct("deployed"), Contains("no column 'deployed'"));

    p.byModel["student"].pop_back();
    CHECK_THROWS_WITH(writePredictions(dir.path(), p), Contains("student"));
    test::writeText(dir / "predictions.csv", "index,label,oracle\n1,0,0\n");
    CHECK_THROWS_WITH(readPredictions(dir.path()), Contains("predictions.csv") && Contains("unknown column 'oracle'"));
    test::writeText(dir / "predictions.csv", "label,index\n1,0\n");
    CHECK_THROWS_WITH(readPredictions(dir.path()), Contains("must begin with index,label"));
    test::writeText(dir / "predictions.csv", "index,label,student\n1,0,0\n2,1,-3\n");
    CHECK_THROWS_WITH(readPredictions(dir.path()), Contains("line 3, student") && Contains("'-3' is not a whole number"));
    test::writeText(dir / "predictions.csv", "index,label,student\n1,0,x\n");
    CHECK_THROWS_WITH(readPredictions(dir.path()), Contains("'x'"));
    CHECK_THROWS_WITH(readPredictions(dir / "nowhere"), Contains("missing"));
}

namespace {

// A run folder with a summary and predictions: `student` right on the first `studentRight` of 10 samples,
// `scratch` on the first `scratchRight`, the deployed model on the first `deployedRight`.
void fakeRun(const std::filesystem::path& dir, std::uint64_t seed, int studentRight, int scratchRight, int deployedRight) {
    std::filesystem::create_directories(dir);
    RunSummary s;
    s.recipe = "fake";
    s.seed = seed;
    ModelResult m;
    m.arch = "mlp";
    m.test_accuracy = studentRight / 10.0;
    s.student = m;
    m.test_accuracy = scratchRight / 10.0;
    s.student_scratch = m;
    CompressedResult c;
    c.arch = "mlp";
    c.test_accuracy = 0.1;  // the float figure; the deployed one is the integer reference's
    c.integer = IntegerReference{deployedRight / 10.0, 2, 100, 20};
    c.bytes_deployed = 100;
    s.compressed = c;
    s.ratios = Ratios{10.0 + static_cast<double>(seed), std::nullopt};
    writeSummary(dir, s);
    Predictions p;
    for (int i = 0; i < 10; ++i) {
        p.index.push_back(i);
        p.label.push_back(1);
        p.byModel["student"].push_back(i < studentRight ? 1 : 0);
        p.byModel["student_scratch"].push_back(i < scratchRight ? 1 : 0);
        p.byModel["deployed"].push_back(i < deployedRight ? 1 : 0);
    }
    writePredictions(dir, p);
}

}  // namespace

TEST_CASE("Runs of several seeds aggregate into spreads and per-seed McNemar tests", "[core][results][aggregate]") {
    test::TempDir dir;
    fakeRun(dir / "seed-1", 1, 9, 6, 8);
    fakeRun(dir / "seed-2", 2, 8, 7, 8);
    const Aggregate a = aggregateRuns({dir / "seed-1", dir / "seed-2"});
    CHECK(a.seeds == std::vector<std::uint64_t>{1, 2});
    REQUIRE(a.student);
    CHECK(a.student->test_accuracy.per_seed == std::vector<double>{0.9, 0.8});
    CHECK(a.student->test_accuracy.mean == Approx(0.85));
    CHECK(*a.student->test_accuracy.std == Approx(std::sqrt(0.005)));
    REQUIRE(a.compressed);
    CHECK(a.compressed->test_accuracy.mean == Approx(0.8));  // the deployed figure, not the float 0.1
    CHECK_FALSE(a.teacher);                                   // no seed had one
    CHECK(a.student_to_deployed->mean == Approx(11.5));
    REQUIRE(a.comparisons.size() == 2);  // student vs scratch, compressed vs student (no teacher)
    const Comparison& distil = a.comparisons[0];
    CHECK(distil.first == "student");
    CHECK(distil.second == "student_scratch");
    // Seed 1: the student gets samples 0-8, the scratch student 0-5: 3 only the student gets, none only the other.
    CHECK(distil.per_seed[0].first_only == 3);
    CHECK(distil.per_seed[0].second_only == 0);
    CHECK(distil.per_seed[0].p_value == Approx(2.0 / 8.0));  // 2 P(X = 0), X ~ B(3, 1/2)
    CHECK(distil.per_seed[1].first_only == 1);
    CHECK(distil.difference.mean == Approx((0.3 + 0.1) / 2));
    CHECK(a.comparisons[1].first == "compressed");
    CHECK(a.comparisons[1].per_seed[0].second_only == 1);  // sample 8: the student right, the deployed model wrong

    writeAggregate(dir.path(), a);
    const Aggregate back = readAggregate(dir.path());
    CHECK(back.student->test_accuracy.mean == a.student->test_accuracy.mean);
    CHECK(back.comparisons[0].per_seed[0].p_value == a.comparisons[0].per_seed[0].p_value);

    fakeRun(dir / "other", 3, 9, 6, 8);
    RunSummary other = readSummary(dir / "other");
    other.recipe = "another";
    writeSummary(dir / "other", other);
    CHECK_THROWS_WITH(aggregateRuns({dir / "seed-1", dir / "other"}), Contains("'another'"));
    test::writeText(dir / "aggregate.json", "{\"schema_version\": 1, \"recipe\": 3}");
    CHECK_THROWS_WITH(readAggregate(dir.path()), Contains("aggregate.json") && Contains("recipe"));
}
