#include <catch2/catch.hpp>

#include <limits>
#include <random>

#include "core/compress/kmeans1d.h"
#include "core/compress/quantization_math.h"
#include "core/compress/size_accounting.h"
#include "core/compress/sparsity_schedule.h"
#include "core/error.h"

using namespace tinyforge;
using namespace tinyforge::core::compress;

TEST_CASE("The polynomial sparsity schedule at given steps", "[core][compress][prune]") {
    // s_i = 0, s_f = 0.8, t0 = 100, dt = 10, n = 5, e = 3: the ramp spans steps 100..150.
    const SparsitySchedule s{0.0, 0.8, 100, 10, 5, 3.0};
    CHECK(sparsityAt(s, 0) == 0.0);
    CHECK(sparsityAt(s, 100) == 0.0);
    CHECK(sparsityAt(s, 110) == Approx(0.8 - 0.8 * 0.512));  // (1 - 10/50)^3 = 0.512
    CHECK(sparsityAt(s, 125) == Approx(0.8 - 0.8 * 0.125));  // (1 - 25/50)^3
    CHECK(sparsityAt(s, 150) == Approx(0.8));
    CHECK(sparsityAt(s, 5000) == Approx(0.8));
    const SparsitySchedule linear{0.2, 0.6, 0, 1, 4, 1.0};
    CHECK(sparsityAt(linear, 1) == Approx(0.6 - 0.4 * 0.75));
    CHECK(isPruningStep(s, 100));
    CHECK(isPruningStep(s, 110));
    CHECK_FALSE(isPruningStep(s, 115));
    CHECK(isPruningStep(s, 150));
    CHECK_FALSE(isPruningStep(s, 160));
    CHECK_FALSE(isPruningStep(s, 90));
    CHECK_THROWS_AS(validate(SparsitySchedule{0.5, 0.4, 0, 1, 1, 3}, "prune"), SettingsError);
    CHECK_THROWS_AS(validate(SparsitySchedule{0.0, 1.0, 0, 1, 1, 3}, "prune"), SettingsError);
    CHECK_THROWS_AS(validate(SparsitySchedule{0.0, 0.5, 0, 0, 1, 3}, "prune"), SettingsError);
}

TEST_CASE("k-means on two groups converges to their means from every initialisation", "[core][compress][kmeans]") {
    const std::vector<float> values{10, 1, 12, 2, 11, 3};
    for (const auto init : {CentroidInit::Linear, CentroidInit::Random, CentroidInit::Density, CentroidInit::KMeansPlusPlus}) {
        for (std::uint64_t seed : {0u, 1u, 2u, 3u}) {
            const auto r = kmeans1d(values, 2, init, seed);
            CHECK(r.centroids == std::vector<float>{2, 11});
            CHECK(r.wcss == Approx(4.0));  // (1 + 0 + 1) twice
            CHECK(r.labels == std::vector<std::int32_t>{1, 0, 1, 0, 1, 0});
        }
    }
}

TEST_CASE("k-means initial centroids by hand", "[core][compress][kmeans]") {
    const std::vector<float> values{0, 0, 0, 0, 1, 9, 10};
    CHECK(initialCentroids(values, 2, CentroidInit::Linear, 0) == std::vector<float>{0, 10});
    CHECK(initialCentroids(values, 3, CentroidInit::Linear, 0) == std::vector<float>{0, 5, 10});
    // density: quantiles 1/4 and 3/4 of 7 sorted values sit at positions 1 and 5.
    CHECK(initialCentroids(values, 2, CentroidInit::Density, 0) == std::vector<float>{0, 9});
    for (const float c : initialCentroids(values, 3, CentroidInit::Random, 5)) {
        CHECK(std::find(values.begin(), values.end(), c) != values.end());
    }
    const auto r = kmeans1d(values, 2, CentroidInit::Linear);
    CHECK(r.centroids[0] == Approx(0.2));
    CHECK(r.centroids[1] == Approx(9.5));
    CHECK(r.wcss == Approx(4 * 0.04 + 0.64 + 2 * 0.25));
}

TEST_CASE("k-means ties go to the lower centroid, and degenerate inputs are handled", "[core][compress][kmeans]") {
    const std::vector<float> three{0, 1, 2};
    const auto r = kmeans1d(three, 2, CentroidInit::Linear);  // 1 is equidistant from 0 and 2
    CHECK(r.labels == std::vector<std::int32_t>{0, 0, 1});
    CHECK(r.centroids == std::vector<float>{0.5f, 2.0f});
    CHECK(r.wcss == Approx(0.5));
    const std::vector<float> same{5, 5, 5};
    CHECK(kmeans1d(same, 3, CentroidInit::Linear).wcss == 0.0);
    CHECK(kmeans1d(std::vector<float>{-3.5f}, 1, CentroidInit::Density).centroids == std::vector<float>{-3.5f});
    CHECK_THROWS_AS(kmeans1d(std::vector<float>{}, 2, CentroidInit::Linear), SettingsError);
    CHECK_THROWS_AS(parseCentroidInit("spectral"), SettingsError);
}

TEST_CASE("k-means reaches a local optimum no nearest-centroid reassignment improves", "[core][compress][kmeans]") {
    std::vector<float> values;
    std::mt19937_64 rng(3);
    std::normal_distribution<float> normal(0, 0.05f);
    for (int i = 0; i < 5000; ++i) values.push_back(i % 10 == 0 ? 0.0f : normal(rng));
    const auto r = kmeans1d(values, 16, CentroidInit::Linear);
    CHECK(r.wcss == Approx(nearestCentroidWcss(values, r.centroids)).epsilon(1e-9));
    CHECK(std::is_sorted(r.centroids.begin(), r.centroids.end()));
}

TEST_CASE("Affine quantization parameters, rounding and clamping by hand", "[core][compress][quant]") {
    // [-1, 3] over 256 levels: scale 4/255, zero point round(-128 + 63.75) = -64.
    const auto p = affineParams(-1.0f, 3.0f, 8);
    CHECK(p.scale == Approx(4.0 / 255));
    CHECK(p.zeroPoint == -64);
    CHECK(quantize(0.0f, p) == -64);
    CHECK(dequantize(-64, p) == 0.0f);
    CHECK(quantize(3.0f, p) == 127);
    CHECK(quantize(-1.0f, p) == -128);
    CHECK(quantize(1.0f, p) == 0);  // round(63.75) - 64
    CHECK(quantize(100.0f, p) == 127);
    // A range without 0 is widened to include it.
    const auto positive = affineParams(0.5f, 2.0f, 8);
    CHECK(positive.zeroPoint == -128);
    CHECK(positive.scale == Approx(2.0 / 255));
    // Ties round away from zero.
    const QuantParams unit{1.0f, 0, -128, 127};
    CHECK(quantize(2.5f, unit) == 3);
    CHECK(quantize(-2.5f, unit) == -3);
    CHECK(quantize(-300.0f, unit) == -128);
}

TEST_CASE("Symmetric n-bit weight quantization uses the narrow range", "[core][compress][quant]") {
    const auto w8 = symmetricParams(0.5f, 8);
    CHECK(w8.zeroPoint == 0);
    CHECK(w8.qmin == -127);
    CHECK(w8.scale == Approx(0.5 / 127));
    CHECK(quantize(-0.5f, w8) == -127);
    CHECK(quantize(0.25f, w8) == 64);  // round(63.5)
    const auto w4 = symmetricParams(7.0f, 4);  // scale exactly 1, so the tie is exact
    CHECK(w4.qmax == 7);
    CHECK(w4.scale == 1.0f);
    CHECK(quantize(3.5f, w4) == 4);
    CHECK(quantize(-9.0f, w4) == -7);
    const auto w2 = symmetricParams(1.0f, 2);
    CHECK(w2.qmin == -1);
    CHECK(w2.qmax == 1);
    CHECK_THROWS_AS(symmetricParams(1.0f, 1), SettingsError);
}

TEST_CASE("Integer requantization by a fixed-point multiplier and shift", "[core][compress][quant]") {
    const auto tenth = quantizeMultiplier(0.1);  // 0.1 = 0.8 * 2^-3
    CHECK(tenth.multiplier == 1717986918);      // round(0.8 * 2^31)
    CHECK(tenth.shift == -3);
    CHECK(quantizeMultiplier(0.75).multiplier == 1610612736);
    CHECK(quantizeMultiplier(0.75).shift == 0);
    CHECK(multiplyByQuantizedMultiplier(1000, tenth) == 100);
    CHECK(multiplyByQuantizedMultiplier(1004, tenth) == 100);
    CHECK(multiplyByQuantizedMultiplier(1005, tenth) == 101);    // 100.5 rounds away from zero
    CHECK(multiplyByQuantizedMultiplier(-1005, tenth) == -101);
    const auto twoAndHalf = quantizeMultiplier(2.5);             // 0.625 * 2^2
    CHECK(twoAndHalf.shift == 2);
    CHECK(multiplyByQuantizedMultiplier(10, twoAndHalf) == 25);
    CHECK(quantizeMultiplier(0.0).multiplier == 0);
    const auto min = std::numeric_limits<std::int32_t>::min();
    CHECK(roundingDoublingHighMul(min, min) == std::numeric_limits<std::int32_t>::max());
    CHECK(roundingDivideByPowerOfTwo(12, 3) == 2);   // 1.5 -> 2
    CHECK(roundingDivideByPowerOfTwo(-12, 3) == -2);  // -1.5 -> -2
    CHECK(roundingDivideByPowerOfTwo(11, 3) == 1);
}

TEST_CASE("Byte counts of each encoding on a small known tensor", "[core][compress][size]") {
    // 20 weights, non-zero at 0, 11 and 12.
    std::vector<std::uint8_t> mask(20, 0);
    mask[0] = mask[11] = mask[12] = 1;
    CHECK(denseBytes(20, 32) == 80);
    CHECK(denseBytes(20, 8) == 20);
    CHECK(denseBytes(3, 4) == 2);
    CHECK(bitmaskSparseBytes(20, 3, 8) == 3 + 3);
    // 3-bit gaps reach 7: position 11 is 11 after position 0, so one filler entry bridges it.
    CHECK(relativeIndexEntries(mask, 3) == 4);
    CHECK(relativeIndexSparseBytes(mask, 3, 8) == 6);   // 4 * 11 bits = 44 bits
    CHECK(relativeIndexEntries(mask, 4) == 3);          // 4-bit gaps reach 15
    CHECK(indexBits(16) == 4);
    CHECK(indexBits(17) == 5);
    CHECK(indexBits(2) == 1);
    CHECK(clusteredBytes(100, 16, 32) == 64 + 50);
    const std::vector<std::int64_t> counts{5, 2, 1, 1};  // code lengths 1, 2, 3, 3
    CHECK(huffmanBits(counts) == 15);
    CHECK(huffmanBits(std::vector<std::int64_t>{7}) == 7);
    CHECK(huffmanBits(std::vector<std::int64_t>{}) == 0);
}
