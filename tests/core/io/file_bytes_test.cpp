#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/io/json_text.h"
#include "core/io/tar_archive.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::io;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

TEST_CASE("Whole-file reads inflate gzip transparently", "[core][io]") {
    fx::TempDir dir;
    const fx::Bytes payload{1, 2, 3, 250, 0, 7};
    fx::writeBytes(dir / "plain.bin", payload);
    fx::writeGzip(dir / "packed.bin", payload);
    CHECK(readFileBytes(dir / "plain.bin") == payload);
    CHECK(readFileBytes(dir / "packed.bin") == payload);
    CHECK(isGzipFile(dir / "packed.bin"));
    CHECK_FALSE(isGzipFile(dir / "plain.bin"));
}

TEST_CASE("Whole-file reads refuse files over the limit, folders and missing files", "[core][io][bad-input]") {
    fx::TempDir dir;
    fx::writeBytes(dir / "big.bin", fx::Bytes(5000, 1));
    fx::writeGzip(dir / "bomb.gz", fx::Bytes(50'000'000, 0));  // 50 MB of zeros packs to ~50 KB
    CHECK_THROWS_WITH(readFileBytes(dir / "big.bin", 4000), Contains("limit"));
    CHECK_THROWS_WITH(readFileBytes(dir / "bomb.gz", 1 << 20), Contains("inflates to more than"));
    CHECK_THROWS_WITH(readFileBytes(dir.path()), Contains("is a folder"));
    CHECK_THROWS_WITH(readFileBytes(dir / "none"), Contains("file not found"));
}

TEST_CASE("Atomic writes replace the file and leave no temporary behind", "[core][io]") {
    fx::TempDir dir;
    const auto target = dir / "out.json";
    fx::writeText(target, "old contents");
    const std::string text = "new";
    writeFileAtomically(target, text.data(), text.size());
    CHECK(readTextFile(target) == "new");
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);
    CHECK_THROWS_AS(writeFileAtomically(dir / "no/such/folder/x", text.data(), text.size()), Error);
}

TEST_CASE("Tar archives list their members and read them back", "[core][io][tar]") {
    fx::TempDir dir;
    const fx::Bytes big(1300, 9);
    fx::writeGzip(dir / "a.tar.gz", fx::tarArchive({{"top/one.txt", {'h', 'i'}}, {"top/sub/two.bin", big}}));
    const TarArchive archive(dir / "a.tar.gz");
    REQUIRE(archive.members().size() == 2);
    CHECK(archive.members()[1].name == "top/sub/two.bin");
    CHECK(archive.read(*archive.findByFileName("two.bin")) == big);
    CHECK(archive.read(*archive.findByFileName("one.txt")) == fx::Bytes{'h', 'i'});
    CHECK_FALSE(archive.findByFileName("three").has_value());
}

TEST_CASE("Tar archives reject empty files", "[core][io][tar][bad-input]") {
    fx::TempDir dir;
    fx::writeBytes(dir / "empty.tar", {});
    CHECK_THROWS_WITH(TarArchive(dir / "empty.tar"), Contains("holds no files"));
}

TEST_CASE("JSON from users' files is refused with a DataError for every kind of bad input", "[core][io][json][bad-input]") {
    // Found by fuzz/json_fuzz.cpp: a number too large for a double is not a syntax error but out_of_range, which
    // escaped every handler and ended the program.
    CHECK_THROWS_WITH(parseJson("{\"epochs\": 222222222222222222222222222e2222222222222222222}", "recipe.json"),
                      Contains("recipe.json") && Contains("not valid JSON") && Contains("number overflow"));
    CHECK_THROWS_WITH(parseJson("{\"a\": [1, 2", "r.json"), Contains("r.json: byte") && Contains("not valid JSON"));
    CHECK_THROWS_WITH(parseJson(std::string(100, '[') + std::string(100, ']'), "deep.json"), Contains("nested deeper than 64"));
    CHECK(parseJson("{\"lr\": 1e-3}", "ok.json")["lr"].get<double>() == 1e-3);
}
