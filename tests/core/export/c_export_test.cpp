// The exported C, compiled with the host compiler, reproduces the integer reference byte for byte.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/test_vectors.h"
#include "core/quantized/lower_model.h"
#include "tests/support/c_checks.h"
#include "tests/support/fixtures.h"
#include "tests/support/quantized_fixtures.h"

using namespace tinyforge::core;
namespace fx = tinyforge::test;

namespace {

// Runs one of the Makefile's checks (host-check, qemu-check) on an export folder; returns its "samples N
// identical I" counts.
std::pair<long, long> check(const std::filesystem::path& dir, const std::string& target = "host-check") {
    const auto result = fx::runCCheck(dir, target);
    INFO(result.output);
    REQUIRE(result.samples >= 0);
    return {result.samples, result.identical};
}

}  // namespace

TEST_CASE("Exported C matches the integer reference bit for bit for every architecture, on the host and an emulated Cortex-M4", "[core][export][qemu][slow]") {
    const auto images = fx::randomImages(48);
    for (const std::string arch : {"mlp", "lenet5", "cnn-small", "resnet8", "mobilenet-v1", "ds-cnn"}) {
        for (const int bits : {8, 3}) {
            INFO(arch << ", " << bits << "-bit weights");
            fx::TempDir dir;
            auto model = fx::buildModel(arch, {1, 16, 16}, arch == "ds-cnn" ? nlohmann::json{{"channels", 16}, {"blocks", 2}} : nlohmann::json::object());
            const auto integer = quantized::lowerToIntModel(model, fx::quantizeForTest(model, images, bits), bits);
            const auto exported = exporting::exportC(integer, dir.path());
            CHECK(exported.arenaBytes >= integer.peakActivationBytes() - 256);  // the input is the caller's
            CHECK(exported.flashBytes > integer.parameterBytes());
            const auto vectors = exporting::makeTestVectors(integer, images, images.splits.test);
            exporting::writeTestVectors(vectors, dir / "test_vectors.bin");
            const auto [samples, identical] = check(dir.path());
            CHECK(samples == 48);
            CHECK(identical == 48);
            // On the emulated Cortex-M4 the DSP convolution and dense kernels run instead of the reference loops.
            exporting::writeTestVectorsC(vectors, dir.path(), 8);
            const auto [targetSamples, targetIdentical] = check(dir.path(), "qemu-check");
            CHECK(targetSamples == 8);
            CHECK(targetIdentical == 8);
        }
    }
}

TEST_CASE("The C export states its arena and flash sizes in the header and refuses a bad prefix", "[core][export]") {
    const auto images = fx::randomImages(8);
    auto model = fx::buildModel("cnn-small", {1, 16, 16});
    const auto integer = quantized::lowerToIntModel(model, fx::quantizeForTest(model, images, 8), 8);
    fx::TempDir dir;
    const auto exported = exporting::exportC(integer, dir.path(), "kws_net");
    const std::string header = fx::readText(dir / "kws_net.h");
    CHECK_THAT(header, Catch::Contains("#define KWS_NET_ARENA_BYTES " + std::to_string(exported.arenaBytes)));
    CHECK_THAT(header, Catch::Contains("#define KWS_NET_FLASH_BYTES " + std::to_string(exported.flashBytes)));
    CHECK_THAT(header, Catch::Contains("void kws_net_run(const int8_t *input, int8_t *output);"));
    const std::string source = fx::readText(dir / "kws_net.c");
    CHECK_THAT(source, Catch::Contains("static const int8_t op0_weights["));  // const: stays in flash
    CHECK_THAT(source, Catch::Contains("op0_shift, scratch};"));             // the DSP kernels' column buffer
    CHECK(source.find("malloc") == std::string::npos);
    CHECK_THROWS_AS(exporting::exportC(integer, dir.path(), "3d-model"), tinyforge::Error);
    CHECK_THROWS_AS(exporting::exportC(integer, dir.path(), "tf_kernels"), tinyforge::Error);
}
