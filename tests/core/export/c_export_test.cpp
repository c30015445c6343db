// The exported C, compiled with the host compiler, reproduces the integer reference byte for byte.
#include <catch2/catch.hpp>

#include <algorithm>
#include <torch/torch.h>

#include "core/error.h"
#include "core/export/c_export.h"
#include "core/export/memory_plan.h"
#include "core/export/residual_fusion.h"
#include "core/export/test_vectors.h"
#include "core/models/model_impl.h"
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

// As pruning and clustering leave a layer: the 90% smallest weights zero, the rest on a few levels of one grid
// (multiples of `step` units of max / qmax, the largest kept, so the lowering finds one shared scale).
void sparsifyOnSharedGrid(models::Model& model, int bits) {
    torch::NoGradGuard noGrad;
    const double qmax = (1 << (bits - 1)) - 1;
    const double step = std::max(1.0, std::floor(qmax / 8));
    for (auto& item : model.impl().network->named_parameters()) {
        auto& w = item.value();
        if (w.dim() < 2) continue;
        const auto magnitude = w.abs().flatten();
        const double threshold = std::get<0>(magnitude.kthvalue(static_cast<std::int64_t>(0.9 * static_cast<double>(magnitude.numel())))).item<double>();
        const double largest = magnitude.max().item<double>();
        const double unit = largest / qmax;
        auto levels = torch::round(w / unit / step) * step;
        levels = torch::where(w.abs() <= threshold, torch::zeros_like(levels), levels);
        levels = torch::where(w.abs() == largest, torch::sign(w) * qmax, levels).clamp(-qmax, qmax);
        w.copy_(levels * unit);
    }
}

}  // namespace

TEST_CASE("Sparse, clustered weights export encoded, several times smaller, and stay bit-exact on the host and an emulated Cortex-M4", "[core][export][qemu][slow]") {
    const auto images = fx::randomImages(32);
    const std::vector<std::pair<std::string, nlohmann::json>> archs{
        {"lenet5", {{"pool", "avg"}}}, {"cnn-small", nlohmann::json::object()}, {"mobilenet-v1", nlohmann::json::object()}};
    for (const auto& [arch, options] : archs) {
        for (const int bits : {8, 4}) {
            INFO(arch << ", " << bits << "-bit weights");
            auto model = fx::buildModel(arch, {1, 16, 16}, options);
            const auto points = fx::quantizeForTest(model, images, bits);
            sparsifyOnSharedGrid(model, bits);
            const auto integer = quantized::lowerToIntModel(model, points, bits);
            fx::TempDir plain, encoded;
            const auto dense = exporting::exportC(integer, plain.path(), {.weights = exporting::WeightStorage::Dense});
            const auto smallest = exporting::exportC(integer, encoded.path());
            CHECK(smallest.weightBytes * 3 < dense.weightBytes);
            CHECK(dense.flashBytes - smallest.flashBytes == dense.weightBytes - smallest.weightBytes);
            bool codebook = false;
            for (const auto& layer : smallest.layers) codebook = codebook || layer.encoding.starts_with("codebook+");
            CHECK(codebook);  // a sparse layout with shared values
            const auto vectors = exporting::makeTestVectors(integer, images, images.splits.test);
            exporting::writeTestVectors(vectors, encoded / "test_vectors.bin");
            const auto [samples, identical] = check(encoded.path());
            CHECK(samples == 32);
            CHECK(identical == 32);
            exporting::writeTestVectorsC(vectors, encoded.path(), 6);
            const auto [targetSamples, targetIdentical] = check(encoded.path(), "qemu-check");
            CHECK(targetSamples == 6);
            CHECK(targetIdentical == 6);
        }
    }
}

TEST_CASE("Under a flash budget each layer gets the fastest encoding that fits, and the export stays bit-exact", "[core][export]") {
    const auto images = fx::randomImages(16);
    auto model = fx::buildModel("lenet5", {1, 16, 16}, {{"pool", "avg"}});
    const auto points = fx::quantizeForTest(model, images, 8);
    sparsifyOnSharedGrid(model, 8);
    const auto integer = quantized::lowerToIntModel(model, points, 8);
    const auto estimated = [](const exporting::CExport& e) {
        double total = 0;
        for (const auto& layer : e.layers) total += layer.estimatedInstructions;
        return total;
    };
    fx::TempDir smallestDir, fastestDir, fittedDir;
    const auto smallest = exporting::exportC(integer, smallestDir.path());
    const auto fastest = exporting::exportC(integer, fastestDir.path(), {.flashBudget = std::int64_t{1} << 30});
    for (const auto& layer : fastest.layers) CHECK(layer.reason == "the fastest encoding");
    for (const auto& layer : smallest.layers) CHECK(layer.reason == "the smallest encoding");
    REQUIRE(fastest.flashBytes > smallest.flashBytes);  // speed costs flash here: some layers leave their smallest form
    CHECK(estimated(fastest) < estimated(smallest));

    const std::int64_t budget = (smallest.flashBytes + fastest.flashBytes) / 2;
    const auto fitted = exporting::exportC(integer, fittedDir.path(), {.flashBudget = budget});
    CHECK(fitted.flashBytes <= budget);
    CHECK(fitted.flashBytes >= smallest.flashBytes);
    CHECK(estimated(fitted) <= estimated(smallest));
    CHECK(estimated(fitted) >= estimated(fastest));
    CHECK(std::any_of(fitted.layers.begin(), fitted.layers.end(), [](const auto& l) { return l.reason == "smaller, to fit the flash budget"; }));
    CHECK_THAT(fx::readText(fittedDir / "tf_model.h"), Catch::Contains("#define TF_MODEL_FLASH_BYTES " + std::to_string(fitted.flashBytes)));
    const auto vectors = exporting::makeTestVectors(integer, images, images.splits.test);
    exporting::writeTestVectors(vectors, fittedDir / "test_vectors.bin");
    const auto [samples, identical] = check(fittedDir.path());
    CHECK(samples == 16);
    CHECK(identical == 16);

    try {  // below the smallest encodings: a bad setting, saying how many bytes the model needs at the least
        exporting::exportC(integer, fittedDir.path(), {.flashBudget = smallest.flashBytes - 1});
        FAIL("a budget below the smallest export was accepted");
    } catch (const tinyforge::SettingsError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("flash budget of " + std::to_string(smallest.flashBytes - 1)) &&
                                              Catch::Contains("the " + std::to_string(smallest.flashBytes) + " this model takes"));
    }
}

TEST_CASE("An exported softmax gives the integer reference's probabilities", "[core][export]") {
    const auto images = fx::randomImages(24);
    auto model = fx::buildModel("lenet5", {1, 16, 16}, {{"pool", "avg"}});
    auto integer = quantized::lowerToIntModel(model, fx::quantizeForTest(model, images, 8), 8);
    quantized::appendSoftmax(integer);
    fx::TempDir dir;
    exporting::exportC(integer, dir.path());
    CHECK_THAT(fx::readText(dir / "tf_model.h"), Catch::Contains("#define TF_MODEL_OUTPUT_SCALE 0.00390625f"));
    CHECK_THAT(fx::readText(dir / "tf_model.c"), Catch::Contains("tf_softmax(&op"));
    const auto vectors = exporting::makeTestVectors(integer, images, images.splits.test);
    exporting::writeTestVectors(vectors, dir / "test_vectors.bin");
    const auto [samples, identical] = check(dir.path());
    CHECK(samples == 24);
    CHECK(identical == 24);
}

TEST_CASE("Exported C matches the integer reference bit for bit for every architecture, on the host and an emulated Cortex-M4", "[core][export][qemu][slow]") {
    const auto images = fx::randomImages(48);
    for (const std::string arch : {"mlp", "lenet5", "cnn-small", "resnet8", "resnet20", "mobilenet-v1", "ds-cnn"}) {
        for (const int bits : {8, 3}) {
            INFO(arch << ", " << bits << "-bit weights");
            fx::TempDir dir;
            auto model = fx::buildModel(arch, {1, 16, 16}, arch == "ds-cnn" ? nlohmann::json{{"channels", 16}, {"blocks", 2}} : nlohmann::json::object());
            const auto integer = quantized::lowerToIntModel(model, fx::quantizeForTest(model, images, bits), bits);
            const auto exported = exporting::exportC(integer, dir.path());
            if (exporting::findResidualFusions(integer).empty()) {
                CHECK(exported.arenaBytes >= integer.peakActivationBytes() - 256);  // the input is the caller's
            } else {  // a fused sum is written over its skip: one buffer fewer at the residual blocks' peak
                CHECK(exported.arenaBytes < integer.peakActivationBytes() - 256);
            }
            std::int64_t weightCount = 0;
            for (const auto& op : integer.ops) weightCount += static_cast<std::int64_t>(op.weights.size());
            CHECK(exported.flashBytes > exported.weightBytes);
            CHECK(exported.weightBytes <= (weightCount * bits) / 8 + static_cast<std::int64_t>(exported.layers.size()));  // packed n-bit
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
    const auto exported = exporting::exportC(integer, dir.path(), {.prefix = "kws_net"});
    const std::string header = fx::readText(dir / "kws_net.h");
    CHECK_THAT(header, Catch::Contains("#define KWS_NET_ARENA_BYTES " + std::to_string(exported.arenaBytes)));
    CHECK_THAT(header, Catch::Contains("#define KWS_NET_FLASH_BYTES " + std::to_string(exported.flashBytes)));
    CHECK_THAT(header, Catch::Contains("void kws_net_run(const int8_t *input, int8_t *output);"));
    const std::string source = fx::readText(dir / "kws_net.c");
    CHECK_THAT(source, Catch::Contains("static const uint8_t op0_weights_stream["));  // const: stays in flash
    CHECK_THAT(source, Catch::Contains("op0_shift, scratch, 0};"));                  // the kernels' working memory, no fused sum
    CHECK(source.find("malloc") == std::string::npos);
    CHECK_THROWS_AS(exporting::exportC(integer, dir.path(), {.prefix = "3d-model"}), tinyforge::Error);
    CHECK_THROWS_AS(exporting::exportC(integer, dir.path(), {.prefix = "tf_kernels"}), tinyforge::Error);
}

TEST_CASE("The C export runs each ResNet block's sum inside the convolution before it, in a smaller arena", "[core][export]") {
    const auto images = fx::randomImages(8);
    auto model = fx::buildModel("resnet8", {1, 16, 16});
    const auto integer = quantized::lowerToIntModel(model, fx::quantizeForTest(model, images, 8), 8);
    const auto fusions = exporting::findResidualFusions(integer);
    REQUIRE(fusions.size() == 3);  // one per block: conv2 of the identity block, the shortcuts of the two others
    CHECK(integer.ops[fusions[0].conv].name == "stage1_block1.conv2");
    CHECK(integer.ops[fusions[1].conv].name == "stage2_block1.shortcut.0");
    fx::TempDir dir;
    const auto exported = exporting::exportC(integer, dir.path());
    // 16 x 16 x 16 activations: three of them alive in block 1's second convolution unfused, two fused.
    CHECK(exporting::planMemory(integer).arenaBytes == 3 * 4096);
    CHECK(exported.arenaBytes == 2 * 4096);
    const std::string source = fx::readText(dir / "tf_model.c");
    CHECK(source.find("tf_add(") == std::string::npos);
    for (const auto& fusion : fusions) {
        const std::string conv = std::to_string(fusion.conv), add = std::to_string(fusion.add);
        CHECK_THAT(source, Catch::Contains("op" + conv + "_shift, scratch, &op" + add + "};"));
        CHECK_THAT(source, Catch::Contains("PROFILE(" + conv + ", 0, 0);"));
        CHECK_THAT(source, Catch::Contains("PROFILE(" + add + ", (arena + "));
    }
    const auto vectors = exporting::makeTestVectors(integer, images, images.splits.test);
    exporting::writeTestVectors(vectors, dir / "test_vectors.bin");
    const auto [samples, identical] = check(dir.path());
    CHECK(samples == static_cast<std::int64_t>(images.splits.test.size()));
    CHECK(identical == samples);
}
