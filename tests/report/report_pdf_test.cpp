// The PDF writer's own layout: tables set from their cells (header repeated on every page a table spans, no row lost
// or doubled at a page break, figures never broken, a wide table set smaller), chart labels set as text a reader can
// search, and the tables' HTML (escaped, numbers marked, cells shaded). Read back with poppler's pdftotext.
#include <catch2/catch.hpp>

#include <QGuiApplication>
#include <QXmlStreamReader>

#include "report/report_html.h"
#include "report/report_pdf.h"
#include "report/svg_chart.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

using namespace tinyforge;
namespace fx = tinyforge::test;
using report::ReportBlock;
using report::TableCell;

namespace {

// The PDF writer needs a QGuiApplication; one for the whole test program.
void ensureGuiApplication() {
    if (QGuiApplication::instance()) return;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "report_tests";
    static char* argv[] = {name, nullptr};
    static QGuiApplication app(argc, argv);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

std::string pageText(const std::filesystem::path& pdf, int page) {
    const auto p = std::to_string(page);
    const auto text = fx::runProcess({"pdftotext", "-f", p, "-l", p, pdf.string(), "-"});
    REQUIRE(text.exitCode == 0);
    return text.out;
}

int pageCount(const std::filesystem::path& pdf) {
    const auto info = fx::runProcess({"pdfinfo", pdf.string()});
    REQUIRE(info.exitCode == 0);
    const auto at = info.out.find("Pages:");
    REQUIRE(at != std::string::npos);
    return std::stoi(info.out.substr(at + 6));
}

ReportBlock tableBlock(std::vector<std::string> header, std::vector<std::vector<TableCell>> rows, std::string caption = "") {
    return {ReportBlock::Kind::Table, 0, {}, {std::move(caption), std::move(header), std::move(rows)}};
}

}  // namespace

TEST_CASE("PDF: a table longer than a page repeats its header on every page and loses no row at a break", "[report][pdf]") {
    ensureGuiApplication();
    fx::TempDir dir;
    std::vector<std::vector<TableCell>> rows;
    char name[32];
    for (int i = 0; i < 300; ++i) {
        std::snprintf(name, sizeof name, "layer-%03d", i);
        rows.push_back({{TableCell::Style::Code, name, {}}, {TableCell::Style::Number, "1,234,567", {}}, {TableCell::Style::Text, "dense fp32", {}}});
    }
    const std::vector<ReportBlock> blocks{{ReportBlock::Kind::Heading, 1, "Long table", {}},
                                          tableBlock({"layer name", "bytes per unit", "encoding"}, std::move(rows), "Every layer")};
    const auto pdf = dir.path() / "long.pdf";
    const int pages = report::writePdfReport(blocks, pdf, report::PaperSize::A4);
    REQUIRE(pages >= 3);
    CHECK(pageCount(pdf) == pages);
    std::string all;
    for (int p = 1; p <= pages; ++p) {
        const auto text = pageText(pdf, p);
        INFO("page " << p);
        CHECK(occurrences(text, "bytes per unit") == 1);  // the header, once on each page the table spans
        all += text;
    }
    for (int i = 0; i < 300; ++i) {
        std::snprintf(name, sizeof name, "layer-%03d", i);
        INFO(name);
        CHECK(occurrences(all, name) == 1);
    }
    CHECK(occurrences(all, "1,234,567") == 300);
    CHECK(occurrences(all, "Every layer") == 1);  // the caption only where the table starts
}

TEST_CASE("PDF: a table too wide for the page is split into bands of columns that repeat the first with every figure whole", "[report][pdf]") {
    ensureGuiApplication();
    fx::TempDir dir;
    std::vector<std::string> header;
    std::vector<TableCell> row;
    for (int c = 0; c < 24; ++c) {
        header.push_back("column " + std::to_string(c));
        row.push_back({c == 0 ? TableCell::Style::Code : TableCell::Style::Number, c == 0 ? "row-name" : "12,345,678." + std::to_string(10 + c), {}});
    }
    const auto pdf = dir.path() / "wide.pdf";
    report::writePdfReport({tableBlock(header, {row, row})}, pdf, report::PaperSize::Letter);
    const auto text = fx::runProcess({"pdftotext", "-layout", pdf.string(), "-"});
    REQUIRE(text.exitCode == 0);
    INFO(text.out);
    for (int c = 1; c < 24; ++c) {
        INFO("column " << c);
        CHECK(occurrences(text.out, "12,345,678." + std::to_string(10 + c)) == 2);
    }
    // Every band names its columns and repeats the first, so each row keeps its name.
    const auto bands = occurrences(text.out, "Columns ");
    CHECK(bands >= 2);
    CHECK(occurrences(text.out, "column 0") == bands);
    CHECK(occurrences(text.out, "row-name") == 2 * bands);
    CHECK(occurrences(text.out, "of 24") == bands);
}

TEST_CASE("PDF: a chart's title, axis labels and legend are text in the PDF, not outlines", "[report][pdf]") {
    ensureGuiApplication();
    fx::TempDir dir;
    report::ChartSpec chart{"Findable chart title", "bytes on the board", "accuracy of the model", {}, false, std::nullopt, {}};
    chart.series.push_back({"legend entry alpha", 0, {1, 2, 3}, {0.5, 0.6, 0.7}, true, false, {}});
    chart.series.push_back({"legend entry beta", 1, {1, 2, 3}, {0.4, 0.5, 0.9}, false, false, {}});
    const auto pdf = dir.path() / "chart.pdf";
    report::writePdfReport({{ReportBlock::Kind::Chart, 0, report::svgChart(chart), {}}}, pdf, report::PaperSize::A4);
    const auto text = fx::runProcess({"pdftotext", pdf.string(), "-"});
    REQUIRE(text.exitCode == 0);
    for (const char* label : {"Findable chart title", "bytes on the board", "accuracy of the model", "legend entry alpha", "legend entry beta"}) {
        INFO(label);
        CHECK(occurrences(text.out, label) == 1);
    }
    // Glyph outlines cost about 3 KB a character; set as text the page stays small.
    CHECK(std::filesystem::file_size(pdf) < 60 * 1024);
}

TEST_CASE("A table's HTML: cells escaped, figures right-aligned, shading, code, bold and row headers", "[report]") {
    report::ReportTable table{"Sizes <b>", {"a & b", "n"}, {}};
    table.rows.push_back({{TableCell::Style::RowHeader, "0", {}}, {TableCell::Style::Number, "< 0.0001", "#ff8080"}});
    table.rows.push_back({{TableCell::Style::Code, "conv1", {}}, {TableCell::Style::Bold, "on the front", {}}});
    const auto html = report::tableHtml(table);
    CHECK(html ==
          "<div class=\"scroll\"><table><caption>Sizes &lt;b&gt;</caption><thead><tr><th>a &amp; b</th><th>n</th></tr></thead><tbody>"
          "<tr><th>0</th><td class=\"n\" style=\"background:#ff8080\">&lt; 0.0001</td></tr>"
          "<tr><td><code>conv1</code></td><td><b>on the front</b></td></tr></tbody></table></div>");
    QXmlStreamReader xml(QByteArray::fromStdString(html));
    while (!xml.atEnd()) xml.readNext();
    CHECK_FALSE(xml.hasError());
}
