// The report's statistics against values worked by hand: Wilson intervals, paired differences with McNemar's exact
// test, Pareto dominance (ties, one point, duplicates), confusion matrices and per-class figures.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "report/report_stats.h"

using namespace tinyforge::report;

TEST_CASE("Wilson interval of 29 right out of 30, and of 0 out of 10, as computed by hand", "[report][stats]") {
    // p = 29/30, z = 1.96: centre (p + z^2/2n) / (1 + z^2/n) = 0.91369, half-width 0.08040
    const auto i = wilsonInterval(29, 30);
    CHECK(i.lo == Approx(0.8333).margin(5e-4));
    CHECK(i.hi == Approx(0.9941).margin(5e-4));
    const auto none = wilsonInterval(0, 10);
    CHECK(none.lo == Approx(0.0).margin(1e-12));
    CHECK(none.hi == Approx(0.2775).margin(5e-4));  // z^2 / (n + z^2) = 3.8415 / 13.8415
    const auto empty = wilsonInterval(0, 0);
    CHECK(empty.lo == 0.0);
    CHECK(empty.hi == 1.0);
}

TEST_CASE("A paired difference: 12 samples only the model got right, 4 only the baseline, of 100", "[report][stats]") {
    const auto d = pairedDifference(12, 4, 100);
    CHECK(d.difference == Approx(0.08));
    // se = sqrt(16 - 64 / 100) / 100 = 0.039192; 1.96 se = 0.076815
    CHECK(d.ci95.lo == Approx(0.08 - 0.076815).margin(1e-5));
    CHECK(d.ci95.hi == Approx(0.08 + 0.076815).margin(1e-5));
    // 2 P(X <= 4), X ~ Bin(16, 1/2) = 2 (1 + 16 + 120 + 560 + 1820) / 65536 = 0.076813...
    CHECK(d.pValue == Approx(5034.0 / 65536.0).epsilon(1e-9));
    CHECK(d.withinNoise());
    const auto clear = pairedDifference(20, 2, 100);  // 2 (1 + 22 + 231) / 2^22 = 1.2112e-4
    CHECK(clear.pValue == Approx(508.0 / 4194304.0).epsilon(1e-9));
    CHECK_FALSE(clear.withinNoise());
    const auto same = pairedDifference(0, 0, 50);
    CHECK(same.difference == 0.0);
    CHECK(same.pValue == 1.0);
    CHECK_THROWS_AS(pairedDifference(60, 50, 100), std::invalid_argument);
    CHECK_THROWS_AS(pairedDifference(1, 1, 0), std::invalid_argument);
}

TEST_CASE("Pareto dominance on hand cases: one point, a chain, ties on one axis, duplicates", "[report][stats][pareto]") {
    CHECK(paretoDominators({{0.9, 100}}) == std::vector<std::optional<std::size_t>>{std::nullopt});
    CHECK(paretoDominators({}).empty());
    // 0: best and cheapest dominates the rest; 1 is dominated by 0 only (cost tie, lower accuracy).
    const auto chain = paretoDominators({{0.95, 100}, {0.90, 100}, {0.80, 300}});
    CHECK_FALSE(chain[0]);
    CHECK(chain[1] == 0u);
    CHECK(chain[2] == 0u);
    // A trade-off: both on the front; the dominated point names the dominator with the highest accuracy.
    const auto front = paretoDominators({{0.95, 1000}, {0.90, 100}, {0.85, 2000}});
    CHECK_FALSE(front[0]);
    CHECK_FALSE(front[1]);
    CHECK(front[2] == 0u);
    // Equal points do not dominate each other.
    const auto twins = paretoDominators({{0.9, 100}, {0.9, 100}});
    CHECK_FALSE(twins[0]);
    CHECK_FALSE(twins[1]);
}

TEST_CASE("Confusion matrix and per-class precision, recall and F1 by hand; bad input refused", "[report][stats]") {
    // truth:     0 0 0 1 1 2
    // predicted: 0 0 1 1 2 2
    const auto m = confusionMatrix({0, 0, 0, 1, 1, 2}, {0, 0, 1, 1, 2, 2}, 3);
    CHECK(m == std::vector<std::vector<std::int64_t>>{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}});
    const auto f = classFigures(m);
    CHECK(f[0].precision == Approx(1.0));
    CHECK(f[0].recall == Approx(2.0 / 3));
    CHECK(f[0].f1 == Approx(0.8));
    CHECK(f[1].precision == Approx(0.5));
    CHECK(f[1].recall == Approx(0.5));
    CHECK(f[2].precision == Approx(0.5));
    CHECK(f[2].recall == Approx(1.0));
    CHECK(f[2].f1 == Approx(2.0 / 3));
    CHECK(f[0].support == 3);
    const auto unseen = classFigures(confusionMatrix({0}, {0}, 2));
    CHECK(unseen[1].precision == 0.0);  // never predicted, never present: 0, not NaN
    CHECK(unseen[1].f1 == 0.0);
    CHECK_THROWS_AS(confusionMatrix({0, 1}, {0}, 2), std::invalid_argument);
    CHECK_THROWS_AS(confusionMatrix({0, 3}, {0, 1}, 3), std::invalid_argument);
    CHECK_THROWS_AS(confusionMatrix({0, -1}, {0, 1}, 3), std::invalid_argument);
}

TEST_CASE("Verification curve, equal error rate and operating points by hand; genuine and impostor scores split by label",
          "[report][stats]") {
    // Genuine 0.9, 0.8, 0.4; impostor 0.7, 0.3, 0.2, 0.1. Accepting scores >= t, from the highest threshold down:
    // t      0.9  0.8  0.7  0.4  0.3  0.2  0.1
    // FAR    0    0    1/4  1/4  1/2  3/4  1
    // FRR    2/3  1/3  1/3  0    0    0    0
    const auto curve = verificationCurve({0.4, 0.9, 0.8}, {0.1, 0.7, 0.3, 0.2});
    CHECK(curve.genuine == 3);
    CHECK(curve.impostor == 4);
    REQUIRE(curve.far.size() == 7);
    CHECK(curve.far == std::vector<double>{0, 0, 0.25, 0.25, 0.5, 0.75, 1});
    CHECK(curve.frr[0] == Approx(2.0 / 3));
    CHECK(curve.frr[2] == Approx(1.0 / 3));
    CHECK(curve.frr[3] == Approx(0.0));
    // FAR and FRR are closest at t = 0.7 (1/4 against 1/3): EER (1/4 + 1/3) / 2 = 7/24.
    CHECK(curve.eer == Approx(7.0 / 24));
    CHECK(curve.eerThreshold == 0.7);
    CHECK(curve.farAtFrr1 == 0.25);             // the first threshold with FRR <= 1% is 0.4
    CHECK(curve.frrAtFar01 == Approx(1.0 / 3));  // the last with FAR <= 0.1% is 0.8
    // Perfect separation: an EER of 0.
    CHECK(verificationCurve({0.9, 0.8}, {0.2, 0.1}).eer == 0);
    CHECK_THROWS_AS(verificationCurve({}, {0.1}), std::invalid_argument);

    const std::vector<std::vector<float>> scores{{0.7f, 0.2f, 0.1f}, {0.3f, 0.6f, 0.1f}};
    const auto [genuine, impostor] = genuineAndImpostor(scores, {0, 2});
    CHECK(genuine == std::vector<double>{0.7f, 0.1f});
    CHECK(impostor == std::vector<double>{0.2f, 0.1f, 0.3f, 0.6f});
    const auto [g1, i1] = genuineAndImpostor(scores, {0, 2}, 1);  // class 1 alone: no sample of it
    CHECK(g1.empty());
    CHECK(i1 == std::vector<double>{0.2f, 0.6f});
    CHECK_THROWS_AS(genuineAndImpostor(scores, {0, 3}), std::invalid_argument);
    CHECK_THROWS_AS(genuineAndImpostor(scores, {0}), std::invalid_argument);
}
