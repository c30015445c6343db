#include <catch2/catch.hpp>

#include "core/data/load_dataset.h"
#include "core/error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {

std::vector<std::vector<std::uint8_t>> singleLabels(const std::vector<std::uint8_t>& labels) {
    std::vector<std::vector<std::uint8_t>> out;
    for (const auto l : labels) out.push_back({l});
    return out;
}

// Five training batches of 4 records (labels 0..9 cycling) and a test batch of 3.
std::vector<std::pair<std::string, fx::Bytes>> cifar10Members(const std::string& prefix) {
    std::vector<std::pair<std::string, fx::Bytes>> members;
    for (int b = 1; b <= 5; ++b) {
        std::vector<std::uint8_t> labels;
        for (int r = 0; r < 4; ++r) labels.push_back(static_cast<std::uint8_t>(((b - 1) * 4 + r) % 10));
        members.emplace_back(prefix + "data_batch_" + std::to_string(b) + ".bin", fx::cifarRecords(singleLabels(labels)));
    }
    members.emplace_back(prefix + "test_batch.bin", fx::cifarRecords(singleLabels({3, 4, 5})));
    return members;
}

void writeMembers(const std::filesystem::path& folder, const std::vector<std::pair<std::string, fx::Bytes>>& members) {
    for (const auto& [name, bytes] : members) fx::writeBytes(folder / name, bytes);
}

Dataset load(const std::filesystem::path& path, const std::string& format = "auto", const std::string& labels = "fine") {
    LoadOptions options;
    options.path = path;
    options.format = format;
    options.cifar100Labels = labels;
    return loadDataset(options);
}

std::string errorFor(const std::filesystem::path& path, const std::string& format) {
    try {
        load(path, format);
    } catch (const DataError& e) {
        return e.what();
    }
    FAIL("no DataError for " << path);
    return {};
}

void checkCifar10(const Dataset& data) {
    CHECK(data.format == "cifar10");
    CHECK(data.sampleCount() == 23);
    CHECK(data.samples.sampleShape == std::vector<std::int64_t>{3, 32, 32});
    CHECK(data.splits.test == std::vector<std::int64_t>{20, 21, 22});
    CHECK(data.samples.labels[21] == 4);
    // Record 1 of batch 1: red plane (1), green plane (81), blue plane (161).
    CHECK(data.samples.pixels[3072 * 1 + 0] == 1);
    CHECK(data.samples.pixels[3072 * 1 + 1024] == 81);
    CHECK(data.samples.pixels[3072 * 1 + 2048 + 1023] == 161);
}

}  // namespace

TEST_CASE("CIFAR-10 loads from the extracted folder, its parent, and the .tar.gz", "[core][data][cifar]") {
    fx::TempDir dir;
    const auto members = cifar10Members("cifar-10-batches-bin/");
    writeMembers(dir.path(), members);
    fx::writeText(dir / "cifar-10-batches-bin/batches.meta.txt", "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    const Dataset fromFolder = load(dir / "cifar-10-batches-bin");
    checkCifar10(fromFolder);
    CHECK(fromFolder.samples.classNames.front() == "plane");  // from batches.meta.txt
    checkCifar10(load(dir.path()));

    fx::writeGzip(dir / "cifar-10-binary.tar.gz", fx::tarArchive(members));
    const Dataset fromTar = load(dir / "cifar-10-binary.tar.gz");
    checkCifar10(fromTar);
    CHECK(fromTar.samples.classNames.front() == "airplane");  // the archive has no meta file: built-in names
    CHECK(fromTar.samples.pixels == fromFolder.samples.pixels);
}

TEST_CASE("CIFAR-100 loads fine or coarse labels from the .tar.gz", "[core][data][cifar]") {
    fx::TempDir dir;
    const auto train = fx::cifarRecords({{19, 99}, {0, 5}, {7, 42}});
    const auto test = fx::cifarRecords({{3, 1}});
    fx::writeGzip(dir / "cifar-100-binary.tar.gz",
                  fx::tarArchive({{"cifar-100-binary/train.bin", train}, {"cifar-100-binary/test.bin", test}}));
    const Dataset fine = load(dir / "cifar-100-binary.tar.gz");
    CHECK(fine.format == "cifar100");
    CHECK(fine.classCount() == 100);
    CHECK(fine.samples.labels == std::vector<std::int64_t>{99, 5, 42, 1});
    CHECK(fine.splits.test == std::vector<std::int64_t>{3});
    const Dataset coarse = load(dir / "cifar-100-binary.tar.gz", "cifar100", "coarse");
    CHECK(coarse.classCount() == 20);
    CHECK(coarse.samples.labels == std::vector<std::int64_t>{19, 0, 7, 3});
}

TEST_CASE("CIFAR loaders reject damaged batches with the file and record named", "[core][data][cifar][bad-input]") {
    fx::TempDir dir;
    const auto folder = dir / "cifar-10-batches-bin";
    writeMembers(dir.path(), cifar10Members("cifar-10-batches-bin/"));

    SECTION("a batch that is not a whole number of records") {
        auto bytes = fx::cifarRecords(singleLabels({1, 2}));
        bytes.pop_back();
        fx::writeBytes(folder / "data_batch_3.bin", bytes);
        CHECK_THAT(errorFor(folder, "cifar10"),
                   Contains("data_batch_3.bin") && Contains("size 6145 is not a whole number of 3073-byte records"));
    }
    SECTION("a label outside the classes") {
        fx::writeBytes(folder / "test_batch.bin", fx::cifarRecords(singleLabels({1, 12})));
        CHECK_THAT(errorFor(folder, "cifar10"),
                   Contains("test_batch.bin: record 1 (offset 3073)") && Contains("label 12 is outside 0..9"));
    }
    SECTION("a missing batch") {
        std::filesystem::remove(folder / "data_batch_4.bin");
        CHECK_THAT(errorFor(folder, "cifar10"), Contains("missing data_batch_4.bin"));
    }
    SECTION("an empty batch") {
        fx::writeBytes(folder / "data_batch_2.bin", {});
        CHECK_THAT(errorFor(folder, "cifar10"), Contains("data_batch_2.bin: holds no records"));
    }
    SECTION("a file that is not a tar archive") {
        fx::writeGzip(dir / "cifar-10-binary.tar.gz", fx::Bytes(2048, 'x'));
        CHECK_THAT(errorFor(dir / "cifar-10-binary.tar.gz", "cifar10"), Contains("not a tar archive"));
    }
    SECTION("a tar archive cut short inside a member") {
        auto tar = fx::tarArchive({{"cifar-10-batches-bin/data_batch_1.bin", fx::cifarRecords(singleLabels({1, 2}))}});
        fx::writeGzip(dir / "cifar-10-binary.tar.gz", fx::truncated(tar, 3000));
        CHECK_THAT(errorFor(dir / "cifar-10-binary.tar.gz", "cifar10"), Contains("is truncated (6146 bytes declared"));
    }
    SECTION("a member that declares more than any CIFAR file holds is refused before it is read") {
        auto tar = fx::tarArchive({{"cifar-10-batches-bin/data_batch_1.bin", fx::cifarRecords(singleLabels({1, 2}))}});
        const std::string size = "77777777777";  // octal: 8 GiB - 1
        std::copy(size.begin(), size.end(), tar.begin() + 124);
        unsigned sum = 0;  // the header checksum again, over the new size
        for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : tar[i];
        char checksum[8];
        std::snprintf(checksum, sizeof checksum, "%06o", sum);
        std::copy(checksum, checksum + 7, tar.begin() + 148);
        fx::writeGzip(dir / "cifar-10-binary.tar.gz", tar);
        CHECK_THAT(errorFor(dir / "cifar-10-binary.tar.gz", "cifar10"), Contains("data_batch_1.bin") && Contains("more than a CIFAR file holds"));
    }
    SECTION("CIFAR-100 fine label beyond 99") {
        fx::writeBytes(dir / "c100/train.bin", fx::cifarRecords({{1, 100}}));
        fx::writeBytes(dir / "c100/test.bin", fx::cifarRecords({{1, 1}}));
        CHECK_THAT(errorFor(dir / "c100", "cifar100"), Contains("record 0 (offset 0)") && Contains("label 100 is outside 0..99"));
    }
}
