#include "report/report_pdf.h"

#include <QAbstractTextDocumentLayout>
#include <QFile>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgRenderer>
#include <QTextDocument>

#include <algorithm>
#include <memory>

#include "core/error.h"

namespace tinyforge::report {

namespace {

constexpr int kDpi = 96;  // page units are CSS pixels, so a 640-pixel chart fits the text width as in the browser

constexpr const char* kDocumentStyle =
    "table { border-collapse: collapse; } th, td { border: 1px solid #9e9e9e; padding: 2px; } th { background: #eceff1; }"
    "td.n { text-align: right; } .note, .meta { color: #546e7a; } pre { font-size: 7pt; } caption { font-weight: bold; }";

// Lays the blocks out page by page on one painter.
class Pager {
public:
    Pager(QPdfWriter& writer, QPainter& painter) : m_writer(writer), m_painter(painter) {
        const QRect page = writer.pageLayout().paintRectPixels(kDpi);
        m_width = page.width();
        m_height = page.height();
    }
    int pages() const { return m_pages; }

    /// Draws `block`; a heading moves to the next page when it would not fit with the start of `next` (at most a
    /// third of a page of it), so no heading ends a page.
    void draw(const ReportBlock& block, const ReportBlock* next) {
        if (block.kind == ReportBlock::Kind::Chart) return chart(block.text);
        // The block laid out when it was looked ahead at, else now: layout is most of a PDF's time.
        auto doc = m_lookahead.first == &block ? std::move(m_lookahead.second) : document(block);
        m_lookahead = {};
        if (block.kind == ReportBlock::Kind::Heading) {
            const double following = next ? std::min(height(*next), m_height / 3) : 0;
            if (doc->size().height() + following > m_height - m_y && m_y > 0) newPage();
        }
        text(*doc);
    }

private:
    std::unique_ptr<QTextDocument> document(const ReportBlock& block) {
        auto doc = std::make_unique<QTextDocument>();
        doc->documentLayout()->setPaintDevice(&m_writer);
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPointSizeF(block.kind == ReportBlock::Kind::Heading ? 9 : 7);
        doc->setDefaultFont(font);
        doc->setDefaultStyleSheet(QString::fromLatin1(kDocumentStyle));
        if (block.kind == ReportBlock::Kind::Heading)
            doc->setHtml(QStringLiteral("<h%1>%2</h%1>").arg(block.level).arg(QString::fromStdString(block.text).toHtmlEscaped()));
        else
            doc->setHtml(QString::fromStdString(block.text));
        doc->setTextWidth(m_width);
        return doc;
    }

    double height(const ReportBlock& block) {
        if (block.kind != ReportBlock::Kind::Chart) {
            m_lookahead = {&block, document(block)};
            return m_lookahead.second->size().height();
        }
        QSvgRenderer renderer(QByteArray::fromStdString(block.text));
        const QSizeF size = renderer.defaultSize();
        return size.width() > 0 ? size.height() * std::min(1.0, m_width / size.width()) : 0;
    }

    void text(QTextDocument& doc) {
        const double height = doc.size().height();
        if (height > m_height - m_y && m_y > 0 && height <= m_height) newPage();
        // Taller than a page: drawn a page at a time, the document moved up under a clip.
        for (double shown = 0; shown < height;) {
            const double slice = std::min(m_height - m_y, height - shown);
            m_painter.save();
            m_painter.translate(0, m_y - shown);
            doc.drawContents(&m_painter, QRectF(0, shown, m_width, slice));
            m_painter.restore();
            shown += slice;
            m_y += slice;
            if (shown < height) newPage();
        }
        m_y += 4;
    }

    void chart(const std::string& svg) {
        QSvgRenderer renderer(QByteArray::fromStdString(svg));
        if (!renderer.isValid()) throw Error("a chart of the report is not valid SVG");
        const QSizeF size = renderer.defaultSize();
        const double scale = std::min(1.0, m_width / size.width());
        const double height = size.height() * scale;
        if (height > m_height - m_y && m_y > 0) newPage();
        renderer.render(&m_painter, QRectF(0, m_y, size.width() * scale, height));
        m_y += height + 8;
    }

    void newPage() {
        m_writer.newPage();
        ++m_pages;
        m_y = 0;
    }

    QPdfWriter& m_writer;
    QPainter& m_painter;
    double m_width = 0, m_height = 0, m_y = 0;
    int m_pages = 1;
    std::pair<const ReportBlock*, std::unique_ptr<QTextDocument>> m_lookahead;
};

}  // namespace

PaperSize paperSizeFromText(const std::string& text) {
    QString t = QString::fromStdString(text).toLower();
    if (t == QLatin1String("a4")) return PaperSize::A4;
    if (t == QLatin1String("letter")) return PaperSize::Letter;
    throw Error("paper size '" + text + "': expected a4 or letter");
}

int writePdfReport(const std::vector<ReportBlock>& blocks, const std::filesystem::path& file, PaperSize paper) {
    const auto temporary = file.string() + ".tmp-pdf";
    int pages = 0;
    {
        QPdfWriter writer(QString::fromStdString(temporary));
        writer.setResolution(kDpi);
        writer.setPageSize(QPageSize(paper == PaperSize::A4 ? QPageSize::A4 : QPageSize::Letter));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        writer.setTitle(QStringLiteral("TinyForge comparison report"));
        writer.setCreator(QStringLiteral("TinyForge Studio"));
        QPainter painter;
        if (!painter.begin(&writer)) throw Error(file.string() + ": cannot write the PDF");
        Pager pager(writer, painter);
        for (std::size_t i = 0; i < blocks.size(); ++i) pager.draw(blocks[i], i + 1 < blocks.size() ? &blocks[i + 1] : nullptr);
        painter.end();
        pages = pager.pages();
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        throw Error(file.string() + ": cannot write the PDF (" + ec.message() + ")");
    }
    return pages;
}

}  // namespace tinyforge::report
