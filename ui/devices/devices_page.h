#pragma once
// The Devices page: a finished run and a board (fit bars for the model's flash and RAM against the part), the ST-Link
// probes and DFU bootloaders plugged in (kept current by a libusb watcher), Flash & Profile through a backend on a
// worker thread (the same deployRun as `tinyforge-cli deploy`) with flashing progress and Cancel, and the run's
// device results from its summary.json.

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace tinyforge::devices {
struct Board;
struct ProbeScan;
class ProbeWatcher;
struct UnknownHostKey;
}  // namespace tinyforge::devices

namespace tinyforge::ui {
class BoardPicker;
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

signals:
    void profiled(QString board);
    void failed(QString message);
    void cancelled();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateFit();
    void updateBackendFields();
    void showBackendsFor(const devices::Board* board);
    void showResults();
    void showFlashProgress(const QString& phase, qint64 done, qint64 total);

    RunPicker* m_run;
    BoardPicker* m_board;
    QComboBox* m_backend;
    QString m_preferredBackend;  ///< the backend the user chose ("" = each board's default)
    QLineEdit *m_device, *m_serialPort, *m_host, *m_identity, *m_knownHosts;
    QFormLayout* m_form;
    HostKeyPrompt m_hostKeyPrompt;
    bool m_closing = false;  // set by the destructor: questions still queued from the worker are answered "no"
    PasswordPrompt m_passwordPrompt;
    QListWidget* m_probes;
    QLabel* m_probeStatus;
    QProgressBar *m_flash, *m_ram, *m_flashProgress;
    QLabel* m_status;
    QPushButton *m_go, *m_cancel;
    QTableWidget* m_results;

    std::unique_ptr<devices::ProbeWatcher> m_watcher;  // started when the page is first shown
    std::shared_ptr<std::atomic<bool>> m_cancelRequested;
    QFuture<void> m_running;
};

}  // namespace tinyforge::ui
