#include "report/report_pdf.h"

#include <QAbstractTextDocumentLayout>
#include <QFile>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QRegularExpression>
#include <QPdfWriter>
#include <QSvgRenderer>
#include <QTextDocument>
#include <QXmlStreamReader>

#include <algorithm>
#include <map>
#include <memory>

#include "core/error.h"
#include "report/pdf_table.h"

namespace tinyforge::report {

namespace {

constexpr int kDpi = 96;  // page units are CSS pixels, so a 640-pixel chart fits the text width as in the browser

// Headings and paragraphs only: tables are set by pdf_table.
constexpr const char* kDocumentStyle = ".note, .meta { color: #546e7a; } pre { font-size: 7pt; }";

constexpr double kLeadInHeight = 40;  // a paragraph this short that precedes a table or chart stays with it

// A chart's label, taken out of its SVG: Qt SVG would draw each glyph as a curve (47 KB of page content for a
// 17-letter label, and text no reader can search or copy), so the PDF sets the labels as text itself.
struct ChartLabel {
    QPointF at;
    double rotation = 0;  ///< degrees, about `at`
    QString anchor;       ///< start, middle or end
    bool middleBaseline = false;
    double pixels = 12;
    bool bold = false;
    QString text;
};

struct SplitChart {
    QByteArray shapes;  ///< the SVG without its <text> elements
    std::vector<ChartLabel> labels;
};

// Reads the labels the chart writer (svg_chart) puts in: x, y, text-anchor, dominant-baseline, font-size,
// font-weight and a transform of translate(x y) rotate(a); the root's font-size is the default.
SplitChart splitChart(const std::string& svg) {
    SplitChart split;
    std::string shapes;
    for (std::size_t at = 0;;) {
        const auto open = svg.find("<text", at);
        const auto close = open == std::string::npos ? open : svg.find("</text>", open);
        if (close == std::string::npos) {
            shapes += svg.substr(at);
            break;
        }
        shapes += svg.substr(at, open - at);
        at = close + 7;
    }
    split.shapes = QByteArray::fromStdString(shapes);
    QXmlStreamReader xml(QByteArray::fromStdString(svg));
    double rootPixels = 12;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        const auto attributes = xml.attributes();
        if (xml.name() == QLatin1String("svg") && attributes.hasAttribute(QLatin1String("font-size")))
            rootPixels = attributes.value(QLatin1String("font-size")).toDouble();
        if (xml.name() != QLatin1String("text")) continue;
        ChartLabel label;
        label.at = QPointF(attributes.value(QLatin1String("x")).toDouble(), attributes.value(QLatin1String("y")).toDouble());
        const auto transform = attributes.value(QLatin1String("transform")).toString();
        if (!transform.isEmpty()) {
            const auto numbers = transform.split(QRegularExpression(QStringLiteral("[^-0-9.]+")), Qt::SkipEmptyParts);
            if (numbers.size() >= 2) label.at = QPointF(numbers[0].toDouble(), numbers[1].toDouble());
            if (numbers.size() >= 3) label.rotation = numbers[2].toDouble();
        }
        label.anchor = attributes.value(QLatin1String("text-anchor")).toString();
        label.middleBaseline = attributes.value(QLatin1String("dominant-baseline")) == QLatin1String("middle");
        label.pixels = attributes.hasAttribute(QLatin1String("font-size")) ? attributes.value(QLatin1String("font-size")).toDouble() : rootPixels;
        label.bold = attributes.value(QLatin1String("font-weight")) == QLatin1String("bold");
        label.text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
        split.labels.push_back(std::move(label));
    }
    if (xml.hasError()) throw Error("a chart of the report is not valid SVG (" + xml.errorString().toStdString() + ")");
    return split;
}

// Lays the blocks out page by page on one painter.
class Pager {
public:
    Pager(QPdfWriter& writer, QPainter& painter) : m_writer(writer), m_painter(painter) {
        const QRect page = writer.pageLayout().paintRectPixels(kDpi);
        m_width = page.width();
        m_height = page.height();
    }
    int pages() const { return m_pages; }

    /// Draws blocks[i]. A heading, and a short lead-in paragraph before a table or chart, moves to the next page
    /// when it would not fit with the start of what it introduces, so no heading or "the table below" ends a page.
    void draw(const std::vector<ReportBlock>& blocks, std::size_t i) {
        const ReportBlock& block = blocks[i];
        if (block.kind == ReportBlock::Kind::Chart) return chart(block.text);
        if (block.kind == ReportBlock::Kind::Table) return table(takeTable(block));
        const double kept = keptHeight(blocks, i);
        if (kept > m_height - m_y && m_y > 0) newPage();
        text(*takeDocument(block));
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

    // Blocks are laid out once: when looked ahead at, kept here until drawn.
    std::unique_ptr<QTextDocument>& lookAt(const ReportBlock& block) {
        auto& doc = m_documents[&block];
        if (!doc) doc = document(block);
        return doc;
    }
    std::unique_ptr<QTextDocument> takeDocument(const ReportBlock& block) {
        auto doc = std::move(lookAt(block));
        m_documents.erase(&block);
        return doc;
    }
    const std::vector<PdfTable>& lookAtTable(const ReportBlock& block) {
        auto it = m_tables.find(&block);
        if (it == m_tables.end()) it = m_tables.emplace(&block, layoutPdfTable(block.table, &m_writer, m_width)).first;
        return it->second;
    }
    std::vector<PdfTable> takeTable(const ReportBlock& block) {
        auto bands = std::move(lookAtTable(block));
        m_tables.erase(&block);
        return bands;
    }

    // What must share a page with the start of blocks[i]: itself, and for a heading or a lead-in paragraph, what it
    // introduces (a table's caption, header and first row; at most a third of a page of anything else).
    double keptHeight(const std::vector<ReportBlock>& blocks, std::size_t i) {
        const ReportBlock& block = blocks[i];
        if (block.kind == ReportBlock::Kind::Table) {
            const auto& bands = lookAtTable(block);
            return bands.empty() ? 0 : bands.front().startHeight();
        }
        if (block.kind == ReportBlock::Kind::Chart) {
            QSvgRenderer renderer(QByteArray::fromStdString(block.text));
            const QSizeF size = renderer.defaultSize();
            return size.width() > 0 ? size.height() * std::min(1.0, m_width / size.width()) : 0;
        }
        const double own = lookAt(block)->size().height();
        if (i + 1 >= blocks.size()) return own;
        const auto nextKind = blocks[i + 1].kind;
        const bool leadIn = block.kind == ReportBlock::Kind::Html && own <= kLeadInHeight &&
                            (nextKind == ReportBlock::Kind::Table || nextKind == ReportBlock::Kind::Chart);
        if (block.kind != ReportBlock::Kind::Heading && !leadIn) return own;
        return own + std::min(keptHeight(blocks, i + 1), m_height / 3);
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

    void table(const std::vector<PdfTable>& bands) {
        for (const auto& band : bands) {
            if (band.startHeight() > m_height - m_y && m_y > 0) newPage();
            m_y = drawPdfTable(m_painter, &m_writer, band, m_y, m_height, [this] {
                newPage();
                return m_y;
            }) + 8;
        }
    }

    void chart(const std::string& svg) {
        const SplitChart split = splitChart(svg);
        QSvgRenderer renderer(split.shapes);
        if (!renderer.isValid()) throw Error("a chart of the report is not valid SVG");
        const QSizeF size = renderer.defaultSize();
        const double scale = std::min(1.0, m_width / size.width());
        const double height = size.height() * scale;
        if (height > m_height - m_y && m_y > 0) newPage();
        renderer.render(&m_painter, QRectF(0, m_y, size.width() * scale, height));
        m_painter.save();
        m_painter.translate(0, m_y);
        m_painter.scale(scale, scale);
        m_painter.setPen(QColor(0x21, 0x21, 0x21));
        for (const auto& label : split.labels) {
            QFont font(QStringLiteral("DejaVu Sans"));
            font.setPixelSize(std::max(1, static_cast<int>(std::lround(label.pixels))));
            font.setBold(label.bold);
            m_painter.setFont(font);
            const QFontMetricsF metrics(font, &m_writer);
            const double width = metrics.horizontalAdvance(label.text);
            const double dx = label.anchor == QLatin1String("middle") ? -width / 2 : label.anchor == QLatin1String("end") ? -width : 0;
            const double dy = label.middleBaseline ? (metrics.ascent() - metrics.descent()) / 2 : 0;
            m_painter.save();
            m_painter.translate(label.at);
            m_painter.rotate(label.rotation);
            m_painter.drawText(QPointF(dx, dy), label.text);
            m_painter.restore();
        }
        m_painter.restore();
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
    std::map<const ReportBlock*, std::unique_ptr<QTextDocument>> m_documents;
    std::map<const ReportBlock*, std::vector<PdfTable>> m_tables;
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
        for (std::size_t i = 0; i < blocks.size(); ++i) pager.draw(blocks, i);
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
