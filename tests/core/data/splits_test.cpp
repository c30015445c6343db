#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "core/data/normalization.h"
#include "core/data/splits.h"

using namespace tinyforge::core::data;

namespace {
std::vector<std::int64_t> labelsOf(const std::vector<std::int64_t>& all, const std::vector<std::int64_t>& idx) {
    std::vector<std::int64_t> out;
    for (const auto i : idx) out.push_back(all[static_cast<std::size_t>(i)]);
    return out;
}
std::int64_t countOf(const std::vector<std::int64_t>& labels, std::int64_t cls) {
    return std::count(labels.begin(), labels.end(), cls);
}
}  // namespace

TEST_CASE("Stratified splits keep class proportions and cover every sample once", "[core][data][splits]") {
    std::vector<std::int64_t> labels;
    for (int i = 0; i < 100; ++i) labels.push_back(i < 60 ? 0 : (i < 90 ? 1 : 2));  // 60 / 30 / 10
    const Splits s = stratifiedSplits(labels, 3, -1, 0.25, 0.2, 7);
    // Test: round(0.2 n) per class = 12, 6, 2. Validation: round(0.25 of the rest) = 12, 6, 2.
    CHECK(countOf(labelsOf(labels, s.test), 0) == 12);
    CHECK(countOf(labelsOf(labels, s.test), 1) == 6);
    CHECK(countOf(labelsOf(labels, s.test), 2) == 2);
    CHECK(countOf(labelsOf(labels, s.val), 0) == 12);
    CHECK(countOf(labelsOf(labels, s.val), 2) == 2);
    CHECK(s.train.size() == 60);
    std::set<std::int64_t> all(s.train.begin(), s.train.end());
    all.insert(s.val.begin(), s.val.end());
    all.insert(s.test.begin(), s.test.end());
    CHECK(all.size() == 100);
    CHECK(std::is_sorted(s.train.begin(), s.train.end()));
}

TEST_CASE("Splits repeat for a seed and change with it", "[core][data][splits]") {
    std::vector<std::int64_t> labels(200);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 4);
    const Splits a = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 1);
    const Splits b = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 1);
    const Splits c = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 2);
    CHECK(a.test == b.test);
    CHECK(a.val == b.val);
    CHECK(a.test != c.test);
}

TEST_CASE("An official test split is kept exactly and only the rest is split", "[core][data][splits]") {
    std::vector<std::int64_t> labels(50);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 2);
    const Splits s = stratifiedSplits(labels, 2, 40, 0.1, 0.5, 3);
    std::vector<std::int64_t> expectedTest{40, 41, 42, 43, 44, 45, 46, 47, 48, 49};
    CHECK(s.test == expectedTest);
    CHECK(s.val.size() == 4);
    CHECK(s.train.size() == 36);
    CHECK(std::all_of(s.train.begin(), s.train.end(), [](auto i) { return i < 40; }));
}

TEST_CASE("Normalisation statistics come from the given (training) samples only", "[core][data][normalization]") {
    LoadedSamples table;
    table.kind = SampleKind::Table;
    table.sampleShape = {2};
    table.values = {1, 10, 3, 10, 1000, -1000};  // the third row stands for test data
    table.labels = {0, 1, 0};
    const Normalization n = computeNormalization(table, {0, 1});
    CHECK(n.mean == std::vector<float>{2.0f, 10.0f});
    CHECK(n.stddev[0] == Approx(1.0));  // population stddev of {1, 3}
    CHECK(n.stddev[1] == 1.0f);         // constant feature: 1, not 0

    LoadedSamples images;
    images.kind = SampleKind::Image;
    images.sampleShape = {2, 1, 2};
    images.pixels = {0, 255, 51, 51, /* second image */ 255, 0, 51, 51};
    images.labels = {0, 1};
    const Normalization m = computeNormalization(images, {0, 1});
    CHECK(m.mean[0] == Approx(0.5));
    CHECK(m.stddev[0] == Approx(0.5));
    CHECK(m.mean[1] == Approx(0.2));
    CHECK(m.stddev[1] == 1.0f);
}

TEST_CASE("A label budget trains on a share of each class and leaves validation and test as they were", "[core][data][splits]") {
    std::vector<std::int64_t> labels(200);
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 4);  // 50 per class
    const Splits full = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 1);
    const Splits quarter = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 1, 0.25);
    CHECK(quarter.test == full.test);
    CHECK(quarter.val == full.val);
    // Per class: 50 - 10 test - 4 validation = 36 left; a quarter is 9, so 36 in all, each a sample of the full train.
    CHECK(full.train.size() == 144);
    REQUIRE(quarter.train.size() == 36);
    CHECK(std::includes(full.train.begin(), full.train.end(), quarter.train.begin(), quarter.train.end()));
    for (std::int64_t c = 0; c < 4; ++c) CHECK(std::count_if(quarter.train.begin(), quarter.train.end(), [&](auto i) { return labels[i] == c; }) == 9);
    // A budget too small for a class still trains on one sample of it.
    const Splits tiny = stratifiedSplits(labels, 4, -1, 0.1, 0.2, 1, 0.001);
    CHECK(tiny.train.size() == 4);
}
