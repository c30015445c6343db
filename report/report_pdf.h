#pragma once
// The report as a PDF written by the studio itself (Qt's PDF writer): the same blocks as the HTML, paginated on A4
// or Letter, tables as text and charts as vectors (the SVG rendered by Qt SVG). Needs a QGuiApplication.

#include <filesystem>
#include <string>
#include <vector>

#include "report/report_sections.h"

namespace tinyforge::report {

enum class PaperSize { A4, Letter };

/// Parses "a4" or "letter" (any case); throws Error naming the value otherwise.
PaperSize paperSizeFromText(const std::string& text);

/// Writes the blocks to `file` (atomically: a temporary file renamed); returns the number of pages. Throws Error
/// naming the file when it cannot be written or a chart is not valid SVG.
int writePdfReport(const std::vector<ReportBlock>& blocks, const std::filesystem::path& file, PaperSize paper);

}  // namespace tinyforge::report
