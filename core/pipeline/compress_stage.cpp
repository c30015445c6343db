#include "core/pipeline/compress_stage.h"

#include "core/pipeline/run_folder_guard.h"

#include <torch/torch.h>

#include "core/compress/channel_pruner.h"
#include "core/compress/clusterer.h"
#include "core/compress/compressible_layers.h"
#include "core/compress/deployed_size.h"
#include "core/compress/quantizer.h"
#include "core/quantized/lower_model.h"
#include "core/pipeline/run_files.h"
#include "core/results/quantization_file.h"

namespace tinyforge::core::pipeline {

namespace {

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

results::QuantizationFile quantizationFile(const Quantizer& quantizer, const QuantizeSettings& q) {
    results::QuantizationFile file;
    file.weight_bits = q.weightBits;
    file.activation_bits = q.activationBits;
    file.weights = "symmetric per output channel; per layer when clustered";
    file.activations = "affine per tensor";
    file.rounding = "half away from zero";
    for (const auto& r : quantizer.activationRanges()) file.activation_points.push_back({r.min, r.max, r.params.scale, r.params.zeroPoint});
    return file;
}

void recordSize(const DeployedSize& size, results::CompressedResult& out) {
    for (const auto& l : size.layers) {
        out.bytes_by_layer[l.name] = l.bytes;
        out.encoding_by_layer[l.name] = l.encoding;
        if (l.clusters > 0) out.clusters[l.name] = l.clusters;
        if (l.weights > 0) {
            if (!out.sparsity_by_layer) out.sparsity_by_layer.emplace();
            (*out.sparsity_by_layer)[l.name] = 1.0 - static_cast<double>(l.nonzeros) / static_cast<double>(l.weights);
        }
    }
    out.bytes_deployed = size.total;
    out.bytes_other = size.otherBytes;
    out.sparsity = size.sparsity;
}

// The integer-only reference of the quantized model: its own test accuracy and what a device must hold. Its test
// predictions are recorded as "deployed".
results::IntegerReference integerReference(const models::Model& model, const Quantizer& quantizer, ModelStage& stage) {
    const auto& dataset = stage.dataset();
    std::vector<QuantParams> points;
    for (const auto& r : quantizer.activationRanges()) points.push_back(r.params);
    const auto integer = quantized::lowerToIntModel(model, points, quantizer.weightBits());
    const auto predicted = quantized::integerPredictions(integer, dataset, dataset.splits.test);
    stage.recordPredictions("deployed", predicted);
    return {accuracyOfPredictions(predicted, dataset), static_cast<std::int64_t>(integer.ops.size()), integer.parameterBytes(),
            integer.peakActivationBytes()};
}

results::PhaseResult phaseResult(const std::string& name, const results::ModelResult& trained) {
    return {name, trained.epochs.value_or(0), trained.test_accuracy};
}

}  // namespace

results::CompressedResult compressStudent(const recipe::Recipe& recipe, const RunOptions& options, ModelStage& stage,
                                          const models::Model& student, models::Model fresh,
                                          const std::vector<models::Model>& teachers) {
    const auto& c = recipe.compression;
    const auto& dataset = stage.dataset();
    const std::vector<models::Model>* guide = recipe.distill.enabled && !teachers.empty() ? &teachers : nullptr;
    // Each phase checkpoints every epoch like training, with the hooks' state; a resumed run continues the phase it
    // was in, and replays finished ones from their last checkpoint. The source ties a checkpoint to this recipe.
    const std::string recipeSource = recipeKey(recipe.resolved);
    const auto phaseSource = [&](const std::string& name) { return recipeSource + ":" + name; };
    results::CompressedResult out;
    out.arch = fresh.arch();
    auto model = fresh;
    std::unique_ptr<Pruner> pruner;
    if (c.prune.enabled && c.prune.jointWithDistillation) {
        // Pruning inside distillation: BatchNorm still trains and the full learning-rate schedule is there to recover.
        pruner = std::make_unique<Pruner>(model, c.prune);
        out.phases.push_back(phaseResult("compress_joint", stage.run("compress_joint", model, recipe.student.train, guide, {pruner.get()}, true, true, phaseSource("compress_joint"))));
        pruner->holdMasks();
    } else {
        model.loadState(student.state());
    }
    if (c.channels.enabled) {
        // Structured pruning first, while BatchNorm still trains: the narrower dense model recovers, then the
        // weight-level stages work on what is left.
        if (stage.observer()) stage.observer()->onStage("prune_channels", c.channels.norm + " norm, ratio " + std::to_string(c.channels.ratio));
        auto& widths = out.channels.emplace();
        for (const auto& change : pruneChannels(model, c.channels)) widths[change.layer] = {change.before, change.after};
        SizeAnnotator denseSize(model, SizeOptions{32, false, c.huffman});
        out.phases.push_back(phaseResult("compress_channels", stage.run("compress_channels", model, c.channels.train, guide, {&denseSize}, true, false, phaseSource("compress_channels"))));
    }
    out.bn_folded = foldBatchNorms(model);

    BatchNormFreezer freezer(model);
    SizeAnnotator sizes(model, SizeOptions{32, false, c.huffman});
    std::vector<train::TrainHook*> hooks{&freezer, &sizes};
    auto phase = [&](const std::string& name, const train::TrainSettings& settings) {
        if (settings.epochs == 0) return;
        out.phases.push_back(phaseResult(name, stage.run(name, model, settings, guide, hooks, true, true, phaseSource(name))));
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
        writeText(options.outDir / "compressed.json", contract::toJson(quantizationFile(*quantizer, c.quantize)).dump(2) + "\n");
    }
    // A quantization file left by an earlier attempt would describe another model.
    if (!quantizer) std::filesystem::remove(options.outDir / "compressed.json");
    freezeBatchNorms(model);
    stage.saveModel(model, "compressed");
    const auto measured = stage.accuracies(model);
    out.test_accuracy = measured.test;
    out.val_accuracy = measured.val;
    stage.recordPredictions("compressed", measured.testPredicted);
    stage.recordScores("compressed", measured.testScores);
    recordSize(deployedSize(model, sizes.options_), out);
    out.params = model.stats().params;
    out.weight_bits = c.quantize.enabled ? c.quantize.weightBits : 32;
    out.activation_bits = c.quantize.enabled ? c.quantize.activationBits : 32;
    out.quantization = c.quantize.enabled ? c.quantize.mode : "none";
    if (quantizer) {
        if (stage.observer()) stage.observer()->onStage("integer", "integer-only reference on the test split");
        out.integer = integerReference(model, *quantizer, stage);
    }
    out.deployed_test_accuracy = out.deployedAccuracy();
    return out;
}

}  // namespace tinyforge::core::pipeline
