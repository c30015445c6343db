#include <catch2/catch.hpp>

#include "core/data/load_dataset.h"
#include "core/error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

LoadOptions folderOptions(const std::filesystem::path& root, int size = 8, int channels = 0) {
    LoadOptions options;
    options.path = root;
    options.format = "folder";
    options.imageWidth = size;
    options.imageHeight = size;
    options.imageChannels = channels;
    return options;
}

std::string errorFor(const LoadOptions& options) {
    try {
        loadDataset(options);
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL("no DataError for " << options.path);
    return {};
}

class RecordingObserver final : public ProgressObserver {
public:
    void onProgress(const ProgressEvent& event) override { events.push_back(event); }
    bool stopRequested() const override { return stopAfterFirst && !events.empty(); }
    std::vector<ProgressEvent> events;
    bool stopAfterFirst = false;
};

}  // namespace

TEST_CASE("Folder loader takes one class per sub-folder, finds nested images and resizes them", "[core][data][folder]") {
    fx::TempDir dir;
    // An iris-recognition layout: subject/eye/image, in three formats and sizes.
    fx::writeSolidImage(dir / "001/L/S1001L01.png", 20, 10, 3, 0, 0, 255);  // pure red
    fx::writeSolidImage(dir / "001/R/S1001R01.bmp", 7, 7, 3, 0, 0, 255);
    fx::writeSolidImage(dir / "002/S1002L01.jpg", 16, 16, 3, 255, 0, 0);  // pure blue
    fx::writeText(dir / "002/notes.txt", "not an image: ignored");
    fx::writeText(dir / ".thumbnails/x.png", "hidden folders are not classes");

    RecordingObserver observer;
    const Dataset data = loadDataset(folderOptions(dir.path()), &observer);
    CHECK(data.samples.classNames == std::vector<std::string>{"001", "002"});
    CHECK(data.samples.labels == std::vector<std::int64_t>{0, 0, 1});
    CHECK(data.samples.sampleShape == std::vector<std::int64_t>{3, 8, 8});
    const std::size_t plane = 64;
    CHECK(data.samples.pixels[0] == 255);          // sample 0, red plane
    CHECK(data.samples.pixels[2 * plane] == 0);    // sample 0, blue plane
    CHECK(data.samples.pixels[2 * 3 * plane + 2 * plane] >= 250);  // sample 2 (JPEG), blue plane
    REQUIRE_FALSE(observer.events.empty());
    CHECK(observer.events.back().done == 3);
    CHECK(observer.events.back().total == 3);
}

TEST_CASE("Folder loader keeps grayscale images single-channel unless told otherwise", "[core][data][folder]") {
    fx::TempDir dir;
    fx::writeSolidImage(dir / "a/1.pgm", 12, 12, 1, 40, 0, 0);
    fx::writeSolidImage(dir / "b/2.png", 12, 12, 1, 200, 0, 0);
    const Dataset gray = loadDataset(folderOptions(dir.path(), 6));
    CHECK(gray.samples.sampleShape == std::vector<std::int64_t>{1, 6, 6});
    CHECK(gray.samples.pixels[0] == 40);
    CHECK(gray.samples.pixels[36] == 200);
    const Dataset colour = loadDataset(folderOptions(dir.path(), 6, 3));
    CHECK(colour.samples.sampleShape == std::vector<std::int64_t>{3, 6, 6});
    CHECK(colour.samples.pixels[3 * 36 + 2 * 36] == 200);
}

TEST_CASE("Folder loader can be cancelled while decoding", "[core][data][folder]") {
    fx::TempDir dir;
    for (int i = 0; i < 40; ++i) fx::writeSolidImage(dir / ("c" + std::to_string(i % 2)) / (std::to_string(i) + ".png"), 64, 64, 3, i, i, i);
    RecordingObserver observer;
    observer.stopAfterFirst = true;
    CHECK_THROWS_AS(loadDataset(folderOptions(dir.path()), &observer), Cancelled);
}

TEST_CASE("Folder loader rejects unusable folders and images, naming them", "[core][data][folder][bad-input]") {
    fx::TempDir dir;
    SECTION("no class folders") {
        fx::writeSolidImage(dir / "loose.png", 4, 4, 1, 0, 0, 0);
        CHECK_THAT(errorFor(folderOptions(dir.path())), Contains("has no class sub-folders"));
    }
    SECTION("an empty class") {
        fx::writeSolidImage(dir / "a/1.png", 4, 4, 1, 0, 0, 0);
        std::filesystem::create_directories(dir / "b");
        CHECK_THAT(errorFor(folderOptions(dir.path())), Contains((dir / "b").string()) && Contains("holds no images"));
    }
    SECTION("a single class") {
        fx::writeSolidImage(dir / "a/1.png", 4, 4, 1, 0, 0, 0);
        CHECK_THAT(errorFor(folderOptions(dir.path())), Contains("single class folder ('a')"));
    }
    SECTION("an unreadable image") {
        fx::writeSolidImage(dir / "a/1.png", 4, 4, 1, 0, 0, 0);
        fx::writeText(dir / "b/broken.jpg", "this is not a JPEG");
        CHECK_THAT(errorFor(folderOptions(dir.path())), Contains((dir / "b/broken.jpg").string()) && Contains("not an image the studio reads"));
    }
    SECTION("an image whose header is sound but whose data is cut off") {
        fx::writeSolidImage(dir / "a/1.png", 4, 4, 1, 0, 0, 0);
        fx::writeSolidImage(dir / "b/whole.png", 40, 40, 1, 0, 0, 0);
        const auto whole = fx::readText(dir / "b/whole.png");
        fx::writeText(dir / "b/cut.png", whole.substr(0, 40));  // IHDR intact, no image data
        CHECK_THAT(errorFor(folderOptions(dir.path())), Contains((dir / "b/cut.png").string()) && Contains("cannot be decoded"));
    }
    SECTION("a missing path") {
        CHECK_THAT(errorFor(folderOptions(dir / "nowhere")), Contains("not a folder"));
    }
    SECTION("an absurd image size is a settings error") {
        CHECK_THROWS_AS(loadDataset(folderOptions(dir.path(), 100000)), SettingsError);
    }
}
