#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/recipe/recipe.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::recipe;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {
json minimal() {
    return json::parse(R"({
      "dataset": {"path": "data/iris.csv"},
      "teacher": {"arch": "mlp", "hidden": [32]},
      "student": {"arch": "mlp", "hidden": [4], "train": {"epochs": 7}},
      "train": {"lr": 0.05, "epochs": 3},
      "distill": {"temperature": 3, "alpha": 0.5}
    })");
}

std::string errorFor(json recipe) {
    try {
        parseRecipe(recipe, "r.json", "/base");
    } catch (const RecipeError& e) {
        return e.what();
    }
    FAIL("no RecipeError for " << recipe.dump());
    return {};
}

json with(const std::string& assignment) {
    json r = minimal();
    applyOverride(r, assignment);
    return r;
}
}  // namespace

TEST_CASE("A recipe sets the dataset, models, training and distillation", "[core][recipe]") {
    const Recipe r = parseRecipe(minimal(), "r.json", "/base");
    CHECK(r.dataset.path == "/base/data/iris.csv");  // relative to the recipe's folder
    REQUIRE(r.teachers.size() == 1);
    CHECK(r.teachers[0].spec.arch == "mlp");
    CHECK(r.teachers[0].spec.options["hidden"] == json::array({32}));
    CHECK(r.teachers[0].train.epochs == 3);
    CHECK(r.teachers[0].train.learningRate == 0.05);
    CHECK(r.student.train.epochs == 7);              // the student's own override
    CHECK(r.student.train.learningRate == 0.05);     // and the shared setting
    CHECK(r.distill.temperature == 3);
    CHECK(r.distill.alpha == 0.5);
    CHECK(r.seed == 42);
    CHECK(r.resolved["dataset"]["path"] == "/base/data/iris.csv");
}

TEST_CASE("A teacher list is an ensemble, and TorchScript teachers are not retrained by default", "[core][recipe]") {
    json r = minimal();
    r["teacher"] = json::parse(R"([{"arch": "mlp"}, {"torchscript": "t.pt"}])");
    const Recipe recipe = parseRecipe(r, "r.json", "/base");
    REQUIRE(recipe.teachers.size() == 2);
    CHECK(recipe.teachers[1].spec.torchscript == "/base/t.pt");
    CHECK(recipe.teachers[1].train.epochs == 0);
}

TEST_CASE("Overrides set any field by its dotted path", "[core][recipe]") {
    CHECK(parseRecipe(with("distill.temperature=8"), "r", "/").distill.temperature == 8);
    CHECK(parseRecipe(with("dataset.format=cifar10"), "r", "/").dataset.format == "cifar10");
    CHECK(parseRecipe(with("student.hidden=[3, 2]"), "r", "/").student.spec.options["hidden"] == json::array({3, 2}));
    CHECK(parseRecipe(with("baseline.student_scratch=true"), "r", "/").studentScratch);
    CHECK(parseRecipe(with("dataset.path=/abs/x.csv"), "r", "/").dataset.path == "/abs/x.csv");
    CHECK(parseRecipe(with("dataset.path=rel.csv"), "r", "/").dataset.path == std::filesystem::current_path() / "rel.csv");
    json ensemble = minimal();
    ensemble["teacher"] = json::parse(R"([{"arch": "mlp"}, {"arch": "mlp"}])");
    applyOverride(ensemble, "teacher.1.arch=lenet5");
    CHECK(ensemble["teacher"][1]["arch"] == "lenet5");
    CHECK_THROWS_WITH(applyOverride(ensemble, "teacher.5.arch=mlp"), Contains("past the end"));
    CHECK_THROWS_WITH(applyOverride(ensemble, "no-equals-sign"), Contains("expected key=value"));
    CHECK_THROWS_WITH(applyOverride(ensemble, "train..lr=1"), Contains("empty key"));
}

TEST_CASE("Recipes with wrong types, unknown keys or impossible values are refused by field path", "[core][recipe][bad-input]") {
    CHECK_THAT(errorFor(with("train.lr=\"fast\"")), Contains("r.json: train.lr: expected a number"));
    CHECK_THAT(errorFor(with("train.learning_rate=0.1")), Contains("train.learning_rate: unknown key"));
    CHECK_THAT(errorFor(with("distill.temperature=0")), Contains("distill.temperature: must be > 0"));
    CHECK_THAT(errorFor(with("distill.temperature=-2")), Contains("distill.temperature"));
    CHECK_THAT(errorFor(with("distill.alpha=1.5")), Contains("distill.alpha: must be >= 0 and <= 1"));
    CHECK_THAT(errorFor(with("distill.loss=mse")), Contains("distill.loss: must be one of \"kl\", \"sum\""));
    CHECK_THAT(errorFor(with("student.arch=vgg")), Contains("student.arch: unknown architecture 'vgg'"));
    CHECK_THAT(errorFor(with("teacher.depth=3")), Contains("teacher.depth: unknown option for mlp"));
    CHECK_THAT(errorFor(with("train.epochs=2.5")), Contains("train.epochs: expected a whole number"));
    CHECK_THAT(errorFor(with("train.optimizer=rmsprop")), Contains("train.optimizer"));
    CHECK_THAT(errorFor(with("speed=11")), Contains("r.json: speed: unknown key"));
    CHECK_THAT(errorFor(with("dataset.channels=2")), Contains("dataset.channels"));
    CHECK_THAT(errorFor(with("student.train.batch_size=0")), Contains("student.train.batch_size"));
    CHECK_THAT(errorFor(with("dataset.train_fraction=0")), Contains("dataset.train_fraction: must be > 0"));
    CHECK_THAT(errorFor(with("dataset.train_fraction=1.5")), Contains("dataset.train_fraction"));
    CHECK_THAT(errorFor(with("seeds=0")), Contains("seeds"));
    json noStudent = minimal();
    noStudent.erase("student");
    CHECK_THAT(errorFor(noStudent), Contains("student: is required"));
    json both = minimal();
    both["student"]["torchscript"] = "s.pt";
    CHECK_THAT(errorFor(both), Contains("either \"arch\" or \"torchscript\""));
    CHECK_THAT(errorFor(json::array()), Contains("expected an object"));
}

TEST_CASE("Recipe files that are missing or not JSON are refused by name", "[core][recipe][bad-input]") {
    fx::TempDir dir;
    fx::writeText(dir / "broken.json", "{\"dataset\": ");
    CHECK_THROWS_WITH(loadRecipe(dir / "broken.json"), Contains("broken.json: byte 13: not valid JSON"));
    CHECK_THROWS_WITH(loadRecipe(dir / "absent.json"), Contains("absent.json") && Contains("not found"));
    fx::writeText(dir / "ok.json", minimal().dump());
    CHECK_THROWS_WITH(loadRecipe(dir / "ok.json", {"distill.alpha=7"}), Contains("ok.json: distill.alpha"));
}

TEST_CASE("The bundled example recipes parse", "[core][recipe]") {
    for (const char* name : {"iris-distill.json", "fashion-distill.json"}) {
        INFO(name);
        const Recipe r = loadRecipe(std::string(TINYFORGE_RESOURCE_DIR "/recipes/") + name);
        CHECK_FALSE(r.teachers.empty());
        CHECK(r.distill.enabled);
    }
}

TEST_CASE("Recipe reads the prune_channels section and rejects it together with joint pruning", "[core][recipe][compress]") {
    const Recipe r = parseRecipe(with("prune_channels.norm=l2"), "r.json", "/base");
    CHECK(r.compression.channels.enabled);
    CHECK(r.compression.channels.norm == "l2");
    CHECK(r.compression.channels.ratio == Approx(0.5));
    CHECK(r.compression.channels.train.epochs == 5);
    CHECK_THAT(errorFor(with("prune_channels.norm=l3")), Contains("r.json: prune_channels.norm: must be one of"));
    CHECK_THAT(errorFor(with("prune_channels.ratio=1")), Contains("prune_channels.ratio"));
    json both = with("prune_channels.ratio=0.25");
    applyOverride(both, "prune.joint=true");
    CHECK_THAT(errorFor(both), Contains("r.json: prune.joint: joint pruning trains a fresh student"));
}

TEST_CASE("Recipe reads the export section and refuses C export without quantization", "[core][recipe]") {
    json r = minimal();
    r["quantize"] = json::object();
    r["export"] = {{"formats", {"c", "onnx"}}, {"prefix", "iris_net"}};
    const Recipe recipe = parseRecipe(r, "r.json", "/base");
    CHECK(recipe.exportFormats == std::vector<std::string>{"c", "onnx"});
    CHECK(recipe.exportPrefix == "iris_net");
    CHECK_THAT(errorFor(with("export.formats=[\"tflite\"]")), Contains("r.json: export.formats: unknown value 'tflite' (known: c, torchscript, onnx)"));
    CHECK_THAT(errorFor(with("export.formats=[\"c\"]")), Contains("export.formats: the C export needs a quantized model"));
    CHECK_THAT(errorFor(with("export.zip=true")), Contains("export.zip"));
    CHECK_FALSE(recipe.exportDenseWeights);
    CHECK_FALSE(recipe.exportSoftmax);
    r["export"]["weights"] = "dense";
    r["export"]["softmax"] = true;
    const Recipe dense = parseRecipe(r, "r.json", "/base");
    CHECK(dense.exportDenseWeights);
    CHECK(dense.exportSoftmax);
    CHECK_THAT(errorFor(with("export.weights=\"sparse\"")), Contains("export.weights: must be one of \"smallest\", \"dense\""));

    // A flash budget instead of a weights choice: each layer's fastest encoding within it.
    CHECK_FALSE(recipe.exportFlashBudget);
    r["export"].erase("weights");
    r["export"]["flash_budget"] = 65536;
    CHECK(parseRecipe(r, "r.json", "/base").exportFlashBudget == 65536);
    CHECK_THAT(errorFor(with("export.flash_budget=0")), Contains("r.json: export.flash_budget"));
    CHECK_THAT(errorFor(with("export.flash_budget=1.5")), Contains("export.flash_budget"));
    r["export"]["weights"] = "dense";
    CHECK_THAT(errorFor(r), Contains("r.json: export.flash_budget: give weights or flash_budget, not both"));
}
