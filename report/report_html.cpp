#include "report/report_html.h"

#include <cctype>

#include "core/io/file_bytes.h"
#include "report/svg_chart.h"

namespace tinyforge::report {

namespace {

constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 16px 32px; color: #212121; line-height: 1.4; }
h1 { font-size: 1.6em; margin-top: 24px; } h2 { border-bottom: 2px solid #1565c0; padding-bottom: 4px; margin-top: 32px; }
h3 { margin-top: 20px; }
.scroll { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 0.9em; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #bdbdbd; padding: 3px 8px; vertical-align: top; }
th { background: #eceff1; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note, .meta { color: #546e7a; font-size: 0.9em; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
pre { background: #f5f5f5; padding: 8px; overflow-x: auto; font-size: 0.85em; }
details { margin: 4px 0; }
@media print { body { max-width: none; } h2, h3 { break-after: avoid; } figure, table { break-inside: avoid; } }
)";

}  // namespace

std::string htmlReport(const std::vector<ReportBlock>& blocks) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>";
    for (const auto& b : blocks) {
        if (b.kind == ReportBlock::Kind::Heading && b.level == 1) {
            html += xmlEscape(b.text);
            break;
        }
    }
    html += "</title><style>" + std::string(kStyle) + "</style></head><body>\n";
    bool inSection = false;
    for (const auto& b : blocks) {
        switch (b.kind) {
            case ReportBlock::Kind::Heading: {
                // Sections have ids ("models", "pareto-fronts") so a link can point into the report.
                const auto tag = "h" + std::to_string(b.level);
                std::string id;
                for (char c : b.text) {
                    if (std::isalnum(static_cast<unsigned char>(c))) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    else if (!id.empty() && id.back() != '-') id += '-';
                }
                while (!id.empty() && id.back() == '-') id.pop_back();
                // Each h2 opens a <section> that runs to the next h2.
                if (b.level == 2) {
                    if (inSection) html += "</section>\n";
                    html += "<section id=\"" + id + "\">";
                    inSection = true;
                }
                html += "<" + tag + ">" + xmlEscape(b.text) + "</" + tag + ">\n";
                break;
            }
            case ReportBlock::Kind::Html: html += b.text + "\n"; break;
            case ReportBlock::Kind::Table: html += tableHtml(b.table) + "\n"; break;
            case ReportBlock::Kind::Chart: html += "<figure>" + b.text + "</figure>\n"; break;
        }
    }
    if (inSection) html += "</section>\n";
    return html + "</body></html>\n";
}

void writeHtmlReport(const std::vector<ReportBlock>& blocks, const std::filesystem::path& file) {
    const auto html = htmlReport(blocks);
    core::io::writeFileAtomically(file, html.data(), html.size());
}

}  // namespace tinyforge::report
