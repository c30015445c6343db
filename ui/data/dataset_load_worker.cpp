#include "ui/data/dataset_load_worker.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include "core/data/load_dataset.h"
#include "core/error.h"

namespace tinyforge::ui {

namespace {

// Relays core progress to the GUI thread (queued) and core's stop polling to the shared flag.
class SignalObserver final : public ProgressObserver {
public:
    SignalObserver(QPointer<DatasetLoadWorker> worker, std::shared_ptr<std::atomic<bool>> stop)
        : m_worker(std::move(worker)), m_stop(std::move(stop)) {}
    void onProgress(const ProgressEvent& event) override {
        const QString stage = QString::fromStdString(event.stage);
        QMetaObject::invokeMethod(m_worker, [w = m_worker, stage, event] {
            if (w) emit w->progress(stage, event.done, event.total);
        }, Qt::QueuedConnection);
    }
    bool stopRequested() const override { return *m_stop; }

private:
    QPointer<DatasetLoadWorker> m_worker;
    std::shared_ptr<std::atomic<bool>> m_stop;
};

}  // namespace

DatasetLoadWorker::DatasetLoadWorker(QObject* parent) : QObject(parent) {}

DatasetLoadWorker::~DatasetLoadWorker() { cancel(); }

void DatasetLoadWorker::start(const core::data::LoadOptions& options) {
    cancel();
    m_stop = std::make_shared<std::atomic<bool>>(false);
    m_running = true;
    QPointer<DatasetLoadWorker> self(this);
    auto stop = m_stop;
    // Every outcome is caught on the pool thread and delivered as a queued signal: nothing throws across threads.
    auto deliver = [self, stop](auto&& emitter) {
        QMetaObject::invokeMethod(self, [self, stop, emitter] {
            if (!self || self->m_stop != stop) return;  // a newer load replaced this one
            self->m_running = false;
            emitter(self.data());
        }, Qt::QueuedConnection);
    };
    (void)QtConcurrent::run([options, self, stop, deliver] {
        SignalObserver observer(self, stop);
        try {
            auto dataset = std::make_shared<const core::data::Dataset>(core::data::loadDataset(options, &observer));
            deliver([dataset](DatasetLoadWorker* w) { emit w->loaded(dataset); });
        } catch (const Cancelled&) {
            deliver([](DatasetLoadWorker* w) { emit w->cancelled(); });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            deliver([message](DatasetLoadWorker* w) { emit w->failed(message); });
        }
    });
}

void DatasetLoadWorker::cancel() {
    if (m_stop) *m_stop = true;
}

}  // namespace tinyforge::ui
