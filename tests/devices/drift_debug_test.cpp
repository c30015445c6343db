// The drift debugger: a firmware whose op K is deliberately perturbed must be caught at op K, not before or after,
// on the emulated STM32F405 (the part's own model, reporting over its UART) and on the Cortex-M0 stand-in.
#include <catch2/catch.hpp>

#include <regex>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "devices/deploy/drift_debug.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using namespace tinyforge::devices;
using Catch::Matchers::Contains;

namespace {

// A three-op Iris model (16 and 8 hidden units): the middle op can be perturbed with a correct op on each side.
std::filesystem::path threeOpRun(const fx::TempDir& dir) {
    const auto run = dir / "iris";
    const auto made = fx::cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20",
                               "--set", "student.hidden=[16,8]", "--set", "export.formats=[]"});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    return run;
}

// Adds 5 to the first value op `op` writes, right after its kernel: what a miscompiled kernel call would do.
void perturbOp(const std::filesystem::path& modelDir, int op) {
    const auto file = modelDir / "tf_model.c";
    std::string source = fx::readText(file);
    std::smatch m;
    const std::regex hook("    PROFILE\\(" + std::to_string(op) + ", (\\(arena \\+ \\d+\\)), \\d+\\);");
    REQUIRE(std::regex_search(source, m, hook));
    const std::string buffer = m[1];
    source.insert(static_cast<std::size_t>(m.position(0)), "    " + buffer + "[0] = (int8_t)(" + buffer + "[0] + 5);\n");
    fx::writeText(file, source);
}

}  // namespace

TEST_CASE("diff names the op whose kernel was perturbed, with its values side by side", "[devices][drift][qemu]") {
    fx::TempDir dir;
    const auto run = threeOpRun(dir);
    for (const char* board : {"stm32f405", "stm32f030cc"}) {
        INFO(board);
        DeployOptions options;
        options.board = board;
        options.workDir = dir / (std::string("diff-") + board);
        options.editModel = [](const std::filesystem::path& model) { perturbOp(model, 1); };
        const DriftReport report = findDrift(run, options, 2);
        REQUIRE(report.layers.size() == 3);
        CHECK(report.sample == 2);
        REQUIRE(report.first_divergent_op);
        CHECK(*report.first_divergent_op == 1);
        CHECK(report.layers[0].differing == 0);  // the op before is untouched
        const LayerDrift& perturbed = report.layers[1];
        CHECK(perturbed.name == "fc2");
        CHECK(perturbed.kind == "fully_connected");
        CHECK(perturbed.values == 8);
        CHECK(perturbed.differing >= 1);
        CHECK(perturbed.reference.size() == 8);
        CHECK(perturbed.device.size() == 8);
        CHECK(perturbed.device[0] != perturbed.reference[0]);
        CHECK(perturbed.max_difference >= 1);
        CHECK(perturbed.max_difference <= 5);  // +5, less if it saturated
    }
}

TEST_CASE("tinyforge-cli diff finds no drift in a faithful firmware and refuses what it cannot run", "[devices][drift][qemu][cli]") {
    fx::TempDir dir;
    const auto run = threeOpRun(dir);
    const auto clean = fx::cli({"diff", run.string(), "--board", "stm32f405"});
    INFO(clean.err);
    REQUIRE(clean.exitCode == 0);
    const auto report = nlohmann::json::parse(clean.out);
    CHECK(report["sample"] == 0);
    CHECK_FALSE(report.contains("first_divergent_op"));
    REQUIRE(report["layers"].size() == 3);
    for (const auto& layer : report["layers"]) CHECK(layer["reference"] == layer["device"]);
    CHECK_THAT(clean.err, Contains("every op's output equals the integer reference"));

    auto refused = fx::cli({"diff", run.string(), "--board", "stm32f405", "--sample", "999"});
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Contains("--sample 999 is outside the run's 30 test samples"));
    refused = fx::cli({"diff", run.string(), "--board", "rpi4"});
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Contains("rpi4 is a Linux board"));
    refused = fx::cli({"diff", (dir / "nothing").string(), "--board", "stm32f405"});
    CHECK(refused.exitCode == 2);
}
