// Project files (.tfproj) as the window reads them: a saved project reads back the same, and a damaged or hostile
// one is refused whole with the file and field named.

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/recipe/project_file.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::recipe;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

json smallRecipe() {
    return json::parse(R"({"name": "p", "dataset": {"path": "iris.csv"},
                           "teacher": {"arch": "mlp", "hidden": [8]}, "student": {"arch": "mlp", "hidden": [4]}})");
}

std::string errorFor(const std::filesystem::path& file) {
    try {
        readProjectFile(file);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error for " << file);
    return {};
}

}  // namespace

TEST_CASE("A saved project reads back with its recipe and window state", "[core][recipe][project]") {
    fx::TempDir dir;
    const json ui{{"page", 3}, {"dataset", "/data/iris.csv"}, {"later-version-field", true}};
    fx::writeText(dir / "p.tfproj", projectFileText(smallRecipe(), ui));
    const auto project = readProjectFile(dir / "p.tfproj");
    CHECK(project.recipe == smallRecipe());
    CHECK(project.ui == ui);
    // A project without window state reads with an empty one.
    fx::writeText(dir / "bare.tfproj", json{{"format", "tinyforge-project"}, {"recipe", smallRecipe()}}.dump());
    CHECK(readProjectFile(dir / "bare.tfproj").ui == json::object());
}

TEST_CASE("A damaged project is refused whole, naming the file and the field", "[core][recipe][project][bad-input]") {
    fx::TempDir dir;
    const json recipe = smallRecipe();
    json badArch = recipe;
    badArch["student"]["arch"] = "gpt";
    auto project = [&](json ui) { return json{{"format", "tinyforge-project"}, {"recipe", recipe}, {"ui", std::move(ui)}}.dump(); };
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"not-json.tfproj", "{\"format\": ", "not valid JSON"},
        {"array.tfproj", "[1, 2]", "not a TinyForge project"},
        {"format-number.tfproj", json{{"format", 7}, {"recipe", recipe}}.dump(), "not a TinyForge project"},
        {"format-other.tfproj", json{{"format", "keras"}, {"recipe", recipe}}.dump(), "not a TinyForge project"},
        {"recipe-array.tfproj", R"({"format": "tinyforge-project", "recipe": []})", "not a TinyForge project"},
        {"ui-string.tfproj", json{{"format", "tinyforge-project"}, {"recipe", recipe}, {"ui", "page 3"}}.dump(), "ui: expected an object"},
        {"page-text.tfproj", project({{"page", "3"}}), "ui.page: expected a page number"},
        {"page-negative.tfproj", project({{"page", -1}}), "ui.page: expected a page number"},
        {"page-huge.tfproj", project({{"page", 1e300}}), "ui.page: expected a page number"},
        {"dataset-number.tfproj", project({{"dataset", 5}}), "ui.dataset: expected a path"},
        {"bad-arch.tfproj", json{{"format", "tinyforge-project"}, {"recipe", badArch}}.dump(),
         "student.arch: unknown architecture 'gpt'"},
        {"deep.tfproj", std::string(100000, '[') + std::string(100000, ']'), "nest"},
    };
    for (const auto& [name, text, problem] : cases) {
        INFO(name);
        fx::writeText(dir / name, text);
        const auto message = errorFor(dir / name);
        CHECK_THAT(message, Contains((dir / name).string()) && Contains(problem));
    }
    CHECK_THAT(errorFor(dir / "missing.tfproj"), Contains((dir / "missing.tfproj").string()));
}
