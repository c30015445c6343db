#pragma once
// How `tinyforge-cli run` shows a run: a live progress bar on a terminal, one plain line per epoch otherwise.
// Ctrl-C asks the run to stop after the current batch.

#include <atomic>
#include <chrono>
#include <string>

#include "core/pipeline/run_recipe.h"

namespace tinyforge::cli {

class RunProgress final : public core::pipeline::RunObserver {
public:
    explicit RunProgress(bool terminal, int totalEpochsHint = 0);
    ~RunProgress() override;

    void onStage(const std::string& stage, const std::string& detail) override;
    void onProgress(const ProgressEvent& event) override;
    void onStep(const core::train::StepMetrics& m) override;
    void onEpoch(const core::train::EpochMetrics& m) override;
    bool stopRequested() const override;

    /// Installs a SIGINT handler that makes stopRequested() true (a second Ctrl-C ends the process).
    static void catchInterrupt();

private:
    void clearLine();
    bool terminal_;
    int epochs_ = 0;
    std::string stage_;
    bool lineDirty_ = false;
    std::chrono::steady_clock::time_point lastDraw_{};
};

}  // namespace tinyforge::cli
