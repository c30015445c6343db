#include "core/pipeline/compress_stage.h"

#include <torch/torch.h>

#include "core/compress/channel_pruner.h"
#include "core/compress/clusterer.h"
#include "core/compress/compressible_layers.h"
#include "core/compress/deployed_size.h"
#include "core/compress/quantizer.h"
#include "core/quantized/lower_model.h"
#include "core/pipeline/run_files.h"

namespace tinyforge::core::pipeline {

namespace {

using nlohmann::json;
using namespace compress;

// Keeps BatchNorm statistics fixed while fine-tuning a folded model.
class BatchNormFreezer final : public train::TrainHook {
public:
    explicit BatchNormFreezer(models::Model model) : model_(std::move(model)) {}
    void beforeStep(std::int64_t) override { freezeBatchNorms(model_); }

private:
    models::Model model_;
};

// Adds the deployed size to every epoch of the compression phases, for the history and the live plots.
class SizeAnnotator final : public train::TrainHook {
public:
    SizeAnnotator(models::Model model, SizeOptions options) : options_(options), model_(std::move(model)) {}
    void annotate(train::EpochMetrics& m) const override {
        const auto size = deployedSize(model_, options_);
        m.deployedBytes = size.total;
        m.sparsity = size.sparsity;
    }
    SizeOptions options_;

private:
    models::Model model_;
};

json quantizationFile(const Quantizer& quantizer, const QuantizeSettings& q) {
    json points = json::array();
    for (const auto& r : quantizer.activationRanges()) {
        points.push_back({{"min", r.min}, {"max", r.max}, {"scale", r.params.scale}, {"zero_point", r.params.zeroPoint}});
    }
    return {{"weight_bits", q.weightBits}, {"activation_bits", q.activationBits}, {"weights", "symmetric per output channel; per layer when clustered"},
            {"activations", "affine per tensor"}, {"rounding", "half away from zero"}, {"activation_points", points}};
}

json sizeSummary(const DeployedSize& size) {
    json bytes = json::object(), encodings = json::object(), clusters = json::object();
    for (const auto& l : size.layers) {
        bytes[l.name] = l.bytes;
        encodings[l.name] = l.encoding;
        if (l.clusters > 0) clusters[l.name] = l.clusters;
    }
    return {{"bytes_deployed", size.total}, {"bytes_by_layer", bytes}, {"encoding_by_layer", encodings},
            {"bytes_other", size.otherBytes}, {"sparsity", size.sparsity}, {"clusters", clusters}};
}

// The integer-only reference of the quantized model: its own test accuracy and what a device must hold.
json integerReference(const models::Model& model, const Quantizer& quantizer, const data::Dataset& dataset) {
    std::vector<QuantParams> points;
    for (const auto& r : quantizer.activationRanges()) points.push_back(r.params);
    const auto integer = quantized::lowerToIntModel(model, points, quantizer.weightBits());
    return {{"test_accuracy", quantized::integerAccuracy(integer, dataset, dataset.splits.test)},
            {"ops", integer.ops.size()},
            {"parameter_bytes", integer.parameterBytes()},
            {"activation_arena_bytes", integer.peakActivationBytes()}};
}

}  // namespace

json compressStudent(const recipe::Recipe& recipe, const RunOptions& options, ModelStage& stage,
                     const models::Model& student, models::Model fresh, const std::vector<models::Model>& teachers) {
    const auto& c = recipe.compression;
    const auto& dataset = stage.dataset();
    const std::vector<models::Model>* guide = recipe.distill.enabled && !teachers.empty() ? &teachers : nullptr;
    json out{{"arch", fresh.arch()}, {"phases", json::array()}};
    auto model = fresh;
    std::unique_ptr<Pruner> pruner;
    if (c.prune.enabled && c.prune.jointWithDistillation) {
        // Pruning inside distillation: BatchNorm still trains and the full learning-rate schedule is there to recover.
        pruner = std::make_unique<Pruner>(model, c.prune);
        json result = stage.run("compress_joint", model, recipe.student.train, guide, {pruner.get()}, false, true);
        out["phases"].push_back({{"phase", "compress_joint"}, {"epochs", result["epochs"]}, {"test_accuracy", result["test_accuracy"]}});
        pruner->holdMasks();
    } else {
        model.loadState(student.state());
    }
    if (c.channels.enabled) {
        // Structured pruning first, while BatchNorm still trains: the narrower dense model recovers, then the
        // weight-level stages work on what is left.
        if (stage.observer()) stage.observer()->onStage("prune_channels", c.channels.norm + " norm, ratio " + std::to_string(c.channels.ratio));
        json widths = json::object();
        for (const auto& change : pruneChannels(model, c.channels)) widths[change.layer] = {change.before, change.after};
        out["channels"] = widths;
        SizeAnnotator denseSize(model, SizeOptions{32, false, c.huffman});
        json result = stage.run("compress_channels", model, c.channels.train, guide, {&denseSize}, false, false);
        out["phases"].push_back({{"phase", "compress_channels"}, {"epochs", result["epochs"]}, {"test_accuracy", result["test_accuracy"]}});
    }
    out["bn_folded"] = foldBatchNorms(model);

    BatchNormFreezer freezer(model);
    SizeAnnotator sizes(model, SizeOptions{32, false, c.huffman});
    std::vector<train::TrainHook*> hooks{&freezer, &sizes};
    auto phase = [&](const std::string& name, const train::TrainSettings& settings) {
        if (settings.epochs == 0) return;
        json result = stage.run(name, model, settings, guide, hooks, false, true);
        out["phases"].push_back({{"phase", name}, {"epochs", result["epochs"]}, {"test_accuracy", result["test_accuracy"]}});
    };

    if (c.prune.enabled) {
        pruner = std::make_unique<Pruner>(model, c.prune);  // the folded weights' zeros are the masks so far
        hooks.push_back(pruner.get());
        if (!c.prune.jointWithDistillation) phase("compress_prune", c.prune.train);
        // A phase shorter than the schedule still ends at the final sparsity.
        if (pruner->sparsity() < c.prune.schedule.final - 1e-3) pruner->prune(c.prune.schedule.final);
        pruner->holdMasks();
    }
    std::unique_ptr<Clusterer> clusterer;
    if (c.cluster.enabled) {
        if (stage.observer()) stage.observer()->onStage("cluster", std::to_string(c.cluster.clusters) + " clusters, " + c.cluster.init);
        clusterer = std::make_unique<Clusterer>(model, c.cluster, recipe.seed);
        hooks.push_back(clusterer.get());
        phase("compress_cluster", c.cluster.train);
    }
    std::unique_ptr<Quantizer> quantizer;
    if (c.quantize.enabled) {
        if (stage.observer()) stage.observer()->onStage("quantize", c.quantize.mode + ", " + std::to_string(c.quantize.weightBits) + "-bit weights");
        quantizer = std::make_unique<Quantizer>(model, dataset, c.quantize, clusterer.get(), recipe.seed);
        sizes.options_.weightBits = c.quantize.weightBits;
        sizes.options_.quantizedActivations = true;
        if (c.quantize.mode == "qat") {
            quantizer->quantizeActivations();
            hooks.push_back(quantizer.get());
            phase("compress_qat", c.quantize.train);
            hooks.pop_back();
        }
        quantizer->finalize(clusterer.get());
        writeText(options.outDir / "compressed.json", quantizationFile(*quantizer, c.quantize).dump(2) + "\n");
    }
    freezeBatchNorms(model);
    model.save(options.outDir / "compressed.pt");
    out.update(stage.accuracies(model));
    out.update(sizeSummary(deployedSize(model, sizes.options_)));
    out["params"] = model.stats().params;
    out["weight_bits"] = c.quantize.enabled ? c.quantize.weightBits : 32;
    out["activation_bits"] = c.quantize.enabled ? c.quantize.activationBits : 32;
    out["quantization"] = c.quantize.enabled ? c.quantize.mode : "none";
    if (quantizer) {
        if (stage.observer()) stage.observer()->onStage("integer", "integer-only reference on the test split");
        out["integer"] = integerReference(model, *quantizer, dataset);
    }
    return out;
}

}  // namespace tinyforge::core::pipeline
