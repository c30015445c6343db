#pragma once
// The Devices page: a finished run and a board (fit bars for the model's flash and RAM against the part), the ST-Link
// probes and DFU bootloaders plugged in (kept current by a libusb watcher), Flash & Profile through a backend on a
// worker thread (the same deployRun as `tinyforge-cli deploy`) with flashing progress and Cancel, the run's device
// results from its summary.json with the chosen entry's ops as a bar chart, and Find drift (the same findDrift as
// `tinyforge-cli diff`) naming the first op whose output on the board departs from the integer reference.

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/results/run_summary.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace tinyforge::devices {
struct Board;
struct DeployOptions;
struct ProbeScan;
class ProbeWatcher;
struct UnknownHostKey;
}  // namespace tinyforge::devices

namespace tinyforge::ui {
class BoardPicker;
class DriftView;
class FlashBudgetBox;
class LayerProfileView;
class RunPicker;
}

namespace tinyforge::ui {

class DevicesPage : public QWidget {
    Q_OBJECT
public:
    explicit DevicesPage(QWidget* parent = nullptr);
    ~DevicesPage() override;  ///< cancels a flash or upload in progress and waits for its worker

    /// Offers `dir` (a run folder) and selects it.
    void addRun(const QString& dir);
    void setBoard(const QString& id);
    /// Chooses a backend id (devices/deploy/deploy_backends.h) as the user would; boards that cannot use it fall back.
    void setBackend(const QString& backend);
    /// SSH to a Linux board: USER@HOST[:PORT], a key file ("" = the agent, then ~/.ssh) and known_hosts ("" = ~/.ssh's).
    void setSshTarget(const QString& host, const QString& identity, const QString& knownHosts);

    using HostKeyPrompt = std::function<bool(const devices::UnknownHostKey&)>;
    using PasswordPrompt = std::function<std::optional<std::string>(const QString& prompt)>;
    /// Replaces the dialogs that ask whether to trust a new host and for a password (both run on the GUI thread).
    void setPrompts(HostKeyPrompt hostKey, PasswordPrompt password);
    /// Builds, flashes (or emulates) and profiles; `profiled`, `failed` or `cancelled` follows.
    void flashAndProfile();
    /// Runs one test sample with every op's output reported (the first the board's last profile found differing, else
    /// 0) and shows where it departs from the reference; `driftShown` or `failed` follows.
    void findDrift();
    /// Asks a running Flash & Profile to stop at its next flash block.
    void cancel();
    /// Shows what the USB watcher found (called on the GUI thread).
    void showProbes(const devices::ProbeScan& scan);
    /// Picks the connected device in row `row`: its backend and device become the ones used.
    void selectProbe(int row);

    // For tests and the status bar.
    int resultRows() const;
    QString resultToolTip(int row, int column) const;  ///< "" for an empty cell
    int flashFitPercent() const;  ///< the flash fit bar's value in percent
    int probeRows() const;
    QString probeStatus() const;  ///< what the last USB scan found, "" before the first
    QString backend() const;
    QString deviceArgument() const;
    int flashPercent() const;  ///< the flashing progress bar, 0-100
    bool busy() const;
    QString statusText() const;  ///< the status line: the last outcome or problem
    const LayerProfileView* layerView() const { return m_layers; }
    const DriftView* driftView() const { return m_drift; }

signals:
    void profiled(QString board);
    void failed(QString message);
    void cancelled();
    void driftShown();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateFit();
    void updateBackendFields();
    void showBackendsFor(const devices::Board* board);
    void showResults();
    void showFlashProgress(const QString& phase, qint64 done, qint64 total);
    /// The chosen board and backend as deploy options; nothing (with the reason in the status line) when no run is
    /// chosen, a job is running, or a field the backend needs is empty.
    std::optional<devices::DeployOptions> deployOptions();

    RunPicker* m_run;
    BoardPicker* m_board;
    QComboBox* m_backend;
    QString m_preferredBackend;  ///< the backend the user chose ("" = each board's default)
    QLineEdit *m_device, *m_serialPort, *m_host, *m_identity, *m_knownHosts;
    FlashBudgetBox* m_flashBudget;
    QFormLayout* m_form;
    HostKeyPrompt m_hostKeyPrompt;
    bool m_closing = false;  // set by the destructor: questions still queued from the worker are answered "no"
    PasswordPrompt m_passwordPrompt;
    QListWidget* m_probes;
    QLabel* m_probeStatus;
    QProgressBar *m_flash, *m_ram, *m_flashProgress;
    QLabel* m_status;
    QPushButton *m_go, *m_cancel, *m_findDrift;
    QTableWidget* m_results;
    std::vector<core::results::DeviceResult> m_entries;  ///< the rows of m_results
    LayerProfileView* m_layers;
    DriftView* m_drift;
    QTabWidget* m_details;

    std::unique_ptr<devices::ProbeWatcher> m_watcher;  // started when the page is first shown
    std::shared_ptr<std::atomic<bool>> m_cancelRequested;
    QFuture<void> m_running;
};

}  // namespace tinyforge::ui
