#pragma once
// A report as a sequence of blocks (headings, HTML fragments with tables, SVG charts), shared by the HTML and the PDF
// writers so both hold the same content. Every figure is formatted here, from the Report, and nowhere else.

#include <string>
#include <vector>

#include "report/report_model.h"

namespace tinyforge::report {

struct ReportBlock {
    enum class Kind { Heading, Html, Chart } kind = Kind::Html;
    int level = 2;     ///< of a heading
    std::string text;  ///< heading text, an HTML fragment (XHTML: every element closed), or an <svg> element
};

/// The report's sections in reading order: what was compared, models, differences from the baseline, Pareto fronts,
/// per layer, per class, training.
std::vector<ReportBlock> reportBlocks(const Report& report);

/// An accuracy as the report prints it (four decimals, as in summary.json rounded).
std::string accuracyText(double accuracy);

/// A whole number with thousands separated by commas.
std::string groupedNumber(std::int64_t value);

}  // namespace tinyforge::report
