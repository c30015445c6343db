// The Compare page with a folder of repeats (tinyforge-cli run --seeds): its accuracies as mean +- std over seeds.
#include <catch2/catch.hpp>

#include <QSignalSpy>

#include "core/results/aggregate.h"
#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"
#include "ui/compare/compare_page.h"
#include "ui/report/report_dialog.h"

using namespace tinyforge;
namespace fx = tinyforge::test;

namespace {

void seedRun(const std::filesystem::path& dir, std::uint64_t seed, double student, double deployed) {
    std::filesystem::create_directories(dir);
    core::results::RunSummary s;
    s.recipe = "iris-distill";
    s.seed = seed;
    core::results::ModelResult m;
    m.arch = "mlp";
    m.test_accuracy = student;
    m.bytes_fp32 = 524;
    s.student = m;
    core::results::CompressedResult c;
    c.arch = "mlp";
    c.test_accuracy = 0.5;  // the float figure: the page must show the deployed one
    c.integer = core::results::IntegerReference{deployed, 2, 100, 20};
    c.bytes_deployed = 160;
    s.compressed = c;
    core::results::writeSummary(dir, s);
    core::results::Predictions p;
    p.index = {0};
    p.label = {0};
    p.byModel["student"] = {0};
    core::results::writePredictions(dir, p);
}

}  // namespace

TEST_CASE("Compare shows a folder of repeats as mean +- std over its seeds, the deployed figure for the compressed model", "[ui][compare][seeds]") {
    fx::TempDir dir;
    seedRun(dir / "seed-1", 1, 0.90, 0.80);
    seedRun(dir / "seed-2", 2, 0.94, 0.84);
    core::results::writeAggregate(dir.path(), core::results::aggregateRuns({dir / "seed-1", dir / "seed-2"}));
    ui::ComparePage page;
    page.addRun(QString::fromStdString(dir.path().string()));
    REQUIRE(page.runCount() >= 1);
    int row = -1;
    for (int r = 0; r < page.runCount(); ++r) {
        if (page.tableText(r, 0).contains("(2 seeds)")) row = r;
    }
    REQUIRE(row >= 0);
    CHECK(page.tableText(row, 2) == QStringLiteral("0.9200 \u00b1 0.0283"));  // mean 0.92, std sqrt(0.0008)
    CHECK(page.tableText(row, 3) == QStringLiteral("0.8200 \u00b1 0.0283"));  // the integer reference's, not the float 0.5
    CHECK(page.tableText(row, 4) == QStringLiteral("160"));
}

TEST_CASE("Export report previews the checked runs with charts and saves them as HTML and PDF", "[ui][compare][report]") {
    fx::TempDir dir;
    seedRun(dir / "seed-1", 1, 0.90, 0.80);
    seedRun(dir / "seed-2", 2, 0.94, 0.84);
    ui::ReportDialog dialog({QString::fromStdString((dir / "seed-1").string()), QString::fromStdString((dir / "seed-2").string())});
    INFO(dialog.previewText().toStdString());
    REQUIRE(dialog.hasReport());
    const QString preview = dialog.previewText();
    CHECK(preview.contains("Models"));
    CHECK(preview.contains("0.9400"));  // seed 2's student
    CHECK(preview.contains("0.8000"));  // seed 1's deployed figure, not the float 0.5
    CHECK(dialog.previewCharts() >= 1);  // the Pareto chart, rendered from its SVG
    QString error;
    const auto html = dir / "report.html";
    REQUIRE(dialog.saveTo(QString::fromStdString(html.string()), &error));
    CHECK(fx::readText(html).find("0.9400") != std::string::npos);
    const auto pdf = dir / "report.pdf";
    REQUIRE(dialog.saveTo(QString::fromStdString(pdf.string()), &error));
    CHECK(fx::readText(pdf).rfind("%PDF", 0) == 0);
    CHECK_FALSE(dialog.saveTo(QString::fromStdString((dir / "no-such-folder" / "r.html").string()), &error));
    CHECK(error.contains("no-such-folder"));

    // The Save buttons write on a worker thread: the dialog is saving (buttons off) until saved() says how it went.
    QSignalSpy saved(&dialog, &ui::ReportDialog::saved);
    const auto background = dir / "background.pdf";
    dialog.saveInBackground(QString::fromStdString(background.string()));
    CHECK(dialog.isSaving());
    REQUIRE(saved.wait(60000));
    CHECK_FALSE(dialog.isSaving());
    CHECK(saved.at(0).at(1).toBool());
    CHECK(saved.at(0).at(2).toString().contains("page"));
    CHECK(fx::readText(background).rfind("%PDF", 0) == 0);
    CHECK(fx::readText(background).size() > 1000);
    dialog.saveInBackground(QString::fromStdString((dir / "no-such-folder" / "r.pdf").string()));
    REQUIRE(saved.wait(60000));
    CHECK_FALSE(saved.at(1).at(1).toBool());
    CHECK(saved.at(1).at(2).toString().contains("no-such-folder"));

    ui::ReportDialog broken({QString::fromStdString((dir / "not-a-run").string())});
    CHECK_FALSE(broken.hasReport());
    CHECK(broken.previewText().contains("summary.json"));
}
