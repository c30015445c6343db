#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {
json inspect(const std::vector<std::string>& args) {
    std::vector<std::string> all{"inspect"};
    all.insert(all.end(), args.begin(), args.end());
    const auto result = cli(all);
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    return json::parse(result.out);
}
}  // namespace

TEST_CASE("inspect prints the Iris description as one JSON object", "[e2e][cli]") {
    const json iris = inspect({TINYFORGE_RESOURCE_DIR "/data/iris.csv"});
    CHECK(iris["format"] == "csv");
    CHECK(iris["samples"] == 150);
    CHECK(iris["classes"] == 3);
    CHECK(iris["class_names"][2] == "Iris-virginica");
    CHECK(iris["sample_shape"] == json::array({4}));
    CHECK(iris["splits"]["train"].get<int>() + iris["splits"]["val"].get<int>() + iris["splits"]["test"].get<int>() == 150);
    CHECK(iris["splits"]["test"] == 30);
}

TEST_CASE("inspect reads every format, detected or named", "[e2e][cli]") {
    fx::TempDir dir;
    fx::writeIdxDataset(dir / "fashion", fx::balancedLabels(10, 3), fx::balancedLabels(10, 1), 28, 28, true);
    CHECK(inspect({(dir / "fashion").string()})["class_names"][0] == "T-shirt/top");

    std::vector<std::pair<std::string, fx::Bytes>> members;
    for (int b = 1; b <= 5; ++b) members.emplace_back("data_batch_" + std::to_string(b) + ".bin", fx::cifarRecords({{1}, {2}}));
    members.emplace_back("test_batch.bin", fx::cifarRecords({{3}}));
    fx::writeGzip(dir / "cifar-10-binary.tar.gz", fx::tarArchive(members));
    const json c10 = inspect({(dir / "cifar-10-binary.tar.gz").string()});
    CHECK(c10["format"] == "cifar10");
    CHECK(c10["splits"]["test"] == 1);

    fx::writeBytes(dir / "c100/train.bin", fx::cifarRecords({{1, 2}, {3, 4}}));
    fx::writeBytes(dir / "c100/test.bin", fx::cifarRecords({{5, 6}}));
    CHECK(inspect({(dir / "c100").string(), "--cifar100-labels", "coarse"})["classes"] == 20);

    fx::writeSolidImage(dir / "eyes/left/1.png", 40, 30, 3, 1, 2, 3);
    fx::writeSolidImage(dir / "eyes/right/1.png", 40, 30, 3, 1, 2, 3);
    const json folder = inspect({(dir / "eyes").string(), "--width", "16", "--height", "12"});
    CHECK(folder["format"] == "folder");
    CHECK(folder["sample_shape"] == json::array({3, 12, 16}));

    CHECK(inspect({(dir / "c100").string(), "--format", "cifar100"})["classes"] == 100);
}

TEST_CASE("inspect reports bad data as one error line and exit status 2", "[e2e][cli][bad-input]") {
    fx::TempDir dir;
    fx::writeText(dir / "bad.csv", "a,b,label\n1,2,x\n1,zz,y\n");
    const auto result = cli({"inspect", (dir / "bad.csv").string()});
    CHECK(result.exitCode == 2);
    CHECK(result.signal == 0);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, StartsWith("error: ") && Contains("bad.csv: line 3, column 'b'"));
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
}

TEST_CASE("the CLI treats bad arguments as bad input and answers --help everywhere", "[e2e][cli][bad-input]") {
    CHECK(cli({"inspect"}).exitCode == 2);
    CHECK(cli({"frobnicate"}).exitCode == 2);
    CHECK(cli({"inspect", TINYFORGE_RESOURCE_DIR "/data/iris.csv", "--format", "bogus"}).exitCode == 2);
    CHECK(cli({"inspect", TINYFORGE_RESOURCE_DIR "/data/iris.csv", "--val", "1.5"}).exitCode == 2);
    const auto help = cli({"inspect", "--help"});
    CHECK(help.exitCode == 0);
    CHECK_THAT(help.out, Contains("--format"));
    CHECK(cli({"--help"}).exitCode == 0);
}
