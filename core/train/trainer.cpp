#include "core/train/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/data/splits.h"
#include "core/data/tensors.h"
#include "core/error.h"
#include "core/io/file_bytes.h"
#include "core/train/distillation_loss.h"
#include "core/train/evaluate.h"

namespace tinyforge::core::train {

std::vector<at::Tensor> TrainHook::stateTensors() { return {}; }

namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const models::Model& model, const TrainJob& job) {
    const auto& s = job.settings;
    auto parameters = model.parameters();
    for (auto* hook : job.hooks) hook->replaceParameters(parameters);
    if (s.optimizer == "sgd") {
        return std::make_unique<torch::optim::SGD>(
            parameters, torch::optim::SGDOptions(s.learningRate).momentum(s.momentum).weight_decay(s.weightDecay));
    }
    return std::make_unique<torch::optim::Adam>(parameters,
                                                torch::optim::AdamOptions(s.learningRate).weight_decay(s.weightDecay));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// Everything needed to continue a run exactly where it stopped.
struct Progress {
    int nextEpoch = 0;
    int bestEpoch = -1;
    double bestValAccuracy = -1;
    int epochsWithoutGain = 0;
    bool stoppedEarly = false;
    std::vector<at::Tensor> bestState;
    std::vector<EpochMetrics> history;
};

nlohmann::json toJson(const EpochMetrics& m) {
    return {{"model", m.model}, {"epoch", m.epoch}, {"loss", m.loss}, {"soft_loss", m.softLoss},
            {"hard_loss", m.hardLoss}, {"train_accuracy", m.trainAccuracy}, {"val_accuracy", m.valAccuracy},
            {"learning_rate", m.learningRate}, {"samples_per_second", m.samplesPerSecond}, {"seconds", m.seconds},
            {"sparsity", m.sparsity}, {"deployed_bytes", m.deployedBytes}};
}

EpochMetrics epochFromJson(const nlohmann::json& j) {
    EpochMetrics m;
    m.model = j.at("model");
    m.epoch = j.at("epoch");
    m.loss = j.at("loss");
    m.softLoss = j.at("soft_loss");
    m.hardLoss = j.at("hard_loss");
    m.trainAccuracy = j.at("train_accuracy");
    m.valAccuracy = j.at("val_accuracy");
    m.learningRate = j.at("learning_rate");
    m.samplesPerSecond = j.at("samples_per_second");
    m.seconds = j.at("seconds");
    m.sparsity = j.value("sparsity", 0.0);
    m.deployedBytes = j.value("deployed_bytes", std::int64_t{0});
    return m;
}

void writeTensors(torch::serialize::OutputArchive& archive, const std::string& prefix, const std::vector<at::Tensor>& ts) {
    for (std::size_t i = 0; i < ts.size(); ++i) archive.write(prefix + std::to_string(i), ts[i]);
}

std::vector<at::Tensor> readTensors(torch::serialize::InputArchive& archive, const std::string& prefix, std::size_t n) {
    std::vector<at::Tensor> out(n);
    for (std::size_t i = 0; i < n; ++i) archive.read(prefix + std::to_string(i), out[i]);
    return out;
}

void saveCheckpoint(const std::filesystem::path& file, const models::Model& model,
                    torch::optim::Optimizer& optimizer, const Progress& p, const TrainJob& job) {
    const std::string& source = job.source;
    torch::serialize::OutputArchive archive;
    writeTensors(archive, "model/", model.state());
    writeTensors(archive, "best/", p.bestState);
    nlohmann::json hooks = nlohmann::json::array();
    for (std::size_t h = 0; h < job.hooks.size(); ++h) {
        const auto tensors = job.hooks[h]->stateTensors();
        writeTensors(archive, "hook" + std::to_string(h) + "/", tensors);
        hooks.push_back({{"tensors", tensors.size()}, {"text", job.hooks[h]->stateText()}});
    }
    torch::serialize::OutputArchive optimizerArchive;
    optimizer.save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
    nlohmann::json meta{{"next_epoch", p.nextEpoch}, {"best_epoch", p.bestEpoch},
                        {"best_val_accuracy", p.bestValAccuracy}, {"epochs_without_gain", p.epochsWithoutGain},
                        {"stopped_early", p.stoppedEarly}, {"history", nlohmann::json::array()}, {"source", source},
                        {"hooks", hooks}};
    for (const auto& m : p.history) meta["history"].push_back(toJson(m));
    archive.write("meta", c10::IValue(meta.dump()));
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string data = bytes.str();
    io::writeFileAtomically(file, data.data(), data.size());
}

// The checkpoint's metadata first: a checkpoint of other settings or data is refused before any weight is loaded.
void checkSource(const nlohmann::json& meta, const std::filesystem::path& file, const std::string& source) {
    const std::string stored = meta.contains("source") && meta.at("source").is_string() ? meta.at("source").get<std::string>() : "";
    if (source.empty() || stored.empty() || stored == source) return;
    throw DataError(file, "source", "was made from other settings or data than this run's (checkpoint " + stored.substr(0, 12) + ", run " +
                                        source.substr(0, 12) + "); run again with --force to start over");
}

// The hooks' state, copied into the tensors the hooks (and the optimiser) already hold.
void restoreHooks(torch::serialize::InputArchive& archive, const nlohmann::json& meta, const TrainJob& job, const std::filesystem::path& file) {
    const auto& hooks = meta.contains("hooks") ? meta.at("hooks") : nlohmann::json::array();
    if (hooks.size() != job.hooks.size()) {
        throw DataError(file, "hooks", "holds the state of " + std::to_string(hooks.size()) + " compression hooks, this phase has " +
                                           std::to_string(job.hooks.size()));
    }
    torch::NoGradGuard noGrad;
    for (std::size_t h = 0; h < job.hooks.size(); ++h) {
        auto tensors = job.hooks[h]->stateTensors();
        if (hooks[h].at("tensors").get<std::size_t>() != tensors.size()) throw DataError(file, "hooks", "a hook's state does not match this phase");
        const auto saved = readTensors(archive, "hook" + std::to_string(h) + "/", tensors.size());
        for (std::size_t t = 0; t < tensors.size(); ++t) {
            if (!saved[t].sizes().equals(tensors[t].sizes())) throw DataError(file, "hooks", "a hook's state has other shapes than this phase's");
            tensors[t].copy_(saved[t]);
        }
        job.hooks[h]->restoreText(hooks[h].at("text").get<std::string>());
    }
}

Progress loadCheckpoint(const std::filesystem::path& file, models::Model& model, torch::optim::Optimizer& optimizer,
                        const TrainJob& job) {
    const std::string& source = job.source;
    Progress p;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(file.string());
        c10::IValue metaValue;
        archive.read("meta", metaValue);
        const auto meta = nlohmann::json::parse(metaValue.toStringRef());
        checkSource(meta, file, source);
        const auto state = model.state();
        model.loadState(readTensors(archive, "model/", state.size()));
        p.bestState = readTensors(archive, "best/", state.size());
        torch::serialize::InputArchive optimizerArchive;
        archive.read("optimizer", optimizerArchive);
        optimizer.load(optimizerArchive);
        restoreHooks(archive, meta, job, file);
        p.nextEpoch = meta.at("next_epoch");
        p.bestEpoch = meta.at("best_epoch");
        p.bestValAccuracy = meta.at("best_val_accuracy");
        p.epochsWithoutGain = meta.at("epochs_without_gain");
        p.stoppedEarly = meta.at("stopped_early");
        for (const auto& m : meta.at("history")) p.history.push_back(epochFromJson(m));
    } catch (const c10::Error& e) {
        throw DataError(file, "", std::string("cannot resume from this checkpoint: ") + e.what_without_backtrace());
    } catch (const nlohmann::json::exception& e) {
        throw DataError(file, "", std::string("checkpoint metadata is damaged: ") + e.what());
    }
    return p;
}

// The logits the student learns from for one batch: cached rows when the inputs are not augmented.
class TeacherSignal {
public:
    TeacherSignal(const TrainJob& job, const data::Dataset& dataset) : job_(job) {
        if (!enabled() || dataset.augment) return;
        cached_ = ensembleLogits(*job.teachers, dataset, dataset.splits.train);  // computed once
    }
    bool enabled() const { return job_.teachers != nullptr && !job_.teachers->empty() && job_.distill.enabled; }
    at::Tensor logits(const at::Tensor& positions, const at::Tensor& inputs) const {
        if (cached_.defined()) return cached_.index_select(0, positions);
        torch::NoGradGuard noGrad;
        at::Tensor sum;
        for (auto teacher : *job_.teachers) {
            teacher.setTraining(false);
            const auto z = teacher.forward(inputs);
            sum = sum.defined() ? sum + z : z;
        }
        return sum / static_cast<double>(job_.teachers->size());
    }

private:
    const TrainJob& job_;
    at::Tensor cached_;
};

// The training positions (indices into splits.train) for one epoch, in an order fixed by (seed, epoch).
std::vector<std::int64_t> epochOrder(std::size_t count, std::uint64_t seed, int epoch) {
    std::vector<std::int64_t> order(count);
    for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::int64_t>(i);
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(epoch) + 1);
    data::seededShuffle(order, rng);
    return order;
}

EpochMetrics runEpoch(models::Model& model, const data::Dataset& dataset, const TrainJob& job, int epoch,
                      torch::optim::Optimizer& optimizer, const TeacherSignal& teacher, TrainObserver* observer) {
    const auto& train = dataset.splits.train;
    const auto& s = job.settings;
    const auto order = epochOrder(train.size(), job.seed, epoch);
    std::mt19937_64 augmentRng(job.seed ^ (0xA5A5A5A5ull + static_cast<std::uint64_t>(epoch)));
    const std::int64_t steps = (static_cast<std::int64_t>(order.size()) + s.batchSize - 1) / s.batchSize;

    EpochMetrics m;
    m.model = job.name;
    m.epoch = epoch;
    m.learningRate = learningRateAt(s, epoch);
    setLearningRate(optimizer, m.learningRate);
    model.setTraining(true);
    const auto start = Clock::now();
    std::int64_t correct = 0;
    for (std::int64_t step = 0; step < steps; ++step) {
        throwIfStopRequested(observer);
        const auto first = order.begin() + step * s.batchSize;
        const auto last = order.begin() + std::min<std::int64_t>((step + 1) * s.batchSize, order.size());
        const std::vector<std::int64_t> positions(first, last);
        std::vector<std::int64_t> indices;
        for (const auto p : positions) indices.push_back(train[static_cast<std::size_t>(p)]);
        const auto x = dataset.augment ? data::augmentedSamplesTensor(dataset, indices, {}, augmentRng)
                                       : data::samplesTensor(dataset, indices);
        const auto y = data::labelsTensor(dataset, indices);

        const std::int64_t globalStep = epoch * steps + step;
        for (auto* hook : job.hooks) hook->beforeStep(globalStep);
        optimizer.zero_grad();
        const auto z = model.forward(x);
        at::Tensor loss, soft, hard;
        if (teacher.enabled()) {
            const auto parts = distillationLoss(z, teacher.logits(torch::tensor(positions), x), y, job.distill);
            loss = parts.total, soft = parts.soft, hard = parts.hard;
        } else {
            loss = hard = torch::cross_entropy_loss(z, y);
        }
        loss.backward();
        for (auto* hook : job.hooks) hook->afterBackward();
        optimizer.step();
        for (auto* hook : job.hooks) hook->afterStep();

        const auto batchCorrect = z.argmax(1).eq(y).sum().item<std::int64_t>();
        correct += batchCorrect;
        StepMetrics sm{job.name, epoch, globalStep, steps, loss.item<double>(),
                       soft.defined() ? soft.item<double>() : 0.0, hard.item<double>(),
                       static_cast<double>(batchCorrect) / static_cast<double>(indices.size()), m.learningRate};
        for (const auto* hook : job.hooks) hook->annotate(sm);
        m.loss += sm.loss;
        m.softLoss += sm.softLoss;
        m.hardLoss += sm.hardLoss;
        if (observer) observer->onStep(sm);
    }
    m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    m.samplesPerSecond = static_cast<double>(order.size()) / std::max(m.seconds, 1e-9);
    m.loss /= static_cast<double>(steps);
    m.softLoss /= static_cast<double>(steps);
    m.hardLoss /= static_cast<double>(steps);
    m.trainAccuracy = static_cast<double>(correct) / static_cast<double>(order.size());
    m.valAccuracy = dataset.splits.val.empty() ? m.trainAccuracy : accuracy(model, dataset, dataset.splits.val);
    for (const auto* hook : job.hooks) hook->annotate(m);
    return m;
}

}  // namespace

TrainResult trainModel(models::Model& model, const data::Dataset& dataset, const TrainJob& job,
                       TrainObserver* observer) {
    if (dataset.splits.train.empty()) throw SettingsError("the training split is empty");
    const auto start = Clock::now();
    auto optimizer = makeOptimizer(model, job);
    Progress progress;
    if (job.resume && !job.checkpoint.empty() && std::filesystem::exists(job.checkpoint)) {
        progress = loadCheckpoint(job.checkpoint, model, *optimizer, job);
    }
    const TeacherSignal teacher(job, dataset);
    for (int epoch = progress.nextEpoch; epoch < job.settings.epochs && !progress.stoppedEarly; ++epoch) {
        const EpochMetrics m = runEpoch(model, dataset, job, epoch, *optimizer, teacher, observer);
        progress.history.push_back(m);
        // Ties keep the later weights (small validation sets saturate early, later weights are better trained),
        // but only a strict gain resets the early-stopping patience.
        if (m.valAccuracy > progress.bestValAccuracy) progress.epochsWithoutGain = 0;
        else ++progress.epochsWithoutGain;
        if (m.valAccuracy >= progress.bestValAccuracy) {
            progress.bestValAccuracy = m.valAccuracy;
            progress.bestEpoch = epoch;
            progress.bestState.clear();
            for (const auto& t : model.state()) progress.bestState.push_back(t.detach().clone());
        }
        const int patience = job.settings.earlyStopPatience;
        if (patience > 0 && progress.epochsWithoutGain >= patience) progress.stoppedEarly = true;
        progress.nextEpoch = epoch + 1;
        if (!job.checkpoint.empty()) saveCheckpoint(job.checkpoint, model, *optimizer, progress, job);
        if (observer) observer->onEpoch(m);
    }
    if (!progress.bestState.empty() && !job.keepLastWeights) model.loadState(progress.bestState);
    TrainResult result;
    result.history = progress.history;
    result.bestEpoch = progress.bestEpoch;
    result.bestValAccuracy = progress.bestValAccuracy;
    result.stoppedEarly = progress.stoppedEarly;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

}  // namespace tinyforge::core::train
