// The typed run summary: round trips, errors that name the field, the file's lock, and the generated schema.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "core/results/summary_file.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::core::results;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

RunSummary sampleSummary() {
    RunSummary s;
    s.recipe = "iris-distill";
    s.seed = 7;
    s.threads = 2;
    s.dataset = {"iris", "csv", "/data/iris.csv", 108, 12, 30, 3};
    ModelResult teacher;
    teacher.arch = "mlp";
    teacher.params = 4867;
    teacher.bytes_fp32 = 19468;
    teacher.macs = 4736;
    teacher.layers = {{"fc1", "Linear", {64}, 320, 256}};
    teacher.test_accuracy = 0.9667;
    teacher.val_accuracy = 1.0;
    teacher.epochs = 60;
    teacher.best_epoch = 41;
    teacher.stopped_early = false;
    teacher.train_seconds = 1.5;
    s.teacher = teacher;
    ModelResult student = teacher;
    student.arch = "mlp";
    student.distill = DistillUsed{4.0, 0.9, "kl"};
    s.student = student;
    CompressedResult c;
    c.arch = "mlp";
    c.phases = {{"compress_prune", 5, 0.93}};
    c.test_accuracy = 0.9333;
    c.bytes_deployed = 412;
    c.bytes_by_layer = {{"fc1", 200}};
    c.encoding_by_layer = {{"fc1", "codebook+bitmask"}};
    c.clusters = {{"fc1", 16}};
    c.sparsity = 0.9;
    c.weight_bits = 8;
    c.activation_bits = 8;
    c.quantization = "qat";
    c.integer = IntegerReference{0.9333, 5, 380, 72};
    s.compressed = c;
    s.ratios = Ratios{47.25, 47.25};
    s.timings = {{"total_seconds", 3.25}};
    DeviceResult device;
    device.board = "stm32f405";
    device.backend = "qemu";
    device.counter = "instructions (QEMU -icount)";
    device.measured_on = "emulator";
    device.count_unit = "instructions";
    device.latency_count = 4789;
    device.latency_ms_estimate = 0.0285;
    device.latency_note = "estimate at 168 MHz";
    device.energy_uj = 3.76;
    device.layers = {{0, "fc1", "fully_connected", 3055, 64, 26, 47.7}};
    device.mismatched_samples = {3};
    s.devices = {device};
    return s;
}

std::string errorOf(const json& j) {
    try {
        summaryFromJson(j);
    } catch (const core::contract::ContractError& e) {
        return e.what();
    }
    FAIL("no ContractError for " << j.dump());
    return {};
}

void writeRaw(const fs::path& dir, const std::string& text) {
    fs::create_directories(dir);
    std::ofstream(dir / "summary.json") << text;
}

}  // namespace

TEST_CASE("A run summary survives JSON and back field for field", "[core][results]") {
    const RunSummary s = sampleSummary();
    const json written = toJson(s);
    CHECK(written["schema_version"] == kSummarySchemaVersion);
    CHECK(written["compressed"]["integer"]["activation_arena_bytes"] == 72);
    CHECK_FALSE(written.contains("student_scratch"));  // an absent model is left out, not null
    CHECK_FALSE(written["teacher"].contains("distill"));
    const RunSummary back = summaryFromJson(written);
    CHECK(toJson(back) == written);
    REQUIRE(back.compressed);
    CHECK(back.compressed->encoding_by_layer.at("fc1") == "codebook+bitmask");
    CHECK(back.student->distill->temperature == 4.0);
    CHECK(back.finalStudent() == &*back.student);
    REQUIRE(back.devices.size() == 1);
    CHECK(back.devices[0].layers.at(0).count == 3055);
    CHECK(back.devices[0].mismatched_samples == std::vector<std::int64_t>{3});
    CHECK_FALSE(written["devices"][0].contains("latency_ms"));  // an emulator's entry claims no measured milliseconds
}

TEST_CASE("A damaged summary is refused with the path of the field at fault", "[core][results][bad-input]") {
    json j = toJson(sampleSummary());
    j["compressed"]["integer"].erase("ops");
    CHECK_THAT(errorOf(j), Contains("compressed.integer.ops: is missing"));

    j = toJson(sampleSummary());
    j["teacher"]["test_accuracy"] = "high";
    CHECK_THAT(errorOf(j), Contains("teacher.test_accuracy: expected a number, got \"high\""));

    j = toJson(sampleSummary());
    j["teacher"]["layers"][0]["output_shape"][0] = -1.5;
    CHECK_THAT(errorOf(j), Contains("teacher.layers[0].output_shape[0]: expected a whole number"));

    j = toJson(sampleSummary());
    j["seed"] = -3;
    CHECK_THAT(errorOf(j), Contains("seed: expected a number >= 0"));

    j = toJson(sampleSummary());
    j["devices"] = json::object();
    CHECK_THAT(errorOf(j), Contains("devices: expected a list"));

    CHECK_THAT(errorOf(json::array()), Contains("expected an object"));
}

TEST_CASE("A summary without a schema version, or from a newer studio, says so", "[core][results][bad-input]") {
    json j = toJson(sampleSummary());
    j.erase("schema_version");
    CHECK_THAT(errorOf(j), Contains("schema_version: is missing") && Contains("older"));
    j["schema_version"] = kSummarySchemaVersion + 1;
    CHECK_THAT(errorOf(j), Contains("newer studio"));
    j["schema_version"] = "2";
    CHECK_THAT(errorOf(j), Contains("schema_version: expected a whole number"));
    j["schema_version"] = 1;
    CHECK_THAT(errorOf(j), Contains("is 1") && Contains("run the recipe again"));
}

TEST_CASE("A version 2 summary is read with its device entries dropped: their counts were not instructions", "[core][results]") {
    json j = toJson(sampleSummary());
    j["schema_version"] = 2;
    // A version 2 device entry, in the old shape (latency_cycles, SysTick ticks of QEMU's clock labelled instructions).
    j["devices"] = json::array({json{{"board", "stm32f405"}, {"backend", "qemu"}, {"latency_cycles", 804}, {"latency_ms", 0.05}}});
    const RunSummary read = summaryFromJson(j);
    CHECK(read.schema_version == kSummarySchemaVersion);
    CHECK(read.devices.empty());
    CHECK(read.student->test_accuracy == sampleSummary().student->test_accuracy);  // the rest is kept
    CHECK(toJson(read)["schema_version"] == 3);
}

TEST_CASE("Reading summary.json names the file for bad JSON, deep nesting and bad fields", "[core][results][bad-input]") {
    const test::TempDir dir;
    CHECK_THROWS_WITH(readSummary(dir.path()), Contains("summary.json") && Contains("no run summary here"));
    CHECK_FALSE(readSummaryIfPresent(dir.path()));

    writeRaw(dir.path(), "{\"schema_version\": 2,");
    CHECK_THROWS_AS(readSummary(dir.path()), DataError);
    CHECK_THROWS_WITH(readSummary(dir.path()), Contains((dir.path() / "summary.json").string()) && Contains("not valid JSON"));

    writeRaw(dir.path(), std::string(100000, '[') + std::string(100000, ']'));  // would overflow a recursive walker
    CHECK_THROWS_WITH(readSummary(dir.path()), Contains("nested deeper than 64 levels"));

    json j = toJson(sampleSummary());
    j["dataset"]["classes"] = "three";
    writeRaw(dir.path(), j.dump());
    try {
        readSummary(dir.path());
        FAIL("a wrong type was read");
    } catch (const DataError& e) {
        CHECK(e.file() == dir.path() / "summary.json");
        CHECK(e.location() == "dataset.classes");
    }
}

TEST_CASE("Updates from several threads at once are serialised and lose nothing", "[core][results]") {
    const test::TempDir dir;
    writeSummary(dir.path(), sampleSummary());
    constexpr int kThreads = 4, kEach = 25;
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                updateSummary(dir.path(), [&](RunSummary& s) {
                    DeviceResult d;
                    d.board = "board" + std::to_string(t);
                    d.backend = "b" + std::to_string(i);
                    s.devices.push_back(d);
                    s.timings["writes"] += 1;
                });
            }
        });
    }
    for (auto& w : workers) w.join();
    const RunSummary s = readSummary(dir.path());
    CHECK(s.devices.size() == sampleSummary().devices.size() + static_cast<std::size_t>(kThreads * kEach));
    CHECK(s.timings.at("writes") == kThreads * kEach);
    CHECK(s.compressed->bytes_deployed == 412);  // the rest of the summary is untouched
}

TEST_CASE("An update whose change throws writes nothing", "[core][results]") {
    const test::TempDir dir;
    writeSummary(dir.path(), sampleSummary());
    const auto before = test::readText(dir.path() / "summary.json");
    CHECK_THROWS(updateSummary(dir.path(), [](RunSummary& s) {
        s.recipe = "changed";
        throw Error("stop");
    }));
    CHECK(test::readText(dir.path() / "summary.json") == before);
}

TEST_CASE("The summary schema is generated from the same fields the writer uses", "[core][results]") {
    const json schema = summarySchema();
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    const auto& root = schema["$defs"]["RunSummary"];
    CHECK(root["properties"]["schema_version"]["const"] == kSummarySchemaVersion);
    // Every key the writer emits for a full summary is a property of its definition, and the required ones are there.
    const json written = toJson(sampleSummary());
    for (const auto& [key, value] : written.items()) CHECK(root["properties"].contains(key));
    for (const auto& key : root["required"]) CHECK(written.contains(key.get<std::string>()));
    const auto& device = schema["$defs"]["DeviceResult"]["properties"];
    CHECK_THAT(device["latency_ms"]["description"].get<std::string>(), Contains("[ms]"));
    CHECK(schema["$defs"]["ModelResult"]["properties"]["members"]["items"]["$ref"] == "#/$defs/ModelResult");
}

TEST_CASE("What a run needs on a part comes from the C export, else the compression stage", "[core][results]") {
    RunSummary s = sampleSummary();
    auto needs = deviceNeeds(s);
    CHECK(needs.flashBytes == 412);
    CHECK(needs.ramBytes == 72);
    CHECK(needs.source == "compression");
    CExportResult c;
    c.flash_bytes = 1000;
    c.arena_bytes = 64;
    c.scratch_bytes = 16;
    s.exports = ExportResults{c, {}, {}};
    needs = deviceNeeds(s);
    CHECK(needs.flashBytes == 1000);
    CHECK(needs.ramBytes == 80);
    CHECK(needs.source == "c export");
    CHECK(deviceNeeds(RunSummary{}).flashBytes == 0);
}
