#include "report/pdf_table.h"

#include <QFont>
#include <QFontMetricsF>
#include <QLineF>
#include <QPainter>
#include <QPen>

#include <algorithm>
#include <array>
#include <numeric>

namespace tinyforge::report {

namespace {

constexpr double kBodyPoints = 7;      // as the text blocks of the PDF
constexpr double kSmallestPoints = 5;  // a table still too wide at this size is split into bands of columns
constexpr double kCellPadX = 3, kCellPadY = 1.5;
const QColor kText(0x21, 0x21, 0x21), kHeaderFill(0xec, 0xef, 0xf1), kRule(0x9e, 0x9e, 0x9e);

using Style = TableCell::Style;

bool isBold(Style style, bool header) { return header || style == Style::Bold || style == Style::RowHeader; }

QFont cellFont(Style style, bool header, double points) {
    QFont font(style == Style::Code && !header ? QStringLiteral("DejaVu Sans Mono") : QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(points);
    font.setBold(isBold(style, header));
    return font;
}

// Metrics for each way a cell is set (text, bold, code), measured once per size.
class CellMetrics {
public:
    CellMetrics(double points, QPaintDevice* device)
        : m_metrics{QFontMetricsF(cellFont(Style::Text, false, points), device), QFontMetricsF(cellFont(Style::Bold, false, points), device),
                    QFontMetricsF(cellFont(Style::Code, false, points), device)} {}
    const QFontMetricsF& of(Style style, bool header) const {
        if (isBold(style, header)) return m_metrics[1];
        return style == Style::Code ? m_metrics[2] : m_metrics[0];
    }

private:
    std::array<QFontMetricsF, 3> m_metrics;
};

// Splits `text` into lines no wider than `width`: at spaces where it can, inside a word only when the word alone is
// wider (a long folder path in a narrow column), so nothing is ever cut off.
std::vector<QString> wrapLines(const QString& text, const QFontMetricsF& metrics, double width) {
    if (metrics.horizontalAdvance(text) <= width) return {text};
    std::vector<QString> lines;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '))) {
        const QString joined = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (metrics.horizontalAdvance(joined) <= width) {
            line = joined;
            continue;
        }
        if (!line.isEmpty()) lines.push_back(line);
        line = word;
        while (line.size() > 1 && metrics.horizontalAdvance(line) > width) {
            qsizetype fits = 1;
            while (fits < line.size() && metrics.horizontalAdvance(line.left(fits + 1)) <= width) ++fits;
            lines.push_back(line.left(fits));
            line = line.mid(fits);
        }
    }
    if (!line.isEmpty()) lines.push_back(line);
    return lines;
}

// The table as cells in grid order, the header first, every row as wide as the widest.
struct Grid {
    std::vector<std::vector<PdfTable::Cell>> rows;  ///< text in lines[0], not yet wrapped
    std::size_t columns = 0;
};

Grid gridOf(const ReportTable& table, const std::vector<std::size_t>& columns) {
    Grid grid;
    grid.columns = columns.size();
    std::vector<PdfTable::Cell> header;
    for (std::size_t c : columns)
        header.push_back({{c < table.header.size() ? QString::fromStdString(table.header[c]) : QString()}, Style::Text, true, QColor()});
    grid.rows.push_back(std::move(header));
    for (const auto& source : table.rows) {
        std::vector<PdfTable::Cell> row;
        for (std::size_t c : columns) {
            if (c >= source.size()) {
                row.push_back({{QString()}, Style::Text, false, QColor()});
                continue;
            }
            const auto& cell = source[c];
            row.push_back({{QString::fromStdString(cell.text)}, cell.style, false,
                           cell.background.empty() ? QColor() : QColor(QString::fromStdString(cell.background))});
        }
        grid.rows.push_back(std::move(row));
    }
    return grid;
}

struct ColumnWidths {
    std::vector<double> natural, narrowest;  ///< on one line; with every word on its own line (figures never split)
    double narrowestSum() const { return std::accumulate(narrowest.begin(), narrowest.end(), 0.0); }
};

ColumnWidths measure(const Grid& grid, const CellMetrics& metrics) {
    ColumnWidths w{std::vector<double>(grid.columns), std::vector<double>(grid.columns)};
    for (const auto& row : grid.rows)
        for (std::size_t c = 0; c < grid.columns; ++c) {
            const auto& cell = row[c];
            const auto& m = metrics.of(cell.style, cell.header);
            const double whole = m.horizontalAdvance(cell.lines[0]) + 2 * kCellPadX;
            w.natural[c] = std::max(w.natural[c], whole);
            // Figures stay on one line (white-space: nowrap in the HTML); words wrap.
            if (cell.style == Style::Number && !cell.header) w.narrowest[c] = std::max(w.narrowest[c], whole);
            else
                for (const QString& word : cell.lines[0].split(QLatin1Char(' ')))
                    w.narrowest[c] = std::max(w.narrowest[c], m.horizontalAdvance(word) + 2 * kCellPadX);
        }
    return w;
}

PdfTable layoutGrid(Grid grid, const QString& caption, QPaintDevice* device, double pageWidth) {
    PdfTable t;
    // Smaller type, half a point at a time, until every column fits with its widest word or figure.
    ColumnWidths w = measure(grid, CellMetrics(t.points, device));
    while (t.points > kSmallestPoints && w.narrowestSum() > pageWidth) {
        t.points -= 0.5;
        w = measure(grid, CellMetrics(t.points, device));
    }
    const double minSum = w.narrowestSum(), maxSum = std::accumulate(w.natural.begin(), w.natural.end(), 0.0);
    for (std::size_t c = 0; c < grid.columns; ++c) {
        if (maxSum <= pageWidth) t.widths.push_back(w.natural[c]);
        else if (minSum >= pageWidth) t.widths.push_back(w.narrowest[c] * pageWidth / minSum);  // a lone column too wide: words broken
        else t.widths.push_back(w.narrowest[c] + (w.natural[c] - w.narrowest[c]) * (pageWidth - minSum) / (maxSum - minSum));
    }
    const CellMetrics metrics(t.points, device);
    t.lineHeight = metrics.of(Style::Text, false).lineSpacing();
    t.ascent = metrics.of(Style::Text, false).ascent();
    for (std::size_t r = 0; r < grid.rows.size(); ++r) {
        auto& row = grid.rows[r];
        std::size_t lines = 1;
        for (std::size_t c = 0; c < grid.columns; ++c) {
            row[c].lines = wrapLines(row[c].lines[0], metrics.of(row[c].style, row[c].header), t.widths[c] - 2 * kCellPadX);
            lines = std::max(lines, row[c].lines.size());
        }
        const double height = static_cast<double>(lines) * t.lineHeight + 2 * kCellPadY;
        if (r == 0) {
            t.header = std::move(row);
            t.headerHeight = height;
        } else {
            t.rows.push_back(std::move(row));
            t.rowHeights.push_back(height);
        }
    }
    if (!caption.isEmpty()) {
        t.caption = wrapLines(caption, metrics.of(Style::Bold, false), pageWidth);
        t.captionHeight = static_cast<double>(t.caption.size()) * t.lineHeight + kCellPadY;
    }
    return t;
}

}  // namespace

double PdfTable::startHeight() const { return captionHeight + headerHeight + (rowHeights.empty() ? 0 : rowHeights.front()); }

std::vector<PdfTable> layoutPdfTable(const ReportTable& table, QPaintDevice* device, double pageWidth) {
    std::size_t columns = table.header.size();
    for (const auto& row : table.rows) columns = std::max(columns, row.size());
    std::vector<std::size_t> all(columns);
    std::iota(all.begin(), all.end(), std::size_t{0});
    const QString caption = QString::fromStdString(table.caption);
    Grid whole = gridOf(table, all);
    const ColumnWidths smallest = measure(whole, CellMetrics(kSmallestPoints, device));
    if (columns < 3 || smallest.narrowestSum() <= pageWidth) return {layoutGrid(std::move(whole), caption, device, pageWidth)};
    // Bands of columns, each led by the first (what names the row), filled while they fit at the smallest size.
    std::vector<std::vector<std::size_t>> bands{{0}};
    double used = smallest.narrowest[0];
    for (std::size_t c = 1; c < columns; ++c) {
        if (used + smallest.narrowest[c] > pageWidth && bands.back().size() > 1) {
            bands.push_back({0});
            used = smallest.narrowest[0];
        }
        bands.back().push_back(c);
        used += smallest.narrowest[c];
    }
    // As many bands as that took, with the columns shared evenly among them when they still fit, so no band is
    // set much smaller than the others.
    const std::size_t count = bands.size(), rest = columns - 1;
    std::vector<std::vector<std::size_t>> even;
    bool fits = true;
    for (std::size_t b = 0, next = 1; b < count; ++b) {
        const std::size_t size = rest / count + (b < rest % count ? 1 : 0);
        std::vector<std::size_t> band{0};
        double width = smallest.narrowest[0];
        for (std::size_t k = 0; k < size; ++k, ++next) {
            band.push_back(next);
            width += smallest.narrowest[next];
        }
        fits = fits && width <= pageWidth;
        even.push_back(std::move(band));
    }
    if (fits) bands = std::move(even);
    std::vector<PdfTable> out;
    for (std::size_t b = 0; b < bands.size(); ++b) {
        const QString part = QStringLiteral("columns %1 to %2 of %3").arg(bands[b][1] + 1).arg(bands[b].back() + 1).arg(columns);
        const QString title = caption.isEmpty() ? part.left(1).toUpper() + part.mid(1) : caption + QStringLiteral(" (") + part + QLatin1Char(')');
        out.push_back(layoutGrid(gridOf(table, bands[b]), title, device, pageWidth));
    }
    return out;
}

double drawPdfTable(QPainter& painter, QPaintDevice* device, const PdfTable& t, double y, double pageHeight, const std::function<double()>& newPage) {
    const CellMetrics metrics(t.points, device);
    const double width = std::accumulate(t.widths.begin(), t.widths.end(), 0.0);
    painter.setPen(kText);
    if (!t.caption.empty()) {
        painter.setFont(cellFont(Style::Bold, false, t.points));
        for (std::size_t i = 0; i < t.caption.size(); ++i) painter.drawText(QPointF(0, y + t.ascent + static_cast<double>(i) * t.lineHeight), t.caption[i]);
        y += t.captionHeight;
    }
    std::vector<double> rules{y};  // the horizontal lines of the part of the table on this page
    auto row = [&](const std::vector<PdfTable::Cell>& cells, double height) {
        double x = 0;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto& cell = cells[c];
            const QRectF box(x, y, t.widths[c], height);
            if (cell.header) painter.fillRect(box, kHeaderFill);
            else if (cell.background.isValid()) painter.fillRect(box, cell.background);
            painter.setFont(cellFont(cell.style, cell.header, t.points));
            const bool right = cell.style == Style::Number && !cell.header;
            for (std::size_t i = 0; i < cell.lines.size(); ++i) {
                const QString& line = cell.lines[i];
                const double left = right ? x + t.widths[c] - kCellPadX - metrics.of(cell.style, cell.header).horizontalAdvance(line) : x + kCellPadX;
                painter.drawText(QPointF(left, y + kCellPadY + t.ascent + static_cast<double>(i) * t.lineHeight), line);
            }
            x += t.widths[c];
        }
        y += height;
        rules.push_back(y);
    };
    // The grid as a few long lines per page rather than four per cell: a smaller, faster PDF.
    auto grid = [&] {
        QVector<QLineF> lines;
        for (double at : rules) lines.push_back(QLineF(0, at, width, at));
        double x = 0;
        for (std::size_t c = 0; c <= t.widths.size(); ++c) {
            lines.push_back(QLineF(x, rules.front(), x, rules.back()));
            if (c < t.widths.size()) x += t.widths[c];
        }
        painter.setPen(QPen(kRule, 0.5));
        painter.drawLines(lines);
        painter.setPen(kText);
    };
    row(t.header, t.headerHeight);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        if (y + t.rowHeights[r] > pageHeight && rules.size() > 2) {
            grid();
            y = newPage();
            rules = {y};
            row(t.header, t.headerHeight);
        }
        row(t.rows[r], t.rowHeights[r]);
    }
    grid();
    return y;
}

}  // namespace tinyforge::report
