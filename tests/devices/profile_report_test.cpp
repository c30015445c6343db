#include <catch2/catch.hpp>

#include "devices/device_error.h"
#include "devices/firmware/firmware_project.h"
#include "devices/profile/profile_report.h"

using namespace tinyforge::devices;
using Catch::Matchers::Contains;

TEST_CASE("The firmware's profile lines are read, around other output", "[devices][profile]") {
    const std::string output =
        "   text    data     bss     dec     hex filename\n"
        "{\"event\": \"sample\", \"index\": 0, \"count\": 812, \"identical\": true, \"correct\": true}\n"
        "{\"event\": \"sample\", \"index\": 1, \"count\": 803, \"identical\": false, \"correct\": true}\r\n"
        "{\"event\": \"layer\", \"op\": 1, \"count\": 300}\n"
        "{\"event\": \"layer\", \"op\": 0, \"count\": 500}\n"
        "{\"event\": \"summary\", \"counter\": \"systick\", \"clock_hz\": 16000000, \"clock_configured\": false, "
        "\"clock_steps_done\": 2, \"samples\": 30, \"identical\": 29, \"correct\": 29, "
        "\"count_min\": 800, \"count_median\": 803, \"count_max\": 812, \"stack_bytes\": 496, \"arena_bytes\": 20}\n";
    const auto p = parseProfile(output, "qemu");
    CHECK(p.counter == "systick");
    CHECK_FALSE(p.countsInstructions());
    CHECK(p.samples == 30);
    CHECK(p.correct == 29);
    CHECK(p.countMedian == 803);
    CHECK(p.countMin == 800);
    CHECK(p.mismatched == std::vector<std::int64_t>{1});
    CHECK(p.layerCounts == std::vector<std::int64_t>{500, 300});
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
                                "\"clock_steps_done\": 9, \"samples\": 30, \"identical\": 30, \"correct\": 30, \"count_min\": 1, "
                                "\"count_median\": 1, \"count_max\": 1, \"stack_bytes\": 0, \"arena_bytes\": 0}\n";
    const auto replaced = [&](const std::string& from, const std::string& to) { return std::string(summary).replace(summary.find(from), from.size(), to); };
    CHECK(parseProfile(summary, "qemu").clockConfigured);
    CHECK_THROWS_WITH(parseProfile(replaced("\"samples\": 30", "\"samples\": 0"), "qemu"), Contains("no samples"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_hz\": 80000000", "\"clock_hz\": 0"), "qemu"), Contains("no core clock"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_configured\": true", "\"clock_configured\": 1"), "qemu"), Contains("cannot read"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"clock_steps_done\": 9, ", ""), "qemu"), Contains("cannot read"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"count_max\": 1", "\"count_max\": -4"), "qemu"), Contains("count_max: expected a whole number"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"dwt\"", "\"sundial\""), "qemu"), Contains("unknown counter 'sundial'"));
    CHECK_THROWS_WITH(parseProfile(replaced("\"identical\": 30", "\"identical\": 31"), "qemu"), Contains("more matches than samples"));
    // Per-op counts must cover every op from 0; a gap means lines were lost.
    CHECK_THROWS_WITH(parseProfile("{\"event\": \"layer\", \"op\": 1, \"count\": 3}\n" + summary, "qemu"), Contains("skip op 0"));
    CHECK_THROWS_WITH(parseProfile("{\"event\": \"layer\", \"op\": 0}\n" + summary, "qemu"), Contains("count: expected"));
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

TEST_CASE("The drift debugger's layer dump is read as int8 tensors by op", "[devices][profile]") {
    const auto tensors = parseTensorDump("noise\n{\"event\": \"tensor\", \"op\": 0, \"values\": \"00017f80ff\"}\n"
                                         "{\"event\": \"tensor\", \"op\": 1, \"values\": \"\"}\n{\"event\": \"dump_done\", \"sample\": 3}\n",
                                         "qemu");
    REQUIRE(tensors.size() == 2);
    CHECK(tensors.at(0) == std::vector<std::int8_t>{0, 1, 127, -128, -1});
    CHECK(tensors.at(1).empty());
}

TEST_CASE("A damaged or cut-off layer dump is refused by source", "[devices][profile][bad-input]") {
    CHECK_THROWS_WITH(parseTensorDump("{\"event\": \"tensor\", \"op\": 0, \"values\": \"0\"}\n{\"event\": \"dump_done\"}\n", "COM3"),
                      Contains("COM3") && Contains("not hex bytes"));
    CHECK_THROWS_WITH(parseTensorDump("{\"event\": \"tensor\", \"op\": 0, \"values\": \"zz\"}\n{\"event\": \"dump_done\"}\n", "COM3"),
                      Contains("not hex bytes"));
    CHECK_THROWS_WITH(parseTensorDump("{\"event\": \"tensor\", \"op\": 0, \"values\": \"00\"}\n", "COM3"), Contains("did not finish"));
    CHECK_THROWS_WITH(parseTensorDump("{\"event\": \"tensor\", \"values\": \"00\"}\n{\"event\": \"dump_done\"}\n", "COM3"),
                      Contains("op: expected"));
    CHECK_THROWS_WITH(parseTensorDump("{\"event\": \"error\", \"message\": \"hard fault\"}\n", "COM3"), Contains("hard fault"));
}

TEST_CASE("A board without a QEMU model of its part is built for its core's stand-in machine", "[devices][firmware]") {
    Board f746;
    f746.id = "f746";
    f746.core = "cortex-m7";
    f746.fpu = "fpv5-sp";
    f746.flashOrigin = 0x08000000;
    f746.flashBytes = 1048576;
    f746.ramBytes = f746.linkerRamBytes = 327680;
    f746.uart.base = 0x40011000;
    f746.clock = {16000000, 216000000, {{ClockStep::Kind::Write, 0x40023804, 0, 1, "PLL"}}};
    f746.emulator = {"mps2-an500", 0, 4194304, 0x20000000, 262144, "an M7"};
    CHECK(f746.emulatorMachine() == "mps2-an500");
    CHECK(firmwareBoard(f746, {}).uart.base == 0x40011000);  // built for the chip itself: unchanged
    const Board standIn = firmwareBoard(f746, {true, {}});
    CHECK(standIn.flashOrigin == 0);
    CHECK(standIn.flashBytes == 1048576);      // no more than the part has
    CHECK(standIn.linkerRamBytes == 262144);   // no more than the machine has
    CHECK(standIn.uart.base == 0);             // semihosting: the machine has no STM32 UART
    CHECK(standIn.clock.setup.empty());        // nor its clock controller
    CHECK_THAT(linkerScript(standIn), Contains("FLASH (rx)  : ORIGIN = 0x0, LENGTH = 1048576"));
    f746.qemuMachine = "netduinoplus2";        // a model of the part itself wins, peripherals and all
    CHECK(firmwareBoard(f746, {true, {}}).uart.base == 0x40011000);
    CHECK(f746.emulatorMachine() == "netduinoplus2");
}
