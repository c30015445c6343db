#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/error.h"
#include "core/models/model.h"
#include "core/models/model_impl.h"

using namespace tinyforge;
using namespace tinyforge::core::models;
using Catch::Matchers::Contains;

namespace {
Model builtModel(const std::string& arch, const std::vector<std::int64_t>& shape, std::int64_t classes,
            nlohmann::json options = nlohmann::json::object()) {
    ArchitectureSpec spec;
    spec.arch = arch;
    spec.options = std::move(options);
    return Model::build(spec, shape, classes, 1, "student");
}
}  // namespace

TEST_CASE("Every architecture adapts to MNIST- and CIFAR-shaped inputs", "[core][models]") {
    for (const auto& info : architectures()) {
        for (const auto& shape : std::vector<std::vector<std::int64_t>>{{1, 28, 28}, {3, 32, 32}}) {
            INFO(info.id << " on " << shape[0] << "x" << shape[1] << "x" << shape[2]);
            Model model = builtModel(info.id, shape, 7);
            std::vector<std::int64_t> batch{3};
            batch.insert(batch.end(), shape.begin(), shape.end());
            const auto out = model.forward(torch::randn(batch));
            CHECK(out.sizes() == at::IntArrayRef({3, 7}));
            const auto stats = model.stats();
            CHECK(stats.params > 0);
            std::int64_t params = 0, macs = 0;
            for (const auto& layer : stats.layers) params += layer.params, macs += layer.macs;
            CHECK(params == stats.params);
            CHECK(macs == stats.macs);
            CHECK(stats.layers.back().outputShape == std::vector<std::int64_t>{7});
        }
    }
}

TEST_CASE("Model stats are exact for an MLP and LeNet-5", "[core][models]") {
    // 4 -> 8 -> 3: weights 32 + 24, biases 8 + 3.
    const auto mlp = builtModel("mlp", {4}, 3, {{"hidden", {8}}}).stats();
    CHECK(mlp.params == 67);
    CHECK(mlp.macs == 56);
    CHECK(mlp.bytesFp32 == 67 * 4);

    // LeNet-5 on 1x28x28 (padded to 32x32 in conv1): the classic 61,706 parameters.
    const auto lenet = builtModel("lenet5", {1, 28, 28}, 10).stats();
    CHECK(lenet.params == 61706);
    // conv1 6*28*28*25 + conv2 16*10*10*6*25 + fc 400*120 + 120*84 + 84*10
    CHECK(lenet.macs == 117600 + 240000 + 48000 + 10080 + 840);
    CHECK(lenet.layers[0].type == "Conv2d");
    CHECK(lenet.layers[0].outputShape == std::vector<std::int64_t>{6, 28, 28});
}

TEST_CASE("Depthwise layers are named and counted as depthwise", "[core][models]") {
    const auto stats = builtModel("ds-cnn", {1, 28, 28}, 10, {{"channels", 8}, {"blocks", 1}}).stats();
    const auto dw = std::find_if(stats.layers.begin(), stats.layers.end(), [](const auto& l) { return l.name == "block1_dw"; });
    REQUIRE(dw != stats.layers.end());
    CHECK(dw->type == "DepthwiseConv2d");
    CHECK(dw->params == 8 * 9);
    CHECK(dw->macs == 8 * 14 * 14 * 9);
}

TEST_CASE("Architectures refuse what they cannot take, naming the recipe field", "[core][models][bad-input]") {
    CHECK_THROWS_WITH(builtModel("resnet8", {4}, 3), Contains("student.arch") && Contains("needs images"));
    CHECK_THROWS_WITH(builtModel("vgg16", {1, 28, 28}, 3), Contains("unknown architecture 'vgg16'") && Contains("resnet8"));
    CHECK_THROWS_WITH(builtModel("mlp", {4}, 3, {{"channels", {8}}}), Contains("student.channels") && Contains("accepts: hidden"));
    CHECK_THROWS_WITH(builtModel("mlp", {4}, 3, {{"hidden", {0}}}), Contains("student.hidden"));
    CHECK_THROWS_WITH(builtModel("lenet5", {1, 4, 4}, 3), Contains("cannot take 1x4x4"));
    CHECK_THROWS_WITH(builtModel("cnn-small", {1, 16, 16}, 3, {{"pool", "median"}}), Contains("student.pool") && Contains("\"max\" or \"avg\""));
    CHECK_THROWS_WITH(builtModel("lenet5", {1, 28, 28}, 3, {{"pool", 2}}), Contains("student.pool"));
}

TEST_CASE("pool: avg puts average pooling between the stages of LeNet-5 and cnn-small", "[core][models]") {
    auto model = builtModel("lenet5", {1, 28, 28}, 10, {{"pool", "avg"}});
    torch::NoGradGuard noGrad;
    // The first pool of a constant image is that constant (max would be too); a ramp tells them apart.
    auto ramp = torch::arange(16.0).reshape({1, 1, 4, 4});
    auto& pool = *model.impl().network->named_children()["pool1"];
    CHECK(pool.as<torch::nn::AvgPool2d>() != nullptr);
    CHECK(torch::allclose(pool.as<torch::nn::AvgPool2d>()->forward(ramp), torch::tensor({2.5, 4.5, 10.5, 12.5}).reshape({1, 1, 2, 2})));
    auto small = builtModel("cnn-small", {1, 16, 16}, 3, {{"pool", "avg"}});
    CHECK(small.impl().network->named_children()["pool2"]->as<torch::nn::AvgPool2d>() != nullptr);
    CHECK(builtModel("cnn-small", {1, 16, 16}, 3).impl().network->named_children()["pool1"]->as<torch::nn::MaxPool2d>() != nullptr);
}

TEST_CASE("Weights round-trip through save and load", "[core][models]") {
    Model a = builtModel("cnn-small", {1, 12, 12}, 4);
    Model b = builtModel("cnn-small", {1, 12, 12}, 4);
    const auto file = std::filesystem::temp_directory_path() / "tinyforge-weights-test.pt";
    a.save(file);
    b.load(file);
    const auto x = torch::randn({2, 1, 12, 12});
    a.setTraining(false);
    b.setTraining(false);
    CHECK(torch::equal(a.forward(x), b.forward(x)));
    Model other = builtModel("mlp", {4}, 3);
    CHECK_THROWS_AS(other.load(file), DataError);
    std::filesystem::remove(file);
}
