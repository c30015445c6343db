#include "core/pipeline/run_recipe.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "core/data/load_dataset.h"
#include "core/pipeline/export_run.h"
#include "core/pipeline/run_folder.h"
#include "core/pipeline/run_folder_guard.h"
#include "core/data/tensors.h"
#include "core/error.h"
#include "core/pipeline/compress_stage.h"
#include "core/pipeline/model_stage.h"
#include "core/pipeline/run_files.h"
#include "core/results/predictions_file.h"
#include "core/results/scores_file.h"
#include "core/results/summary_file.h"
#include "core/runtime.h"
#include "core/train/evaluate.h"
#include "core/train/trainer.h"

namespace tinyforge::core::pipeline {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

models::Model makeModel(const recipe::ModelRecipe& m, const data::Dataset& dataset, std::uint64_t seed,
                        const std::string& field) {
    if (!m.spec.torchscript.empty()) {
        return models::Model::importTorchScript(m.spec.torchscript, dataset.samples.sampleShape, dataset.classCount());
    }
    return models::Model::build(m.spec, dataset.samples.sampleShape, dataset.classCount(), seed, field);
}

results::ModelResult ensembleSummary(const std::vector<models::Model>& teachers, const std::vector<results::ModelResult>& members,
                                     ModelStage& stage) {
    const auto& dataset = stage.dataset();
    results::ModelResult out;
    out.arch = "ensemble";
    out.macs = 0;
    for (const auto& m : members) {
        out.params += m.params;
        out.bytes_fp32 += m.bytes_fp32;
        out.macs = m.macs && out.macs ? std::optional(*out.macs + *m.macs) : std::nullopt;
    }
    out.members = members;
    const auto logits = train::ensembleLogits(teachers, dataset, dataset.splits.test);
    stage.recordPredictions("teacher", train::predictedClasses(logits));
    if (stage.wantsScores()) stage.recordScores("teacher", train::classScores(logits));
    out.test_accuracy = accuracyOfPredictions(stage.predictions().at("teacher"), dataset);
    return out;
}

// What a trained stage depends on, for the stage cache's key: the recipe sections it reads (as resolved, with
// absolute paths), the data files, the seed. Everything else in the recipe (compression, export, threads) is not.
struct StageMaterial {
    const recipe::Recipe& recipe;
    nlohmann::json dataset;

    explicit StageMaterial(const recipe::Recipe& r)
        : recipe(r), dataset{{"section", r.resolved.value("dataset", nlohmann::json::object())}, {"files", fileFingerprint(r.dataset.path)}} {}

    nlohmann::json model(const nlohmann::json& section) const {
        nlohmann::json out{{"section", section}};
        if (section.contains("torchscript")) out["file"] = fileFingerprint(section.at("torchscript").get<std::string>());
        return out;
    }
    nlohmann::json teacherSection(std::size_t i) const {
        const auto& t = recipe.resolved.at("teacher");
        return t.is_array() ? t.at(i) : t;
    }
    nlohmann::json common(const std::string& stage) const {
        return {{"stage", stage}, {"seed", recipe.seed}, {"dataset", dataset}, {"train", recipe.resolved.value("train", nlohmann::json::object())}};
    }
    nlohmann::json teacher(const std::string& stage, std::size_t i) const {
        auto m = common(stage);
        m["index"] = i;
        m["model"] = model(teacherSection(i));
        return m;
    }
    nlohmann::json scratch() const {
        auto m = common("student_scratch");
        m["model"] = model(recipe.resolved.at("student"));
        return m;
    }
    nlohmann::json distilled(const std::vector<std::string>& teacherKeys) const {
        auto m = common("student");
        m["model"] = model(recipe.resolved.at("student"));
        m["distill"] = recipe.resolved.value("distill", nlohmann::json::object());
        m["teachers"] = teacherKeys;
        return m;
    }
};

// predictions.csv: each test sample's label and what every model of the run predicted.
void writeRunPredictions(const fs::path& outDir, const data::Dataset& dataset, const ModelStage& stage) {
    results::Predictions p;
    p.index = dataset.splits.test;
    for (const auto i : p.index) p.label.push_back(dataset.samples.labels[static_cast<std::size_t>(i)]);
    for (const auto& name : results::predictionColumns()) {
        const auto found = stage.predictions().find(name);
        if (found != stage.predictions().end() && found->second.size() == p.index.size()) p.byModel[name] = found->second;
    }
    results::writePredictions(outDir, p);
    if (stage.scores().empty()) return;
    results::Scores scores;
    scores.classes = static_cast<int>(dataset.classCount());
    for (const auto& [name, perSample] : stage.scores()) {
        if (perSample.size() != p.index.size()) continue;
        auto& s = scores.byModel[name];
        s.index = p.index;
        s.label = p.label;
        s.scores = perSample;
    }
    results::writeScores(outDir, scores);
}

}  // namespace

results::RunSummary runRecipe(const recipe::Recipe& recipe, const RunOptions& options, RunObserver* observer) {
    const auto start = Clock::now();
    const int threads = configureThreads(recipe.threads);
    prepareRunFolder(options.outDir, recipe.resolved,
                     options.resume ? FolderUse::Resume : options.force ? FolderUse::Force : FolderUse::Fresh);
    fs::create_directories(options.outDir / "checkpoints");
    writeText(options.outDir / "recipe.json", recipe.resolved.dump(2) + "\n");

    if (observer) observer->onStage("load", recipe.dataset.path.string());
    const auto loadStart = Clock::now();
    const data::Dataset dataset = data::loadDataset(recipe.dataset, observer);
    results::RunSummary summary;
    summary.recipe = recipe.name;
    summary.seed = recipe.seed;
    summary.threads = threads;
    summary.dataset = {dataset.name, dataset.format, dataset.source, static_cast<std::int64_t>(dataset.splits.train.size()),
                       static_cast<std::int64_t>(dataset.splits.val.size()), static_cast<std::int64_t>(dataset.splits.test.size()),
                       static_cast<std::int64_t>(dataset.classCount())};
    auto& timings = summary.timings;
    timings["load_seconds"] = secondsSince(loadStart);

    std::vector<train::EpochMetrics> history;
    ModelStage stage(recipe, options, dataset, history, observer);
    const StageMaterial material(recipe);
    std::vector<models::Model> teachers;
    std::vector<results::ModelResult> members;
    std::vector<std::string> teacherKeys;
    for (std::size_t i = 0; i < recipe.teachers.size(); ++i) {
        const std::string name = recipe.teachers.size() == 1 ? "teacher" : "teacher" + std::to_string(i + 1);
        const auto t0 = Clock::now();
        teachers.push_back(makeModel(recipe.teachers[i], dataset, recipe.seed + i, "teacher"));
        const auto m = material.teacher(name, i);
        teacherKeys.push_back(stageKey(m));
        members.push_back(stage.runCached(teacherKeys.back(), m, name, teachers.back(), recipe.teachers[i].train, nullptr));
        timings[name + "_seconds"] = secondsSince(t0);
    }
    if (teachers.size() == 1) summary.teacher = members[0];
    if (teachers.size() > 1) summary.teacher = ensembleSummary(teachers, members, stage);

    // The scratch and distilled students start from the same initial weights, so only the teacher differs.
    const std::uint64_t studentSeed = recipe.seed + 1000;
    std::optional<models::Model> distilled;
    if (recipe.studentScratch || !recipe.distill.enabled) {
        const auto t0 = Clock::now();
        auto scratch = makeModel(recipe.student, dataset, studentSeed, "student");
        const auto m = material.scratch();
        summary.student_scratch = stage.runCached(stageKey(m), m, "student_scratch", scratch, recipe.student.train, nullptr);
        timings["student_scratch_seconds"] = secondsSince(t0);
        if (!recipe.distill.enabled) distilled = scratch;
    }
    if (recipe.distill.enabled) {
        const auto t0 = Clock::now();
        auto student = makeModel(recipe.student, dataset, studentSeed, "student");
        const auto m = material.distilled(teacherKeys);
        summary.student = stage.runCached(stageKey(m), m, "student", student, recipe.student.train, &teachers);
        distilled = student;
        summary.student->distill = results::DistillUsed{recipe.distill.temperature, recipe.distill.alpha, recipe.distill.loss};
        timings["student_seconds"] = secondsSince(t0);
    }
    if (recipe.compression.any() && distilled) {
        const auto t0 = Clock::now();
        // Joint pruning distils a fresh copy (same initial weights) while pruning it; "student" stays dense.
        auto fresh = makeModel(recipe.student, dataset, studentSeed, "student");
        summary.compressed = compressStudent(recipe, options, stage, *distilled, fresh, teachers);
        const auto deployed = static_cast<double>(summary.compressed->bytes_deployed);
        results::Ratios ratios;
        ratios.student_to_deployed = static_cast<double>(summary.finalStudent()->bytes_fp32) / deployed;
        if (summary.teacher) ratios.teacher_to_deployed = static_cast<double>(summary.teacher->bytes_fp32) / deployed;
        summary.ratios = ratios;
        timings["compress_seconds"] = secondsSince(t0);
    }
    timings["total_seconds"] = secondsSince(start);
    if (observer) observer->onStage("write", options.outDir.string());
    results::writeSummary(options.outDir, summary);
    writeRunPredictions(options.outDir, dataset, stage);
    if (!recipe.exportFormats.empty() && summary.compressed) {
        const RunFolder run(options.outDir);
        for (const auto& format : recipe.exportFormats) {
            if (observer) observer->onStage("export", format);
            ExportOptions exportOptions;
            exportOptions.format = format;
            exportOptions.prefix = recipe.exportPrefix;
            exportOptions.denseWeights = recipe.exportDenseWeights;
            exportOptions.flashBudget = recipe.exportFlashBudget;
            exportOptions.softmax = recipe.exportSoftmax;
            exportRun(run, exportOptions);  // recorded in summary.json
        }
        summary = results::readSummary(options.outDir);
    }
    return summary;
}

}  // namespace tinyforge::core::pipeline
