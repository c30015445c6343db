#pragma once
// Loads a dataset off the GUI thread and reports progress, the result or the error as signals.

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "core/data/dataset.h"
#include "core/data/load_options.h"

namespace tinyforge::ui {

class DatasetLoadWorker : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoadWorker(QObject* parent = nullptr);
    ~DatasetLoadWorker() override;

    /// Starts loading on the thread pool; a load already running is cancelled first.
    void start(const core::data::LoadOptions& options);
    /// Asks the running load to stop; it ends with `cancelled()` within one item.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(QString stage, qint64 done, qint64 total);
    void loaded(std::shared_ptr<const tinyforge::core::data::Dataset> dataset);
    void failed(QString message);
    void cancelled();

private:
    std::shared_ptr<std::atomic<bool>> m_stop;
    bool m_running = false;
};

}  // namespace tinyforge::ui
