#pragma once
// The report as one self-contained HTML file: inline CSS and SVG, no script, no font or image fetched from anywhere;
// tables are real tables; it reads on a phone (tables scroll sideways) and prints (sections avoid page breaks).

#include <filesystem>
#include <string>
#include <vector>

#include "report/report_sections.h"

namespace tinyforge::report {

/// The whole page, well-formed XHTML served as HTML5.
std::string htmlReport(const std::vector<ReportBlock>& blocks);

/// Writes htmlReport(blocks) to `file` atomically; throws Error naming the file when it cannot be written.
void writeHtmlReport(const std::vector<ReportBlock>& blocks, const std::filesystem::path& file);

}  // namespace tinyforge::report
