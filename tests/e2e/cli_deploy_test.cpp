// tinyforge-cli deploy: the whole path from an Iris run to a profile on the emulated STM32F405 (firmware generated
// for the board, built with arm-none-eabi-gcc, run under QEMU), and firmware builds for every bundled STM32.
#include <catch2/catch.hpp>

#include <future>

#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"
#include "tests/support/process.h"

namespace fx = tinyforge::test;
using fx::cli;
using Catch::Matchers::Contains;
using nlohmann::json;


TEST_CASE("deploy profiles an Iris run on the emulated STM32F405 and records it in summary.json", "[e2e][cli][deploy][qemu]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20",
                 "--set", "export.formats=[]"}).exitCode == 0);
    const auto result = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "qemu"});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json entry = json::parse(result.out);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    REQUIRE(summary["devices"].size() == 1);
    CHECK(summary["devices"][0] == entry);
    CHECK(entry["board"] == "stm32f405");
    CHECK(entry["backend"] == "qemu");
    CHECK(entry["samples"] == summary["dataset"]["test"]);  // Iris's 30 test samples all fit
    CHECK(entry["identical"] == entry["samples"]);           // the device's outputs are the host's
    CHECK(entry["accuracy"].get<double>() == Approx(summary["compressed"]["integer"]["test_accuracy"].get<double>()));
    CHECK(entry["latency_count"].get<int>() > 1000);
    CHECK(entry["latency_count_min"].get<int>() <= entry["latency_count"].get<int>());
    CHECK(entry["latency_count"].get<int>() <= entry["latency_count_max"].get<int>());
    // The firmware first runs the board's clock set-up (PLL to 168 MHz); QEMU models no clock controller, so it gives
    // up at the PLL's lock and the core keeps its reset clock. On an emulator that does not matter: the figures are
    // instructions, and milliseconds only an estimate at the board's 168 MHz, so no clock is claimed as measured.
    CHECK_THAT(fx::readText(run / "deploy" / "stm32f405" / "firmware" / "board_clock.h"),
               Contains("{TF_CLOCK_WAIT, 0x40023800u, 0x2000000u, 0x2000000u}, /* PLL locked */"));
    CHECK_FALSE(entry.contains("clock_configured"));
    CHECK_FALSE(entry.contains("latency_ms"));
    CHECK(entry["clock_hz"] == 168000000);
    CHECK(entry["latency_ms_estimate"].get<double>() == Approx(entry["latency_count"].get<double>() / 168000.0));
    CHECK_THAT(result.err, Contains("instructions per inference") && Contains("estimate"));
    CHECK_THAT(entry["counter"].get<std::string>(), Contains("instructions"));
    CHECK_THAT(entry["emulator"].get<std::string>(), Contains("netduinoplus2"));
    CHECK(entry["mismatched_samples"].empty());
    CHECK_THAT(fx::readText(run / "deploy" / "stm32f405" / "firmware" / "Makefile"), Contains("-DTF_EMULATED") && Contains("-DTF_MODEL_PROFILE"));
    CHECK(entry["flash_bytes"].get<int>() > entry["ram_bytes"].get<int>());
    CHECK(entry["stack_bytes"].get<int>() > 0);
    CHECK(entry["stack_bytes"].get<int>() < 4096);
    CHECK(std::filesystem::exists(run / "deploy" / "stm32f405" / "firmware" / "board.ld"));
    // The profile came over the board's USART1 (QEMU's serial port, a pty read as a serial port), not semihosting.
    CHECK(entry["console"] == "uart");
    CHECK_THAT(fx::readText(run / "deploy" / "stm32f405" / "firmware" / "Makefile"), Contains("-DTF_UART_BASE=0x40011000u"));

    // A second deployment to the same board replaces its entry; the QEMU count repeats exactly (-icount).
    const auto again = cli({"deploy", run.string(), "--board", "stm32f405"});
    REQUIRE(again.exitCode == 0);
    CHECK(json::parse(again.out)["latency_count"] == entry["latency_count"]);
    CHECK(json::parse(again.out)["layers"] == entry["layers"]);
    CHECK(json::parse(fx::readText(run / "summary.json"))["devices"].size() == 1);

    // Every bundled STM32 gets firmware built for its core and FPU (Cortex-M0 soft float to M7 double precision).
    for (const char* board : {"stm32f030cc", "stm32l476", "stm32f746", "stm32h743", "stm32f411", "stm32l4r5"}) {
        const auto built = cli({"deploy", run.string(), "--board", board, "--build-only"});
        INFO(board << ": " << built.err);
        REQUIRE(built.exitCode == 0);
        const json sizes = json::parse(built.out);
        CHECK(sizes["flash_bytes"].get<int>() > 1000);
        CHECK(sizes["text_bytes"].get<int>() + sizes["data_bytes"].get<int>() == sizes["flash_bytes"].get<int>());
        // Built for its core: the DSP (SMLAD) kernels on the M4 and M7 parts, the reference loops on the M0.
        const auto code = fx::runProcess({"arm-none-eabi-objdump", "-d", sizes["file"].get<std::string>()});
        CHECK((code.out.find("smlad") != std::string::npos) == (board != std::string("stm32f030cc")));
    }

    // What cannot be done is refused by name.
    auto refused = cli({"deploy", run.string(), "--board", "stm32f999"});
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Contains("unknown board 'stm32f999'") && Contains("stm32f405"));
    refused = cli({"deploy", run.string(), "--board", "rpi4", "--backend", "qemu"});
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Contains("rpi4 is a Linux board"));
    // A real board needs its UART to report on, and a serial port to read it from (no ST-Link is plugged in here).
    refused = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "dfu"});
    CHECK(refused.exitCode == 3);
    CHECK_THAT(refused.err, Contains("no ST-Link virtual COM port found") && Contains("--port"));
    refused = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "dfu", "--port", "/dev/tinyforge-no-such-port"});
    CHECK(refused.exitCode == 3);
    CHECK_THAT(refused.err, Contains("/dev/tinyforge-no-such-port"));
    refused = cli({"deploy", (dir / "nothing").string(), "--board", "stm32f405"});
    CHECK(refused.exitCode == 2);
}

TEST_CASE("An export and a deploy of one run at the same time both land in summary.json", "[e2e][cli][deploy][qemu]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=5",
                 "--set", "export.formats=[]"}).exitCode == 0);
    // Two processes, each a read-modify-write of summary.json: without the lock one would overwrite the other's entry.
    // The exports repeat so that at least one of them finishes while the deploy is recording (it takes seconds).
    auto deploy = std::async(std::launch::async, [&] { return cli({"deploy", run.string(), "--board", "stm32f405"}); });
    auto exports = std::async(std::launch::async, [&] {
        int failures = 0;
        for (const char* format : {"onnx", "torchscript", "c", "onnx", "torchscript"}) failures += cli({"export", run.string(), "--format", format}).exitCode != 0;
        return failures;
    });
    const auto deployed = deploy.get();
    INFO(deployed.err);
    REQUIRE(deployed.exitCode == 0);
    CHECK(exports.get() == 0);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    REQUIRE(summary["devices"].size() == 1);
    CHECK(summary["devices"][0]["board"] == "stm32f405");
    for (const char* format : {"c", "onnx", "torchscript"}) CHECK(summary["export"].contains(format));
    CHECK(summary["compressed"]["bytes_deployed"].get<int>() > 0);  // the rest survives every rewrite
}

TEST_CASE("deploy gives the model the fastest encodings that fit the board's flash, or the budget given", "[e2e][cli][deploy][flash-budget]") {
    fx::TempDir dir;
    const auto run = dir / "wide";
    // A 512-512 student: 265,728 weights, as plain int8 more than the STM32F030CC's 256 KB of flash; pruned by half
    // (the output layer kept) and clustered to 8 values its smallest encodings take far less.
    const auto made = cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=5",
                           "--set", "prune.train.epochs=5", "--set", "student.hidden=[512,512]", "--set", "export.formats=[]"});
    INFO(made.err);
    REQUIRE(made.exitCode == 0);
    const auto modelFlash = [](const std::filesystem::path& work) {  // the constant data the export states
        const std::string header = fx::readText(work / "model" / "tf_model.h");
        const auto at = header.find("#define TF_MODEL_FLASH_BYTES ");
        REQUIRE(at != std::string::npos);
        return std::stoll(header.substr(at + 29));
    };
    const auto smallest = cli({"export", run.string(), "--format", "c", "--out", (dir / "smallest").string()});
    REQUIRE(smallest.exitCode == 0);
    const std::int64_t smallestFlash = json::parse(smallest.out)["flash_bytes"];

    // The F405's 1 MB holds plain int8 everywhere: the fastest.
    const auto roomy = cli({"deploy", run.string(), "--board", "stm32f405", "--build-only", "--work", (dir / "f405").string()});
    INFO(roomy.err);
    REQUIRE(roomy.exitCode == 0);
    CHECK(modelFlash(dir / "f405") > 265728);

    // The F030CC's 256 KB do not: the model is exported again within what the firmware's code leaves, still faster
    // (larger) than the smallest encodings.
    const auto tight = cli({"deploy", run.string(), "--board", "stm32f030cc", "--build-only", "--work", (dir / "f030").string()});
    INFO(tight.err);
    REQUIRE(tight.exitCode == 0);
    const auto firmware = json::parse(tight.out)["flash_bytes"].get<std::int64_t>();
    CHECK(firmware <= 262144);
    CHECK(modelFlash(dir / "f030") > smallestFlash);

    // A budget given is kept: here the smallest encodings' size, refused when it cannot fit beside the code.
    const auto budgeted = cli({"deploy", run.string(), "--board", "stm32f030cc", "--build-only", "--work", (dir / "budget").string(),
                               "--flash-budget", std::to_string(smallestFlash)});
    INFO(budgeted.err);
    REQUIRE(budgeted.exitCode == 0);
    CHECK(modelFlash(dir / "budget") <= smallestFlash);
    const auto tooSmall = cli({"deploy", run.string(), "--board", "stm32f030cc", "--build-only", "--work", (dir / "small").string(),
                               "--flash-budget", "100"});
    CHECK(tooSmall.exitCode == 2);
    CHECK_THAT(tooSmall.err, Contains("flash budget of 100 bytes is below"));
}
