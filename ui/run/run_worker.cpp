#include "ui/run/run_worker.h"

#include <QMetaObject>
#include <QPointer>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/results/aggregate.h"
#include "core/pipeline/run_recipe.h"
#include "core/recipe/recipe.h"

namespace tinyforge::ui {

// Runs on the pipeline's thread: every callback is posted to the worker's (GUI) thread.
class RunWorker::Observer : public core::pipeline::RunObserver {
public:
    Observer(QPointer<RunWorker> worker, std::shared_ptr<Flags> flags) : m_worker(std::move(worker)), m_flags(std::move(flags)) {}

    void onStage(const std::string& stage, const std::string& detail) override {
        flushSteps();
        post([stage, detail](RunWorker* w) { emit w->stageStarted(QString::fromStdString(stage), QString::fromStdString(detail)); });
    }
    void onStep(const core::train::StepMetrics& m) override {
        m_pending.push_back(m);
        const auto now = std::chrono::steady_clock::now();
        if (now - m_lastFlush >= std::chrono::milliseconds(50)) flushSteps();
    }
    void onEpoch(const core::train::EpochMetrics& m) override {
        flushSteps();
        post([m](RunWorker* w) { emit w->epoch(m); });
    }
    // Sends the steps collected since the last batch (called on the pipeline's thread).
    void flushSteps() {
        m_lastFlush = std::chrono::steady_clock::now();
        if (m_pending.isEmpty()) return;
        post([batch = std::move(m_pending)](RunWorker* w) { emit w->steps(batch); });
        m_pending.clear();
    }
    bool stopRequested() const override {
        // Paused: hold the training thread here, between batches, until resumed or cancelled.
        while (m_flags->paused && !m_flags->stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return m_flags->stop;
    }

    template <typename F>
    void post(F call) {
        QMetaObject::invokeMethod(m_worker.data(), [w = m_worker, call] {
            if (w) call(w.data());
        }, Qt::QueuedConnection);
    }

private:
    QPointer<RunWorker> m_worker;
    std::shared_ptr<Flags> m_flags;
    QVector<core::train::StepMetrics> m_pending;
    std::chrono::steady_clock::time_point m_lastFlush;
};

namespace {

// One run of the recipe into `out`; its summary as JSON text.
std::string runOnce(const core::recipe::Recipe& recipe, const std::string& out, core::pipeline::RunObserver& observer) {
    core::pipeline::RunOptions options;
    options.outDir = out;
    options.cache = core::pipeline::userStageCache();  // the CLI's cache too: a teacher trained there is reused here
    return core::results::toJson(core::pipeline::runRecipe(recipe, options, &observer)).dump();
}

// The recipe's repeats (`seeds` > 1) one after another into out/seed-S, as `tinyforge-cli run --seeds` lays them
// out, then their aggregate.json; its JSON text. In turn rather than in parallel processes as the CLI does, so the
// charts follow one run at a time and Pause and Cancel reach it.
std::string runRepeats(const nlohmann::json& recipeJson, const core::recipe::Recipe& recipe, const std::string& out,
                       core::pipeline::RunObserver& observer) {
    std::vector<std::filesystem::path> dirs;
    for (int i = 0; i < recipe.seeds; ++i) {
        const auto seed = recipe.seed + static_cast<std::uint64_t>(i);
        const auto dir = core::results::seedRunFolder(out, seed);
        std::filesystem::create_directories(dir);
        nlohmann::json one = recipeJson;
        one["seed"] = seed;
        one["seeds"] = 1;
        observer.onStage("seed", std::to_string(seed) + " (" + std::to_string(i + 1) + " of " + std::to_string(recipe.seeds) + ")");
        runOnce(core::recipe::parseRecipe(one, (dir / "recipe.json").string(), dir.string()), dir.string(), observer);
        dirs.push_back(dir);
    }
    const auto aggregate = core::results::aggregateRuns(dirs);
    core::results::writeAggregate(out, aggregate);
    return core::contract::toJson(aggregate).dump();
}

}  // namespace

RunWorker::RunWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<core::train::StepMetrics>();
    qRegisterMetaType<core::train::EpochMetrics>();
}

RunWorker::~RunWorker() {
    m_flags->stop = true;
    if (m_thread.joinable()) m_thread.join();
}

bool RunWorker::start(const nlohmann::json& recipeJson, const QString& outDir) {
    if (m_running) return false;
    if (m_thread.joinable()) m_thread.join();
    m_flags = std::make_shared<Flags>();
    m_running = true;
    auto observer = std::make_shared<Observer>(QPointer<RunWorker>(this), m_flags);
    const std::string out = outDir.toStdString();
    // The window keeps a core: a recipe that asks for all of them (threads 0) trains on one fewer, at a lower
    // priority, so the event loop stays responsive on a busy machine.
    nlohmann::json runJson = recipeJson;
    const auto threads = runJson.find("threads");  // absent or 0: the machine's cores (a wrong type is the parser's to name)
    if (threads == runJson.end() || *threads == 0) runJson["threads"] = std::max(1u, std::thread::hardware_concurrency() - 1);
    m_thread = std::thread([observer, runJson, out, outDir] {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5);  // this thread and the workers it starts
        try {
            const auto recipe = core::recipe::parseRecipe(runJson, out + "/recipe.json", out);
            const std::string text = recipe.seeds > 1 ? runRepeats(runJson, recipe, out, *observer) : runOnce(recipe, out, *observer);
            observer->flushSteps();
            observer->post([outDir, text = QString::fromStdString(text)](RunWorker* w) {
                w->m_running = false;
                emit w->finished(outDir, text);
            });
        } catch (const Cancelled&) {
            observer->post([outDir](RunWorker* w) {
                w->m_running = false;
                emit w->cancelled(outDir);
            });
        } catch (const std::exception& e) {  // the engine's errors name the file and field; they are shown as they are
            observer->post([message = QString::fromStdString(e.what())](RunWorker* w) {
                w->m_running = false;
                emit w->failed(message);
            });
        }
    });
    return true;
}

void RunWorker::setPaused(bool paused) { m_flags->paused = paused; }

void RunWorker::cancel() { m_flags->stop = true; }

}  // namespace tinyforge::ui
