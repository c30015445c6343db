#include "core/pipeline/model_stage.h"

#include <algorithm>

#include "core/error.h"
#include "core/pipeline/run_files.h"
#include "core/pipeline/run_folder_guard.h"
#include "core/pipeline/stage_cache.h"
#include "core/results/predictions_file.h"
#include "core/train/evaluate.h"

namespace tinyforge::core::pipeline {

double accuracyOfPredictions(const std::vector<std::int64_t>& predicted, const data::Dataset& dataset) {
    const auto& test = dataset.splits.test;
    if (test.empty() || predicted.size() != test.size()) return 0.0;
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < test.size(); ++i) correct += predicted[i] == dataset.samples.labels[static_cast<std::size_t>(test[i])];
    return static_cast<double>(correct) / static_cast<double>(test.size());
}

void ModelStage::recordScores(const std::string& name, std::vector<std::vector<float>> scores) {
    const auto& models = results::predictionColumns();
    if (scores.empty() || std::find(models.begin(), models.end(), name) == models.end()) return;
    scores_[name] = std::move(scores);
}

ModelStage::Accuracies ModelStage::accuracies(const models::Model& model) const {
    Accuracies out;
    if (!dataset_.splits.test.empty()) {
        const auto logits = train::predictLogits(model, dataset_, dataset_.splits.test);
        out.testPredicted = train::predictedClasses(logits);
        if (wantsScores()) out.testScores = train::classScores(logits);
    }
    out.test = accuracyOfPredictions(out.testPredicted, dataset_);
    if (!dataset_.splits.val.empty()) out.val = train::accuracy(model, dataset_, dataset_.splits.val);
    return out;
}

void ModelStage::saveModel(const models::Model& model, const std::string& name) const {
    model.save(options_.outDir / (name + ".pt"));
    recordModelSource(options_.outDir, name, recipeKey(recipe_.resolved));
}

results::ModelResult ModelStage::run(const std::string& name, models::Model& model, const train::TrainSettings& settings,
                     const std::vector<models::Model>* teachers, const std::vector<train::TrainHook*>& hooks,
                     bool checkpointed, bool keepLastWeights, const std::string& source) {
    if (observer_) observer_->onStage(name, model.arch());
    train::TrainJob job;
    job.name = name;
    job.settings = settings;
    job.seed = recipe_.seed;
    job.teachers = teachers;
    job.distill = recipe_.distill;
    job.hooks = hooks;
    job.keepLastWeights = keepLastWeights;
    if (checkpointed) job.checkpoint = options_.outDir / "checkpoints" / (name + ".ckpt");
    job.resume = options_.resume && checkpointed;
    job.source = source;
    const auto result = train::trainModel(model, dataset_, job, observer_);
    history_.insert(history_.end(), result.history.begin(), result.history.end());
    saveModel(model, name);
    auto summary = modelSummary(model);
    const auto measured = accuracies(model);
    summary.test_accuracy = measured.test;
    summary.val_accuracy = measured.val;
    recordPredictions(name, measured.testPredicted);
    recordScores(name, measured.testScores);
    summary.epochs = static_cast<int>(result.history.size());
    summary.best_epoch = result.bestEpoch + 1;
    summary.stopped_early = result.stoppedEarly;
    summary.train_seconds = result.seconds;
    writeText(options_.outDir / "history.csv", historyCsv(history_));  // partial runs keep what they did
    return summary;
}

results::ModelResult ModelStage::runCached(const std::string& key, const nlohmann::json& material, const std::string& name,
                                          models::Model& model, const train::TrainSettings& settings,
                                          const std::vector<models::Model>* teachers) {
    if (!options_.cache) return run(name, model, settings, teachers, {}, true, false, key);
    const StageCache cache(*options_.cache);
    const auto held = cache.lock(key, observer_);  // a parallel run training the same stage finishes it first
    const auto recordStage = [&](bool reused, const results::ModelResult& result) {
        stages_.push_back({{"stage", name}, {"key", key}, {"reused", reused}, {"train_seconds", result.train_seconds.value_or(0)},
                           {"cache", options_.cache->dir.string()}});
        writeText(options_.outDir / "stages.json", nlohmann::json{{"stages", stages_}}.dump(2) + "\n");
    };
    if (auto hit = cache.find(key); hit && hit->stage == name) {
        bool loaded = true;
        try {
            model.load(cache.modelFile(key));
        } catch (const DataError&) {
            loaded = false;  // weights that no longer fit the architecture: trained again and replaced below
        }
        if (loaded) {
            if (observer_) observer_->onStage("reuse", name + " from the stage cache (" + key.substr(0, 12) + ")");
            saveModel(model, name);
            for (const auto& row : hit->history) {
                history_.push_back(row);
                if (observer_) observer_->onEpoch(row);
            }
            recordPredictions(name, hit->testPredicted);
            recordScores(name, hit->testScores);
            writeText(options_.outDir / "history.csv", historyCsv(history_));
            recordStage(true, hit->result);
            return hit->result;
        }
    }
    const auto firstRow = history_.size();
    auto result = run(name, model, settings, teachers, {}, true, false, key);
    CachedStage entry;
    entry.stage = name;
    entry.result = result;
    entry.history.assign(history_.begin() + static_cast<std::ptrdiff_t>(firstRow), history_.end());
    entry.testPredicted = predictions_[name];
    if (const auto s = scores_.find(name); s != scores_.end()) entry.testScores = s->second;
    entry.material = material;
    cache.store(key, entry, options_.outDir / (name + ".pt"));
    recordStage(false, result);
    return result;
}

}  // namespace tinyforge::core::pipeline
