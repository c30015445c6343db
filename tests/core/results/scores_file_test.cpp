// scores.csv: each model's class scores per test sample (identity datasets), written and read back exactly, and
// every kind of damage refused naming the file, the line and the column.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/results/scores_file.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::core::results;
using Catch::Matchers::Contains;
namespace test = tinyforge::test;

TEST_CASE("scores.csv is written and read back, and a damaged one is refused by line and column", "[core][results][bad-input]") {
    test::TempDir dir;
    Scores scores;
    scores.classes = 3;
    scores.byModel["teacher"] = {{4, 9}, {0, 2}, {{0.5f, 0.25f, 0.25f}, {0.125f, 0.125f, 0.75f}}};
    scores.byModel["compressed"] = {{4, 9}, {0, 2}, {{1.0f, 0.0f, 0.0f}, {0.0f, 0.5f, 0.5f}}};
    writeScores(dir.path(), scores);
    CHECK(hasScores(dir.path()));
    CHECK(test::readText(dir / "scores.csv") ==
          "model,index,label,class_0,class_1,class_2\n"
          "compressed,4,0,1,0,0\ncompressed,9,2,0,0.5,0.5\n"
          "teacher,4,0,0.5,0.25,0.25\nteacher,9,2,0.125,0.125,0.75\n");
    const auto back = readScores(dir.path());
    CHECK(back.classes == 3);
    REQUIRE(back.byModel.size() == 2);
    CHECK(back.byModel.at("teacher").index == std::vector<std::int64_t>{4, 9});
    CHECK(back.byModel.at("teacher").label == std::vector<std::int64_t>{0, 2});
    CHECK(back.byModel.at("teacher").scores == scores.byModel.at("teacher").scores);

    Scores uneven = scores;
    uneven.byModel["teacher"].scores[1].pop_back();
    CHECK_THROWS_WITH(writeScores(dir.path(), uneven), Contains("one score per class"));

    const auto refused = [&](const std::string& text, const std::string& message) {
        test::writeText(dir / "scores.csv", text);
        CHECK_THROWS_WITH(readScores(dir.path()), Contains("scores.csv") && Contains(message));
    };
    refused("index,label,class_0\n1,0,1\n", "the header must be model,index,label");
    refused("model,index,label,class_1\nteacher,1,0,1\n", "column 4 must be class_0");
    refused("model,index,label,class_0,class_1\noracle,1,0,1,0\n", "unknown model 'oracle'");
    refused("model,index,label,class_0,class_1\nteacher,-1,0,1,0\n", "line 2, index");
    refused("model,index,label,class_0,class_1\nteacher,1,2,1,0\n", "2 is beyond the 2 classes");
    refused("model,index,label,class_0,class_1\nteacher,1,0,1,0\nteacher,2,1,0.5,1.5\n", "line 3, class_1: '1.5' is not a score from 0 to 1");
    refused("model,index,label,class_0,class_1\nteacher,1,0,nan,0\n", "'nan' is not a score");
    refused("model,index,label,class_0,class_1\nteacher,1,0,0.5\n", "scores.csv");  // a short row: the CSV reader names it
    std::filesystem::remove(dir / "scores.csv");
    CHECK_FALSE(hasScores(dir.path()));
    CHECK_THROWS_WITH(readScores(dir.path()), Contains("missing"));
}
