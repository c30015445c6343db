#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "core/error.h"
#include "core/train/evaluate.h"
#include "core/train/trainer.h"
#include "tests/support/iris.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core;
namespace fx = tinyforge::test;

using tinyforge::test::irisDataset;
using Catch::Matchers::Contains;

namespace {

models::Model mlp(std::vector<int> hidden, std::uint64_t seed = 3) {
    models::ArchitectureSpec spec;
    spec.arch = "mlp";
    spec.options = {{"hidden", hidden}};
    return models::Model::build(spec, {4}, 3, seed, "model");
}

train::TrainJob job(int epochs) {
    train::TrainJob j;
    j.settings.learningRate = 0.01;
    j.settings.batchSize = 16;
    j.settings.epochs = epochs;
    j.seed = 9;
    return j;
}

bool sameWeights(const models::Model& a, const models::Model& b) {
    const auto sa = a.state(), sb = b.state();
    if (sa.size() != sb.size()) return false;
    for (std::size_t i = 0; i < sa.size(); ++i) {
        if (!torch::equal(sa[i], sb[i])) return false;
    }
    return true;
}

class StopAfter final : public train::TrainObserver {
public:
    explicit StopAfter(std::int64_t steps) : steps_(steps) {}
    void onStep(const train::StepMetrics&) override { ++seen; }
    void onEpoch(const train::EpochMetrics& m) override { epochs.push_back(m); }
    bool stopRequested() const override { return seen >= steps_; }
    std::int64_t seen = 0;
    std::vector<train::EpochMetrics> epochs;

private:
    std::int64_t steps_;
};

}  // namespace

TEST_CASE("Training an MLP on Iris learns the species and reports each epoch", "[core][train]") {
    auto model = mlp({16});
    StopAfter observer(1 << 30);
    const auto result = train::trainModel(model, irisDataset(), job(40), &observer);
    CHECK(observer.epochs.size() == 40);
    CHECK(result.history.size() == 40);
    CHECK(observer.seen == 40 * 7);  // 108 training rows in batches of 16
    CHECK(result.history.back().loss < result.history.front().loss / 3);
    CHECK(train::accuracy(model, irisDataset(), irisDataset().splits.test) >= 0.9);
}

TEST_CASE("The same seed trains the same weights", "[core][train]") {
    auto a = mlp({8}), b = mlp({8});
    train::trainModel(a, irisDataset(), job(5));
    train::trainModel(b, irisDataset(), job(5));
    CHECK(sameWeights(a, b));
}

TEST_CASE("Cancel takes effect within one batch", "[core][train]") {
    auto model = mlp({8});
    StopAfter observer(10);
    CHECK_THROWS_AS(train::trainModel(model, irisDataset(), job(40), &observer), Cancelled);
    CHECK(observer.seen == 10);
}

TEST_CASE("Resuming from the epoch checkpoint reaches the uninterrupted result", "[core][train]") {
    fx::TempDir dir;
    auto straight = mlp({8});
    train::TrainJob plain = job(6);
    plain.settings.optimizer = "adam";
    train::trainModel(straight, irisDataset(), plain);

    auto interrupted = mlp({8});
    train::TrainJob withCheckpoint = plain;
    withCheckpoint.checkpoint = dir / "model.ckpt";
    StopAfter observer(7 * 3 + 2);  // stop in the middle of the fourth epoch
    CHECK_THROWS_AS(train::trainModel(interrupted, irisDataset(), withCheckpoint, &observer), Cancelled);
    REQUIRE(std::filesystem::exists(dir / "model.ckpt"));

    auto resumed = mlp({8}, 77);  // different initial weights: everything must come from the checkpoint
    withCheckpoint.resume = true;
    const auto result = train::trainModel(resumed, irisDataset(), withCheckpoint);
    CHECK(result.history.size() == 6);
    CHECK(sameWeights(resumed, straight));
}

TEST_CASE("A damaged checkpoint is reported, not trusted", "[core][train][bad-input]") {
    fx::TempDir dir;
    fx::writeText(dir / "model.ckpt", "not a checkpoint");
    auto model = mlp({8});
    train::TrainJob j = job(2);
    j.checkpoint = dir / "model.ckpt";
    j.resume = true;
    CHECK_THROWS_AS(train::trainModel(model, irisDataset(), j), DataError);
}

TEST_CASE("A checkpoint of other settings or data is refused on resume, and its own source is accepted", "[core][train][bad-input]") {
    fx::TempDir dir;
    auto model = mlp({8});
    train::TrainJob j = job(2);
    j.checkpoint = dir / "model.ckpt";
    j.source = "aaaaaaaaaaaaaaaa";
    train::trainModel(model, irisDataset(), j);
    REQUIRE(std::filesystem::exists(j.checkpoint));

    auto again = mlp({8});
    j.resume = true;
    j.settings.epochs = 3;
    j.source = "bbbbbbbbbbbbbbbb";
    CHECK_THROWS_WITH(train::trainModel(again, irisDataset(), j), Contains("model.ckpt") && Contains("other settings or data") &&
                                                                        Contains("aaaaaaaaaaaa") && Contains("--force"));
    j.source = "aaaaaaaaaaaaaaaa";
    const auto resumed = train::trainModel(again, irisDataset(), j);
    CHECK(resumed.history.size() == 3);  // two epochs from the checkpoint, one trained now
}

TEST_CASE("Distillation with alpha = 0 is exactly training on the labels", "[core][train][distill]") {
    std::vector<models::Model> teachers{mlp({16}, 5)};
    train::trainModel(teachers[0], irisDataset(), job(10));
    auto plain = mlp({8}), distilled = mlp({8});
    train::trainModel(plain, irisDataset(), job(5));
    train::TrainJob j = job(5);
    j.teachers = &teachers;
    j.distill.alpha = 0.0;
    train::trainModel(distilled, irisDataset(), j);
    CHECK(sameWeights(plain, distilled));
}

TEST_CASE("Distillation from a teacher ensemble moves the student towards the teachers", "[core][train][distill]") {
    std::vector<models::Model> teachers{mlp({32}, 5), mlp({32}, 6)};
    for (auto& t : teachers) train::trainModel(t, irisDataset(), job(30));
    const auto teacherLogits = train::ensembleLogits(teachers, irisDataset(), irisDataset().splits.train);
    auto student = mlp({4});
    train::TrainJob j = job(40);
    j.teachers = &teachers;
    j.distill.alpha = 1.0;  // learn from the teachers only
    const auto before = train::predictLogits(student, irisDataset(), irisDataset().splits.train);
    const auto result = train::trainModel(student, irisDataset(), j);
    const auto after = train::predictLogits(student, irisDataset(), irisDataset().splits.train);
    const auto agreement = [&](const at::Tensor& z) { return z.argmax(1).eq(teacherLogits.argmax(1)).to(torch::kFloat).mean().item<double>(); };
    CHECK(agreement(after) > 0.9);
    CHECK(agreement(after) > agreement(before));
    CHECK(result.history.back().hardLoss == 0.0);  // (1 - alpha) * CE
    CHECK(result.history.back().softLoss > 0.0);
}
