// The results card: the numbers of a run folder (and of a folder of repeats) as the summary has them, device lines
// with their unit, buttons that hand the run on, and a damaged summary refused by name with the card unchanged.
#include <catch2/catch.hpp>

#include <QPushButton>
#include <QSignalSpy>

#include "core/results/aggregate.h"
#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"
#include "ui/run/results_card.h"

using namespace tinyforge;
namespace fx = tinyforge::test;

namespace {

core::results::RunSummary fashionLike(double teacher, double deployed) {
    core::results::RunSummary s;
    s.recipe = "fashion-distill";
    s.seed = 42;
    core::results::ModelResult t;
    t.arch = "cnn-small";
    t.params = 390634;
    t.bytes_fp32 = 1564328;
    t.test_accuracy = teacher;
    s.teacher = t;
    core::results::ModelResult st = t;
    st.params = 94866;
    st.bytes_fp32 = 380552;
    st.test_accuracy = 0.9220;
    s.student_scratch = st;
    st.test_accuracy = 0.9234;
    s.student = st;
    core::results::CompressedResult c;
    c.arch = "cnn-small";
    c.params = 94866;
    c.bytes_deployed = 15481;
    c.test_accuracy = 0.5;  // the float figure: the card shows the deployed one
    c.deployed_test_accuracy = deployed;
    s.compressed = c;
    core::results::DeviceResult d;
    d.board = "stm32f405";
    d.backend = "qemu";
    d.measured_on = "emulator";
    d.count_unit = "instructions";
    d.latency_count = 2345678;
    d.latency_ms_estimate = 13.96;
    d.flash_bytes = 51724;
    d.ram_bytes = 21092;
    d.samples = 32;
    d.identical = 32;
    s.devices.push_back(d);
    return s;
}

QPushButton* button(ui::ResultsCard& card, const QString& text) {
    for (auto* b : card.findChildren<QPushButton*>())
        if (b->text() == text) return b;
    FAIL("no button " << text.toStdString());
    return nullptr;
}

}  // namespace

TEST_CASE("The results card shows a run's models, the deployed headline and its device in the unit measured", "[ui][results]") {
    fx::TempDir dir;
    core::results::writeSummary(dir.path(), fashionLike(0.9262, 0.9171));
    ui::ResultsCard card;
    const QString folder = QString::fromStdString(dir.path().string());
    QString error;
    REQUIRE(card.showRun(folder, &error));
    const QString text = card.text();
    INFO(text.toStdString());
    // 1,564,328 / 15,481 = 101.05x; 0.9171 - 0.9262 = -0.91 points.
    CHECK(text.contains("As deployed: 0.9171 test accuracy in 15,481 bytes, 101.0x smaller than the teacher, -0.91 points against it"));
    CHECK(text.contains("teacher\t0.9262\t390,634\t1,564,328 (fp32)\t1.0x"));
    CHECK(text.contains("student from labels\t0.9220\t94,866\t380,552 (fp32)\t4.1x"));
    CHECK(text.contains("distilled student\t0.9234\t94,866\t380,552 (fp32)\t4.1x"));
    CHECK(text.contains("compressed, as deployed\t0.9171\t94,866\t15,481\t101.0x"));
    CHECK(text.contains("stm32f405 on the emulator (qemu) \u00b7 2,345,678 instructions / inference (~13.960 ms estimated) \u00b7 flash 51,724 B "
                        "\u00b7 RAM 21,092 B \u00b7 32 / 32 outputs identical to the reference"));

    QSignalSpy exported(&card, &ui::ResultsCard::exportRequested), deployed(&card, &ui::ResultsCard::deployRequested),
        reported(&card, &ui::ResultsCard::reportRequested);
    button(card, "Export...")->click();
    button(card, "Deploy...")->click();
    button(card, "Report...")->click();
    REQUIRE(exported.size() == 1);
    CHECK(exported.at(0).at(0).toString() == folder);
    CHECK(deployed.size() == 1);
    CHECK(reported.size() == 1);

    // A damaged summary: refused naming the file, the card keeps the run it showed.
    fx::TempDir broken;
    fx::writeText(broken / "summary.json", "{\"schema_version\": 3, \"teacher\": 7}");
    CHECK_FALSE(card.showRun(QString::fromStdString(broken.path().string()), &error));
    CHECK(error.contains("summary.json"));
    CHECK(card.runDir() == folder);
    CHECK(card.text() == text);
}

TEST_CASE("The results card of a folder of repeats gives mean +- std over its seeds", "[ui][results][seeds]") {
    fx::TempDir dir;
    for (const auto& [seed, teacher, deployed] : {std::tuple{"seed-1", 0.9260, 0.9160}, std::tuple{"seed-2", 0.9280, 0.9180}}) {
        std::filesystem::create_directories(dir / seed);
        core::results::writeSummary(dir / seed, fashionLike(teacher, deployed));
        core::results::Predictions p;
        p.index = {0};
        p.label = {0};
        p.byModel["teacher"] = {0};
        core::results::writePredictions(dir / seed, p);
    }
    core::results::writeAggregate(dir.path(), core::results::aggregateRuns({dir / "seed-1", dir / "seed-2"}));
    ui::ResultsCard card;
    REQUIRE(card.showRun(QString::fromStdString(dir.path().string())));
    const QString text = card.text();
    INFO(text.toStdString());
    // Means 0.9270 and 0.9170, sample std of two values 0.002 apart: 0.0014.
    CHECK(text.contains("As deployed: 0.9170 test accuracy in 15,481 bytes, 101.0x smaller than the teacher, -1.00 points against it (mean over 2 seeds)"));
    CHECK(text.contains("teacher\t0.9270 \u00b1 0.0014"));
    CHECK(text.contains("compressed, as deployed\t0.9170 \u00b1 0.0014"));
}
