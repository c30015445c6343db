#include "core/compress/kmeans1d.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "core/error.h"

namespace tinyforge::core::compress {

namespace {

// Order-preserving key: IEEE floats compare like these unsigned integers.
std::uint32_t sortKey(float value) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

// LSD radix sort on 11-bit digits: three linear passes, several times faster than std::sort on a million floats.
std::vector<float> radixSorted(std::span<const float> values) {
    std::vector<float> a(values.begin(), values.end()), b(values.size());
    for (int shift = 0; shift < 33; shift += 11) {
        std::vector<std::size_t> count(2049, 0);
        for (const float v : a) ++count[((sortKey(v) >> shift) & 2047u) + 1];
        for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
        for (const float v : a) b[count[(sortKey(v) >> shift) & 2047u]++] = v;
        a.swap(b);
    }
    return a;
}

// Sorted values with prefix sums: any cluster [begin, end) has its mean and squared error in O(1).
class SortedValues {
public:
    explicit SortedValues(std::span<const float> values) : sorted_(radixSorted(values)) {
        sum_.resize(sorted_.size() + 1, 0.0);
        squares_.resize(sorted_.size() + 1, 0.0);
        for (std::size_t i = 0; i < sorted_.size(); ++i) {
            sum_[i + 1] = sum_[i] + sorted_[i];
            squares_[i + 1] = squares_[i] + static_cast<double>(sorted_[i]) * sorted_[i];
        }
    }
    std::size_t size() const { return sorted_.size(); }
    const std::vector<float>& values() const { return sorted_; }
    double sum(std::size_t b, std::size_t e) const { return sum_[e] - sum_[b]; }
    // sum over [b, e) of (x - c)^2
    double squaredError(std::size_t b, std::size_t e, double c) const {
        const double n = static_cast<double>(e - b);
        return std::max(0.0, (squares_[e] - squares_[b]) - 2 * c * sum(b, e) + c * c * n);
    }
    // First position of each cluster 1..k-1 given ascending centroids; ties go to the lower centroid.
    std::vector<std::size_t> boundaries(const std::vector<float>& centroids) const {
        std::vector<std::size_t> starts{0};
        for (std::size_t j = 0; j + 1 < centroids.size(); ++j) {
            const float mid = centroids[j] + (centroids[j + 1] - centroids[j]) / 2;
            starts.push_back(static_cast<std::size_t>(std::upper_bound(sorted_.begin(), sorted_.end(), mid) - sorted_.begin()));
        }
        starts.push_back(sorted_.size());
        return starts;
    }

private:
    std::vector<float> sorted_;
    std::vector<double> sum_, squares_;
};

std::vector<float> kmeansPlusPlus(const std::vector<float>& sorted, int k, std::mt19937_64& rng) {
    std::vector<float> centroids{sorted[std::uniform_int_distribution<std::size_t>(0, sorted.size() - 1)(rng)]};
    std::vector<double> distance(sorted.size(), std::numeric_limits<double>::infinity());
    while (static_cast<int>(centroids.size()) < k) {
        double total = 0;
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            const double d = sorted[i] - centroids.back();
            distance[i] = std::min(distance[i], d * d);
            total += distance[i];
        }
        if (total <= 0) {  // fewer distinct values than clusters
            centroids.push_back(centroids.back());
            continue;
        }
        double pick = std::uniform_real_distribution<double>(0, total)(rng);
        std::size_t i = 0;
        while (i + 1 < sorted.size() && (pick -= distance[i]) > 0) ++i;
        centroids.push_back(sorted[i]);
    }
    return centroids;
}

}  // namespace

CentroidInit parseCentroidInit(const std::string& name) {
    if (name == "linear") return CentroidInit::Linear;
    if (name == "random") return CentroidInit::Random;
    if (name == "density") return CentroidInit::Density;
    if (name == "kmeans++") return CentroidInit::KMeansPlusPlus;
    throw SettingsError("unknown centroid initialisation '" + name + "' (known: linear, random, density, kmeans++)");
}

std::vector<float> initialCentroids(std::span<const float> values, int k, CentroidInit init, std::uint64_t seed) {
    if (k < 1 || values.empty()) throw SettingsError("k-means needs k >= 1 and at least one value");
    const auto sorted = radixSorted(values);
    const float lo = sorted.front(), hi = sorted.back();
    const auto n = sorted.size();
    std::vector<float> centroids;
    std::mt19937_64 rng(seed);
    switch (init) {
        case CentroidInit::Linear:
            for (int j = 0; j < k; ++j) centroids.push_back(k == 1 ? (lo + hi) / 2 : lo + (hi - lo) * j / (k - 1));
            break;
        case CentroidInit::Density:
            for (int j = 0; j < k; ++j) {
                const auto position = static_cast<std::size_t>((j + 0.5) / k * static_cast<double>(n));
                centroids.push_back(sorted[std::min(position, n - 1)]);
            }
            break;
        case CentroidInit::Random:
            for (int j = 0; j < k; ++j) centroids.push_back(sorted[std::uniform_int_distribution<std::size_t>(0, n - 1)(rng)]);
            break;
        case CentroidInit::KMeansPlusPlus:
            centroids = kmeansPlusPlus(sorted, k, rng);
            break;
    }
    std::sort(centroids.begin(), centroids.end());
    return centroids;
}

KMeansResult kmeans1d(std::span<const float> values, int k, CentroidInit init, std::uint64_t seed, int maxIterations) {
    KMeansResult result;
    result.centroids = initialCentroids(values, k, init, seed);
    const SortedValues data(values);
    auto starts = data.boundaries(result.centroids);
    for (result.iterations = 0; result.iterations < maxIterations; ++result.iterations) {
        for (int j = 0; j < k; ++j) {
            const auto b = starts[j], e = starts[j + 1];
            if (e > b) result.centroids[j] = static_cast<float>(data.sum(b, e) / static_cast<double>(e - b));
        }
        std::sort(result.centroids.begin(), result.centroids.end());  // an empty cluster's centroid may be out of order
        auto next = data.boundaries(result.centroids);
        if (next == starts) break;
        starts = std::move(next);
    }
    for (int j = 0; j < k; ++j) result.wcss += data.squaredError(starts[j], starts[j + 1], result.centroids[j]);

    // Labels in input order: the cluster whose range holds each value.
    std::vector<float> mids;
    for (int j = 0; j + 1 < k; ++j) mids.push_back(result.centroids[j] + (result.centroids[j + 1] - result.centroids[j]) / 2);
    result.labels.resize(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        result.labels[i] = static_cast<std::int32_t>(std::lower_bound(mids.begin(), mids.end(), values[i]) - mids.begin());
    }
    return result;
}

double nearestCentroidWcss(std::span<const float> values, std::span<const float> centroids) {
    double total = 0;
    for (const float v : values) {
        double best = std::numeric_limits<double>::infinity();
        for (const float c : centroids) best = std::min(best, static_cast<double>(v - c) * (v - c));
        total += best;
    }
    return total;
}

}  // namespace tinyforge::core::compress
