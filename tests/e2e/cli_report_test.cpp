// tinyforge-cli report on real Iris runs: the HTML's numbers are the runs' summaries', it is well-formed and renders
// in a real browser (headless Chromium: a screenshot that is not blank, no console errors), and the PDF opens in
// poppler (pages, and the table's numbers in its text). Bad input is refused by name with exit status 2.
#include <catch2/catch.hpp>

#include <QImage>
#include <QXmlStreamReader>

#include <cmath>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const std::string kIrisRecipe = TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json";

std::string fixed4(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

std::string grouped(std::int64_t v) {
    std::string digits = std::to_string(v), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// The rows of the first table after the heading `heading`, as cell texts.
std::vector<std::vector<QString>> tableAfter(const std::string& html, const QString& heading) {
    QXmlStreamReader xml(QByteArray::fromStdString(html));
    std::vector<std::vector<QString>> rows;
    bool afterHeading = false, inBody = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("h2")) afterHeading = xml.readElementText() == heading;
        if (!afterHeading) continue;
        if (xml.isStartElement() && xml.name() == QLatin1String("tbody")) inBody = true;
        if (xml.isEndElement() && xml.name() == QLatin1String("tbody")) break;
        if (inBody && xml.isStartElement() && xml.name() == QLatin1String("tr")) rows.emplace_back();
        if (inBody && xml.isStartElement() && (xml.name() == QLatin1String("td") || xml.name() == QLatin1String("th")))
            rows.back().push_back(xml.readElementText(QXmlStreamReader::IncludeChildElements));
    }
    return rows;
}

}  // namespace

TEST_CASE("report compares real Iris runs in HTML and PDF with the summaries' numbers", "[e2e][cli][report]") {
    fx::TempDir dir;
    const auto a = dir / "t2", b = dir / "t6";
    for (const auto& [out, temperature] : {std::pair{a, "2"}, std::pair{b, "6"}}) {
        const auto run = cli({"run", kIrisRecipe, "--out", out.string(), "--set", "train.epochs=20", "--set", std::string("distill.temperature=") + temperature});
        INFO(run.err);
        REQUIRE(run.exitCode == 0);
    }
    const auto deploy = cli({"deploy", a.string(), "--board", "stm32f405"});
    INFO(deploy.err);
    REQUIRE(deploy.exitCode == 0);

    const auto html = dir / "report.html";
    const auto made = cli({"report", a.string(), b.string(), "--out", html.string()});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    const std::string text = fx::readText(html);

    // Well-formed, self-contained.
    QXmlStreamReader xml(QByteArray::fromStdString(text));
    while (!xml.atEnd()) xml.readNext();
    INFO(xml.errorString().toStdString() << " at line " << xml.lineNumber());
    REQUIRE_FALSE(xml.hasError());
    CHECK(text.find("<script") == std::string::npos);
    CHECK(text.find("<link") == std::string::npos);

    // Every model's figures in the Models table equal its run's summary.
    const auto rows = tableAfter(text, QStringLiteral("Models"));
    std::map<std::string, int> checked;
    for (const auto& [folder, label] : {std::pair{a, "t2"}, std::pair{b, "t6"}}) {
        const json s = json::parse(fx::readText(folder / "summary.json"));
        for (const auto& row : rows) {
            REQUIRE(row.size() >= 11);
            if (row[0].toStdString() != label) continue;
            const auto name = row[1].toStdString();
            const json* m = name == "teacher" ? &s["teacher"] : name == "distilled student" ? &s["student"] : name == "student from labels" ? &s["student_scratch"] : nullptr;
            INFO(label << " " << name);
            if (m) {
                CHECK(row[3].toStdString() == fixed4((*m)["test_accuracy"].get<double>()));
                CHECK(row[6].toStdString() == grouped((*m)["params"].get<std::int64_t>()));
                CHECK(row[8].toStdString() == grouped((*m)["bytes_fp32"].get<std::int64_t>()));
                ++checked[label];
            } else if (name.rfind("compressed", 0) == 0) {
                CHECK(row[3].toStdString() == fixed4(s["compressed"]["deployed_test_accuracy"].get<double>()));
                CHECK(row[9].toStdString() == grouped(s["compressed"]["bytes_deployed"].get<std::int64_t>()));
                const double ratio = s["ratios"]["teacher_to_deployed"].get<double>();
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.1fx", ratio);
                CHECK(row[10].toStdString() == buf);
                ++checked[label];
            } else if (name.rfind("stm32f405", 0) == 0) {
                const auto& d = s["devices"][0];
                CHECK(row[11].toStdString() == grouped(d["flash_bytes"].get<std::int64_t>()));
                CHECK_THAT(row[13].toStdString(), Contains(grouped(d["latency_count"].get<std::int64_t>()) + " instructions"));
                CHECK(row[15].toStdString() == grouped(d["identical"].get<std::int64_t>()) + " / " + grouped(d["samples"].get<std::int64_t>()));
                ++checked[label];
            }
        }
    }
    CHECK(checked["t2"] == 5);  // teacher, scratch, distilled, compressed, the F405
    CHECK(checked["t6"] == 4);
    CHECK_THAT(text, Contains("distill.temperature"));  // the setting that differs
    CHECK_THAT(text, Contains("Accuracy against latency on stm32f405 (instructions per inference, emulator)"));

    // A real browser renders it: a screenshot that is not blank, no console errors.
    const auto png = dir / "report.png";
    const auto chromium = fx::runProcess({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                                          "--window-size=1280,2400", "--screenshot=" + png.string(), "file://" + html.string()});
    INFO(chromium.err);
    REQUIRE(chromium.exitCode == 0);
    CHECK_THAT(chromium.err, !Contains("CONSOLE"));
    QImage shot(QString::fromStdString(png.string()));
    REQUIRE_FALSE(shot.isNull());
    std::int64_t inked = 0;
    for (int y = 0; y < shot.height(); y += 2)
        for (int x = 0; x < shot.width(); x += 2) inked += qGray(shot.pixel(x, y)) < 200;
    CHECK(inked > shot.width() * shot.height() / 400);  // text, tables and charts, not a white page

    // The PDF: poppler reads its pages and finds the table's numbers in its text.
    for (const char* paper : {"a4", "letter"}) {
        const auto pdf = dir / (std::string("report-") + paper + ".pdf");
        const auto written = cli({"report", a.string(), b.string(), "--out", pdf.string(), "--paper", paper});
        INFO(written.err);
        REQUIRE(written.exitCode == 0);
        const auto info = fx::runProcess({"pdfinfo", pdf.string()});
        REQUIRE(info.exitCode == 0);
        CHECK_THAT(info.out, Contains(std::string(paper) == "a4" ? "(A4)" : "(letter)"));
        const auto pages = info.out.find("Pages:");
        REQUIRE(pages != std::string::npos);
        CHECK(std::stoi(info.out.substr(pages + 6)) >= 2);
        const auto pdfText = fx::runProcess({"pdftotext", "-layout", pdf.string(), "-"});
        REQUIRE(pdfText.exitCode == 0);
        const json s = json::parse(fx::readText(a / "summary.json"));
        CHECK_THAT(pdfText.out, Contains(fixed4(s["teacher"]["test_accuracy"].get<double>())));
        CHECK_THAT(pdfText.out, Contains(grouped(s["compressed"]["bytes_deployed"].get<std::int64_t>())));
        CHECK_THAT(pdfText.out, Contains("Pareto fronts"));
        CHECK_THAT(pdfText.out, Contains("Accuracy against bytes as deployed"));  // a chart's title, set as text
    }
}

TEST_CASE("report refuses a folder without summary.json and an output that is neither .html nor .pdf", "[e2e][cli][report][bad-input]") {
    fx::TempDir dir;
    std::filesystem::create_directories(dir / "empty");
    const auto missing = cli({"report", (dir / "empty").string(), "--out", (dir / "r.html").string()});
    CHECK(missing.exitCode == 2);
    CHECK_THAT(missing.err, Contains("summary.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "r.html"));
    const auto wrongType = cli({"report", (dir / "empty").string(), "--out", (dir / "r.txt").string()});
    CHECK(wrongType.exitCode == 2);
    CHECK_THAT(wrongType.err, Contains(".html or .pdf"));
}
