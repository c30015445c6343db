#pragma once
// "Export report...": a preview of the comparison report of the chosen runs (the same blocks the HTML and PDF
// writers use, charts rendered from their SVG), and buttons that save it as HTML or as a PDF on A4 or Letter.

#include <QDialog>
#include <QStringList>

#include <vector>

#include "report/report_pdf.h"
#include "report/report_sections.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace tinyforge::ui {

class ReportDialog : public QDialog {
    Q_OBJECT
public:
    /// Builds the report of `runDirs` (the first run's teacher is the baseline); a run that cannot be read leaves
    /// the preview showing why, and saving disabled.
    explicit ReportDialog(const QStringList& runDirs, QWidget* parent = nullptr);

    /// Saves the report to `file` (.html, or .pdf on the chosen paper) and returns when done; false with the reason
    /// in `error`.
    bool saveTo(const QString& file, QString* error = nullptr);
    /// Starts saving to `file` on a worker thread, as the Save buttons do: a PDF of many runs takes seconds, and the
    /// window stays responsive meanwhile. The save buttons are off until saved() reports the outcome.
    void saveInBackground(const QString& file);
    bool isSaving() const { return m_saving; }
    bool hasReport() const { return !m_blocks.empty(); }
    /// The preview's plain text, and how many charts it shows (for tests).
    QString previewText() const;
    int previewCharts() const { return m_charts; }

signals:
    /// A background save ended: `ok`, and the status line's text (the file and its pages, or why not).
    void saved(const QString& file, bool ok, const QString& message);

private:
    void showPreview();
    void setSaving(bool saving);
    report::PaperSize chosenPaper() const;
    void chooseFile(const QString& filter, const QString& suffix);

    std::vector<report::ReportBlock> m_blocks;
    QTextBrowser* m_preview;
    QComboBox* m_paper;
    QLabel* m_status;
    QPushButton* m_saveHtml;
    QPushButton* m_savePdf;
    bool m_saving = false;
    int m_charts = 0;
};

}  // namespace tinyforge::ui
