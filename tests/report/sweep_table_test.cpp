// A sweep folder's table: every point's status read from its files, the figures from its summary, the front on
// accuracy against deployed bytes, the CSV a spreadsheet reads, and the run folders a report compares.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/results/summary_file.h"
#include "report/sweep_table.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
namespace fx = tinyforge::test;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

void writePoint(const fs::path& sweep, const std::string& id, const std::string& state, double accuracy, std::int64_t bytes) {
    const auto dir = sweep / "points" / id;
    fs::create_directories(dir);
    fx::writeText(dir / "status.json", json{{"state", state}}.dump());
    core::results::RunSummary s;
    s.recipe = "toy";
    s.dataset = {"toy", "csv", "toy.csv", 40, 10, 10, 2};
    core::results::ModelResult teacher;
    teacher.arch = "mlp";
    teacher.bytes_fp32 = 4000;
    teacher.test_accuracy = 0.9;
    s.teacher = teacher;
    core::results::CompressedResult c;
    c.arch = "mlp";
    c.bytes_deployed = bytes;
    c.test_accuracy = 0.5;  // the float figure; the table quotes the deployed (integer reference) one
    c.integer = core::results::IntegerReference{accuracy, 2, 60, 16};
    c.val_accuracy = 0.75;  // what successive halving ranks by
    s.compressed = c;
    s.ratios = core::results::Ratios{};
    s.ratios->teacher_to_deployed = 4000.0 / static_cast<double>(bytes);
    s.timings["total_seconds"] = 12.5;
    core::results::DeviceResult d;
    d.board = "stm32f405";
    d.backend = "qemu";
    d.measured_on = "emulator";
    d.count_unit = "instructions";
    d.latency_count = 1000 + bytes;
    d.flash_bytes = 6000;
    d.ram_bytes = 200;
    d.samples = 8;
    d.identical = 8;
    s.devices.push_back(d);
    core::results::writeSummary(dir, s);
}

}  // namespace

TEST_CASE("A sweep table reads each point's status and figures and marks the front", "[report][sweep]") {
    fx::TempDir dir;
    const auto sweep = dir.path();
    json points = json::array();
    const std::vector<json> widths{{8}, {16, 32}, {8}, {16, 32}, {4}, {4}};
    for (int i = 0; i < 6; ++i) points.push_back({{"id", "p00" + std::to_string(i)}, {"values", {0.5 + 0.1 * i, widths[i]}}, {"overrides", json::array()}});
    fx::writeText(sweep / "plan.json", json{{"name", "toy-sweep"}, {"recipe", "/r.json"}, {"axes", {"prune.final_sparsity", "student.hidden"}}, {"points", points}}.dump());
    CHECK(report::isSweepFolder(sweep));
    writePoint(sweep, "p000", "done", 0.90, 300);  // dominated by p001: as accurate, smaller
    writePoint(sweep, "p001", "done", 0.90, 200);
    writePoint(sweep, "p002", "done", 0.80, 100);  // smaller still: on the front
    fs::create_directories(sweep / "points" / "p003");
    fx::writeText(sweep / "points" / "p003" / "status.json", json{{"state", "failed"}, {"message", "board: no QEMU"}}.dump());
    fs::create_directories(sweep / "points" / "p004");
    fx::writeText(sweep / "points" / "p004" / "status.json", json{{"state", "running"}}.dump());
    fx::writeText(sweep / "points" / "p001" / "stages.json",
                  json{{"stages", {{{"stage", "teacher"}, {"reused", true}, {"train_seconds", 30.0}}, {{"stage", "student"}, {"reused", false}, {"train_seconds", 9.0}}}}}.dump());
    // p005 never started.

    const auto table = report::collectSweep(sweep);
    REQUIRE(table.points.size() == 6);
    CHECK(table.name == "toy-sweep");
    CHECK(table.count("done") == 3);
    CHECK(table.points[3].status == "failed");
    CHECK(table.points[3].message == "board: no QEMU");
    CHECK(table.points[4].status == "running");
    CHECK(table.points[5].status == "pending");
    CHECK(table.points[0].deployed_accuracy == 0.90);
    CHECK(table.points[0].deployed_bytes == 300);
    CHECK(table.points[0].val_accuracy == 0.75);
    CHECK(table.points[0].dominated_by == "p001");
    CHECK_FALSE(table.points[1].dominated_by);
    CHECK_FALSE(table.points[2].dominated_by);
    CHECK(table.points[1].reused_seconds == 30.0);  // only the reused stage's training time was saved
    CHECK_FALSE(table.points[0].reused_seconds);
    REQUIRE(table.points[2].devices.size() == 1);
    CHECK(table.points[2].devices[0].latency_count == 1100);

    const auto csv = report::sweepCsv(table);
    CHECK_THAT(csv, Contains("id,prune.final_sparsity,student.hidden,status,teacher_accuracy,student_accuracy,val_accuracy,deployed_accuracy,deployed_bytes,"
                             "teacher_to_deployed,stm32f405_latency,stm32f405_latency_unit,stm32f405_latency_ms,stm32f405_flash_bytes,"
                             "stm32f405_ram_bytes,stm32f405_identical,seconds,reused_seconds,dominated_by,message\n"));
    CHECK_THAT(csv, Contains("p001,0.6,\"[16,32]\",done,0.9,,0.75,0.9,200,20.0,1200,instructions,,6000,200,8/8,12.5,30.0,,\n"));
    CHECK_THAT(csv, Contains("p003,0.8,\"[16,32]\",failed,,,,,,,,,,,,,,,,board: no QEMU\n"));

    report::writeSweepTable(sweep, table);
    const auto written = json::parse(fx::readText(sweep / "table.json"));
    CHECK(written.at("points")[0].at("dominated_by") == "p001");
    CHECK(written.at("axes") == json({"prune.final_sparsity", "student.hidden"}));

    const auto runs = report::sweepRunFolders(sweep);
    REQUIRE(runs.size() == 3);
    CHECK(runs[1].first == sweep / "points" / "p001");
    CHECK(runs[1].second == "p001 prune.final_sparsity=0.6, student.hidden=[16,32]");
}

TEST_CASE("A damaged point summary is a failed point, and a damaged plan is refused naming the file", "[report][sweep]") {
    fx::TempDir dir;
    fx::writeText(dir / "plan.json", json{{"name", "s"}, {"recipe", "/r.json"}, {"axes", {"seed"}}, {"points", {{{"id", "p000"}, {"values", {1}}}}}}.dump());
    fs::create_directories(dir / "points" / "p000");
    fx::writeText(dir / "points" / "p000" / "status.json", json{{"state", "done"}}.dump());
    fx::writeText(dir / "points" / "p000" / "summary.json", "{\"schema_version\": 3, \"recipe\": 7}");
    const auto table = report::collectSweep(dir.path());
    CHECK(table.points[0].status == "failed");
    CHECK_THAT(table.points[0].message.value_or(""), Contains("summary.json"));
    fx::writeText(dir / "plan.json", "{\"name\": \"s\"}");
    CHECK_THROWS_WITH(report::collectSweep(dir.path()), Contains("plan.json") && Contains("not a sweep plan"));
}

TEST_CASE("A sweep folder's stamp changes exactly when a file the table reads changes", "[report][sweep]") {
    fx::TempDir dir;
    const auto sweep = dir.path();
    fx::writeText(sweep / "plan.json", json{{"name", "s"}, {"recipe", "r.json"}, {"axes", {"prune.final_sparsity"}},
                                            {"points", {{{"id", "p000"}, {"values", {0.5}}}, {{"id", "p001"}, {"values", {0.8}}}}}}.dump());
    const auto empty = report::sweepFolderStamp(sweep);
    CHECK(report::sweepFolderStamp(sweep) == empty);  // nothing moved: the view need not read again
    fs::create_directories(sweep / "points" / "p000");
    fx::writeText(sweep / "points" / "p000" / "status.json", json{{"state", "running"}}.dump());
    const auto running = report::sweepFolderStamp(sweep);
    CHECK(running != empty);
    fx::writeText(sweep / "points" / "p000" / "status.json", json{{"state", "done"}}.dump());  // a longer file
    const auto done = report::sweepFolderStamp(sweep);
    CHECK(done != running);
    writePoint(sweep, "p001", "done", 0.9, 100);  // a summary appears
    CHECK(report::sweepFolderStamp(sweep) != done);
    const auto settled = report::sweepFolderStamp(sweep);
    fx::writeText(sweep / "points" / "p001" / "run.log", "epoch 1\n");  // a file the table does not read
    CHECK(report::sweepFolderStamp(sweep) == settled);
}
