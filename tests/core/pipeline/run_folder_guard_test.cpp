// Run folders never mix runs: a fresh run needs an empty folder, --resume only continues the same recipe, --force
// clears only run folders, and a model file left by another run is refused by name.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/pipeline/run_folder_guard.h"
#include "tests/support/fixtures.h"

using namespace tinyforge::core;
using namespace tinyforge::core::pipeline;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;
namespace test = tinyforge::test;

namespace {

json recipe(int epochs, int threads = 2) {
    return {{"name", "iris"}, {"seed", 42}, {"threads", threads}, {"train", {{"epochs", epochs}}}, {"export", {{"formats", json::array({"c"})}}}};
}

}  // namespace

TEST_CASE("A fresh run needs an empty or missing folder; the launcher's log does not count", "[core][pipeline][run-folder]") {
    test::TempDir dir;
    const auto out = dir / "runs" / "iris";
    prepareRunFolder(out, recipe(5), FolderUse::Fresh);
    CHECK(fs::is_directory(out));
    test::writeText(out / "run.log", "started by tinyforge-cli run --seeds\n");
    test::writeText(out / "status.json", "{}");
    CHECK_NOTHROW(prepareRunFolder(out, recipe(5), FolderUse::Fresh));

    test::writeText(out / "recipe.json", recipe(5).dump());
    CHECK_THROWS_WITH(prepareRunFolder(out, recipe(5), FolderUse::Fresh),
                      Contains(out.string()) && Contains("not empty") && Contains("another run") && Contains("--resume") && Contains("--force"));
    test::writeText(dir / "file", "x");
    CHECK_THROWS_WITH(prepareRunFolder(dir / "file", recipe(5), FolderUse::Fresh), Contains("is a file"));
}

TEST_CASE("Resuming continues only the recipe the folder was started with, whatever its threads", "[core][pipeline][run-folder]") {
    test::TempDir dir;
    const auto out = dir / "iris";
    prepareRunFolder(out, recipe(5), FolderUse::Resume);  // nothing to resume: starts
    test::writeText(out / "recipe.json", recipe(5).dump());
    CHECK_NOTHROW(prepareRunFolder(out, recipe(5, 1), FolderUse::Resume));
    CHECK_THROWS_WITH(prepareRunFolder(out, recipe(6), FolderUse::Resume),
                      Contains("different recipe") && Contains("train.epochs: 5 -> 6") && !Contains("threads"));

    test::TempDir other;
    test::writeText(other / "notes.txt", "my thesis");
    CHECK_THROWS_WITH(prepareRunFolder(other.path(), recipe(5), FolderUse::Resume), Contains("needs a run folder"));
}

TEST_CASE("Forcing clears a run folder but never a folder of other files", "[core][pipeline][run-folder]") {
    test::TempDir dir;
    const auto out = dir / "iris";
    fs::create_directories(out / "checkpoints");
    test::writeText(out / "recipe.json", recipe(5).dump());
    test::writeText(out / "compressed.pt", "stale");
    test::writeText(out / "run.log", "kept: the launcher writes it");
    prepareRunFolder(out, recipe(7), FolderUse::Force);
    CHECK_FALSE(fs::exists(out / "compressed.pt"));
    CHECK_FALSE(fs::exists(out / "checkpoints"));
    CHECK(fs::exists(out / "run.log"));

    test::TempDir home;
    test::writeText(home / "thesis.tex", "years of work");
    CHECK_THROWS_WITH(prepareRunFolder(home.path(), recipe(5), FolderUse::Force), Contains("clears only run folders"));
    CHECK(fs::exists(home / "thesis.tex"));
}

TEST_CASE("A model file is accepted only when models.json records this recipe's key for it", "[core][pipeline][run-folder][bad-input]") {
    test::TempDir dir;
    const auto key = recipeKey(recipe(5));
    CHECK(key == recipeKey(recipe(5, 8)));  // threads and export do not change what a run produces
    CHECK(key != recipeKey(recipe(6)));
    CHECK_NOTHROW(checkModelSource(dir.path(), "compressed", key));  // a folder from before models.json
    recordModelSource(dir.path(), "student", key);
    recordModelSource(dir.path(), "compressed", recipeKey(recipe(6)));
    CHECK_NOTHROW(checkModelSource(dir.path(), "student", key));
    CHECK_THROWS_WITH(checkModelSource(dir.path(), "compressed", key), Contains("compressed.pt") && Contains("another recipe"));
    CHECK_THROWS_WITH(checkModelSource(dir.path(), "teacher", key), Contains("teacher.pt") && Contains("left by another run"));
    test::writeText(dir / "models.json", "[1, 2]");
    CHECK_THROWS_AS(checkModelSource(dir.path(), "student", key), tinyforge::DataError);
}

TEST_CASE("Differences between recipes are named by their path", "[core][pipeline][run-folder]") {
    const json a{{"prune", {{"final_sparsity", 0.8}, {"exponent", 3}}}, {"seed", 1}};
    const json b{{"prune", {{"final_sparsity", 0.9}, {"exponent", 3}}}, {"seed", 1}, {"cluster", {{"clusters", 16}}}};
    CHECK(describeDifferences(a, b) == "cluster: (none) -> {\"clusters\":16}; prune.final_sparsity: 0.8 -> 0.9");
    CHECK(describeDifferences(a, a).empty());
    CHECK(describeDifferences(a, b, 1) == "cluster: (none) -> {\"clusters\":16}; ... (1 more)");
}
