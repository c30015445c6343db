#pragma once
// One-dimensional k-means for weight clustering (Han et al. 2016, Deep Compression): minimises the within-cluster
// sum of squares. One sort of the values, then every Lloyd step is k - 1 binary searches and prefix sums, so an
// iteration costs O(k log n) instead of O(n k).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyforge::core::compress {

enum class CentroidInit {
    Linear,       ///< evenly spaced between the smallest and largest value (Deep Compression's best)
    Random,       ///< k values drawn from the data (Forgy)
    Density,      ///< evenly spaced on the values' CDF: the quantiles (j + 1/2) / k
    KMeansPlusPlus  ///< D^2 sampling (Arthur and Vassilvitskii 2007)
};

/// "linear", "random", "density", "kmeans++"; throws SettingsError for anything else.
CentroidInit parseCentroidInit(const std::string& name);

struct KMeansResult {
    std::vector<float> centroids;       ///< ascending
    std::vector<std::int32_t> labels;   ///< cluster of each input value, in input order
    double wcss = 0;                    ///< within-cluster sum of squares
    int iterations = 0;
};

/// The initial centroids (ascending) for `values` under `init`; `seed` drives random and kmeans++.
std::vector<float> initialCentroids(std::span<const float> values, int k, CentroidInit init, std::uint64_t seed);

/// Clusters `values` into k groups by Lloyd's algorithm until no value changes cluster (or maxIterations).
/// A cluster that empties keeps its centroid. Values equidistant from two centroids join the lower one.
/// Throws SettingsError for k < 1 or empty input.
KMeansResult kmeans1d(std::span<const float> values, int k, CentroidInit init, std::uint64_t seed = 0,
                      int maxIterations = 300);

/// Within-cluster sum of squares of `values` assigned to their nearest of `centroids` (for comparisons).
double nearestCentroidWcss(std::span<const float> values, std::span<const float> centroids);

}  // namespace tinyforge::core::compress
