// Device figures that say what they are: on an emulator, instructions that agree with an independent
// per-instruction trace of the same firmware; each op's share; an energy estimate from the board file's datasheet
// figures; and the same bit-exact check on the Cortex-M0 and M7 stand-in machines.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/instruction_trace.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// An Iris run: the recipe's own (50% sparse, 8 shared values per layer), or with pruning and clustering off.
std::filesystem::path irisRun(const fx::TempDir& dir, const std::string& name, bool compressed) {
    const auto run = dir / name;
    std::vector<std::string> args{"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20",
                                  "--set", "export.formats=[\"c\"]"};
    if (!compressed) args.insert(args.end(), {"--set", "prune.enabled=false", "--set", "cluster.enabled=false"});
    const auto made = cli(args);
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    return run;
}

json deploy(const std::filesystem::path& run, const std::string& board, const std::string& samples) {
    const auto result = cli({"deploy", run.string(), "--board", board, "--samples", samples});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    return json::parse(result.out);
}

double relativeError(double measured, double reference) { return std::abs(measured - reference) / reference; }

}  // namespace

TEST_CASE("Emulated instruction counts agree with a per-instruction trace within 1%, dense and sparse", "[e2e][deploy][qemu][trace]") {
    fx::TempDir dir;
    for (const bool compressed : {false, true}) {
        const auto run = irisRun(dir, compressed ? "sparse" : "dense", compressed);
        const json encodings = json::parse(fx::readText(run / "summary.json"))["export"]["c"]["encodings"];
        INFO("encodings " << encodings.dump());
        // The two models take different kernels: plain int8 rows, or bitmask-sparse rows of codebook indices.
        CHECK((encodings["fc1"].get<std::string>().find("codebook") != std::string::npos) == compressed);
        const json entry = deploy(run, "stm32f405", "5");
        CHECK(entry["count_unit"] == "instructions");
        CHECK(entry["measured_on"] == "emulator");
        // The same firmware, one instruction per translation block, every block logged: the calls to tf_model_run.
        fx::TraceOptions trace;
        trace.machine = "netduinoplus2";
        trace.function = "tf_model_run";
        trace.skip = {"tf_clock_run"};  // its polls of a clock controller QEMU does not model run long and never inside a call
        trace.uart = true;
        trace.lastLine = "\"event\": \"summary\"";
        auto counts = fx::traceCallInstructions(entry["firmware"].get<std::string>(), trace);
        // Five whole inferences with the per-op hook off, then five with it on: the first five are the profile's.
        REQUIRE(counts.size() == 10);
        counts.resize(5);
        std::sort(counts.begin(), counts.end());
        INFO("traced " << counts[0] << " .. " << counts[4] << "; the firmware reported " << entry["latency_count_min"] << " .. "
                       << entry["latency_count_max"]);
        CHECK(relativeError(entry["latency_count"].get<double>(), static_cast<double>(counts[2])) < 0.01);
        CHECK(relativeError(entry["latency_count_min"].get<double>(), static_cast<double>(counts[0])) < 0.01);
        CHECK(relativeError(entry["latency_count_max"].get<double>(), static_cast<double>(counts[4])) < 0.01);
    }
}

TEST_CASE("The device entry lists each op and estimates energy from the board file's datasheet figures", "[e2e][deploy][qemu]") {
    fx::TempDir dir;
    const auto run = irisRun(dir, "iris", true);
    const json entry = deploy(run, "stm32f405", "8");
    const json summary = json::parse(fx::readText(run / "summary.json"));
    const json ops = summary["export"]["c"]["layers"];
    REQUIRE(entry["layers"].size() == ops.size());
    double sum = 0;
    for (std::size_t k = 0; k < ops.size(); ++k) {
        const json& layer = entry["layers"][k];
        CHECK(layer["op"] == k);
        CHECK(layer["name"] == ops[k]["name"]);
        CHECK(layer["kind"] == ops[k]["kind"]);
        CHECK(layer["macs"] == ops[k]["macs"]);
        CHECK(layer["count"].get<double>() > 0);
        if (ops[k]["macs"].get<int>() > 0) CHECK(layer["count_per_mac"].get<double>() == Approx(layer["count"].get<double>() / ops[k]["macs"].get<double>()));
        sum += layer["count"].get<double>();
    }
    // The ops make up the inference but for the call and the copy of the output: a few percent at most.
    const double total = entry["latency_count"].get<double>();
    CHECK(sum <= total);
    CHECK(sum >= 0.9 * total);
    // No milliseconds are claimed from an emulator: an estimate, with its assumption.
    CHECK_FALSE(entry.contains("latency_ms"));
    CHECK(entry["latency_ms_estimate"].get<double>() == Approx(total * 1000.0 / 168e6));
    CHECK_THAT(entry["latency_note"].get<std::string>(), Contains("one instruction a cycle") && Contains("lower bound"));
    // E = V x (I / f) x cycles, from the board file's datasheet entry.
    const json power = json::parse(fx::readText(TINYFORGE_RESOURCE_DIR "/boards/stm32f405.json"))["power"];
    const double joules = power["supply_v"].get<double>() * power["run_current_ma"].get<double>() * 1e-3 / power["at_hz"].get<double>() * total;
    CHECK(entry["energy_uj"].get<double>() == Approx(joules * 1e6));
    CHECK_THAT(entry["energy_note"].get<std::string>(), Contains("estimate") && Contains("DS8626") && Contains("instructions taken as cycles"));
    // The CLI prints the per-op table for a person.
    const auto printed = cli({"deploy", run.string(), "--board", "stm32f405", "--samples", "8"});
    CHECK_THAT(printed.err, Contains("instructions") && Contains("per MAC") && Contains(ops[0]["name"].get<std::string>()) && Contains("uJ"));
}

TEST_CASE("The exported C runs bit-exact on the emulated Cortex-M0 and Cortex-M7 stand-ins, counting instructions", "[e2e][deploy][qemu]") {
    fx::TempDir dir;
    const auto run = irisRun(dir, "iris", true);
    const json m4 = deploy(run, "stm32f405", "30");
    for (const auto& [board, machine] : {std::pair{"stm32f030cc", "microbit"}, std::pair{"stm32f746", "mps2-an500"}, std::pair{"stm32h743", "mps2-an500"}}) {
        INFO(board);
        const json entry = deploy(run, board, "30");
        CHECK(entry["identical"] == entry["samples"]);
        CHECK(entry["samples"] == m4["samples"]);
        CHECK_THAT(entry["emulator"].get<std::string>(), Contains(machine));
        CHECK(entry["console"] == "semihosting");  // a stand-in has none of the part's UARTs
        CHECK(entry["count_unit"] == "instructions");
        CHECK(entry["layers"].size() == m4["layers"].size());
    }
    const json devices = json::parse(fx::readText(run / "summary.json"))["devices"];
    const auto find = [&](const std::string& board) {
        for (const auto& d : devices) {
            if (d["board"] == board) return d;
        }
        FAIL("no entry for " << board);
        return json();
    };
    // The M0 has no DSP multiply-accumulate and mostly 16-bit instructions: it needs more of them than the M4.
    CHECK(find("stm32f030cc")["latency_count"].get<int>() > m4["latency_count"].get<int>());
    CHECK_THAT(find("stm32f746")["latency_note"].get<std::string>(), Contains("neither bound"));
}
