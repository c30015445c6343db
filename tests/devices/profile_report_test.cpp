#include <catch2/catch.hpp>

#include "devices/device_error.h"
#include "devices/firmware/firmware_project.h"
#include "devices/profile/profile_report.h"

using namespace tinyforge::devices;
using Catch::Matchers::Contains;

TEST_CASE("The firmware's profile lines are read, around other output", "[devices][profile]") {
    const std::string output =
        "   text    data     bss     dec     hex filename\n"
        "{\"event\": \"sample\", \"index\": 0, \"cycles\": 812, \"identical\": true, \"correct\": true}\n"
        "{\"event\": \"summary\", \"counter\": \"systick\", \"clock_hz\": 16000000, \"clock_configured\": false, "
        "\"clock_steps_done\": 2, \"samples\": 30, \"identical\": 30, \"correct\": 29, "
        "\"cycles_min\": 800, \"cycles_median\": 803, \"cycles_max\": 812, \"stack_bytes\": 496, \"arena_bytes\": 20}\n";
    const auto p = parseProfile(output, "qemu");
    CHECK(p.counter == "systick");
    CHECK(p.samples == 30);
    CHECK(p.correct == 29);
    CHECK(p.cyclesMedian == 803);
    CHECK(p.stackBytes == 496);
    CHECK(p.clockHz == 16000000);
    CHECK_FALSE(p.clockConfigured);
    CHECK(p.clockStepsDone == 2);
}

TEST_CASE("A firmware error, a missing or damaged summary are reported by source", "[devices][profile][bad-input]") {
    CHECK_THROWS_WITH(parseProfile("{\"event\": \"error\", \"message\": \"hard fault\"}\n", "COM3"), Contains("COM3") && Contains("hard fault"));
    CHECK_THROWS_WITH(parseProfile("samples 3 identical 3\n", "qemu"), Contains("qemu: no profile summary"));
    CHECK_THROWS_WITH(parseProfile("{\"event\": \"summary\", \"counter\": \"dwt\", \"samples\": \"many\"}\n", "qemu"),
                      Contains("cannot read"));
    const std::string summary = "{\"event\": \"summary\", \"counter\": \"dwt\", \"clock_hz\": 80000000, \"clock_configured\": true, "
                                "\"clock_steps_done\": 9, \"samples\": 30, \"identical\": 30, \"correct\": 30, \"cycles_min\": 1, "
                                "\"cycles_median\": 1, \"cycles_max\": 1, \"stack_bytes\": 0, \"arena_bytes\": 0}\n";
    const auto replaced = [&](const std::string& from, const std::string& to) { return std::string(summary).replace(summary.find(from), from.size(), to); };
    CHECK(parseProfile(summary, "qemu").clockConfigured);
    CHECK_THROWS_WITH(parseProfile(replaced("\"samples\": 30", "\"samples\": 0"), "qemu"), Contains("no samples"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_hz\": 80000000", "\"clock_hz\": 0"), "qemu"), Contains("no core clock"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_configured\": true", "\"clock_configured\": 1"), "qemu"), Contains("cannot read"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_steps_done\": 9, ", ""), "qemu"), Contains("cannot read"));
    // A reply that breaks the profile protocol is the protocol layer's error, naming its source as a field.
    try {
        parseProfile(replaced("\"samples\": 30", "\"samples\": 0"), "COM3");
        FAIL("no error for a summary without samples");
    } catch (const tinyforge::ProtocolError& e) {
        CHECK(e.device() == "COM3");
    }
}

TEST_CASE("Build flags and the linker script come from the board's data", "[devices][firmware]") {
    Board m0;
    m0.id = "m0";
    m0.name = "M0 part";
    m0.core = "cortex-m0";
    m0.fpu = "none";
    m0.flashBytes = 65536;
    m0.ramBytes = m0.linkerRamBytes = 8192;
    CHECK(coreFlags(m0) == std::vector<std::string>{"-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"});
    const std::string ld = linkerScript(m0);
    CHECK_THAT(ld, Contains("FLASH (rx)  : ORIGIN = 0x8000000, LENGTH = 65536"));
    CHECK_THAT(ld, Contains("RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 8192"));
    Board m7 = m0;
    m7.core = "cortex-m7";
    m7.fpu = "fpv5-dp";
    CHECK(coreFlags(m7) == std::vector<std::string>{"-mcpu=cortex-m7", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-d16"});
    Board a72 = m0;
    a72.core = "cortex-a72";
    CHECK_THROWS_AS(coreFlags(a72), tinyforge::DeviceError);
    m7.fpu = "fpv9";
    CHECK_THROWS_WITH(coreFlags(m7), Contains("fpv9"));
}

TEST_CASE("The UART's pin set-up becomes a table of register writes for the firmware", "[devices][firmware]") {
    Board board;
    board.id = "demo";
    board.name = "Demo";
    CHECK_THAT(uartSetupHeader(board), Contains("#define TF_UART_SETUP_COUNT 0u\n"));
    CHECK_THAT(uartSetupHeader(board), !Contains("tf_uart_setup[]"));  // C has no empty arrays
    board.uart.setup = {{0x40021058, 0, 0x10000000}, {0x48001820, 0xF0000000, 0x80000000}};
    const std::string header = uartSetupHeader(board);
    CHECK_THAT(header, Contains("#define TF_UART_SETUP_COUNT 2u\n"));
    CHECK_THAT(header, Contains("    {0x40021058u, 0x0u, 0x10000000u},\n    {0x48001820u, 0xf0000000u, 0x80000000u},\n};"));
}
