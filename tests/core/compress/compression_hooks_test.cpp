#include <catch2/catch.hpp>

#include <torch/torch.h>

#include <set>

#include "core/compress/clusterer.h"
#include "core/compress/compressible_layers.h"
#include "core/compress/deployed_size.h"
#include "core/compress/pruner.h"
#include "core/compress/quantizer.h"
#include "core/compress/size_accounting.h"
#include "core/error.h"
#include "core/train/trainer.h"
#include "tests/support/fixtures.h"
#include "tests/support/iris.h"

using namespace tinyforge::core;
using namespace tinyforge::core::compress;

using tinyforge::test::irisDataset;

namespace {

models::Model hookedModel(const std::string& arch, std::vector<std::int64_t> shape, nlohmann::json options = nlohmann::json::object()) {
    models::ArchitectureSpec spec;
    spec.arch = arch;
    spec.options = std::move(options);
    return models::Model::build(spec, shape, 3, 1, "student");
}

train::TrainJob fineTune(std::vector<train::TrainHook*> hooks, int epochs = 3) {
    train::TrainJob job;
    job.settings.learningRate = 0.01;
    job.settings.batchSize = 16;
    job.settings.epochs = epochs;
    job.hooks = std::move(hooks);
    job.keepLastWeights = true;
    return job;
}

std::int64_t distinctNonzero(const at::Tensor& w) {
    const auto nz = w.flatten().masked_select(w.flatten().ne(0));
    return nz.numel() == 0 ? 0 : std::get<0>(at::_unique2(nz, true, false, false)).numel();
}

}  // namespace

TEST_CASE("Folding BatchNorm into convolutions keeps the model's outputs", "[core][compress][bn]") {
    for (const std::string arch : {"cnn-small", "resnet8", "mobilenet-v1"}) {
        INFO(arch);
        auto model = hookedModel(arch, {1, 16, 16});
        const auto x = torch::randn({4, 1, 16, 16});
        model.setTraining(true);
        {
            torch::NoGradGuard noGrad;
            for (int i = 0; i < 3; ++i) model.forward(torch::randn({8, 1, 16, 16}) * 2 + 1);  // non-trivial statistics
        }
        model.setTraining(false);
        const auto before = model.forward(x);
        const int folded = foldBatchNorms(model);
        CHECK(folded > 0);
        const auto after = model.forward(x);
        CHECK(torch::allclose(before, after, 1e-4, 1e-5));
        // Fine-tuning cannot un-fold it: gamma no longer trains.
        for (const auto& p : model.parameters()) {
            if (p.dim() == 1 && torch::all(p == 1).item<bool>()) CHECK_FALSE(p.requires_grad());
        }
    }
    auto mlp = hookedModel("mlp", {4});
    CHECK(foldBatchNorms(mlp) == 0);
}

TEST_CASE("Magnitude pruning removes the smallest weights, per layer or globally", "[core][compress][prune]") {
    auto model = hookedModel("mlp", {4}, {{"hidden", {8}}});
    auto layers = compressibleLayers(model);
    REQUIRE(layers.size() == 2);
    {
        torch::NoGradGuard noGrad;
        layers[0].weight.copy_(torch::arange(1, 33, torch::kFloat).reshape({8, 4}));          // 1..32
        layers[1].weight.copy_(torch::arange(1, 25, torch::kFloat).reshape({3, 8}) / 100.0);  // 0.01..0.24
    }
    PruneSettings perLayer;
    Pruner pruner(model, perLayer);
    pruner.prune(0.5);
    CHECK(layers[0].weight.eq(0).sum().item<int>() == 16);
    CHECK(layers[0].weight.flatten()[15].item<float>() == 0.0f);   // 16 is among the smallest half
    CHECK(layers[0].weight.flatten()[16].item<float>() == 17.0f);
    CHECK(layers[1].weight.eq(0).sum().item<int>() == 12);
    CHECK(pruner.sparsity() == Approx(0.5));

    auto other = hookedModel("mlp", {4}, {{"hidden", {8}}});
    auto otherLayers = compressibleLayers(other);
    {
        torch::NoGradGuard noGrad;
        otherLayers[0].weight.copy_(layers[0].weight.abs() + 100);  // all large
        otherLayers[1].weight.copy_(torch::arange(1, 25, torch::kFloat).reshape({3, 8}) / 100.0);
    }
    PruneSettings global;
    global.global = true;
    Pruner globalPruner(other, global);
    globalPruner.prune(0.25);  // 14 of 56 weights: all from the small layer
    CHECK(otherLayers[0].weight.eq(0).sum().item<int>() == 0);
    CHECK(otherLayers[1].weight.eq(0).sum().item<int>() == 14);
}

TEST_CASE("Pruned weights stay zero through fine-tuning, and excluded layers stay dense", "[core][compress][prune]") {
    auto model = hookedModel("mlp", {4}, {{"hidden", {16}}});
    PruneSettings s;
    s.schedule = SparsitySchedule{0.0, 0.8, 0, 3, 4, 3.0};
    s.exclude = {"fc"};
    Pruner pruner(model, s);
    train::trainModel(model, irisDataset(), fineTune({&pruner}, 6));
    const auto layers = compressibleLayers(model);
    CHECK(layers[0].weight.eq(0).to(torch::kFloat).mean().item<double>() == Approx(0.8).margin(0.02));
    CHECK(layers[1].weight.eq(0).sum().item<int>() == 0);
    const auto zerosBefore = layers[0].weight.eq(0).clone();
    pruner.holdMasks();
    train::trainModel(model, irisDataset(), fineTune({&pruner}, 3));
    CHECK(torch::equal(layers[0].weight.eq(0), zerosBefore));
}

TEST_CASE("Clustering shares k values per layer, keeps pruned zeros, and trains centroids by summed gradients", "[core][compress][cluster]") {
    auto model = hookedModel("mlp", {4}, {{"hidden", {16}}});
    PruneSettings p;
    Pruner pruner(model, p);
    pruner.prune(0.5);
    const auto zeros = compressibleLayers(model)[0].weight.eq(0).clone();
    ClusterSettings c;
    c.clusters = 4;
    Clusterer clusterer(model, c, 0);
    const auto layers = compressibleLayers(model);
    CHECK(distinctNonzero(layers[0].weight) <= 4);
    CHECK(torch::equal(layers[0].weight.eq(0), zeros));
    CHECK(clusterer.clustersOf("fc1") == 4);

    // A centroid's gradient is the sum of its members' gradients.
    const auto& first = clusterer.layers()[0];
    layers[0].weight.mutable_grad() = torch::ones_like(layers[0].weight);
    clusterer.afterBackward();
    const auto expected = torch::bincount(first.labels, {}, first.centroids.numel()).to(torch::kFloat);
    CHECK(torch::equal(first.centroids.grad(), expected));
    // Only this step's gradients: the weight's own gradient is cleared (the optimiser does not hold the weight).
    CHECK_FALSE(layers[0].weight.grad().defined());
    layers[0].weight.mutable_grad() = torch::ones_like(layers[0].weight);
    clusterer.afterBackward();
    CHECK(torch::equal(first.centroids.grad(), expected));
    layers[0].weight.mutable_grad() = at::Tensor();

    train::trainModel(model, irisDataset(), fineTune({&pruner, &clusterer}, 3));
    CHECK(distinctNonzero(layers[0].weight) <= 4);
    CHECK(torch::equal(layers[0].weight.eq(0), zeros));
}

TEST_CASE("Quantization puts weights on per-channel grids and keeps codebooks shared", "[core][compress][quant]") {
    const auto scale = torch::tensor({0.5f});
    const auto q = fakeQuantizeSymmetric(torch::tensor({0.24f, 0.25f, -0.25f, 100.0f}), scale, 8);
    CHECK(q[0].item<float>() == 0.0f);
    CHECK(q[1].item<float>() == 0.5f);   // 0.5 rounds away from zero
    CHECK(q[2].item<float>() == -0.5f);
    CHECK(q[3].item<float>() == 63.5f);  // 127 * 0.5

    auto model = hookedModel("mlp", {4}, {{"hidden", {16}}});
    QuantizeSettings s;
    s.weightBits = 4;
    s.calibrationSamples = 64;
    Quantizer quantizer(model, irisDataset(), s, nullptr, 0);
    quantizer.finalize(nullptr);
    const auto w = compressibleLayers(model)[0].weight.detach();
    for (int row = 0; row < w.size(0); ++row) {
        const auto values = w[row];
        const auto channelScale = values.abs().max().item<float>() / 7;
        const auto steps = values / channelScale;
        CHECK(torch::allclose(steps, torch::round(steps), 0, 1e-3));
        CHECK(std::get<0>(at::_unique2(values, true, false, false)).numel() <= 15);
    }
    REQUIRE(quantizer.activationRanges().size() == model.activationPointCount());
    CHECK(quantizer.activationRanges()[0].min < 0);  // normalised inputs straddle zero

    auto clustered = hookedModel("mlp", {4}, {{"hidden", {16}}});
    ClusterSettings c;
    c.clusters = 5;
    Clusterer clusterer(clustered, c, 0);
    Quantizer codebookQuantizer(clustered, irisDataset(), s, &clusterer, 0);
    codebookQuantizer.finalize(&clusterer);
    CHECK(distinctNonzero(compressibleLayers(clustered)[0].weight) <= 5);
}

TEST_CASE("Quantization noise quantizes the configured share of weight blocks per training pass, and every block for good",
          "[core][compress][quant][noise]") {
    auto model = hookedModel("mlp", {4}, {{"hidden", {64}}});
    QuantizeSettings s;
    s.weightBits = 4;
    s.calibrationSamples = 64;
    s.noise = 0.25;  // Fan et al. 2020: a quarter of the blocks (output channels) quantized per pass
    Quantizer quantizer(model, irisDataset(), s, nullptr, 7);
    auto layer = compressibleLayers(model)[0].weight;
    const at::Tensor master = layer.detach().clone();
    // A channel is quantized in a pass when it equals its 4-bit grid and differs from the float weights.
    const auto quantizedRows = [&](const at::Tensor& w) {
        int rows = 0;
        for (int r = 0; r < w.size(0); ++r) {
            const auto channelScale = master[r].abs().max().item<float>() / 7;
            rows += torch::allclose(w[r], fakeQuantizeSymmetric(master[r], torch::tensor({channelScale}), 4), 0, 1e-6) &&
                    !torch::allclose(w[r], master[r], 0, 1e-6);
        }
        return rows;
    };
    int quantized = 0, passes = 40;
    std::set<int> counts;
    for (int pass = 0; pass < passes; ++pass) {
        quantizer.beforeStep(pass);
        const int rows = quantizedRows(layer.detach());
        quantized += rows;
        counts.insert(rows);
        quantizer.afterBackward();
        CHECK(torch::equal(layer.detach(), master));  // the float weights come back after each step
    }
    const double share = static_cast<double>(quantized) / (passes * 64.0);
    CHECK(share > 0.20);  // 2,560 draws at p = 0.25: one standard error is 0.0086
    CHECK(share < 0.30);
    CHECK(counts.size() > 3);  // a fresh draw each pass, not one fixed set of blocks
    // Evaluation and deployment use no noise: finalize puts every block on its grid.
    quantizer.finalize(nullptr);
    CHECK(quantizedRows(layer.detach()) == 64);
}

TEST_CASE("Deployed size picks each layer's smallest encoding and counts biases and scales", "[core][compress][size]") {
    auto model = hookedModel("mlp", {4}, {{"hidden", {8}}});  // fc1 8x4 + 8 biases, fc 3x8 + 3 biases
    const auto dense = deployedSize(model, SizeOptions{});
    REQUIRE(dense.layers.size() == 2);
    CHECK(dense.layers[0].encoding == "dense");
    CHECK(dense.layers[0].bytes == 32 * 4 + 8 * 4);
    CHECK(dense.total == (32 + 8 + 24 + 3) * 4);

    PruneSettings p;
    Pruner pruner(model, p);
    pruner.prune(0.75);  // fc1 keeps 8 of 32, fc keeps 6 of 24
    const auto sparse = deployedSize(model, SizeOptions{});
    const auto& fc1 = sparse.layers[0];
    CHECK(fc1.nonzeros == 8);
    // bitmask: 4 bytes of mask + 8 floats; smaller than 128 dense bytes
    CHECK(fc1.bytes <= bitmaskSparseBytes(32, 8, 32) + 8 * 4);
    CHECK(sparse.sparsity == Approx(0.75));

    ClusterSettings c;
    c.clusters = 2;
    Clusterer clusterer(model, c, 0);
    const auto shared = deployedSize(model, SizeOptions{8, true, false});
    CHECK(shared.layers[0].clusters == 2);
    CHECK(shared.layers[0].encoding.starts_with("codebook"));
    CHECK(shared.total < sparse.total);
    CHECK(shared.otherBytes == static_cast<std::int64_t>(model.activationPointCount()) * 8);
}

namespace {

// Stops training after `steps` batches, as Ctrl-C or a kill between checkpoints would.
class StopAfterSteps final : public train::TrainObserver {
public:
    explicit StopAfterSteps(std::int64_t steps) : steps_(steps) {}
    void onStep(const train::StepMetrics&) override { ++seen_; }
    bool stopRequested() const override { return seen_ >= steps_; }

private:
    std::int64_t steps_, seen_ = 0;
};

// A compression phase: the model it starts from and the hooks on it, built the same way every time.
struct Phase {
    models::Model model = hookedModel("mlp", {4}, {{"hidden", {16}}});
    std::unique_ptr<Pruner> pruner;
    std::unique_ptr<Clusterer> clusterer;
    std::unique_ptr<Quantizer> quantizer;
    std::vector<train::TrainHook*> hooks;

    explicit Phase(const std::string& kind) {
        PruneSettings p;
        p.schedule = SparsitySchedule{0.0, 0.7, 0, 8, 8, 3.0};  // masks change during the phase
        pruner = std::make_unique<Pruner>(model, p);
        hooks.push_back(pruner.get());
        if (kind == "prune") return;
        pruner->prune(0.5);
        pruner->holdMasks();
        ClusterSettings c;
        c.clusters = 6;
        clusterer = std::make_unique<Clusterer>(model, c, 3);
        hooks.push_back(clusterer.get());
        if (kind == "cluster") return;
        QuantizeSettings q;
        q.weightBits = 4;
        q.calibrationSamples = 64;
        q.noise = 0.5;  // a random draw every step: the generator's state must come back too
        quantizer = std::make_unique<Quantizer>(model, irisDataset(), q, clusterer.get(), 5);
        quantizer->quantizeActivations();
        hooks.push_back(quantizer.get());
    }
};

bool sameState(const models::Model& a, const models::Model& b) {
    const auto x = a.state(), y = b.state();
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!torch::equal(x[i], y[i])) return false;
    }
    return x.size() == y.size();
}

}  // namespace

TEST_CASE("A compression phase stopped between checkpoints resumes to the uninterrupted weights, hooks' state included",
          "[core][compress][resume]") {
    for (const std::string kind : {"prune", "cluster", "qat"}) {
        INFO(kind);
        tinyforge::test::TempDir dir;
        Phase straight(kind);
        auto job = fineTune(straight.hooks, 5);
        job.settings.optimizer = "adam";
        train::trainModel(straight.model, irisDataset(), job);

        Phase interrupted(kind);
        auto withCheckpoint = fineTune(interrupted.hooks, 5);
        withCheckpoint.settings.optimizer = "adam";
        withCheckpoint.checkpoint = dir / "phase.ckpt";
        withCheckpoint.source = "recipe:" + kind;
        StopAfterSteps stop(7 * 2 + 3);  // in the third epoch of 7 batches
        CHECK_THROWS_AS(train::trainModel(interrupted.model, irisDataset(), withCheckpoint, &stop), tinyforge::Cancelled);

        Phase resumed(kind);  // a new process: hooks rebuilt from the phase's starting model
        auto again = withCheckpoint;
        again.hooks = resumed.hooks;
        again.resume = true;
        const auto result = train::trainModel(resumed.model, irisDataset(), again);
        CHECK(result.history.size() == 5);
        CHECK(sameState(resumed.model, straight.model));
        CHECK(resumed.pruner->sparsity() == straight.pruner->sparsity());
        if (straight.clusterer) CHECK(torch::equal(resumed.clusterer->layers()[0].centroids, straight.clusterer->layers()[0].centroids));

        // A checkpoint of another phase (other hooks) is refused, not half-applied.
        auto other = again;
        other.hooks.pop_back();
        if (!other.hooks.empty()) {
            Phase fresh(kind);
            CHECK_THROWS_AS(train::trainModel(fresh.model, irisDataset(), other), tinyforge::DataError);
        }
    }
}
