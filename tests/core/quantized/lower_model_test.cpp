// The integer-only network agrees with the fake-quantized float model it was lowered from.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/compress/compressible_layers.h"
#include "core/compress/quantizer.h"
#include "core/data/tensors.h"
#include "core/error.h"
#include "core/train/evaluate.h"
#include "core/train/trainer.h"
#include "core/quantized/lower_model.h"
#include "tests/support/iris.h"
#include "tests/support/quantized_fixtures.h"

using namespace tinyforge::core;
using namespace tinyforge::core::quantized;

namespace {

using tinyforge::test::randomImages;

models::Model lowerableModel(const std::string& arch, const std::vector<std::int64_t>& shape, nlohmann::json options = nlohmann::json::object()) {
    return tinyforge::test::buildModel(arch, shape, std::move(options));
}

std::vector<compress::QuantParams> quantize(models::Model& model, const data::Dataset& dataset, int bits) {
    return tinyforge::test::quantizeForTest(model, dataset, bits);
}

struct Agreement {
    double meanSteps = 0;  // mean |integer - float| output difference in quantization steps
    double maxSteps = 0;
};

Agreement compare(const models::Model& model, const IntModel& integer, const data::Dataset& dataset) {
    torch::NoGradGuard noGrad;
    const auto x = data::samplesTensor(dataset, dataset.splits.test).contiguous();
    const auto expected = model.forward(x).contiguous();
    const float step = integer.tensors[static_cast<std::size_t>(integer.output)].params.scale;
    const auto perSample = x[0].numel();
    Agreement a;
    for (std::int64_t s = 0; s < x.size(0); ++s) {
        const auto q = integer.quantizeInput({x.data_ptr<float>() + s * perSample, static_cast<std::size_t>(perSample)});
        const auto got = integer.dequantizeOutput(integer.run(q));
        for (std::size_t k = 0; k < got.size(); ++k) {
            const double steps = std::abs(got[k] - expected[s][static_cast<std::int64_t>(k)].item<float>()) / step;
            a.meanSteps += steps;
            a.maxSteps = std::max(a.maxSteps, steps);
        }
    }
    a.meanSteps /= static_cast<double>(x.size(0) * 3);
    return a;
}

}  // namespace

TEST_CASE("The integer MLP matches the fake-quantized float MLP on Iris", "[core][quantized]") {
    const auto& iris = tinyforge::test::irisDataset();
    auto model = lowerableModel("mlp", {4}, {{"hidden", {16, 8}}});
    const auto points = quantize(model, iris, 8);
    const auto integer = lowerToIntModel(model, points, 8);
    CHECK(integer.ops.size() == 3);
    const auto a = compare(model, integer, iris);
    INFO("mean " << a.meanSteps << " max " << a.maxSteps);
    CHECK(a.meanSteps < 0.05);
    CHECK(a.maxSteps <= 1.0001);
}

TEST_CASE("Convolutional, residual and depthwise networks lower to integers that match their float selves", "[core][quantized]") {
    const auto images = randomImages();
    for (const std::string arch : {"lenet5", "cnn-small", "resnet8", "mobilenet-v1", "ds-cnn"}) {
        for (const int bits : {8, 4}) {
            INFO(arch << ", " << bits << "-bit weights");
            auto model = lowerableModel(arch, {1, 16, 16}, arch == "ds-cnn" ? nlohmann::json{{"channels", 16}, {"blocks", 2}} : nlohmann::json::object());
            const auto points = quantize(model, images, bits);
            const auto integer = lowerToIntModel(model, points, bits);
            for (const auto& op : integer.ops) {
                for (const auto w : op.weights) REQUIRE(std::abs(w) <= (1 << (bits - 1)) - 1);
            }
            const auto a = compare(model, integer, images);
            INFO("mean " << a.meanSteps << " max " << a.maxSteps);
            CHECK(a.meanSteps < 0.5);
            CHECK(a.maxSteps <= 3.0);
        }
    }
}

TEST_CASE("Residual blocks lower to convolutions and a rescaled addition", "[core][quantized]") {
    const auto images = randomImages();
    auto model = lowerableModel("resnet8", {1, 16, 16});
    const auto integer = lowerToIntModel(model, quantize(model, images, 8), 8);
    int adds = 0, convs = 0;
    for (const auto& op : integer.ops) {
        adds += op.kind == IntOpKind::Add;
        convs += op.kind == IntOpKind::Conv2d;
    }
    CHECK(adds == 3);
    CHECK(convs == 1 + 3 * 2 + 2);  // stem, two per block, two projection shortcuts
    CHECK(integer.peakActivationBytes() > 16 * 16 * 16);
}

TEST_CASE("Lowering refuses activation ranges that do not fit the model", "[core][quantized]") {
    const auto& iris = tinyforge::test::irisDataset();
    auto model = lowerableModel("mlp", {4}, {{"hidden", {8}}});
    auto points = quantize(model, iris, 8);
    points.pop_back();
    CHECK_THROWS_WITH(lowerToIntModel(model, points, 8), Catch::Contains("too few points"));
    points.push_back({});
    points.push_back({});
    CHECK_THROWS_WITH(lowerToIntModel(model, points, 8), Catch::Contains("do not fit mlp"));
    CHECK_THROWS_AS(lowerToIntModel(model, points, 9), tinyforge::SettingsError);
}

TEST_CASE("The integer model's accuracy on Iris stays with the float model's", "[core][quantized]") {
    const auto& iris = tinyforge::test::irisDataset();
    auto model = lowerableModel("mlp", {4}, {{"hidden", {16}}});
    train::TrainJob job;
    job.settings.learningRate = 0.05;
    job.settings.batchSize = 16;
    job.settings.epochs = 40;
    train::trainModel(model, iris, job);
    const auto points = quantize(model, iris, 8);
    const auto integer = lowerToIntModel(model, points, 8);
    const double floatAccuracy = train::accuracy(model, iris, iris.splits.test);
    CHECK(floatAccuracy > 0.8);
    CHECK(integerAccuracy(integer, iris, iris.splits.test) == Approx(floatAccuracy).margin(0.034));
}
