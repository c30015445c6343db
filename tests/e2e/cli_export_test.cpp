// tinyforge-cli export: the C library of a run's compressed model, checked on the host and on an emulated
// STM32F405 (QEMU netduinoplus2, Cortex-M4) against the studio's integer reference.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <regex>

#include "tests/support/c_checks.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {
const std::string kIrisRecipe = TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json";
const std::string kCheckMakefile = TINYFORGE_RESOURCE_DIR "/c_runtime/Makefile";

fx::CCheck runCheck(const std::filesystem::path& exportDir, const std::string& target) {
    auto result = fx::runCCheck(exportDir, target);
    INFO(target << ": " << result.output);
    CHECK(result.process.exitCode == 0);
    return result;
}
}  // namespace

TEST_CASE("export writes C that runs identically on the host and on an emulated Cortex-M4", "[e2e][cli][export][qemu]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", run.string(), "--set", "train.epochs=20"}).exitCode == 0);
    const auto result = cli({"export", run.string(), "--format", "c"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const auto exported = run / "export" / "c";
    for (const char* file : {"tf_model.h", "tf_model.c", "tf_kernels.h", "tf_kernels_internal.h", "tf_kernels.c", "tf_kernels_optimised.c",
                             "tf_kernels_dense.c", "tf_kernels_sparse.c", "test_vectors.bin",
                             "tf_test_vectors.c"}) {
        CHECK(std::filesystem::exists(exported / file));
    }
    const json summary = json::parse(fx::readText(run / "summary.json"));
    const auto& c = summary["export"]["c"];
    CHECK(c["flash_bytes"].get<int>() > 0);
    CHECK(c["arena_bytes"].get<int>() > 0);
    CHECK(c["test_vectors"] == summary["dataset"]["test"]);
    CHECK(c["integer_test_accuracy"].get<double>() == Approx(summary["compressed"]["integer"]["test_accuracy"].get<double>()));
    CHECK(summary.contains("student"));  // the rest of the summary is kept

    const fx::CCheck host = runCheck(exported, "host-check");
    CHECK(host.samples == summary["dataset"]["test"].get<long>());  // the whole test split
    CHECK(host.identical == host.samples);
    const fx::CCheck target = runCheck(exported, "qemu-check");
    CHECK(target.samples == host.samples);  // Iris's 30 test samples all fit in the firmware
    CHECK(target.identical == target.samples);
    CHECK(target.correct == host.correct);

    // Plain int8 weights and a softmax at the end: probabilities, still identical to the reference on the target.
    const auto probabilities = dir / "probabilities";
    const auto withSoftmax = cli({"export", run.string(), "--format", "c", "--weights", "dense", "--softmax", "--out", probabilities.string()});
    INFO(withSoftmax.err);
    REQUIRE(withSoftmax.exitCode == 0);
    const json entry = json::parse(withSoftmax.out);
    CHECK(entry["softmax"] == true);
    for (const auto& [layer, encoding] : entry["encodings"].items()) CHECK(encoding == "dense");
    CHECK(entry["flash_bytes"].get<int>() > c["flash_bytes"].get<int>());  // + the 512-byte exponent table
    CHECK_THAT(fx::readText(probabilities / "tf_model.h"), Contains("#define TF_MODEL_OUTPUT_ZERO_POINT -128"));
    const fx::CCheck softmaxTarget = runCheck(probabilities, "qemu-check");
    CHECK(softmaxTarget.samples == host.samples);
    CHECK(softmaxTarget.identical == softmaxTarget.samples);

    // A flash budget: room to spare gives every layer its fastest encoding, said per layer; too little is refused.
    const auto roomy = cli({"export", run.string(), "--format", "c", "--flash-budget", "1000000", "--out", (dir / "roomy").string()});
    INFO(roomy.err);
    REQUIRE(roomy.exitCode == 0);
    CHECK_THAT(roomy.err, Contains("the fastest encoding"));
    for (const auto& layer : json::parse(roomy.out)["layers"]) {
        if (layer.contains("kernel")) CHECK(layer["reason"] == "the fastest encoding");
    }
    const auto tight = cli({"export", run.string(), "--format", "c", "--flash-budget", "10", "--out", (dir / "tight").string()});
    CHECK(tight.exitCode == 2);
    CHECK_THAT(tight.err, Contains("a flash budget of 10 bytes is below the " + std::to_string(c["flash_bytes"].get<int>())));
    CHECK(cli({"export", run.string(), "--format", "c", "--weights", "sparse"}).exitCode != 0);
}

TEST_CASE("export --format torchscript writes the float student and the compressed model for PyTorch", "[e2e][cli][export][python]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", run.string(), "--set", "train.epochs=10", "--set", "prune_channels.ratio=0.5"}).exitCode == 0);
    const auto result = cli({"export", run.string(), "--format", "torchscript"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    CHECK(summary["export"]["torchscript"]["files"]["compressed"] == "compressed.pt");
    for (const char* file : {"student.pt", "compressed.pt"}) {
        const auto path = run / "export" / "torchscript" / file;
        const auto check = fx::runProcess({"/usr/bin/python3", "-c",
                                           "import sys, torch; m = torch.jit.load(sys.argv[1]); print(tuple(m(torch.zeros(2, 4)).shape))",
                                           path.string()});
        INFO(file << ": " << check.err);
        CHECK(check.exitCode == 0);
        CHECK_THAT(check.out, Contains("(2, 3)"));
    }
}

TEST_CASE("export --format onnx writes a float student and an int8 QDQ compressed model that pass ONNX's checker", "[e2e][cli][export][onnx]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", run.string(), "--set", "train.epochs=10"}).exitCode == 0);
    const auto result = cli({"export", run.string(), "--format", "onnx"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    CHECK(summary["export"]["onnx"]["bytes"]["compressed"].get<int>() > 0);
    const auto check = fx::runProcess({"/usr/bin/python3", "-c",
                                       "import sys, onnx\n"
                                       "for f in sys.argv[1:]:\n"
                                       "    m = onnx.load(f); onnx.checker.check_model(m, full_check=True)\n"
                                       "    print(f, sorted({n.op_type for n in m.graph.node}))",
                                       (run / "export/onnx/student.onnx").string(), (run / "export/onnx/compressed.onnx").string()});
    INFO(check.err);
    CHECK(check.exitCode == 0);
    CHECK_THAT(check.out, Contains("compressed.onnx ['DequantizeLinear', 'Flatten', 'Gemm', 'Identity', 'QuantizeLinear', 'Relu']"));
    CHECK_THAT(check.out, Contains("student.onnx ['Flatten', 'Gemm', 'Identity', 'Relu']"));
}

TEST_CASE("The optimised kernels, im2col and sparse, match the reference loops over random shapes on emulated M4, M7 and M0", "[e2e][export][qemu]") {
    // netduinoplus2 (STM32F405, Cortex-M4) and mps2-an500 (Cortex-M7) run the SMLAD kernels; the plain-C ones are
    // built for a Cortex-M0 (ARMv6-M) and run on mps2-an385.
    for (const char* target : {"qemu-kernel-test", "qemu-kernel-test-m7", "qemu-kernel-test-m0"}) {
        fx::TempDir dir;
        const auto result = fx::runProcess({"make", "-s", "-f", kCheckMakefile, "BUILD=" + dir.path().string(), target});
        const std::string text = result.out + result.err;
        INFO(target << ": " << text);
        CHECK(result.exitCode == 0);
        std::smatch m;
        REQUIRE(std::regex_search(text, m, std::regex("cases (\\d+) mismatches (\\d+)")));
        CHECK(std::stol(m[1]) >= 400);  // shapes that do not fit the test's buffers are skipped
        CHECK(std::stol(m[2]) == 0);
    }
}

TEST_CASE("export refuses folders that are not runs and runs without a quantized model", "[e2e][cli][export][bad-input]") {
    fx::TempDir dir;
    auto result = cli({"export", dir.path().string()});
    CHECK(result.exitCode == 2);
    CHECK_THAT(result.err, Contains("error: ") && Contains(dir.path().string()) && Contains("not a run folder"));

    const auto run = dir / "float";
    REQUIRE(cli({"run", kIrisRecipe, "--out", run.string(), "--set", "train.epochs=5", "--set", "prune.enabled=false",
                 "--set", "cluster.enabled=false", "--set", "quantize.enabled=false", "--set", "export.formats=[]"}).exitCode == 0);
    result = cli({"export", run.string()});
    CHECK(result.exitCode == 2);
    CHECK_THAT(result.err, Contains("compressed.json") && Contains("no quantized model"));

    result = cli({"export", run.string(), "--format", "tflite"});
    CHECK(result.exitCode == 2);
}

TEST_CASE("export names a damaged compressed.json and what is wrong with it", "[e2e][cli][export][bad-input]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", kIrisRecipe, "--out", run.string(), "--set", "train.epochs=5", "--set", "export.formats=[]"}).exitCode == 0);
    const json good = json::parse(fx::readText(run / "compressed.json"));
    auto withField = [&](const std::string& key, const json& value) {
        json q = good;
        q[key] = value;
        return q.dump();
    };
    json badPoint = good;
    badPoint["activation_points"][0]["scale"] = -1.0;
    json textPoint = good;
    textPoint["activation_points"][0]["scale"] = "big";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"{not json", "not valid JSON"},
        {"{}", "weight_bits: is missing"},
        {textPoint.dump(), "activation_points[0].scale: expected a number"},
        {withField("weight_bits", 12), "bit widths must be from 2 to 8"},
        {withField("activation_points", json::array()), "too few points"},
        {badPoint.dump(), "scale or zero point out of range"},
    };
    for (const auto& [text, problem] : cases) {
        INFO(text.substr(0, 80));
        fx::writeText(run / "compressed.json", text);
        const auto result = cli({"export", run.string(), "--format", "c"});
        CHECK(result.exitCode == 2);
        CHECK_THAT(result.err, Contains("compressed.json") && Contains(problem));
    }
}
