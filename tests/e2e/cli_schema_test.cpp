// tinyforge-cli schema: the JSON Schemas of recipes and summaries, checked by an independent validator
// (python3-jsonschema, draft 2020-12) against the bundled recipes and a fresh run's summary.json.

#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Validates each instance file against the schema file; prints "FILE: ok" or "FILE: INVALID: message" per file.
constexpr const char* kValidate = R"(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
bad = 0
for name in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(name))), key=lambda e: list(e.path))
    print(name + (": ok" if not errors else ": INVALID: " + "/".join(map(str, errors[0].path)) + ": " + errors[0].message))
    bad += bool(errors)
sys.exit(1 if bad else 0)
)";

fx::ProcessResult validate(const fs::path& schema, const std::vector<fs::path>& instances) {
    std::vector<std::string> argv{"python3", "-c", kValidate, schema.string()};
    for (const auto& i : instances) argv.push_back(i.string());
    return fx::runProcess(argv);
}

fs::path writeSchema(const fx::TempDir& dir, const std::string& which) {
    const auto printed = cli({"schema", which});
    REQUIRE(printed.exitCode == 0);
    const auto file = dir / (which + ".schema.json");
    fx::writeText(file, printed.out);
    return file;
}

}  // namespace

TEST_CASE("schema recipe validates every bundled recipe and refuses a broken one", "[e2e][cli][schema]") {
    fx::TempDir dir;
    const auto schema = writeSchema(dir, "recipe");
    std::vector<fs::path> recipes;
    for (const auto& entry : fs::directory_iterator(TINYFORGE_RESOURCE_DIR "/recipes")) recipes.push_back(entry.path());
    REQUIRE(recipes.size() >= 3);
    const auto checked = validate(schema, recipes);
    INFO(checked.out << checked.err);
    CHECK(checked.exitCode == 0);

    const auto broken = dir / "broken.json";
    fx::writeText(broken, R"({"dataset": {"path": "x.csv"}, "student": {"arch": "mlp", "width": 2},
                             "distill": {"temperature": 0}, "prune": {"final_sparsity": 1.5}})");
    const auto refused = validate(schema, {broken});
    CHECK(refused.exitCode == 1);
    CHECK_THAT(refused.out, Contains("INVALID"));
    // The studio's own parser refuses it too, naming the field.
    const auto run = cli({"run", broken.string(), "--out", (dir / "r").string()});
    CHECK(run.exitCode == 2);
    CHECK_THAT(run.err, Contains("error: ") && Contains("student.width: unknown option for mlp"));
}

TEST_CASE("schema summary validates the summary.json of a fresh run, exports and device included", "[e2e][cli][schema]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    const auto made = cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=5",
                           "--set", "export.formats=[\"c\", \"onnx\"]"});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    const auto schema = writeSchema(dir, "summary");
    auto checked = validate(schema, {run / "summary.json"});
    INFO(checked.out << checked.err);
    CHECK(checked.exitCode == 0);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    CHECK(summary.contains("schema_version"));
    CHECK(summary["export"].contains("c"));
    CHECK(summary["export"].contains("onnx"));

    // A summary the studio did not write passes neither the schema nor the studio's reader.
    json damaged = summary;
    damaged["compressed"]["bytes_deployed"] = "small";
    fx::writeText(run / "summary.json", damaged.dump());
    checked = validate(schema, {run / "summary.json"});
    CHECK(checked.exitCode == 1);
    CHECK_THAT(checked.out, Contains("compressed/bytes_deployed"));
    const auto exported = cli({"export", run.string(), "--format", "torchscript"});
    CHECK(exported.exitCode == 2);
    CHECK_THAT(exported.err, Contains("summary.json: compressed.bytes_deployed: expected a whole number"));
}

TEST_CASE("docs/recipe-reference.md is the table the studio prints", "[e2e][cli][schema]") {
    const auto printed = cli({"schema", "recipe", "--format", "markdown"});
    REQUIRE(printed.exitCode == 0);
    const std::string doc = fx::readText(TINYFORGE_TEST_SOURCE_DIR "/../docs/recipe-reference.md");
    const auto tableStart = doc.find("## Top level");
    REQUIRE(tableStart != std::string::npos);
    // Regenerate with: tinyforge-cli schema recipe --format markdown (see the file's first lines)
    CHECK(doc.substr(tableStart) == printed.out);
}

TEST_CASE("Exit statuses follow the layer of the failure", "[e2e][cli]") {
    fx::TempDir dir;
    // 2: bad input (an argument, a file)
    CHECK(cli({"schema", "everything"}).exitCode == 2);
    CHECK(cli({"inspect", (dir / "missing.csv").string()}).exitCode == 2);
    // 3: a device that is not there (a serial port that does not exist), with one error line
    const auto run = dir / "iris";
    REQUIRE(cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=2",
                 "--set", "export.formats=[]"}).exitCode == 0);
    const auto deploy = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "dfu", "--port", "/dev/tinyforge-no-such-port"});
    CHECK(deploy.exitCode == 3);
    CHECK_THAT(deploy.err, Contains("error: ") && Contains("/dev/tinyforge-no-such-port"));
}
