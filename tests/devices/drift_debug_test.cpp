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

// A small ResNet-8 (4, 8, 8 channels) trained for one epoch on a synthetic 28x28 IDX set: its blocks' sums are fused
// into the convolutions before them in the C export.
std::filesystem::path residualRun(const fx::TempDir& dir) {
    fx::writeIdxDataset(dir / "digits", fx::balancedLabels(10, 4), fx::balancedLabels(10, 1), 28, 28, false);
    const nlohmann::json recipe = {
        {"name", "resnet-drift"}, {"seed", 3},
        {"dataset", {{"path", (dir / "digits").string()}, {"format", "idx"}, {"val_fraction", 0.1}}},
        {"train", {{"optimizer", "adam"}, {"lr", 0.01}, {"batch_size", 16}, {"epochs", 1}}},
        {"teacher", {{"arch", "resnet8"}, {"channels", {4, 8, 8}}}},
        {"student", {{"arch", "resnet8"}, {"channels", {4, 8, 8}}}},
        {"distill", {{"temperature", 4}, {"alpha", 0.7}}},
        {"quantize", {{"mode", "ptq"}}},
        {"export", {{"formats", nlohmann::json::array()}}}};
    fx::writeText(dir / "resnet.json", recipe.dump(2));
    const auto run = dir / "resnet";
    const auto made = fx::cli({"run", (dir / "resnet.json").string(), "--out", run.string()});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    return run;
}

}  // namespace

TEST_CASE("diff on a ResNet: a convolution with a fused sum reports none of its own, the sum is compared", "[devices][drift][qemu]") {
    fx::TempDir dir;
    const auto run = residualRun(dir);
    DeployOptions options;
    options.board = "stm32f405";
    options.workDir = dir / "diff-clean";
    const DriftReport clean = findDrift(run, options, 0);
    CHECK_FALSE(clean.first_divergent_op);
    std::vector<std::int64_t> sums;
    for (const auto& layer : clean.layers) {
        if (!layer.fused_into) continue;
        INFO(layer.name);
        CHECK(layer.kind == "conv2d");
        CHECK(layer.values == 0);
        CHECK(layer.device.empty());
        const auto& sum = clean.layers.at(static_cast<std::size_t>(*layer.fused_into));
        CHECK(sum.kind == "add");
        CHECK(sum.op == layer.op + 1);
        CHECK(sum.values > 0);
        CHECK(sum.device == sum.reference);
        sums.push_back(sum.op);
    }
    REQUIRE(sums.size() == 3);  // one per block

    // A fault in the sum the second block's convolution runs is found at that sum.
    options.workDir = dir / "diff-perturbed";
    options.editModel = [&](const std::filesystem::path& model) { perturbOp(model, static_cast<int>(sums[1])); };
    const DriftReport perturbed = findDrift(run, options, 0);
    REQUIRE(perturbed.first_divergent_op);
    CHECK(*perturbed.first_divergent_op == sums[1]);
}

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
