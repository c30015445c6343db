#pragma once
// Tables in the PDF, set by the studio itself rather than by Qt's rich text (which took seconds for a report of 50
// runs and sliced tall tables through their rows): columns sized from their text as a browser's automatic table
// layout does, figures never broken, type set smaller for a wide table, a table too wide even then split into bands
// of columns that each repeat the first, and rows carried to the next page under a repeated header.

#include <QColor>
#include <QString>

#include <functional>
#include <vector>

#include "report/report_sections.h"

class QPaintDevice;
class QPainter;

namespace tinyforge::report {

/// A table (or one band of its columns) measured for the page.
struct PdfTable {
    struct Cell {
        std::vector<QString> lines;
        TableCell::Style style = TableCell::Style::Text;
        bool header = false;
        QColor background;  ///< invalid for none
    };
    double points = 7;
    std::vector<double> widths;
    std::vector<QString> caption;
    std::vector<Cell> header;
    std::vector<std::vector<Cell>> rows;
    std::vector<double> rowHeights;
    double headerHeight = 0, captionHeight = 0, lineHeight = 0, ascent = 0;

    /// What must share a page: the caption, the header and the first row.
    double startHeight() const;
};

/// `table` laid out `pageWidth` wide on `device` (the PDF writer, for its font metrics): one PdfTable, or several
/// bands of columns when even the smallest type does not fit every column beside the others.
std::vector<PdfTable> layoutPdfTable(const ReportTable& table, QPaintDevice* device, double pageWidth);

/// Draws `table` with its top at `y` and returns the y below it. A row that would pass `pageHeight` goes to a new
/// page: `newPage` starts one and returns the y to continue from, and the header is drawn again there.
double drawPdfTable(QPainter& painter, QPaintDevice* device, const PdfTable& table, double y, double pageHeight,
                    const std::function<double()>& newPage);

}  // namespace tinyforge::report
