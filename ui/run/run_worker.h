#pragma once
// Runs a recipe through the core pipeline (the same runRecipe as `tinyforge-cli run`) on its own thread, and turns
// the pipeline's callbacks into queued signals. Pause holds the training loop between batches; cancel stops it
// at the next batch (checkpoints of finished epochs remain in the run folder).

#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/train/train_events.h"

Q_DECLARE_METATYPE(tinyforge::core::train::StepMetrics)
Q_DECLARE_METATYPE(tinyforge::core::train::EpochMetrics)

namespace tinyforge::ui {

class RunWorker : public QObject {
    Q_OBJECT
public:
    explicit RunWorker(QObject* parent = nullptr);
    ~RunWorker() override;  ///< cancels and joins a run still going

    /// Starts `recipe` (JSON, paths absolute) into `outDir`. False when a run is already going.
    bool start(const nlohmann::json& recipe, const QString& outDir);
    void setPaused(bool paused);
    void cancel();
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_flags->paused; }

signals:
    void stageStarted(QString stage, QString detail);
    /// Steps arrive in batches, at most about every 50 ms: a fast model can take thousands of steps a second.
    void steps(QVector<tinyforge::core::train::StepMetrics> batch);
    void epoch(tinyforge::core::train::EpochMetrics metrics);
    void finished(QString outDir, QString summaryJson);
    void failed(QString message);
    void cancelled(QString outDir);

private:
    struct Flags {
        std::atomic<bool> stop{false}, paused{false};
    };
    class Observer;

    std::shared_ptr<Flags> m_flags = std::make_shared<Flags>();
    std::thread m_thread;
    bool m_running = false;
};

}  // namespace tinyforge::ui
