// Structured pruning: which channels go, and that the narrowed network computes what the original computes
// once the removed channels are silenced.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/compress/channel_pruner.h"
#include "core/error.h"
#include "core/models/channel_surgery.h"
#include "core/models/model_impl.h"  // named parameters, to silence channels in the original
#include "tests/support/fixtures.h"

using namespace tinyforge::core;
using namespace tinyforge::core::compress;

namespace {

models::Model prunableModel(const std::string& arch, const std::vector<std::int64_t>& shape, nlohmann::json options = nlohmann::json::object()) {
    models::ArchitectureSpec spec;
    spec.arch = arch;
    spec.options = std::move(options);
    return models::Model::build(spec, shape, 3, 5, "student");
}

// Gives BatchNorm statistics and affine parameters that are not the identity.
void randomiseBatchNorms(models::Model& model, const std::vector<std::int64_t>& batchShape) {
    torch::NoGradGuard noGrad;
    model.setTraining(true);
    for (int i = 0; i < 3; ++i) model.forward(torch::randn(batchShape) * 2 + 0.5);
    for (auto& p : model.parameters()) {
        if (p.dim() == 1) p.uniform_(0.5, 1.5);
    }
    model.setTraining(false);
}

// The channel indices of 0..channels-1 that are not kept.
std::vector<std::int64_t> removedOf(const std::vector<std::int64_t>& kept, std::int64_t channels) {
    std::vector<std::int64_t> removed;
    for (std::int64_t c = 0; c < channels; ++c) {
        if (std::find(kept.begin(), kept.end(), c) == kept.end()) removed.push_back(c);
    }
    return removed;
}

}  // namespace

TEST_CASE("Channel ranking by L1 and L2 norms keeps different filters", "[core][compress][channels]") {
    auto model = prunableModel("mlp", {4}, {{"hidden", {2}}});
    {
        torch::NoGradGuard noGrad;
        auto w = model.parameters()[0];  // fc1.weight [2, 4]
        w.copy_(torch::tensor({{3.0f, 0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, -1.0f, 1.0f}}));
    }
    ChannelPruneSettings s;
    s.ratio = 0.5;
    s.norm = "l1";  // norms 3 and 4: the spread-out row stays
    CHECK(chooseChannels(model, s).at("fc1") == std::vector<std::int64_t>{1});
    s.norm = "l2";  // norms 3 and 2: the concentrated row stays
    CHECK(chooseChannels(model, s).at("fc1") == std::vector<std::int64_t>{0});
    s.ratio = 0.4;  // ceil(0.6 x 2) = 2 kept: nothing to remove
    CHECK(chooseChannels(model, s).empty());
}

TEST_CASE("Removing hidden units of an MLP leaves the outputs of the silenced original", "[core][compress][channels]") {
    auto model = prunableModel("mlp", {4}, {{"hidden", {8, 6}}});
    const auto x = torch::randn({5, 4});
    ChannelPruneSettings s;
    s.ratio = 0.5;
    const auto keep = chooseChannels(model, s);
    REQUIRE(keep.size() == 2);  // fc1 and fc2; never the classifier
    CHECK_FALSE(keep.count("fc"));
    at::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        auto p = model.parameters();  // fc1.w, fc1.b, fc2.w, fc2.b, fc.w, fc.b
        for (const auto c : removedOf(keep.at("fc1"), 8)) p[2].select(1, c).zero_();
        for (const auto c : removedOf(keep.at("fc2"), 6)) p[4].select(1, c).zero_();
        expected = model.forward(x);
    }
    models::removeChannels(model, keep);
    CHECK(model.stats().params == 4 * 4 + 4 + 4 * 3 + 3 + 3 * 3 + 3);
    torch::NoGradGuard noGrad;
    CHECK(torch::allclose(model.forward(x), expected, 1e-5, 1e-6));
}

TEST_CASE("Filter pruning narrows BatchNorm, the next convolution and the flattened dense layer", "[core][compress][channels]") {
    auto model = prunableModel("cnn-small", {1, 12, 12}, {{"channels", {8, 6}}, {"hidden", {10}}});
    randomiseBatchNorms(model, {8, 1, 12, 12});
    const auto x = torch::randn({4, 1, 12, 12});
    ChannelPruneSettings s;
    s.ratio = 0.5;
    s.norm = "l2";
    const auto keep = chooseChannels(model, s);
    CHECK(keep.at("conv1").size() == 4);
    CHECK(keep.at("conv2").size() == 3);
    CHECK(keep.at("fc1").size() == 5);
    at::Tensor expected;
    {
        // Silence removed channels in the original: BatchNorm's scale and shift 0 give 0 after ReLU and pooling.
        torch::NoGradGuard noGrad;
        const auto named = [&](const std::string& n) {
            for (const auto& p : model.impl().network->named_parameters()) if (p.key() == n) return p.value();
            FAIL("no parameter " << n);
            return at::Tensor();
        };
        for (const std::string layer : {"conv1", "conv2"}) {
            const auto channels = named(layer + ".weight").size(0);
            for (const auto c : removedOf(keep.at(layer), channels)) {
                named(layer + "_bn.weight")[c].zero_();
                named(layer + "_bn.bias")[c].zero_();
            }
        }
        for (const auto c : removedOf(keep.at("fc1"), 10)) named("fc.weight").select(1, c).zero_();
        expected = model.forward(x);
    }
    const auto before = model.stats();
    models::removeChannels(model, keep);
    const auto after = model.stats();
    CHECK(after.params < before.params / 2);
    CHECK(after.macs < before.macs / 2);
    model.setTraining(false);
    torch::NoGradGuard noGrad;
    CHECK(torch::allclose(model.forward(x), expected, 1e-4, 1e-5));
}

TEST_CASE("Residual blocks lose channels between their convolutions only", "[core][compress][channels]") {
    auto model = prunableModel("resnet8", {3, 16, 16});
    randomiseBatchNorms(model, {8, 3, 16, 16});
    std::vector<std::string> names;
    for (const auto& l : models::channelLayers(model)) names.push_back(l.name);
    CHECK(names == std::vector<std::string>{"stage1_block1.conv1", "stage2_block1.conv1", "stage3_block1.conv1"});
    const auto x = torch::randn({2, 3, 16, 16});
    ChannelPruneSettings s;
    s.ratio = 0.75;
    const auto keep = chooseChannels(model, s);
    at::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        for (const auto& [layer, kept] : keep) {
            const auto block = layer.substr(0, layer.find('.'));
            for (const auto& p : model.impl().network->named_parameters()) {
                if (p.key() != block + ".bn1.weight" && p.key() != block + ".bn1.bias") continue;
                for (const auto c : removedOf(kept, p.value().size(0))) p.value()[c].zero_();
            }
        }
        expected = model.forward(x);
    }
    models::removeChannels(model, keep);
    model.setTraining(false);
    torch::NoGradGuard noGrad;
    CHECK(torch::allclose(model.forward(x), expected, 1e-4, 1e-5));
    CHECK(models::channelWidths(model).at("stage2_block1.conv1") == 8);
}

TEST_CASE("Depthwise-separable networks lose channels through their depthwise layers", "[core][compress][channels]") {
    for (const std::string arch : {"mobilenet-v1", "ds-cnn"}) {
        INFO(arch);
        auto model = prunableModel(arch, {1, 16, 16}, arch == "ds-cnn" ? nlohmann::json{{"channels", 16}, {"blocks", 2}} : nlohmann::json::object());
        const auto before = model.stats();
        ChannelPruneSettings s;
        s.ratio = 0.5;
        pruneChannels(model, s);
        const auto after = model.stats();
        CHECK(after.macs < before.macs * 0.6);
        torch::NoGradGuard noGrad;
        model.setTraining(false);
        CHECK(model.forward(torch::randn({2, 1, 16, 16})).sizes() == std::vector<std::int64_t>{2, 3});
    }
}

TEST_CASE("A channel-pruned model saves and loads into a freshly built architecture", "[core][compress][channels]") {
    tinyforge::test::TempDir dir;
    auto model = prunableModel("cnn-small", {1, 12, 12}, {{"channels", {8, 6}}});
    ChannelPruneSettings s;
    s.ratio = 0.5;
    pruneChannels(model, s);
    model.save(dir / "narrow.pt");
    auto loaded = prunableModel("cnn-small", {1, 12, 12}, {{"channels", {8, 6}}});
    loaded.load(dir / "narrow.pt");
    CHECK(loaded.stats().params == model.stats().params);
    const auto x = torch::randn({2, 1, 12, 12});
    model.setTraining(false);
    loaded.setTraining(false);
    torch::NoGradGuard noGrad;
    CHECK(torch::equal(model.forward(x), loaded.forward(x)));
}

TEST_CASE("Channel pruning rejects layers that cannot lose channels and bad indices", "[core][compress][channels]") {
    auto model = prunableModel("cnn-small", {1, 12, 12}, {{"channels", {8, 6}}});
    ChannelPruneSettings s;
    s.exclude = {"fc"};
    CHECK_THROWS_WITH(chooseChannels(model, s), Catch::Contains("channels.exclude: 'fc' cannot lose channels (layers that can: conv1, conv2)"));
    s.exclude = {};
    s.layerRatio = {{"conv9", 0.5}};
    CHECK_THROWS_AS(chooseChannels(model, s), tinyforge::SettingsError);
    CHECK_THROWS_WITH(models::removeChannels(model, {{"fc", {0}}}), Catch::Contains("fc: its output channels cannot be removed"));
    CHECK_THROWS_WITH(models::removeChannels(model, {{"conv1", {3, 1}}}), Catch::Contains("conv1: channels to keep must be ascending"));
    CHECK_THROWS_WITH(models::removeChannels(model, {{"conv1", {}}}), Catch::Contains("keep at least one"));
    CHECK_THROWS_WITH(models::removeChannels(model, {{"nope", {0}}}), Catch::Contains("nope: no such layer"));
    CHECK(model.stats().params == prunableModel("cnn-small", {1, 12, 12}, {{"channels", {8, 6}}}).stats().params);  // untouched
}
