#include <catch2/catch.hpp>

#include "devices/boards/board.h"
#include "devices/device_error.h"
#include "tests/support/fixtures.h"

using namespace tinyforge;
using namespace tinyforge::devices;
namespace fx = tinyforge::test;
using Catch::Matchers::Contains;

namespace {
const char* kGoodBoard = R"({"id": "demo", "name": "Demo", "kind": "mcu", "core": "cortex-m4", "clock_mhz": 80,
  "flash_bytes": 1048576, "ram_bytes": 131072, "fpu": "fpv4-sp", "dsp": true, "price_usd": 6.5})";

std::string errorFor(const std::string& text, const std::string& fileName = "demo.json") {
    fx::TempDir dir;
    fx::writeText(dir / fileName, text);
    try {
        loadBoard(dir / fileName);
    } catch (const BoardFileError& e) {  // bad input: the file and the field are in the message and as fields
        CHECK_THAT(std::string(e.what()), Contains(fileName));
        CHECK(e.file().filename() == fileName);
        return e.what();
    } catch (const DataError& e) {  // not JSON at all, or nested too deep
        CHECK_THAT(std::string(e.what()), Contains(fileName));
        return e.what();
    }
    FAIL("no DeviceError for " << text);
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
}
}  // namespace

TEST_CASE("The bundled boards load, with the parts the studio targets", "[devices][boards]") {
    const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    for (const char* id : {"stm32f030cc", "stm32l476", "stm32f746", "stm32h743", "stm32f405", "stm32f411", "stm32l4r5"}) {
        CHECK_NOTHROW(findBoard(boards, id));
    }
    const Board& f405 = findBoard(boards, "stm32f405");
    CHECK(f405.core == "cortex-m4");
    CHECK(f405.flashBytes == 1024 * 1024);
    CHECK(f405.ramBytes == 192 * 1024);
    CHECK(f405.dsp);
    CHECK_FALSE(findBoard(boards, "stm32f030cc").dsp);
    CHECK_THROWS_WITH(findBoard(boards, "esp32"), Contains("unknown board 'esp32'") && Contains("stm32h743"));
}

TEST_CASE("Board files with missing, mistyped or inconsistent fields are refused by name", "[devices][boards][bad-input]") {
    CHECK_THAT(errorFor("{"), Contains("not valid JSON"));
    CHECK_THAT(errorFor("[1, 2]"), Contains("expected a JSON object"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, R"("ram_bytes": 131072,)", "")), Contains("\"ram_bytes\" is missing"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "131072", "\"lots\"")), Contains("\"ram_bytes\" has the wrong type"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "131072", "-5")), Contains("\"ram_bytes\" must be a whole number"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "\"mcu\"", "\"fpga\"")), Contains("\"kind\" must be"));
    CHECK_THAT(errorFor(kGoodBoard, "other.json"), Contains("is 'demo' but the file is other.json"));
    CHECK_THAT(errorFor(""), Contains("not valid JSON"));
}

TEST_CASE("Boards give their memory map for the linker, with defaults, and refuse a RAM larger than the part", "[devices][boards]") {
    const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    const Board& f405 = findBoard(boards, "stm32f405");
    CHECK(f405.flashOrigin == 0x08000000);
    CHECK(f405.linkerRamBytes == 131072);  // 128 KiB contiguous SRAM; the 64 KiB CCM is elsewhere
    CHECK(f405.qemuMachine == "netduinoplus2");
    CHECK(findBoard(boards, "stm32h743").ramOrigin == 0x24000000);  // AXI SRAM
    CHECK(findBoard(boards, "stm32l476").linkerRamBytes == findBoard(boards, "stm32l476").ramBytes);
    CHECK_THAT(errorFor(replaced(kGoodBoard, "\"price_usd\": 6.5", "\"price_usd\": 6.5, \"linker_ram_bytes\": 999999999")),
               Contains("linker_ram_bytes"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "\"price_usd\": 6.5", "\"price_usd\": 6.5, \"ram_origin\": \"high\"")), Contains("ram_origin"));
}

TEST_CASE("A board's UART is read from hex addresses, and a wrong one is refused by field", "[devices][boards][bad-input]") {
    const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    const auto& uart = findBoard(boards, "stm32f405").uart;
    CHECK(uart.base == 0x40011000);  // USART1, QEMU's first serial port
    CHECK(uart.layout == "f4");
    CHECK(uart.rccRegister == 0x40023844);
    CHECK(uart.rccBit == 4);
    // Its TX pin: GPIOA's clock, PA9 to alternate-function mode (MODER bits 19:18 = 10), AF7 in AFRH bits 7:4.
    CHECK(uart.setup == std::vector<RegisterWrite>{{0x40023830, 0, 0x1}, {0x40020000, 0xC0000, 0x80000}, {0x40020024, 0xF0, 0x70}});
    // Every bundled STM32 reports on the UART its board routes to the ST-Link's virtual COM port.
    for (const auto& board : boards) {
        if (board.kind != "mcu") continue;
        INFO(board.id);
        CHECK(board.uart.base != 0);
        CHECK(board.uart.setup.size() >= 3);
    }
    // NUCLEO-L4R5ZI: LPUART1 on PG7 (AF8), which needs the PWR clock and VDDIO2 (PWR_CR2.IOSV) before port G.
    const auto& l4r5 = findBoard(boards, "stm32l4r5").uart;
    CHECK(l4r5.layout == "lpuart");
    REQUIRE(l4r5.setup.size() == 5);
    CHECK(l4r5.setup[1] == RegisterWrite{0x40007004, 0, 1u << 9});
    CHECK(l4r5.setup[4] == RegisterWrite{0x48001820, 0xF0000000, 0x80000000});
    const std::string good = R"(, "uart": {"base": "0x40004400", "layout": "v2", "rcc_register": "0x40021058", "rcc_bit": 17, "clock_hz": 4000000}})";
    fx::TempDir dir;
    fx::writeText(dir / "demo.json", replaced(kGoodBoard, "}", good));
    CHECK(loadBoard(dir / "demo.json").uart.layout == "v2");
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(good, "\"v2\"", "\"v3\""))), Contains("uart.layout"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(good, "\"0x40004400\"", "1073759232"))), Contains("uart.base"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(good, "\"0x40004400\"", "\"USART2\""))), Contains("uart.base"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(good, "17", "40"))), Contains("uart.rcc_bit"));
    // Pin set-up: a list of register writes in hex; "clear" may be left out.
    const std::string withSetup = replaced(good, "\"clock_hz\": 4000000", R"("clock_hz": 4000000, "setup": [{"register": "0x48000000", "set": "0x20"}])");
    fx::writeText(dir / "demo.json", replaced(kGoodBoard, "}", withSetup));
    CHECK(loadBoard(dir / "demo.json").uart.setup == std::vector<RegisterWrite>{{0x48000000, 0, 0x20}});
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(withSetup, "\"0x20\"", "\"0x2G\""))), Contains("uart.setup[0].set"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(withSetup, "\"0x48000000\"", "\"0x148000000\""))), Contains("uart.setup[0].register"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(withSetup, "\"set\"", "\"sett\""))), Contains("uart.setup[0].set"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", replaced(replaced(withSetup, "[{", "{"), "}]", "}"))), Contains("\"uart.setup\" must be a list"));
}

TEST_CASE("Linux boards name their architecture, cross compiler and core flags", "[devices][boards]") {
    const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    for (const char* id : {"rpi-zero2w", "rpi3b", "rpi4", "rpi5", "linux-host"}) {
        const Board& board = findBoard(boards, id);
        INFO(id);
        CHECK(board.kind == "linux");
        CHECK_FALSE(board.cc.empty());
    }
    const Board& pi4 = findBoard(boards, "rpi4");
    CHECK(pi4.arch == "aarch64");
    CHECK(pi4.cc == "aarch64-linux-gnu-gcc");
    CHECK(pi4.cflags == std::vector<std::string>{"-mcpu=cortex-a72"});
    const Board& pi3 = findBoard(boards, "rpi3b");
    CHECK(pi3.arch == "armhf");
    CHECK(pi3.cflags == std::vector<std::string>{"-mcpu=cortex-a53", "-mfpu=neon-fp-armv8", "-mfloat-abi=hard"});

    const std::string linux = replaced(kGoodBoard, R"("kind": "mcu")", R"("kind": "linux")");
    CHECK_THAT(errorFor(linux), Contains("\"arch\" is missing"));
    const std::string withArch = replaced(linux, "}", R"(, "arch": "aarch64", "cc": "aarch64-linux-gnu-gcc", "cflags": ["-O2"]})");
    fx::TempDir dir;
    fx::writeText(dir / "demo.json", withArch);
    CHECK(loadBoard(dir / "demo.json").cc == "aarch64-linux-gnu-gcc");
    CHECK_THAT(errorFor(replaced(withArch, "\"aarch64\"", "\"riscv\"")), Contains("\"arch\" must be"));
    CHECK_THAT(errorFor(replaced(withArch, "[\"-O2\"]", "[\"; rm -rf /\"]")), Contains("\"cflags\""));
    CHECK_THAT(errorFor(replaced(withArch, "[\"-O2\"]", "\"-O2\"")), Contains("\"cflags\""));
}

TEST_CASE("A board's clock set-up is read as writes, waits and spins, and a wrong one is refused by field", "[devices][boards][bad-input]") {
    const auto boards = loadBoards(TINYFORGE_RESOURCE_DIR "/boards");
    for (const auto& board : boards) {
        if (board.kind != "mcu") continue;
        INFO(board.id);
        CHECK((board.clock.hz == static_cast<std::uint64_t>(board.clockMhz) * 1000000u || board.id == "stm32h743"));
        CHECK(board.clock.resetHz < board.clock.hz);
        CHECK(board.uart.resetClockHz <= board.clock.resetHz);
        CHECK(board.clock.setup.size() >= 5);
    }
    // The H743 runs at 400 MHz at voltage scale 1; its 480 MHz needs scale 0, only on revision V silicon.
    CHECK(findBoard(boards, "stm32h743").clock.hz == 400000000);

    const std::string clock = R"(, "clock": {"reset_hz": 4000000, "hz": 80000000, "setup": [
        {"register": "0x40021000", "set": "0x100", "note": "HSI16 on"},
        {"wait": "0x40021000", "mask": "0x400", "value": "0x400"},
        {"spin": 100}]}})";
    fx::TempDir dir;
    fx::writeText(dir / "demo.json", replaced(kGoodBoard, "}", clock));
    const BoardClock parsed = loadBoard(dir / "demo.json").clock;
    CHECK(parsed.resetHz == 4000000);
    CHECK(parsed.hz == 80000000);
    REQUIRE(parsed.setup.size() == 3);
    CHECK(parsed.setup[0] == ClockStep{ClockStep::Kind::Write, 0x40021000, 0, 0x100, "HSI16 on"});
    CHECK(parsed.setup[1] == ClockStep{ClockStep::Kind::Wait, 0x40021000, 0x400, 0x400, ""});
    CHECK(parsed.setup[2] == ClockStep{ClockStep::Kind::Spin, 0, 0, 100, ""});
    // Without a clock block the core is taken to run at clock_mhz.
    fx::writeText(dir / "demo.json", kGoodBoard);
    CHECK(loadBoard(dir / "demo.json").clock.hz == 80000000);
    CHECK(loadBoard(dir / "demo.json").clock.setup.empty());

    const auto errorWith = [&](const std::string& from, const std::string& to) { return errorFor(replaced(kGoodBoard, "}", replaced(clock, from, to))); };
    CHECK_THAT(errorWith("\"hz\": 80000000", "\"hz\": 96000000"), Contains("clock.hz") && Contains("above the part's 80 MHz"));
    CHECK_THAT(errorWith("\"reset_hz\": 4000000", "\"reset_hz\": 0"), Contains("clock.reset_hz"));
    CHECK_THAT(errorWith("\"value\": \"0x400\"", "\"value\": \"0x800\""), Contains("clock.setup[1].value") && Contains("outside the mask"));
    CHECK_THAT(errorWith("\"mask\": \"0x400\", \"value\": \"0x400\"", "\"mask\": \"0x0\", \"value\": \"0x0\""), Contains("clock.setup[1].mask"));
    CHECK_THAT(errorWith("{\"spin\": 100}", "{\"spin\": 0}"), Contains("clock.setup[2].spin"));
    CHECK_THAT(errorWith("{\"spin\": 100}", "{\"spin\": 100, \"wait\": \"0x0\"}"), Contains("clock.setup[2]") && Contains("exactly one of"));
    CHECK_THAT(errorWith("{\"spin\": 100}", "{\"note\": \"nothing\"}"), Contains("clock.setup[2]") && Contains("exactly one of"));
    CHECK_THAT(errorWith("\"note\": \"HSI16 on\"", "\"note\": 7"), Contains("clock.setup[0].note"));
    CHECK_THAT(errorWith("\"wait\": \"0x40021000\"", "\"wait\": \"RCC_CR\""), Contains("clock.setup[1].wait"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", R"(, "clock": {"reset_hz": 4000000, "hz": 80000000, "setup": {"spin": 1}}})")),
               Contains("clock.setup") && Contains("must be a list"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", R"(, "clock": {"reset_hz": 4000000, "hz": 80000000}})")),
               Contains("clock.setup") && Contains("hz must equal"));
    CHECK_THAT(errorFor(replaced(kGoodBoard, "}", R"(, "clock": [4000000]})")), Contains("\"clock\" must be an object"));
}
