#include "ui/report/report_dialog.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSvgRenderer>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <QFutureWatcher>

#include "report/report_html.h"
#include "report/report_pdf.h"

namespace tinyforge::ui {

namespace {

struct SaveOutcome {
    bool ok = false;
    QString message;  ///< the status line: what was saved, or why not
};

// Writes the report; runs on the caller's thread or a worker's (it touches no widget).
SaveOutcome writeReport(const std::vector<report::ReportBlock>& blocks, const QString& file, report::PaperSize paper) {
    try {
        if (blocks.empty()) throw std::runtime_error("there is no report to save");
        const std::filesystem::path path = file.toStdString();
        if (file.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
            const int pages = report::writePdfReport(blocks, path, paper);
            return {true, QCoreApplication::translate("tinyforge::ui::ReportDialog", "Saved %1 (%n page(s))", nullptr, pages).arg(file)};
        }
        report::writeHtmlReport(blocks, path);
        return {true, QCoreApplication::translate("tinyforge::ui::ReportDialog", "Saved %1").arg(file)};
    } catch (const std::exception& e) {
        return {false, QCoreApplication::translate("tinyforge::ui::ReportDialog", "Not saved: %1").arg(QString::fromStdString(e.what()))};
    }
}

}  // namespace

ReportDialog::ReportDialog(const QStringList& runDirs, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Comparison report"));
    resize(1000, 800);
    auto* layout = new QVBoxLayout(this);
    m_preview = new QTextBrowser;
    m_preview->setOpenLinks(false);
    layout->addWidget(m_preview, 1);
    auto* row = new QHBoxLayout;
    m_status = new QLabel;
    m_paper = new QComboBox;
    m_paper->addItem(tr("A4"), QStringLiteral("a4"));
    m_paper->addItem(tr("Letter"), QStringLiteral("letter"));
    m_paper->setToolTip(tr("Page size of the PDF"));
    auto* html = m_saveHtml = new QPushButton(tr("Save HTML..."));
    auto* pdf = m_savePdf = new QPushButton(tr("Save PDF..."));
    auto* close = new QPushButton(tr("Close"));
    row->addWidget(m_status, 1);
    row->addWidget(new QLabel(tr("PDF paper:")));
    row->addWidget(m_paper);
    row->addWidget(html);
    row->addWidget(pdf);
    row->addWidget(close);
    layout->addLayout(row);
    connect(html, &QPushButton::clicked, this, [this] { chooseFile(tr("HTML page (*.html)"), QStringLiteral(".html")); });
    connect(pdf, &QPushButton::clicked, this, [this] { chooseFile(tr("PDF (*.pdf)"), QStringLiteral(".pdf")); });
    connect(close, &QPushButton::clicked, this, &QDialog::accept);

    try {
        std::vector<std::filesystem::path> dirs;
        for (const QString& d : runDirs) dirs.emplace_back(d.toStdString());
        report::ReportOptions options;
        options.version = QCoreApplication::applicationVersion().toStdString();
        options.generated = QDateTime::currentDateTime().toString(Qt::ISODate).toStdString();
        m_blocks = report::reportBlocks(report::buildReport(report::loadRuns(dirs), options));
        m_status->setText(tr("%n run(s); the first run's teacher is the baseline", nullptr, static_cast<int>(runDirs.size())));
    } catch (const std::exception& e) {  // a damaged or missing run: said, and nothing to save
        m_preview->setPlainText(tr("No report: %1").arg(QString::fromStdString(e.what())));
        m_status->setText(tr("Cannot build the report"));
        html->setEnabled(false);
        pdf->setEnabled(false);
        return;
    }
    showPreview();
}

void ReportDialog::showPreview() {
    // The preview is Qt's rich text: tables as in the PDF, charts rendered from their SVG into images.
    QString html;
    m_charts = 0;
    for (const auto& b : m_blocks) {
        switch (b.kind) {
            case report::ReportBlock::Kind::Heading:
                html += QStringLiteral("<h%1>%2</h%1>").arg(b.level).arg(QString::fromStdString(b.text).toHtmlEscaped());
                break;
            case report::ReportBlock::Kind::Html: html += QString::fromStdString(b.text); break;
            case report::ReportBlock::Kind::Table: html += QString::fromStdString(report::tableHtml(b.table)); break;
            case report::ReportBlock::Kind::Chart: {
                QSvgRenderer renderer(QByteArray::fromStdString(b.text));
                QImage image(renderer.defaultSize(), QImage::Format_ARGB32);
                image.fill(Qt::white);
                QPainter painter(&image);
                renderer.render(&painter);
                painter.end();
                const QUrl name(QStringLiteral("chart:%1").arg(m_charts++));
                m_preview->document()->addResource(QTextDocument::ImageResource, name, image);
                html += QStringLiteral("<p><img src=\"%1\"/></p>").arg(name.toString());
                break;
            }
        }
    }
    m_preview->document()->setDefaultStyleSheet(QStringLiteral("th, td { border: 1px solid #9e9e9e; padding: 2px; } table { border-collapse: collapse; }"));
    m_preview->setHtml(html);
}

QString ReportDialog::previewText() const { return m_preview->toPlainText(); }

bool ReportDialog::saveTo(const QString& file, QString* error) {
    const SaveOutcome outcome = writeReport(m_blocks, file, chosenPaper());
    m_status->setText(outcome.message);
    if (!outcome.ok && error) *error = outcome.message;
    return outcome.ok;
}

void ReportDialog::saveInBackground(const QString& file) {
    if (m_saving) return;
    setSaving(true);
    m_status->setText(tr("Saving %1...").arg(file));
    const auto paper = chosenPaper();
    auto* watcher = new QFutureWatcher<SaveOutcome>(this);
    connect(watcher, &QFutureWatcher<SaveOutcome>::finished, this, [this, watcher, file] {
        const SaveOutcome outcome = watcher->result();
        watcher->deleteLater();
        setSaving(false);
        m_status->setText(outcome.message);
        emit saved(file, outcome.ok, outcome.message);
    });
    // The worker gets its own copy of the blocks: closing the dialog mid-save does not pull them from under it.
    watcher->setFuture(QtConcurrent::run([blocks = m_blocks, file, paper] { return writeReport(blocks, file, paper); }));
}

report::PaperSize ReportDialog::chosenPaper() const {
    return report::paperSizeFromText(m_paper->currentData().toString().toStdString());
}

void ReportDialog::setSaving(bool saving) {
    m_saving = saving;
    m_saveHtml->setEnabled(!saving && !m_blocks.empty());
    m_savePdf->setEnabled(!saving && !m_blocks.empty());
}

void ReportDialog::chooseFile(const QString& filter, const QString& suffix) {
    QString file = QFileDialog::getSaveFileName(this, tr("Save report"), QStringLiteral("report") + suffix, filter);
    if (file.isEmpty()) return;
    if (!file.endsWith(suffix, Qt::CaseInsensitive)) file += suffix;
    saveInBackground(file);
}

}  // namespace tinyforge::ui
