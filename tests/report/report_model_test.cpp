// The report's model from run folders written here: which rows it has, the comparisons against the baseline
// counted sample by sample, the Pareto views with their dominators, the settings that differ, and bad input
// (a damaged history.csv, a baseline that is not among the runs) refused by name.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/results/predictions_file.h"
#include "core/results/summary_file.h"
#include "report/report_html.h"
#include "report/report_model.h"
#include "tests/support/fixtures.h"

#include <QXmlStreamReader>

using namespace tinyforge;
namespace fx = tinyforge::test;

namespace {

// A run of 10 test samples: the teacher right on `teacherRight` of them, the deployed model on `deployedRight`.
void writeRun(const std::filesystem::path& dir, double temperature, std::int64_t teacherRight, std::int64_t deployedRight, std::int64_t bytes) {
    std::filesystem::create_directories(dir);
    core::results::RunSummary s;
    s.recipe = "synthetic";
    s.seed = 42;
    s.dataset = {"toy", "csv", "toy.csv", 40, 10, 10, 2};
    core::results::ModelResult teacher;
    teacher.arch = "mlp";
    teacher.params = 1000;
    teacher.bytes_fp32 = 4000;
    teacher.test_accuracy = static_cast<double>(teacherRight) / 10;
    s.teacher = teacher;
    core::results::ModelResult student = teacher;
    student.params = 100;
    student.bytes_fp32 = 400;
    student.layers = {{"fc1", "Linear", {8}, 40, 32}, {"relu1", "ReLU", {8}, 0, 0}, {"fc", "Linear", {2}, 18, 16}};
    s.student = student;
    core::results::CompressedResult c;
    c.arch = "mlp";
    c.params = 58;
    c.bytes_deployed = bytes;
    c.test_accuracy = 0.0;  // the float figure: the report quotes the integer reference's
    c.integer = core::results::IntegerReference{static_cast<double>(deployedRight) / 10, 2, 60, 16};
    c.quantization = "qat";
    c.weight_bits = 8;
    c.sparsity_by_layer = std::map<std::string, double>{{"fc1", 0.5}, {"fc", 0.0}};
    c.encoding_by_layer = {{"fc1", "bitmask"}, {"fc", "dense"}};
    c.bytes_by_layer = {{"fc1", 30}, {"fc", 26}};
    s.compressed = c;
    core::results::DeviceResult d;
    d.board = "stm32f405";
    d.backend = "qemu";
    d.measured_on = "emulator";
    d.count_unit = "instructions";
    d.latency_count = 4000 + bytes;
    d.samples = 10;
    d.identical = 10;
    d.accuracy = static_cast<double>(deployedRight) / 10;
    d.layers = {{0, "fc1", "fully_connected", 2500, 32, 30, {}}, {1, "fc", "fully_connected", 1500, 16, 26, {}}};
    s.devices.push_back(d);
    core::results::writeSummary(dir, s);
    core::results::Predictions p;
    for (int i = 0; i < 10; ++i) {
        p.index.push_back(i);
        p.label.push_back(i % 2);
        p.byModel["teacher"].push_back(i < teacherRight ? i % 2 : 1 - i % 2);
        p.byModel["student"].push_back(i % 2);
        p.byModel["deployed"].push_back(i >= 10 - deployedRight ? i % 2 : 1 - i % 2);  // right on the last ones
    }
    core::results::writePredictions(dir, p);
    fx::writeText(dir / "recipe.json", nlohmann::json{{"name", "synthetic"}, {"distill", {{"temperature", temperature}, {"alpha", 0.9}}}}.dump());
    fx::writeText(dir / "history.csv", "model,epoch,loss,train_accuracy,val_accuracy,sparsity,deployed_bytes\nteacher,1,0.5,0.8,0.7,0,0\nstudent,1,0.6,0.7,0.6,0.25,0\n");
}

const report::ModelRow& row(const report::Report& r, std::size_t run, const std::string& model) {
    for (const auto& m : r.models) {
        if (m.run == run && m.model == model) return m;
    }
    FAIL("no " << model << " row for run " << run);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("A report of two runs: rows, McNemar counts against the teacher, Pareto dominators, differing settings", "[report]") {
    fx::TempDir dir;
    writeRun(dir / "t4", 4, 9, 8, 200);
    writeRun(dir / "t8", 8, 9, 6, 300);
    const auto r = report::buildReport(report::loadRuns({dir / "t4", dir / "t8"}), {});
    REQUIRE(r.models.size() == 8);  // teacher, student, compressed, device per run
    CHECK(row(r, 0, "compressed").accuracy == Approx(0.8));  // deployed: the integer reference's
    CHECK(row(r, 0, "compressed").ratioToTeacher == Approx(20.0));
    CHECK(row(r, 1, "device").device->latency_count == 4300);
    REQUIRE(r.baseline);
    CHECK(r.models[*r.baseline].run == 0);
    CHECK(r.models[*r.baseline].model == "teacher");
    // Run 0's deployed model is right on samples 2..9, the teacher on 0..8: 1 only it (9), 2 only the teacher (0, 1).
    bool found = false;
    for (const auto& c : r.comparisons) {
        if (r.models[c.row].run == 0 && r.models[c.row].model == "compressed") {
            found = true;
            CHECK(c.firstOnly == 1);
            CHECK(c.secondOnly == 2);
            REQUIRE(c.difference);
            CHECK(c.difference->difference == Approx(-0.1));
            CHECK(c.difference->pValue == Approx(1.0));  // 2 (1 + 3) / 8 = 1
        }
    }
    CHECK(found);
    // Bytes view: run 1's compressed (0.6 at 300 bytes) is dominated by run 0's (0.8 at 200).
    REQUIRE_FALSE(r.pareto.empty());
    const auto& bytes = r.pareto.front();
    for (std::size_t i = 0; i < bytes.rows.size(); ++i) {
        const auto& m = r.models[bytes.rows[i]];
        if (m.run == 1 && m.model == "compressed") {
            REQUIRE(bytes.dominatedBy[i]);
            const auto& by = r.models[bytes.rows[*bytes.dominatedBy[i]]];
            CHECK((by.run == 0 && by.model == "compressed"));
        }
    }
    REQUIRE(r.pareto.size() == 2);  // and one view for the board's instruction counts
    CHECK(r.pareto[1].title.find("stm32f405") != std::string::npos);
    REQUIRE(r.settings.size() == 1);
    CHECK(r.settings[0].key == "distill.temperature");
    CHECK(r.settings[0].values == std::vector<std::string>{"4.0", "8.0"});  // as the recipe spelled them (doubles here)
    // Per layer: both runs' fc1 side by side, with what compression did and the device's count.
    REQUIRE(r.layers.size() == 4);
    CHECK(r.layers[0].layer == "fc1");
    CHECK(r.layers[1].layer == "fc1");
    CHECK(r.layers[0].sparsity == Approx(0.5));
    CHECK(r.layers[0].deviceCount == 2500);
    CHECK(r.layers[0].encoding == "bitmask");
    // Per class: the baseline teacher and each run's compressed model.
    REQUIRE(r.classes.size() == 3);
    CHECK(r.classes[1].counts == std::vector<std::vector<std::int64_t>>{{4, 1}, {1, 4}});  // samples 0 and 1 wrong

    const auto html = report::htmlReport(report::reportBlocks(r));
    QXmlStreamReader xml(QByteArray::fromStdString(html));
    while (!xml.atEnd()) xml.readNext();
    INFO(xml.errorString().toStdString() << " at line " << xml.lineNumber());
    CHECK_FALSE(xml.hasError());
    CHECK(html.find("dominated by t4: compressed") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org"));  // only namespaces, nothing fetched
}

TEST_CASE("A baseline that is not among the runs, and no runs at all, are refused by name", "[report]") {
    fx::TempDir dir;
    writeRun(dir / "a", 4, 9, 8, 200);
    writeRun(dir / "b", 4, 9, 8, 200);
    report::ReportOptions options;
    options.baseline = dir / "b";
    const auto r = report::buildReport(report::loadRuns({dir / "a", dir / "b"}), options);
    CHECK(r.models[*r.baseline].run == 1);
    options.baseline = dir / "elsewhere";
    std::filesystem::create_directories(dir / "elsewhere");
    CHECK_THROWS_WITH(report::buildReport(report::loadRuns({dir / "a"}), options), Catch::Contains("elsewhere") && Catch::Contains("not one of the runs"));
    CHECK_THROWS_AS(report::buildReport({}, {}), SettingsError);
    CHECK_THROWS_WITH(report::loadRuns({dir / "missing"}), Catch::Contains("missing"));
}

TEST_CASE("history.csv: a field that is not a number and a header without val_accuracy are named with file and line", "[report][parser]") {
    const std::filesystem::path file = "run/history.csv";
    const auto rows = report::parseHistory("model,epoch,val_accuracy,loss\nteacher,1,0.5,2.25\n", file);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].loss == 2.25);
    CHECK_THROWS_WITH(report::parseHistory("model,epoch,val_accuracy\nteacher,1,abc\n", file),
                      Catch::Contains("history.csv") && Catch::Contains("line 2") && Catch::Contains("'abc' is not a number"));
    CHECK_THROWS_WITH(report::parseHistory("model,epoch,loss\nteacher,1,0.5\n", file), Catch::Contains("val_accuracy"));
    CHECK_THROWS_AS(report::parseHistory("", file), DataError);
    CHECK_THROWS_AS(report::parseHistory("model,epoch,val_accuracy\nteacher,1\n", file), DataError);
}
