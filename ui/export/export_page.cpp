#include "ui/export/export_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/pipeline/export_run.h"
#include "ui/text_format.h"
#include "ui/widgets.h"

namespace tinyforge::ui {

namespace {

struct Outcome {
    QStringList folders;
    QString error;
    QString cLayers;  ///< the C export: what each layer with weights got, and why
};

// "conv1: bitmask, sparse kernel (smallest); ..." with the model's constant data first.
QString describeLayers(const core::results::CExportResult& c) {
    QStringList parts;
    for (const auto& layer : c.layers.value_or(std::vector<core::results::CExportLayer>{})) {
        if (!layer.encoding) continue;
        parts << QStringLiteral("%1: %2, %3 kernel%4")
                     .arg(QString::fromStdString(layer.name), QString::fromStdString(*layer.encoding), QString::fromStdString(layer.kernel.value_or("")),
                          layer.reason ? QStringLiteral(" (%1)").arg(QString::fromStdString(*layer.reason)) : QString());
    }
    return QObject::tr("C model data %1 in flash, arena %2 + scratch %3 in RAM. %4")
        .arg(bytesText(c.flash_bytes), bytesText(c.arena_bytes), bytesText(c.scratch_bytes), parts.join(QStringLiteral("; ")));
}

}  // namespace

ExportPage::ExportPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_run = new RunPicker;
    form->addRow(tr("Run"), m_run);
    auto* formats = new QHBoxLayout;
    m_c = new QCheckBox(tr("C for microcontrollers"));
    m_c->setChecked(true);
    m_torchscript = new QCheckBox(tr("TorchScript"));
    m_onnx = new QCheckBox(tr("ONNX"));
    formats->addWidget(m_c);
    formats->addWidget(m_torchscript);
    formats->addWidget(m_onnx);
    formats->addStretch();
    form->addRow(tr("Formats"), formats);
    auto* cOptions = new QHBoxLayout;
    m_dense = new QCheckBox(tr("Plain int8 weights (fastest; otherwise sparse and clustered layers are decoded on the fly)"));
    m_softmax = new QCheckBox(tr("End in a softmax (probabilities)"));
    cOptions->addWidget(m_dense);
    cOptions->addWidget(m_softmax);
    cOptions->addStretch();
    form->addRow(tr("C options"), cOptions);
    m_budget = new FlashBudgetBox(tr("none: each layer's smallest encoding, or plain int8"));
    form->addRow(tr("Flash budget"), m_budget);
    // A budget decides each layer's encoding: the plain-int8 choice does not apply then.
    connect(m_budget, &QSpinBox::valueChanged, this, [this] { m_dense->setEnabled(!m_budget->budget()); });
    auto* outRow = new QHBoxLayout;
    m_out = new QLineEdit;
    m_out->setPlaceholderText(tr("RUN/export/FORMAT"));
    auto* browse = new QPushButton(tr("Browse..."));
    outRow->addWidget(m_out, 1);
    outRow->addWidget(browse);
    form->addRow(tr("Output folder"), outRow);
    layout->addLayout(form);
    auto* actions = new QHBoxLayout;
    m_export = new QPushButton(tr("Export"));
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_export->setToolTip(tr("Export the run (Ctrl+E)"));
    m_status = new QLabel;
    m_status->setWordWrap(true);
    actions->addWidget(m_export);
    actions->addWidget(m_status, 1);
    layout->addLayout(actions);
    m_files = new QTableWidget(0, 2);
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Size")});
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->verticalHeader()->hide();
    layout->addWidget(m_files, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export into"));
        if (!dir.isEmpty()) m_out->setText(dir);
    });
    connect(m_export, &QPushButton::clicked, this, &ExportPage::exportSelected);
}

void ExportPage::addRun(const QString& dir) { m_run->addRun(dir); }

void ExportPage::setFormats(bool c, bool torchscript, bool onnx) {
    m_c->setChecked(c);
    m_torchscript->setChecked(torchscript);
    m_onnx->setChecked(onnx);
}

void ExportPage::setOutputFolder(const QString& dir) { m_out->setText(dir); }

void ExportPage::setFlashBudget(int bytes) { m_budget->setValue(bytes); }

void ExportPage::exportSelected() {
    const QString run = m_run->currentRun();
    std::vector<std::string> formats;
    if (m_c->isChecked()) formats.emplace_back("c");
    if (m_torchscript->isChecked()) formats.emplace_back("torchscript");
    if (m_onnx->isChecked()) formats.emplace_back("onnx");
    if (run.isEmpty() || formats.empty()) {
        m_status->setText(tr("Choose a finished run and at least one format."));
        return;
    }
    core::pipeline::ExportOptions base;
    base.flashBudget = m_budget->budget();
    base.denseWeights = !base.flashBudget && m_dense->isChecked();
    base.softmax = m_softmax->isChecked();
    const QString out = m_out->text().trimmed();
    m_export->setEnabled(false);
    m_status->setText(tr("Exporting..."));
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        m_export->setEnabled(true);
        if (!outcome.error.isEmpty()) {
            m_status->setText(outcome.error);
            emit failed(outcome.error);
            return;
        }
        showFiles(outcome.folders);
        m_status->setText(tr("Exported to %1").arg(outcome.folders.join(QStringLiteral(", "))) +
                          (outcome.cLayers.isEmpty() ? QString() : QStringLiteral("\n") + outcome.cLayers));
        emit exported(outcome.folders.value(0));
    });
    // Off the GUI thread: the C export runs the whole test split through the integer reference.
    watcher->setFuture(QtConcurrent::run([run, formats, base, out] {
        Outcome outcome;
        try {
            const core::pipeline::RunFolder folder(run.toStdString());
            for (const auto& format : formats) {
                auto options = base;
                options.format = format;
                if (!out.isEmpty()) options.outDir = std::filesystem::path(out.toStdString()) / format;
                const auto written = core::pipeline::exportRun(folder, options);
                if (written.c) outcome.cLayers = describeLayers(*written.c);
                const std::string dir = written.c ? written.c->dir : written.onnx ? written.onnx->dir : written.torchscript->dir;
                outcome.folders << QString::fromStdString(dir);
            }
        } catch (const std::exception& e) {  // the engine's errors name the file and what is wrong
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}

void ExportPage::showFiles(const QStringList& folders) {
    m_files->setRowCount(0);
    for (const QString& folder : folders) {
        QDirIterator it(folder, QDir::Files, QDirIterator::NoIteratorFlags);
        QStringList files;
        while (it.hasNext()) files << it.next();
        files.sort();
        for (const QString& file : files) {
            const int row = m_files->rowCount();
            m_files->insertRow(row);
            m_files->setItem(row, 0, readOnlyCell(file));
            m_files->setItem(row, 1, readOnlyCell(bytesText(QFileInfo(file).size()), true));
        }
    }
}

int ExportPage::fileCount() const { return m_files->rowCount(); }

QString ExportPage::statusText() const { return m_status->text(); }

}  // namespace tinyforge::ui
