#include "ui/devices/devices_page.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QInputDialog>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/error.h"
#include "core/results/summary_file.h"
#include "devices/deploy/deploy_backends.h"
#include "devices/deploy/deploy_run.h"
#include "devices/deploy/drift_debug.h"
#include "devices/discovery/probe_watcher.h"
#include "ui/devices/drift_view.h"
#include "ui/devices/layer_profile_view.h"
#include "ui/text_format.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

// The run's summary; nothing when no run is chosen or it has no summary yet. A damaged one throws DataError.
std::optional<core::results::RunSummary> summaryOf(const QString& runDir) {
    if (runDir.isEmpty()) return std::nullopt;
    return core::results::readSummaryIfPresent(runDir.toStdString());
}

struct DeployOutcome {
    enum Kind { profiled, cancelled, failed } kind = failed;
    QString message;
};

}  // namespace

DevicesPage::DevicesPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* columns = new QHBoxLayout;
    auto* form = m_form = new QFormLayout;
    m_run = new RunPicker;
    m_board = new BoardPicker(false);
    m_backend = new QComboBox;
    for (const auto& b : devices::deployBackends()) {
        m_backend->addItem(QString::fromStdString(b.label), QString::fromStdString(b.id));
        m_backend->setItemData(m_backend->count() - 1, QString::fromStdString(b.help), Qt::ToolTipRole);
    }
    m_host = new QLineEdit;
    m_host->setPlaceholderText(tr("pi@raspberrypi.local or USER@HOST:PORT"));
    m_identity = new QLineEdit;
    m_identity->setPlaceholderText(tr("private key file (empty: the agent, then ~/.ssh)"));
    m_knownHosts = new QLineEdit;
    m_knownHosts->setPlaceholderText(tr("~/.ssh/known_hosts"));
    m_device = new QLineEdit;
    m_serialPort = new QLineEdit;
    m_serialPort->setPlaceholderText(tr("the only ST-Link virtual COM port"));
    form->addRow(tr("Run"), m_run);
    form->addRow(tr("Board"), m_board);
    m_flash = new QProgressBar;
    m_ram = new QProgressBar;
    form->addRow(tr("Flash"), m_flash);
    form->addRow(tr("RAM"), m_ram);
    m_flashBudget = new FlashBudgetBox(tr("fit the board: the fastest that fits its flash"));
    form->addRow(tr("Flash budget"), m_flashBudget);
    form->addRow(tr("Backend"), m_backend);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Serial port"), m_serialPort);
    form->addRow(tr("Host"), m_host);
    form->addRow(tr("Key"), m_identity);
    form->addRow(tr("Known hosts"), m_knownHosts);
    columns->addLayout(form, 3);

    auto* connected = new QVBoxLayout;
    connected->addWidget(new QLabel(tr("Connected")));
    m_probes = new QListWidget;
    m_probes->setToolTip(tr("ST-Link probes and STM32s in DFU mode (BOOT0 high at reset); pick one to flash through it"));
    connected->addWidget(m_probes, 1);
    m_probeStatus = new QLabel;
    m_probeStatus->setWordWrap(true);
    connected->addWidget(m_probeStatus);
    columns->addLayout(connected, 2);
    layout->addLayout(columns);

    auto* actions = new QHBoxLayout;
    m_go = new QPushButton(tr("Flash && Profile"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_flashProgress = new QProgressBar;
    m_flashProgress->setRange(0, 100);
    m_flashProgress->setValue(0);
    m_flashProgress->setFormat(tr("idle"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_findDrift = new QPushButton(tr("Find drift"));
    m_findDrift->setToolTip(tr("Run one test sample on the board with every op's output reported and name the first op that differs "
                               "from the integer reference (tinyforge-cli diff)"));
    actions->addWidget(m_go);
    actions->addWidget(m_cancel);
    actions->addWidget(m_findDrift);
    actions->addWidget(m_flashProgress, 1);
    layout->addLayout(actions);
    layout->addWidget(m_status);
    m_results = new QTableWidget(0, 9);
    m_results->setHorizontalHeaderLabels({tr("Board"), tr("Backend"), tr("Latency"), tr("ms"), tr("Flash"), tr("RAM"), tr("Stack"),
                                          tr("Accuracy"), tr("Identical")});
    m_results->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_results->verticalHeader()->hide();
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    layout->addWidget(m_results, 1);
    m_details = new QTabWidget;
    m_layers = new LayerProfileView;
    m_drift = new DriftView;
    m_details->addTab(m_layers, tr("Per op"));
    m_details->addTab(m_drift, tr("Drift"));
    layout->addWidget(m_details, 2);
    connect(m_results, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(m_entries.size())) m_layers->showDevice(m_entries[static_cast<std::size_t>(row)]);
    });
    connect(m_findDrift, &QPushButton::clicked, this, &DevicesPage::findDrift);

    connect(m_run, &QComboBox::currentIndexChanged, this, [this] {
        updateFit();
        showResults();
    });
    connect(m_board, &QComboBox::currentIndexChanged, this, [this] {
        updateFit();
        showBackendsFor(m_board->currentBoard());
    });
    connect(m_backend, &QComboBox::currentIndexChanged, this, [this] { updateBackendFields(); });
    connect(m_backend, &QComboBox::activated, this, [this] { m_preferredBackend = backend(); });  // the user's own pick
    connect(m_probes, &QListWidget::currentRowChanged, this, &DevicesPage::selectProbe);
    connect(m_go, &QPushButton::clicked, this, &DevicesPage::flashAndProfile);
    connect(m_cancel, &QPushButton::clicked, this, &DevicesPage::cancel);
    m_hostKeyPrompt = [this](const devices::UnknownHostKey& key) {
        return QMessageBox::question(this, tr("Unknown host"),
                                     tr("%1 is not in known_hosts yet. Its key is\n\n%2 %3\n\nCompare it with the board's "
                                        "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the board). Trust it and remember it?")
                                         .arg(QString::fromStdString(key.host), QString::fromStdString(key.keyType), QString::fromStdString(key.fingerprint)),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    };
    m_passwordPrompt = [this](const QString& prompt) -> std::optional<std::string> {
        bool ok = false;
        const QString password = QInputDialog::getText(this, tr("SSH password"), prompt, QLineEdit::Password, QString(), &ok);
        if (!ok) return std::nullopt;
        return password.toStdString();
    };
    const int f405 = m_board->findData(QStringLiteral("stm32f405"));  // the board every user can profile: QEMU's
    if (f405 >= 0) m_board->setCurrentIndex(f405);
    updateFit();
    updateBackendFields();
    showResults();
}

void DevicesPage::setSshTarget(const QString& host, const QString& identity, const QString& knownHosts) {
    m_host->setText(host);
    m_identity->setText(identity);
    m_knownHosts->setText(knownHosts);
}

void DevicesPage::setPrompts(HostKeyPrompt hostKey, PasswordPrompt password) {
    m_hostKeyPrompt = std::move(hostKey);
    m_passwordPrompt = std::move(password);
}

DevicesPage::~DevicesPage() {
    m_watcher.reset();  // joins its thread: no scan is posted after this
    if (m_cancelRequested) *m_cancelRequested = true;
    m_closing = true;
    for (auto* watcher : findChildren<QFutureWatcherBase*>()) QObject::disconnect(watcher, nullptr, this, nullptr);
    // The worker may be waiting on this thread for an answer (trust this host? a password?): keep answering, "no",
    // until it ends, instead of blocking on it.
    while (!m_running.isFinished()) QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents, 20);
}

void DevicesPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_watcher) return;
    // The watcher's thread hands each scan to the GUI thread; the page outlives it (see the destructor).
    m_watcher = std::make_unique<devices::ProbeWatcher>([this](const devices::ProbeScan& scan) {
        QMetaObject::invokeMethod(this, [this, scan] { showProbes(scan); }, Qt::QueuedConnection);
    });
}

void DevicesPage::showProbes(const devices::ProbeScan& scan) {
    const QString chosen = deviceArgument();
    const QSignalBlocker quiet(m_probes);
    m_probes->clear();
    for (const auto& probe : scan.probes) {
        auto* item = new QListWidgetItem(QString::fromStdString(probe.describe()), m_probes);
        item->setData(Qt::UserRole, QString::fromStdString(probe.backend()));
        item->setData(Qt::UserRole + 1, QString::fromStdString(probe.deviceArgument()));
        if (!chosen.isEmpty() && item->data(Qt::UserRole + 1).toString() == chosen) m_probes->setCurrentItem(item);
    }
    if (!scan.error.empty()) m_probeStatus->setText(tr("USB devices cannot be listed: %1").arg(QString::fromStdString(scan.error)));
    else if (scan.probes.empty()) m_probeStatus->setText(tr("No ST-Link or DFU device connected."));
    else m_probeStatus->setText(tr("%n device(s) connected.", nullptr, static_cast<int>(scan.probes.size())));
}

void DevicesPage::selectProbe(int row) {
    QListWidgetItem* item = m_probes->item(row);
    if (!item) return;
    if (const devices::Board* board = m_board->currentBoard(); board && board->kind == "linux") {
        m_status->setText(tr("%1 is reached over SSH; pick a microcontroller board to flash through this device.").arg(m_board->currentText()));
        return;
    }
    setBackend(item->data(Qt::UserRole).toString());
    m_device->setText(item->data(Qt::UserRole + 1).toString());
}

// A board offers the backends that can reach it. The one the user chose stays while the board can use it; else the
// board's default, else the first that serves it (an STM32 without a QEMU model: its bootloader).
void DevicesPage::showBackendsFor(const devices::Board* board) {
    if (!board) return;
    int usable = 0;
    for (int i = 0; i < m_backend->count(); ++i) {
        const bool serves = devices::findDeployBackend(m_backend->itemData(i).toString().toStdString()).serves(*board);
        qobject_cast<QStandardItemModel*>(m_backend->model())->item(i)->setEnabled(serves);
        usable += serves;
    }
    const auto serves = [&](const std::string& id) { return !id.empty() && devices::findDeployBackend(id).serves(*board); };
    std::string wanted = m_preferredBackend.toStdString();
    if (!serves(wanted)) wanted = devices::defaultDeployBackend(*board).id;
    for (const auto& b : devices::deployBackends()) {
        if (!serves(wanted) && b.serves(*board)) wanted = b.id;
    }
    m_backend->setCurrentIndex(std::max(0, m_backend->findData(QString::fromStdString(wanted))));
    m_backend->setEnabled(usable > 1);
}

void DevicesPage::setBackend(const QString& backend) {
    const int index = m_backend->findData(backend);
    if (index < 0) return;
    m_preferredBackend = backend;
    m_backend->setCurrentIndex(index);
}

void DevicesPage::updateBackendFields() {
    const auto& backend = devices::findDeployBackend(this->backend().toStdString());
    m_form->setRowVisible(m_device, backend.needsDevice);
    m_form->setRowVisible(m_serialPort, backend.needsPort);
    for (QWidget* field : {static_cast<QWidget*>(m_host), static_cast<QWidget*>(m_identity), static_cast<QWidget*>(m_knownHosts)}) {
        m_form->setRowVisible(field, backend.needsHost);
    }
    m_device->setPlaceholderText(QString::fromStdString(backend.deviceHint));
}

void DevicesPage::addRun(const QString& dir) { m_run->addRun(dir); }

void DevicesPage::setBoard(const QString& id) { m_board->selectBoard(id); }

void DevicesPage::updateFit() {
    core::results::DeviceNeeds needs;
    try {
        if (const auto summary = summaryOf(m_run->currentRun())) needs = core::results::deviceNeeds(*summary);
    } catch (const std::exception& e) {  // a damaged summary.json: say which field, keep the page usable
        m_status->setText(QString::fromStdString(e.what()));
    }
    const devices::Board* board = m_board->currentBoard();
    for (auto [bar, need, have] : {std::tuple{m_flash, needs.flashBytes, board ? static_cast<std::int64_t>(board->flashBytes) : 0},
                                   std::tuple{m_ram, needs.ramBytes, board ? static_cast<std::int64_t>(board->ramBytes) : 0}}) {
        bar->setRange(0, 100);
        bar->setValue(static_cast<int>(std::min<std::int64_t>(100, need * 100 / std::max<std::int64_t>(1, have))));
        bar->setFormat(tr("model %1 of %2").arg(bytesText(need), bytesText(have)));
        bar->setStyleSheet(need > have ? QStringLiteral("QProgressBar::chunk { background: #c62828; }") : QString());
    }
}

void DevicesPage::showResults() {
    m_results->setRowCount(0);
    m_entries.clear();
    std::optional<core::results::RunSummary> summary;
    try {
        summary = summaryOf(m_run->currentRun());
    } catch (const std::exception& e) {
        m_status->setText(QString::fromStdString(e.what()));
    }
    if (!summary) return;
    m_entries = summary->devices;
    for (const auto& d : summary->devices) {
        const int row = m_results->rowCount();
        m_results->insertRow(row);
        m_results->setItem(row, 0, readOnlyCell(QString::fromStdString(d.board)));
        m_results->setItem(row, 1, readOnlyCell(QString::fromStdString(d.backend)));
        // Microcontrollers count cycles on a chip and instructions on an emulator; Linux boards time the wall clock.
        auto* latency = readOnlyCell(d.latency_count ? tr("%1 %2").arg(QLocale().toString(static_cast<qlonglong>(*d.latency_count)),
                                                                        QString::fromStdString(d.count_unit.value_or("")))
                                                     : tr("p99 %1 ms").arg(d.latency_ms_p99.value_or(0.0), 0, 'g', 4));
        latency->setToolTip(QString::fromStdString(d.counter));
        m_results->setItem(row, 2, latency);
        // Milliseconds only as measured; an emulator's are an estimate, marked so, with the assumption in the tip.
        auto* milliseconds = readOnlyCell(d.latency_ms ? QString::number(*d.latency_ms, 'g', 4)
                                          : d.latency_ms_estimate ? tr("~%1 (estimate)").arg(*d.latency_ms_estimate, 0, 'g', 4)
                                                                  : QStringLiteral("-"));
        QStringList tips;
        if (d.clock_hz) tips << tr("at %1 MHz").arg(static_cast<double>(*d.clock_hz) / 1e6, 0, 'g', 4);
        for (const auto& note : {d.latency_note, d.clock_note, d.energy_note}) {
            if (note) tips << QString::fromStdString(*note);
        }
        if (d.energy_uj) tips << tr("energy %1 uJ per inference (estimate)").arg(*d.energy_uj, 0, 'g', 3);
        milliseconds->setToolTip(tips.join(QStringLiteral("\n")));
        m_results->setItem(row, 3, milliseconds);
        m_results->setItem(row, 4, readOnlyCell(bytesText(d.flash_bytes)));
        m_results->setItem(row, 5, readOnlyCell(bytesText(d.ram_bytes)));
        m_results->setItem(row, 6, readOnlyCell(d.stack_bytes ? bytesText(*d.stack_bytes) : QStringLiteral("-")));
        m_results->setItem(row, 7, readOnlyCell(QString::number(d.accuracy, 'f', 4)));
        m_results->setItem(row, 8, readOnlyCell(QStringLiteral("%1 / %2").arg(d.identical).arg(d.samples)));
    }
    if (!m_entries.empty()) m_results->setCurrentCell(static_cast<int>(m_entries.size()) - 1, 0);  // the chart shows it
}

std::optional<devices::DeployOptions> DevicesPage::deployOptions() {
    if (m_run->currentRun().isEmpty()) {
        m_status->setText(tr("Choose a finished run."));
        return std::nullopt;
    }
    if (busy()) return std::nullopt;
    devices::DeployOptions options;
    options.board = m_board->currentData().toString().toStdString();
    options.backend = backend().toStdString();
    options.flashBudget = m_flashBudget->budget();
    const auto& chosen = devices::findDeployBackend(options.backend);
    if (chosen.needsDevice) options.device = m_device->text().trimmed().toStdString();
    if (chosen.needsPort) options.serialPort = m_serialPort->text().trimmed().toStdString();
    if (chosen.needsHost) {
        if (m_host->text().trimmed().isEmpty()) {
            m_status->setText(tr("Give the board's address as USER@HOST[:PORT]."));
            return std::nullopt;
        }
        options.host = m_host->text().trimmed().toStdString();
        options.ssh.identity = m_identity->text().trimmed().toStdString();
        options.ssh.knownHosts = m_knownHosts->text().trimmed().toStdString();
        // The worker thread asks on the GUI thread and waits for the answer; a password is used once, never kept.
        options.ssh.trustUnknownHost = [this](const devices::UnknownHostKey& key) {
            bool trusted = false;
            QMetaObject::invokeMethod(this, [this, &key] { return !m_closing && m_hostKeyPrompt(key); }, Qt::BlockingQueuedConnection, &trusted);
            return trusted;
        };
        options.ssh.askPassword = [this](const std::string& prompt) {
            std::optional<std::string> password;
            QMetaObject::invokeMethod(
                this, [this, &prompt] { return m_closing ? std::nullopt : m_passwordPrompt(QString::fromStdString(prompt)); },
                Qt::BlockingQueuedConnection, &password);
            return password;
        };
        options.ssh.askPassphrase = options.ssh.askPassword;
    }
    return options;
}

void DevicesPage::flashAndProfile() {
    auto prepared = deployOptions();
    if (!prepared) return;
    devices::DeployOptions options = std::move(*prepared);
    const QString run = m_run->currentRun();
    // Progress crosses to the GUI thread as queued calls; Cancel is a flag the flasher reads between blocks and the
    // build, the emulator and the serial read poll every 200 ms.
    auto cancelRequested = std::make_shared<std::atomic<bool>>(false);
    m_cancelRequested = cancelRequested;
    options.progress = [this, cancelRequested](const devices::FlashProgress& p) {
        const auto phase = QString::fromStdString(p.phase);
        const auto done = static_cast<qint64>(p.done), total = static_cast<qint64>(p.total);
        QMetaObject::invokeMethod(this, [this, phase, done, total] { showFlashProgress(phase, done, total); }, Qt::QueuedConnection);
        return !*cancelRequested;
    };
    options.cancelled = [cancelRequested] { return cancelRequested->load(); };
    m_go->setEnabled(false);
    m_cancel->setEnabled(true);
    m_flashProgress->setRange(0, 100);
    m_flashProgress->setValue(0);
    m_flashProgress->setFormat(tr("building"));
    m_status->setText(tr("Building the firmware and profiling on %1...").arg(m_board->currentText()));
    auto* watcher = new QFutureWatcher<DeployOutcome>(this);
    connect(watcher, &QFutureWatcher<DeployOutcome>::finished, this, [this, watcher, board = m_board->currentData().toString()] {
        const DeployOutcome outcome = watcher->result();
        watcher->deleteLater();
        m_go->setEnabled(true);
        m_cancel->setEnabled(false);
        m_flashProgress->setRange(0, 100);
        if (outcome.kind == DeployOutcome::profiled) m_flashProgress->setValue(100);
        m_flashProgress->setFormat(outcome.kind == DeployOutcome::profiled ? tr("flashed and profiled") : tr("idle"));
        switch (outcome.kind) {
        case DeployOutcome::cancelled:
            m_status->setText(tr("Cancelled. If flashing had begun, the board's firmware is incomplete: flash it again before use."));
            emit cancelled();
            return;
        case DeployOutcome::failed:
            m_status->setText(outcome.message);
            emit failed(outcome.message);
            return;
        case DeployOutcome::profiled:
            m_status->setText(tr("Profiled on %1").arg(board));
            showResults();
            emit profiled(board);
        }
    });
    QFuture<DeployOutcome> future = QtConcurrent::run([run, options]() -> DeployOutcome {
        try {
            devices::deployRun(run.toStdString(), options);
            return {DeployOutcome::profiled, {}};
        } catch (const Cancelled&) {
            return {DeployOutcome::cancelled, {}};
        } catch (const std::exception& e) {  // the message names the board, file, device or tool
            return {DeployOutcome::failed, QString::fromStdString(e.what())};
        }
    });
    m_running = future;
    watcher->setFuture(future);
}

void DevicesPage::findDrift() {
    const auto options = deployOptions();
    if (!options) return;
    const QString run = m_run->currentRun();
    std::int64_t sample = 0;  // the first sample the board's last profile found differing, if any
    for (const auto& entry : m_entries) {
        if (entry.board == options->board && !entry.mismatched_samples.empty()) sample = entry.mismatched_samples.front();
    }
    m_go->setEnabled(false);
    m_findDrift->setEnabled(false);
    m_status->setText(tr("Running test sample %1 on %2 with every op's output reported...").arg(sample).arg(m_board->currentText()));
    struct DriftOutcome {
        std::optional<devices::DriftReport> report;
        QString error;
    };
    auto* watcher = new QFutureWatcher<DriftOutcome>(this);
    connect(watcher, &QFutureWatcher<DriftOutcome>::finished, this, [this, watcher] {
        const DriftOutcome outcome = watcher->result();
        watcher->deleteLater();
        m_go->setEnabled(true);
        m_findDrift->setEnabled(true);
        if (!outcome.report) {
            m_status->setText(outcome.error);
            emit failed(outcome.error);
            return;
        }
        m_drift->showReport(*outcome.report);
        m_details->setCurrentWidget(m_drift);
        m_status->setText(m_drift->verdict());
        emit driftShown();
    });
    QFuture<DriftOutcome> future = QtConcurrent::run([run, options = *options, sample]() -> DriftOutcome {
        try {
            return {devices::findDrift(run.toStdString(), options, sample), {}};
        } catch (const std::exception& e) {  // the message names the board, file, device or tool
            return {std::nullopt, QString::fromStdString(e.what())};
        }
    });
    m_running = future;
    watcher->setFuture(future);
}

void DevicesPage::cancel() {
    if (!busy() || !m_cancelRequested) return;
    *m_cancelRequested = true;
    m_cancel->setEnabled(false);
    m_status->setText(tr("Cancelling at the next flash block..."));
}

void DevicesPage::showFlashProgress(const QString& phase, qint64 done, qint64 total) {
    // A phase with no known total (the runner on a Linux board) shows as busy rather than stuck at 0%.
    m_flashProgress->setRange(0, total > 0 ? 100 : 0);
    m_flashProgress->setValue(total > 0 ? static_cast<int>(done * 100 / total) : 0);
    m_flashProgress->setFormat(total > 0 ? tr("%1: %p%").arg(phase) : phase);
}

int DevicesPage::resultRows() const { return m_results->rowCount(); }

QString DevicesPage::resultToolTip(int row, int column) const {
    const QTableWidgetItem* item = m_results->item(row, column);
    return item ? item->toolTip() : QString();
}

int DevicesPage::flashFitPercent() const { return m_flash->value(); }

int DevicesPage::probeRows() const { return m_probes->count(); }

QString DevicesPage::probeStatus() const { return m_probeStatus->text(); }

QString DevicesPage::backend() const { return m_backend->currentData().toString(); }

QString DevicesPage::deviceArgument() const { return m_device->text().trimmed(); }

int DevicesPage::flashPercent() const { return m_flashProgress->value(); }

bool DevicesPage::busy() const { return m_running.isRunning(); }

QString DevicesPage::statusText() const { return m_status->text(); }

}  // namespace tinyforge::ui
