#include <catch2/catch.hpp>

#include "core/data/builtin_formats.h"
#include "core/data/format_registry.h"
#include "core/error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::data;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

TEST_CASE("The registry holds the built-in formats under their fixed ids", "[core][data][registry]") {
    CHECK(FormatRegistry::builtin().ids() == std::vector<std::string>{"csv", "idx", "cifar10", "cifar100", "folder"});
    CHECK_THROWS_WITH(FormatRegistry::builtin().find("parquet"), Contains("unknown dataset format 'parquet'") && Contains("idx"));
}

TEST_CASE("The registry rejects duplicate and reserved ids", "[core][data][registry]") {
    FormatRegistry registry;
    registry.add(makeCsvFormat());
    CHECK_THROWS_AS(registry.add(makeCsvFormat()), SettingsError);
}

TEST_CASE("Auto-detection picks each format from its path", "[core][data][registry]") {
    fx::TempDir dir;
    const auto& registry = FormatRegistry::builtin();
    CHECK(registry.detect(TINYFORGE_RESOURCE_DIR "/data/iris.csv").id() == "csv");

    fx::writeIdxDataset(dir / "mnist", fx::balancedLabels(2, 2), {}, 2, 2, true);
    CHECK(registry.detect(dir / "mnist").id() == "idx");

    fx::writeBytes(dir / "c10/data_batch_1.bin", fx::cifarRecords({{1}}));
    CHECK(registry.detect(dir / "c10").id() == "cifar10");
    fx::writeBytes(dir / "c100/train.bin", fx::cifarRecords({{1, 1}}));
    fx::writeBytes(dir / "c100/test.bin", fx::cifarRecords({{1, 1}}));
    CHECK(registry.detect(dir / "c100").id() == "cifar100");
    fx::writeBytes(dir / "cifar-10-binary.tar.gz", {0x1f, 0x8b});
    CHECK(registry.detect(dir / "cifar-10-binary.tar.gz").id() == "cifar10");
    fx::writeBytes(dir / "cifar-100-binary.tar.gz", {0x1f, 0x8b});
    CHECK(registry.detect(dir / "cifar-100-binary.tar.gz").id() == "cifar100");

    fx::writeSolidImage(dir / "photos/cats/1.png", 2, 2, 1, 0, 0, 0);
    CHECK(registry.detect(dir / "photos").id() == "folder");

    fx::writeText(dir / "notes.txt", "hello");
    CHECK_THROWS_WITH(registry.detect(dir / "notes.txt"), Contains("cannot tell the dataset format"));
    CHECK_THROWS_WITH(registry.detect(dir / "absent"), Contains("no such file or folder"));
}
