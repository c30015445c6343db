// The recipe field table: the parser's defaults and ranges are the table's, and the table is complete.

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/recipe/recipe.h"
#include "core/recipe/recipe_schema.h"

using namespace tinyforge;
using namespace tinyforge::core::recipe;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {
json minimal() {
    return json::parse(R"({"dataset": {"path": "/data/iris.csv"}, "teacher": {"arch": "mlp"}, "student": {"arch": "mlp"}})");
}

std::string errorFor(const json& recipe) {
    try {
        parseRecipe(recipe, "r.json", "/");
    } catch (const RecipeError& e) {
        return e.what();
    }
    FAIL("no RecipeError for " << recipe.dump());
    return {};
}

double fallback(const std::string& path) { return recipeField(path)->fallback.get<double>(); }
}  // namespace

TEST_CASE("Fields left out of a recipe take the table's defaults", "[core][recipe]") {
    json r = minimal();
    r["prune"] = json::object();
    r["cluster"] = json::object();
    r["quantize"] = json::object();
    const Recipe recipe = parseRecipe(r, "r.json", "/");
    CHECK(recipe.distill.temperature == fallback("distill.temperature"));
    CHECK(recipe.distill.alpha == fallback("distill.alpha"));
    CHECK(recipe.student.train.learningRate == fallback("train.lr"));
    CHECK(recipe.student.train.epochs == fallback("train.epochs"));
    CHECK(recipe.dataset.valFraction == fallback("dataset.val_fraction"));
    CHECK(recipe.compression.prune.schedule.final == fallback("prune.final_sparsity"));
    CHECK(recipe.compression.prune.schedule.exponent == fallback("prune.exponent"));
    CHECK(recipe.compression.prune.schedule.interval == fallback("prune.interval"));
    CHECK(recipe.compression.cluster.clusters == fallback("cluster.clusters"));
    CHECK(recipe.compression.cluster.init == recipeField("cluster.init")->fallback.get<std::string>());
    CHECK(recipe.compression.quantize.weightBits == fallback("quantize.weight_bits"));
    CHECK(recipe.compression.quantize.percentile == fallback("quantize.percentile"));
    CHECK(recipe.seed == fallback("seed"));
}

TEST_CASE("The parser's range for a field is the table's", "[core][recipe][bad-input]") {
    json r = minimal();
    r["prune"] = {{"final_sparsity", recipeField("prune.final_sparsity")->max}};
    CHECK(parseRecipe(r, "r.json", "/").compression.prune.schedule.final == recipeField("prune.final_sparsity")->max);
    r["prune"]["final_sparsity"] = recipeField("prune.final_sparsity")->max + 0.0005;
    CHECK_THAT(errorFor(r), Contains("prune.final_sparsity: must be >= 0 and <= 0.999"));
    r = minimal();
    r["distill"] = {{"temperature", 0}};
    CHECK_THAT(errorFor(r), Contains("distill.temperature: must be > 0"));
    r = minimal();
    r["quantize"] = {{"weight_bits", 9}};
    CHECK_THAT(errorFor(r), Contains("quantize.weight_bits: must be from 2 to 8"));
    r = minimal();
    r["export"] = {{"formats", {"c", "tflite"}}, {"weights", "dense"}};
    CHECK_THAT(errorFor(r), Contains("export.formats: unknown value 'tflite' (known: c, torchscript, onnx)"));
}

TEST_CASE("Every field of the table is read by the parser, and no other", "[core][recipe]") {
    // An unknown key's message lists what the section takes: exactly the table's keys, in its order.
    for (const char* section : {"distill", "prune", "prune_channels", "cluster", "quantize", "export", "baseline", "dataset"}) {
        json r = minimal();
        if (std::string(section) == "dataset") r["dataset"]["no_such_key"] = 1;
        else r[section] = {{"no_such_key", 1}};
        std::string known;
        for (const auto& f : recipeSection(section).fields) known += (known.empty() ? "" : ", ") + f.key;
        INFO(section);
        CHECK_THAT(errorFor(r), Contains(std::string(section) + ".no_such_key: unknown key (this section takes: " + known + ")"));
    }
    // And each key the table lists is accepted where it stands (no "unknown key" for a table field).
    for (const auto& f : recipeSection("quantize").fields) {
        if (f.kind == FieldKind::Section) continue;
        json r = minimal();
        r["quantize"] = {{f.key, f.fallback}};
        INFO(f.key);
        CHECK_NOTHROW(parseRecipe(r, "r.json", "/"));
    }
}

TEST_CASE("Fields are found by their dotted recipe path", "[core][recipe]") {
    REQUIRE(recipeField("prune.train.lr"));
    CHECK(recipeField("prune.train.lr")->key == "lr");
    CHECK(recipeField("teacher.1.hidden")->kind == FieldKind::IntegerList);
    CHECK(recipeField("dataset.path")->kind == FieldKind::Path);
    CHECK(recipeField("distill.nope") == nullptr);
    CHECK(recipeField("") == nullptr);
    CHECK(recipeField("distill.temperature.x") == nullptr);
    const std::string tip = recipeField("distill.temperature")->tooltip();
    CHECK_THAT(tip, Contains("(0, 1000]") && Contains("p_i = exp(z_i / T) / sum_j exp(z_j / T)"));
    CHECK_THAT(recipeField("prune.final_sparsity")->tooltip(), Contains("fraction of 1") && Contains("(1 - (t - t0) / (n dt))^e"));
}

TEST_CASE("Overrides (--set) read a value as its field's kind", "[core][recipe]") {
    json r = minimal();
    applyOverride(r, "name=2026");  // a name is text, even when it looks like a number
    CHECK(r["name"] == "2026");
    applyOverride(r, "export.formats=onnx");  // a bare word for a list is a list of one
    CHECK(r["export"]["formats"] == json::array({"onnx"}));
    applyOverride(r, "distill.temperature=6");
    CHECK(r["distill"]["temperature"] == 6);
    applyOverride(r, "student.hidden=[8, 4]");
    CHECK(r["student"]["hidden"] == json::array({8, 4}));
    const Recipe recipe = parseRecipe(r, "r.json", "/");
    CHECK(recipe.name == "2026");
    CHECK(recipe.exportFormats == std::vector<std::string>{"onnx"});
}

TEST_CASE("The recipe's JSON Schema carries each field's type, range, default and description", "[core][recipe]") {
    const json schema = recipeJsonSchema();
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    const auto& temperature = schema["$defs"]["distill"]["properties"]["temperature"];
    CHECK(temperature["type"] == "number");
    CHECK(temperature["exclusiveMinimum"] == 0);
    CHECK(temperature["maximum"] == 1000);
    CHECK(temperature["default"] == recipeField("distill.temperature")->fallback);
    CHECK(schema["$defs"]["cluster"]["properties"]["init"]["enum"] == json::array({"linear", "random", "density", "kmeans++"}));
    CHECK(schema["required"] == json::array({"dataset", "student"}));
    CHECK(schema["$defs"]["prune"]["properties"]["train"]["$ref"] == "#/$defs/train");
    CHECK(schema["$defs"]["train"]["additionalProperties"] == false);
}
