// Prints how long the dataset loaders take: Fashion-MNIST (the 2 s goal) and a generated folder of PNG images.
// Usage: bench_dataset_load [FASHION_MNIST_DIR] [--repeat N]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/data/load_dataset.h"

namespace fs = std::filesystem;
using tinyforge::core::data::LoadOptions;

namespace {

double secondsToLoad(const LoadOptions& options, std::int64_t& samples) {
    const auto start = std::chrono::steady_clock::now();
    samples = tinyforge::core::data::loadDataset(options).sampleCount();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* what, const LoadOptions& options, int repeat) {
    std::vector<double> times;
    std::int64_t samples = 0;
    for (int i = 0; i < repeat; ++i) times.push_back(secondsToLoad(options, samples));
    std::sort(times.begin(), times.end());
    std::printf("%-34s samples=%-7lld best=%.3f s  median=%.3f s  (%d runs)\n", what, static_cast<long long>(samples),
                times.front(), times[times.size() / 2], repeat);
}

fs::path makeFolderDataset(int classes, int perClass) {
    const fs::path root = fs::temp_directory_path() / "tinyforge-bench-folder";
    fs::remove_all(root);
    cv::RNG rng(1);
    for (int c = 0; c < classes; ++c) {
        fs::create_directories(root / ("class" + std::to_string(c)));
        for (int i = 0; i < perClass; ++i) {
            cv::Mat image(96, 96, CV_8UC3);
            rng.fill(image, cv::RNG::UNIFORM, 0, 255);
            cv::imwrite((root / ("class" + std::to_string(c)) / (std::to_string(i) + ".png")).string(), image);
        }
    }
    return root;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path fashion = "/usr/share/datasets/fashion-mnist";
    int repeat = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
        else fashion = arg;
    }
    if (fs::exists(fashion)) {
        LoadOptions options;
        options.path = fashion;
        report("Fashion-MNIST (idx, gzip)", options, repeat);
    } else {
        std::printf("Fashion-MNIST not found at %s (Debian package dataset-fashion-mnist)\n", fashion.c_str());
    }
    const fs::path folder = makeFolderDataset(4, 500);
    LoadOptions options;
    options.path = folder;
    options.imageWidth = options.imageHeight = 32;
    report("folder: 2000 PNG 96x96 -> 32x32 RGB", options, repeat);
    fs::remove_all(folder);
    return 0;
}
