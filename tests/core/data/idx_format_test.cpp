#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <zlib.h>

#include "core/data/load_dataset.h"
#include "core/error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {
Dataset loadIdx(const std::filesystem::path& folder) {
    LoadOptions options;
    options.path = folder;
    options.format = "idx";
    return loadDataset(options);
}

std::string idxErrorFor(const std::filesystem::path& folder) {
    try {
        loadIdx(folder);
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL("no DataError for " << folder);
    return {};
}
}  // namespace

TEST_CASE("IDX loader reads raw and gzipped files and keeps the official test split", "[core][data][idx]") {
    for (const bool gzip : {false, true}) {
        fx::TempDir dir;
        fx::writeIdxDataset(dir.path(), fx::balancedLabels(10, 5), fx::balancedLabels(10, 2), 4, 3, gzip);
        const Dataset data = loadIdx(dir.path());
        CHECK(data.sampleCount() == 70);
        CHECK(data.samples.sampleShape == std::vector<std::int64_t>{1, 4, 3});
        CHECK(data.samples.classNames.size() == 10);
        CHECK(data.samples.classNames[3] == "3");  // digits unless the path says fashion
        CHECK(data.splits.test.size() == 20);
        CHECK(data.splits.test.front() == 50);  // the t10k files, in file order
        CHECK(data.splits.val.size() + data.splits.train.size() == 50);
        // Pixel (n=1, y=2, x=1) of the fixture is (7 + 6 + 1) % 256.
        CHECK(data.samples.pixels[1 * 12 + 2 * 3 + 1] == 14);
        CHECK(data.samples.labels[51] == 1);
    }
}

TEST_CASE("IDX loader accepts the dotted file names and a folder without test files", "[core][data][idx]") {
    fx::TempDir dir;
    fx::writeBytes(dir / "train-images.idx3-ubyte", fx::idxImages(20, 2, 2));
    fx::writeBytes(dir / "train-labels.idx1-ubyte", fx::idxLabels(fx::balancedLabels(2, 10)));
    const Dataset data = loadIdx(dir.path());
    CHECK(data.sampleCount() == 20);
    CHECK(data.splits.test.size() == 4);  // 20% of each class held out, as no official split exists
}

TEST_CASE("IDX loader reads the real Fashion-MNIST", "[core][data][idx][real-data]") {
    const std::filesystem::path folder = "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(folder)) {
        WARN("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist): skipped");
        return;
    }
    const Dataset data = loadIdx(folder);
    CHECK(data.name == "fashion-mnist");
    CHECK(data.sampleCount() == 70000);
    CHECK(data.samples.sampleShape == std::vector<std::int64_t>{1, 28, 28});
    CHECK(data.samples.classNames.front() == "T-shirt/top");
    CHECK(data.samples.classNames.back() == "Ankle boot");
    CHECK(data.splits.test.size() == 10000);
    CHECK(data.splits.val.size() == 6000);
    CHECK(classHistogram(data, data.splits.test) == std::vector<std::int64_t>(10, 1000));
    // Fashion-MNIST's training pixels average about 0.286 with a deviation of about 0.353 on the [0, 1] scale.
    CHECK(data.normalization.mean[0] == Approx(0.286).margin(0.002));
    CHECK(data.normalization.stddev[0] == Approx(0.353).margin(0.002));
}

TEST_CASE("IDX loader rejects damaged files with the file and the problem named", "[core][data][idx][bad-input]") {
    fx::TempDir dir;
    auto reset = [&] {
        std::filesystem::remove_all(dir.path());
        fx::writeIdxDataset(dir.path(), fx::balancedLabels(2, 3), {}, 4, 4, false);
    };
    const auto images = dir / "train-images-idx3-ubyte";
    const auto labels = dir / "train-labels-idx1-ubyte";

    SECTION("wrong magic in the images") {
        reset();
        auto bytes = fx::idxImages(6, 4, 4);
        bytes[3] = 0x01;
        fx::writeBytes(images, bytes);
        CHECK_THAT(idxErrorFor(dir.path()), Contains(images.string()) && Contains("wrong magic number 0x00000801"));
    }
    SECTION("wrong magic in the labels") {
        reset();
        fx::writeBytes(labels, fx::idxImages(6, 4, 4));
        CHECK_THAT(idxErrorFor(dir.path()), Contains(labels.string()) && Contains("wrong magic number 0x00000803"));
    }
    SECTION("truncated header") {
        reset();
        fx::writeBytes(images, fx::truncated(fx::idxImages(6, 4, 4), 10));
        CHECK_THAT(idxErrorFor(dir.path()), Contains("truncated header: 10 bytes"));
    }
    SECTION("truncated pixels") {
        reset();
        fx::writeBytes(images, fx::truncated(fx::idxImages(6, 4, 4), 16 + 50));
        CHECK_THAT(idxErrorFor(dir.path()), Contains("declares 6 images of 4x4 (112 bytes) but the file holds 66"));
    }
    SECTION("empty file") {
        reset();
        fx::writeBytes(images, {});
        CHECK_THAT(idxErrorFor(dir.path()), Contains("truncated header: 0 bytes"));
    }
    SECTION("absurd dimensions are refused before any allocation") {
        reset();
        auto bytes = fx::idxImages(6, 4, 4);
        bytes[8] = 0x7f;  // rows = 0x7f000004
        fx::writeBytes(images, bytes);
        CHECK_THAT(idxErrorFor(dir.path()), Contains("outside 1..4096"));
    }
    SECTION("a huge image count with a tiny file") {
        reset();
        auto bytes = fx::idxImages(6, 4, 4);
        bytes[4] = bytes[5] = bytes[6] = bytes[7] = 0xff;
        fx::writeBytes(images, bytes);
        CHECK_THAT(idxErrorFor(dir.path()), Contains("declares 4294967295 images"));
    }
    SECTION("image and label counts differ") {
        reset();
        fx::writeBytes(labels, fx::idxLabels(fx::balancedLabels(2, 2)));
        CHECK_THAT(idxErrorFor(dir.path()), Contains(labels.string()) && Contains("holds 4 labels but train-images-idx3-ubyte holds 6 images"));
    }
    SECTION("label count disagrees with the label file's size") {
        reset();
        auto bytes = fx::idxLabels(fx::balancedLabels(2, 3));
        bytes.pop_back();
        fx::writeBytes(labels, bytes);
        CHECK_THAT(idxErrorFor(dir.path()), Contains("declares 6 labels but the file holds 5"));
    }
    SECTION("truncated gzip stream") {
        std::filesystem::remove_all(dir.path());
        fx::writeIdxDataset(dir.path(), fx::balancedLabels(2, 300), {}, 8, 8, true);
        const auto gz = dir / "train-images-idx3-ubyte.gz";
        std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
        CHECK_THAT(idxErrorFor(dir.path()), Contains(gz.string()) && Contains("gzip"));
    }
    SECTION("no images") {
        std::filesystem::remove_all(dir.path());
        fx::writeIdxDataset(dir.path(), {}, {}, 4, 4, false);
        CHECK_THAT(idxErrorFor(dir.path()), Contains("holds no images"));
    }
    SECTION("labels file missing") {
        reset();
        std::filesystem::remove(labels);
        CHECK_THAT(idxErrorFor(dir.path()), Contains("no train-labels-idx1-ubyte"));
    }
    SECTION("test images of another size") {
        reset();
        fx::writeBytes(dir / "t10k-images-idx3-ubyte", fx::idxImages(2, 5, 5));
        fx::writeBytes(dir / "t10k-labels-idx1-ubyte", fx::idxLabels({0, 1}));
        CHECK_THAT(idxErrorFor(dir.path()), Contains("unlike the training images"));
    }
    SECTION("a folder without IDX files, and a missing folder") {
        std::filesystem::remove_all(dir.path());
        std::filesystem::create_directories(dir.path());
        CHECK_THAT(idxErrorFor(dir.path()), Contains("no train-images-idx3-ubyte"));
        CHECK_THAT(idxErrorFor(dir / "absent"), Contains("not a folder"));
    }
}

namespace {
// Peak resident memory of this process so far (each test case runs in a process of its own under ctest).
long peakRssKiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}
}  // namespace

TEST_CASE("A gzip bomb is refused after the bytes its header declares, within a fixed memory bound", "[core][data][idx][bad-input][memory]") {
    fx::TempDir dir;
    fx::writeIdxDataset(dir.path(), fx::balancedLabels(2, 2), {}, 4, 4, true);
    // train-images: a header that declares one 28x28 image, then 1 GiB of zeros: about 1 MB of gzip.
    const auto bomb = dir / "train-images-idx3-ubyte.gz";
    std::filesystem::remove(bomb);
    gzFile gz = gzopen(bomb.c_str(), "wb9");
    REQUIRE(gz != nullptr);
    const auto header = fx::idxImages(1, 28, 28);
    gzwrite(gz, header.data(), 16);
    const std::vector<char> zeros(1 << 20, 0);
    for (int i = 0; i < 1024; ++i) gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size()));
    gzclose(gz);
    CHECK(std::filesystem::file_size(bomb) < (4 << 20));

    const long before = peakRssKiB();
    CHECK_THAT(idxErrorFor(dir.path()), Contains(bomb.string()) && Contains("declares 1 images of 28x28") && Contains("holds more bytes"));
    const long grown = peakRssKiB() - before;
    INFO("peak RSS grew by " << grown << " KiB");
    CHECK(grown < 32 * 1024);  // the old reader inflated the whole gigabyte first
}

TEST_CASE("A header that declares more than the size limit is refused before anything is read", "[core][data][idx][bad-input][memory]") {
    fx::TempDir dir;
    fx::writeIdxDataset(dir.path(), fx::balancedLabels(2, 2), {}, 4, 4, false);
    auto header = fx::idxImages(1, 4096, 4096);
    header[4] = header[5] = 0x7f;  // about 2^30 images of 4096x4096
    fx::writeBytes(dir / "train-images-idx3-ubyte", header);
    CHECK_THAT(idxErrorFor(dir.path()), Contains("more than the 8 GiB limit"));
}
