#include "ui/devices/devices_page.h"

#include <QComboBox>
#include <QFile>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "devices/deploy/deploy_run.h"
#include "ui/text_format.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

nlohmann::json readSummary(const QString& runDir) {
    QFile file(runDir + QStringLiteral("/summary.json"));
    if (!file.open(QIODevice::ReadOnly)) return nlohmann::json::object();
    auto summary = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
    return summary.is_object() ? summary : nlohmann::json::object();
}

// What the model needs on the part: the C export's figures when the run has one, else the compression stage's count.
std::pair<std::int64_t, std::int64_t> modelNeeds(const nlohmann::json& summary) {
    if (summary.contains("export") && summary["export"].contains("c")) {
        const auto& c = summary["export"]["c"];
        return {c.value("flash_bytes", std::int64_t{0}), c.value("arena_bytes", std::int64_t{0}) + c.value("scratch_bytes", std::int64_t{0})};
    }
    if (summary.contains("compressed")) {
        const auto& c = summary["compressed"];
        return {c.value("bytes_deployed", std::int64_t{0}), c.contains("integer") ? c["integer"].value("activation_arena_bytes", std::int64_t{0}) : 0};
    }
    return {0, 0};
}

}  // namespace

DevicesPage::DevicesPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_run = new RunPicker;
    m_board = new BoardPicker(true);
    m_backend = new QComboBox;
    m_backend->addItem(tr("QEMU (emulated STM32F405; counts instructions)"), QStringLiteral("qemu"));
    m_backend->addItem(tr("USB DFU (not available yet)"), QStringLiteral("dfu"));
    m_backend->addItem(tr("ST-Link (not available yet)"), QStringLiteral("stlink"));
    if (auto* model = qobject_cast<QStandardItemModel*>(m_backend->model())) {
        for (int i = 1; i < 3; ++i) model->item(i)->setEnabled(false);
    }
    form->addRow(tr("Run"), m_run);
    form->addRow(tr("Board"), m_board);
    m_flash = new QProgressBar;
    m_ram = new QProgressBar;
    form->addRow(tr("Flash"), m_flash);
    form->addRow(tr("RAM"), m_ram);
    form->addRow(tr("Backend"), m_backend);
    layout->addLayout(form);
    auto* actions = new QHBoxLayout;
    m_go = new QPushButton(tr("Flash && Profile"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    actions->addWidget(m_go);
    actions->addWidget(m_status, 1);
    layout->addLayout(actions);
    m_results = new QTableWidget(0, 9);
    m_results->setHorizontalHeaderLabels({tr("Board"), tr("Backend"), tr("Latency"), tr("ms"), tr("Flash"), tr("RAM"), tr("Stack"),
                                          tr("Accuracy"), tr("Identical")});
    m_results->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_results->verticalHeader()->hide();
    layout->addWidget(m_results, 1);

    connect(m_run, &QComboBox::currentIndexChanged, this, [this] {
        updateFit();
        showResults();
    });
    connect(m_board, &QComboBox::currentIndexChanged, this, [this] { updateFit(); });
    connect(m_go, &QPushButton::clicked, this, &DevicesPage::flashAndProfile);
    updateFit();
    showResults();
}

void DevicesPage::addRun(const QString& dir) { m_run->addRun(dir); }

void DevicesPage::setBoard(const QString& id) { m_board->selectBoard(id); }

void DevicesPage::updateFit() {
    const auto [flash, ram] = modelNeeds(readSummary(m_run->currentRun()));
    const devices::Board* board = m_board->currentBoard();
    for (auto [bar, need, have] : {std::tuple{m_flash, flash, board ? static_cast<std::int64_t>(board->flashBytes) : 0},
                                   std::tuple{m_ram, ram, board ? static_cast<std::int64_t>(board->ramBytes) : 0}}) {
        bar->setRange(0, 100);
        bar->setValue(static_cast<int>(std::min<std::int64_t>(100, need * 100 / std::max<std::int64_t>(1, have))));
        bar->setFormat(tr("model %1 of %2").arg(bytesText(need), bytesText(have)));
        bar->setStyleSheet(need > have ? QStringLiteral("QProgressBar::chunk { background: #c62828; }") : QString());
    }
}

void DevicesPage::showResults() {
    m_results->setRowCount(0);
    const auto summary = readSummary(m_run->currentRun());
    for (const auto& d : summary.value("devices", nlohmann::json::array())) {
        const int row = m_results->rowCount();
        m_results->insertRow(row);
        m_results->setItem(row, 0, readOnlyCell(QString::fromStdString(d.value("board", ""))));
        m_results->setItem(row, 1, readOnlyCell(QString::fromStdString(d.value("backend", ""))));
        auto* latency = readOnlyCell(QLocale().toString(static_cast<qlonglong>(d.value("latency_cycles", std::int64_t{0}))));
        latency->setToolTip(QString::fromStdString(d.value("counter", "")));
        m_results->setItem(row, 2, latency);
        m_results->setItem(row, 3, readOnlyCell(QString::number(d.value("latency_ms", 0.0), 'g', 4)));
        m_results->setItem(row, 4, readOnlyCell(bytesText(d.value("flash_bytes", std::int64_t{0}))));
        m_results->setItem(row, 5, readOnlyCell(bytesText(d.value("ram_bytes", std::int64_t{0}))));
        m_results->setItem(row, 6, readOnlyCell(bytesText(d.value("stack_bytes", std::int64_t{0}))));
        m_results->setItem(row, 7, readOnlyCell(QString::number(d.value("accuracy", 0.0), 'f', 4)));
        m_results->setItem(row, 8, readOnlyCell(QStringLiteral("%1 / %2").arg(d.value("identical", 0)).arg(d.value("samples", 0))));
    }
}

void DevicesPage::flashAndProfile() {
    const QString run = m_run->currentRun();
    if (run.isEmpty()) {
        m_status->setText(tr("Choose a finished run."));
        return;
    }
    devices::DeployOptions options;
    options.board = m_board->currentData().toString().toStdString();
    options.backend = m_backend->currentData().toString().toStdString();
    m_go->setEnabled(false);
    m_status->setText(tr("Building the firmware and profiling on %1...").arg(m_board->currentText()));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, board = m_board->currentData().toString()] {
        const QString error = watcher->result();
        watcher->deleteLater();
        m_go->setEnabled(true);
        if (!error.isEmpty()) {
            m_status->setText(error);
            emit failed(error);
            return;
        }
        m_status->setText(tr("Profiled on %1").arg(board));
        showResults();
        emit profiled(board);
    });
    watcher->setFuture(QtConcurrent::run([run, options]() -> QString {
        try {
            devices::deployRun(run.toStdString(), options);
            return {};
        } catch (const std::exception& e) {  // the message names the board, file or tool
            return QString::fromStdString(e.what());
        }
    }));
}

int DevicesPage::resultRows() const { return m_results->rowCount(); }

int DevicesPage::flashFitPercent() const { return m_flash->value(); }

}  // namespace tinyforge::ui
