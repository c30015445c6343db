#include "core/progress.h"

#include "core/error.h"

namespace tinyforge {

void reportProgress(ProgressObserver* observer, const ProgressEvent& event) {
    if (observer == nullptr) return;
    observer->onProgress(event);
    throwIfStopRequested(observer);
}

void throwIfStopRequested(const ProgressObserver* observer) {
    if (observer != nullptr && observer->stopRequested()) throw Cancelled();
}

}  // namespace tinyforge
