// Weight clustering speed: the studio's 1-D k-means against OpenCV's cv::kmeans on the same weights.
// Prints time (best of --repeat runs) and the within-cluster sum of squares (lower is better) for each.
// Usage: bench_kmeans [--weights N] [--clusters K] [--repeat R]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/compress/kmeans1d.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace tinyforge::core::compress;

// Weights shaped like a trained layer's: mostly a narrow bell with heavier tails.
std::vector<float> syntheticWeights(int n) {
    std::mt19937_64 rng(7);
    std::normal_distribution<float> narrow(0.0f, 0.04f), wide(0.0f, 0.15f);
    std::vector<float> w(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) w[static_cast<std::size_t>(i)] = (i % 10 == 0) ? wide(rng) : narrow(rng);
    return w;
}

template <typename F>
double bestSeconds(int repeat, F&& run) {
    double best = 1e30;
    for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        run();
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    int n = 1'000'000, k = 16, repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--weights") n = std::stoi(argv[i + 1]);
        else if (arg == "--clusters") k = std::stoi(argv[i + 1]);
        else if (arg == "--repeat") repeat = std::stoi(argv[i + 1]);
    }
    const auto weights = syntheticWeights(n);
    std::printf("%d weights, %d clusters, best of %d, OpenCV threads %d\n", n, k, repeat, cv::getNumThreads());
    std::printf("%-30s %10s %14s %6s\n", "method", "seconds", "WCSS", "iters");

    for (const auto& [name, init] : std::vector<std::pair<const char*, CentroidInit>>{
             {"tinyforge linear init", CentroidInit::Linear}, {"tinyforge density init", CentroidInit::Density},
             {"tinyforge kmeans++ init", CentroidInit::KMeansPlusPlus}, {"tinyforge random init", CentroidInit::Random}}) {
        KMeansResult result;
        const double seconds = bestSeconds(repeat, [&] { result = kmeans1d(weights, k, init, 1); });
        std::printf("%-30s %10.4f %14.6f %6d\n", name, seconds, result.wcss, result.iterations);
    }

    const cv::Mat samples(n, 1, CV_32F, const_cast<float*>(weights.data()));
    for (const auto& [name, flags] : std::vector<std::pair<const char*, int>>{{"cv::kmeans kmeans++ init", cv::KMEANS_PP_CENTERS},
                                                                             {"cv::kmeans random init", cv::KMEANS_RANDOM_CENTERS}}) {
        double compactness = 0;
        const double seconds = bestSeconds(repeat, [&] {
            cv::Mat labels, centers;
            cv::setRNGSeed(1);
            compactness = cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 300, 1e-7),
                                     1, flags, centers);
        });
        std::printf("%-30s %10.4f %14.6f %6s\n", name, seconds, compactness, "-");
    }
    return 0;
}
