#include "app/cli/run_progress.h"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace tinyforge::cli {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    if (g_interrupted.exchange(true)) std::_Exit(130);
}
}  // namespace

RunProgress::RunProgress(bool terminal, int totalEpochsHint) : terminal_(terminal), epochs_(totalEpochsHint) {}

RunProgress::~RunProgress() { clearLine(); }

void RunProgress::catchInterrupt() { std::signal(SIGINT, onInterrupt); }

bool RunProgress::stopRequested() const { return g_interrupted; }

void RunProgress::clearLine() {
    if (lineDirty_) std::cerr << "\r\033[K" << std::flush;
    lineDirty_ = false;
}

void RunProgress::onStage(const std::string& stage, const std::string& detail) {
    clearLine();
    stage_ = stage;
    // stage id, what the user reads
    static const char* const names[][2] = {{"load", "loading dataset"},      {"teacher", "training teacher"},
                                           {"student_scratch", "training student from labels (baseline)"},
                                           {"student", "distilling student"}, {"write", "writing"},
                                           {"compress_prune", "pruning the student (fine-tuning with the teacher)"},
                                           {"compress_joint", "distilling a fresh student while pruning it"},
                                           {"cluster", "clustering weights"}, {"compress_cluster", "fine-tuning shared centroids"},
                                           {"quantize", "quantizing"}, {"compress_qat", "quantization-aware fine-tuning"},
                                           {"reuse", "reusing"}};
    std::string label = stage;
    for (const auto& n : names) {
        if (stage == n[0]) label = n[1];
    }
    if (stage.starts_with("teacher") && stage != "teacher") label = "training " + stage;
    if (stage == "reuse") std::cerr << "== reusing " << detail << std::endl;  // "teacher from the stage cache (key)"
    else std::cerr << "== " << label << (detail.empty() ? "" : " (" + detail + ")") << std::endl;
}

void RunProgress::onProgress(const ProgressEvent& event) {
    if (!terminal_ || event.total <= 0) return;
    std::cerr << "\r" << event.stage << ": " << event.done << "/" << event.total << "\033[K" << std::flush;
    lineDirty_ = true;
}

void RunProgress::onStep(const core::train::StepMetrics& m) {
    if (!terminal_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool last = (m.step + 1) % m.stepsPerEpoch == 0;
    if (!last && now - lastDraw_ < std::chrono::milliseconds(100)) return;
    lastDraw_ = now;
    const double fraction = static_cast<double>(m.step % m.stepsPerEpoch + 1) / static_cast<double>(m.stepsPerEpoch);
    const int filled = static_cast<int>(fraction * 30);
    char line[256];
    std::snprintf(line, sizeof line, "\r%-16s epoch %3d [%-30s] %3.0f%%  loss %.4f  batch acc %.3f\033[K",
                  m.model.c_str(), m.epoch + 1, std::string(static_cast<std::size_t>(filled), '#').c_str(),
                  fraction * 100, m.loss, m.batchAccuracy);
    std::cerr << line << std::flush;
    lineDirty_ = true;
}

void RunProgress::onEpoch(const core::train::EpochMetrics& m) {
    if (stage_ == "reuse") return;  // a cached stage's history, replayed: its epochs were printed when it was trained
    clearLine();
    char line[256];
    std::snprintf(line, sizeof line,
                  "%-16s epoch %3d  loss %.4f (soft %.4f, hard %.4f)  train %.4f  val %.4f  lr %.3g  %.0f samples/s",
                  m.model.c_str(), m.epoch + 1, m.loss, m.softLoss, m.hardLoss, m.trainAccuracy, m.valAccuracy,
                  m.learningRate, m.samplesPerSecond);
    std::cerr << line << std::endl;
}

}  // namespace tinyforge::cli
