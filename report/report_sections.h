#pragma once
// A report as a sequence of blocks (headings, HTML paragraphs, tables, SVG charts), shared by the HTML and the PDF
// writers so both hold the same content. Every figure is formatted here, from the Report, and nowhere else.

#include <string>
#include <vector>

#include "report/report_model.h"

namespace tinyforge::report {

/// One cell of a table: plain UTF-8 text (escaped by each writer), how it is set, and a background colour.
struct TableCell {
    enum class Style { Text, Number, Code, Bold, RowHeader } style = Style::Text;
    std::string text;
    std::string background;  ///< "#rrggbb", or empty for none
};

/// A table kept as cells rather than HTML, so the PDF lays it out itself (fast, header repeated on every page it
/// spans) and the HTML and the preview write it as a real <table>.
struct ReportTable {
    std::string caption;  ///< empty for none
    std::vector<std::string> header;
    std::vector<std::vector<TableCell>> rows;
};

struct ReportBlock {
    enum class Kind { Heading, Html, Table, Chart } kind = Kind::Html;
    int level = 2;       ///< of a heading
    std::string text;    ///< heading text, an HTML fragment (XHTML: every element closed), or an <svg> element
    ReportTable table;   ///< of a Table block
};

/// The report's sections in reading order: what was compared, models, differences from the baseline, Pareto fronts,
/// per layer, per class, training.
std::vector<ReportBlock> reportBlocks(const Report& report);

/// A table as XHTML: <div class="scroll"><table> with a caption, a <thead> and right-aligned numbers (class "n").
std::string tableHtml(const ReportTable& table);

/// An accuracy as the report prints it (four decimals, as in summary.json rounded).
std::string accuracyText(double accuracy);

/// A whole number with thousands separated by commas.
std::string groupedNumber(std::int64_t value);

}  // namespace tinyforge::report
