#pragma once
// Progress and cancellation for long jobs, in plain C++ so the CLI, the GUI workers and tests share it.

#include <cstdint>
#include <string>

namespace tinyforge {

/// One step of a long job: `done` of `total` units of `stage` (total 0 when unknown).
struct ProgressEvent {
    std::string stage;
    std::int64_t done = 0;
    std::int64_t total = 0;
    std::string detail;
};

/// Receives progress from a job and can ask it to stop. Callbacks run on the job's thread.
class ProgressObserver {
public:
    virtual ~ProgressObserver() = default;
    /// Called as the job advances; keep it cheap, it may run once per item.
    virtual void onProgress(const ProgressEvent& event) { (void)event; }
    /// Polled by the job between items; returning true makes the job throw tinyforge::Cancelled.
    virtual bool stopRequested() const { return false; }
};

/// Reports `event` to `observer` (which may be null) and throws Cancelled if it asks to stop.
void reportProgress(ProgressObserver* observer, const ProgressEvent& event);

/// Throws Cancelled if `observer` (which may be null) asks to stop.
void throwIfStopRequested(const ProgressObserver* observer);

}  // namespace tinyforge
