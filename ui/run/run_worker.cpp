#include "ui/run/run_worker.h"

#include <QMetaObject>
#include <QPointer>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/error.h"
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
            core::pipeline::RunOptions options;
            options.outDir = out;
            const auto summary = core::pipeline::runRecipe(recipe, options, observer.get());
            observer->flushSteps();
            observer->post([outDir, text = QString::fromStdString(core::results::toJson(summary).dump())](RunWorker* w) {
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
