// Prints the peak resident memory of loading datasets, each load in a child process of its own (so each peak is its
// own): Fashion-MNIST (IDX, gzip) and a generated 100 MB CSV table. What the bytes held in memory should be is
// printed beside it: the loaders read their files in bounded pieces, so the peak is the samples plus the copies
// that normalisation and splitting make, never the file's text or its inflated whole.
// Usage: bench_load_memory [FASHION_MNIST_DIR] [--csv-mb N]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "core/data/load_dataset.h"

namespace fs = std::filesystem;
using tinyforge::core::data::LoadOptions;

namespace {

// Runs `load` in a child; returns its peak RSS in MiB (or -1 when it failed).
double peakMiBOf(const std::function<void()>& load) {
    const pid_t pid = fork();
    if (pid == 0) {
        try {
            load();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "load failed: %s\n", e.what());
            _exit(1);
        }
        _exit(0);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double baselineMiB() {
    return peakMiBOf([] {});
}

fs::path makeCsv(double megabytes) {
    const fs::path file = fs::temp_directory_path() / "tinyforge-bench-100mb.csv";
    std::ofstream out(file);
    constexpr int kFeatures = 20;
    for (int c = 0; c < kFeatures; ++c) out << "f" << c << ",";
    out << "label\n";
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> value(-10, 10);
    char text[32];
    while (static_cast<double>(out.tellp()) < megabytes * 1e6) {
        for (int c = 0; c < kFeatures; ++c) {
            std::snprintf(text, sizeof text, "%.4f,", value(rng));
            out << text;
        }
        out << "class" << rng() % 5 << "\n";
    }
    return file;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path fashion = "/usr/share/datasets/fashion-mnist";
    double csvMb = 100;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--csv-mb" && i + 1 < argc) csvMb = std::stod(argv[++i]);
        else fashion = arg;
    }
    const double base = baselineMiB();
    std::printf("peak RSS of a child that loads nothing (the program and its libraries): %.1f MiB\n", base);
    if (fs::exists(fashion)) {
        std::int64_t samples = 0;
        const double peak = peakMiBOf([&] {
            LoadOptions options;
            options.path = fashion;
            samples = tinyforge::core::data::loadDataset(options).sampleCount();
        });
        std::printf("Fashion-MNIST (idx, gzip, 70,000 28x28 images: 54.9 MB of pixels): peak RSS %.1f MiB (+%.1f over the empty child)\n", peak,
                    peak - base);
    } else {
        std::printf("Fashion-MNIST not found at %s (Debian package dataset-fashion-mnist)\n", fashion.c_str());
    }
    const fs::path csv = makeCsv(csvMb);
    const auto csvBytes = static_cast<double>(fs::file_size(csv));
    const double peak = peakMiBOf([&] {
        LoadOptions options;
        options.path = csv;
        tinyforge::core::data::loadDataset(options);
    });
    std::printf("CSV, %.1f MB of text (20 float columns and a label): peak RSS %.1f MiB (+%.1f over the empty child)\n", csvBytes / 1e6, peak,
                peak - base);
    fs::remove(csv);
    return 0;
}
