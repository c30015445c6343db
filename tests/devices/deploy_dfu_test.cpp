// tinyforge-cli deploy --backend dfu, end to end with real parts: the CLI (a child process) finds the STM32
// bootloader through libusb, flashes it over DfuSe and reads the profile from the board's serial port. The
// bootloader is emulated with umockdev; when the CLI leaves DFU, it writes what it received into an STM32F405
// emulated by QEMU (through QEMU's gdbstub) and resets it, so the flashed firmware really runs and reports over
// its UART.
#include "devices/flash/gdb_flasher.h"
#include "devices/toolchain/child_process.h"
#include "support/dfuse_device.h"
#include "support/mock_usb_bus.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <regex>

namespace fx = tinyforge::test;
using fx::cli;
using namespace tinyforge::devices;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// An STM32F405 in QEMU, halted until something loads it: the stand-in for the board behind the bootloader.
struct HaltedF405 {
    std::filesystem::path socket = std::filesystem::temp_directory_path() / ("tinyforge-test-gdb-" + std::to_string(getpid()) + ".sock");
    ChildProcess qemu{{"qemu-system-arm", "-M", "netduinoplus2", "-nographic", "-monitor", "none", "-serial", "pty", "-semihosting-config",
                       "enable=on,target=native", "-icount", "shift=0", "-S", "-chardev", "socket,path=" + socket.string() + ",server=on,wait=off,id=gdb0",
                       "-gdb", "chardev:gdb0"}};
    std::string pty() {
        std::smatch m;
        for (int i = 0; i < 100; ++i) {
            const std::string& out = qemu.readAvailable(200);
            if (std::regex_search(out, m, std::regex("redirected to (/dev/pts/\\d+)"))) return m[1];
        }
        FAIL("QEMU printed no pty: " << qemu.output());
        return "";
    }
};

}  // namespace

TEST_CASE("deploy --backend dfu flashes through the USB bootloader and profiles the firmware it started", "[usb][dfuse][deploy][e2e]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=20", "--set",
                 "export.formats=[]"}).exitCode == 0);

    HaltedF405 board;
    const std::string pty = board.pty();
    fx::DfuseDevice bootloader;
    bootloader.onLeave = [&](const std::vector<std::uint8_t>& flash) {
        std::size_t used = flash.size();
        while (used > 0 && flash[used - 1] == 0xFF) --used;
        GdbFlasher(board.socket, "QEMU netduinoplus2").flash({{fx::DfuseDevice::kFlashBase, std::string(flash.begin(), flash.begin() + (used + 3) / 4 * 4)}}, {});
    };
    fx::MockUsbBus bus;
    bus.plug(4, bootloader);

    const auto result = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "dfu", "--port", pty});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    const json entry = json::parse(result.out);
    const json summary = json::parse(fx::readText(run / "summary.json"));
    CHECK(summary["devices"][0] == entry);
    CHECK(entry["backend"] == "dfu");
    CHECK(entry["samples"] == summary["dataset"]["test"]);
    CHECK(entry["identical"] == entry["samples"]);  // the firmware that went through DFU computes what the host does
    CHECK(entry["accuracy"].get<double>() == Approx(summary["compressed"]["integer"]["test_accuracy"].get<double>()));
    CHECK(entry["console"] == "uart");
    CHECK(bootloader.left);
    CHECK(bootloader.erasedSectors == std::vector<std::uint32_t>{0x08000000});  // ~4 KB of firmware: sector 0 only
    CHECK_THAT(result.err, Contains("flash: erase") && Contains("flash: download") && Contains("flash: verify"));
}

TEST_CASE("deploy --backend dfu without a bootloader on the bus says how to enter DFU mode", "[usb][dfuse][deploy][e2e]") {
    fx::TempDir dir;
    const auto run = dir / "iris";
    REQUIRE(cli({"run", TINYFORGE_RESOURCE_DIR "/recipes/iris-distill.json", "--out", run.string(), "--set", "train.epochs=2", "--set",
                 "export.formats=[]"}).exitCode == 0);
    fx::MockUsbBus bus;  // empty
    HaltedF405 board;
    const auto result = cli({"deploy", run.string(), "--board", "stm32f405", "--backend", "dfu", "--port", board.pty()});
    CHECK(result.exitCode == 3);  // a device that is not there: exit 3, one error line
    CHECK_THAT(result.err, Contains("error: no STM32 in DFU mode") && Contains("BOOT0"));
    CHECK(json::parse(fx::readText(run / "summary.json"))["devices"].empty());
}
