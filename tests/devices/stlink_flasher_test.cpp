// The stlink backend drives st-flash or OpenOCD: which one is found, the command each gets, and what the user sees
// when the probe is missing (st-flash itself, run against an empty emulated USB bus).
#include "devices/device_error.h"
#include "devices/flash/stlink_flasher.h"
#include "devices/transport/usb_device.h"
#include "support/mock_usb_bus.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace fx = tinyforge::test;
using namespace tinyforge::devices;
using Catch::Matchers::Contains;

namespace {

Board f411() {
    Board b;
    b.id = "stm32f411";
    b.openocdTarget = "stm32f4x";
    return b;
}

// PATH limited to a folder holding links to the named tools only, restored afterwards.
struct ToolsOnPath {
    fx::TempDir bin;
    std::string saved = std::getenv("PATH");
    explicit ToolsOnPath(const std::vector<std::string>& tools) {
        for (const auto& t : tools) std::filesystem::create_symlink(findOnPath(t), bin / t);
        setenv("PATH", bin.path().c_str(), 1);
    }
    ~ToolsOnPath() { setenv("PATH", saved.c_str(), 1); }
};

}  // namespace

TEST_CASE("stlink: the segments become one raw image with erased-flash gaps", "[stlink]") {
    std::uint32_t start = 0;
    const std::string image = rawImage({{0x08000010, "ab"}, {0x08000000, "xy"}}, start);
    CHECK(start == 0x08000000);
    CHECK(image == std::string("xy") + std::string(14, '\xff') + "ab");
    CHECK_THROWS_WITH(rawImage({{0x08000000, "a"}, {0x20000000, "b"}}, start), Contains("not one flash image"));
}

TEST_CASE("stlink: st-flash when installed, else OpenOCD with the board's target, else a clear message", "[stlink]") {
    REQUIRE_FALSE(findOnPath("st-flash").empty());  // scripts/install-deps.sh installs stlink-tools and openocd
    REQUIRE_FALSE(findOnPath("openocd").empty());
    {
        ToolsOnPath path({"st-flash", "openocd"});
        const StLinkFlasher flasher(f411(), "/tmp/w", "0670FF48");
        CHECK(flasher.describe() == "st-flash (ST-Link)");
        CHECK(flasher.command("/tmp/w/fw.bin", 0x08000000) ==
              std::vector<std::string>{"st-flash", "--reset", "--serial", "0670FF48", "write", "/tmp/w/fw.bin", "0x08000000"});
    }
    {
        ToolsOnPath path({"openocd"});
        const StLinkFlasher flasher(f411(), "/tmp/w");
        CHECK(flasher.describe() == "openocd (ST-Link)");
        CHECK(flasher.command("/tmp/my work/fw.bin", 0x08000000) ==
              std::vector<std::string>{"openocd", "-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg", "-c",
                                       "program {/tmp/my work/fw.bin} 0x08000000 verify reset exit"});
        Board bare = f411();
        bare.openocdTarget.clear();
        CHECK_THROWS_WITH(StLinkFlasher(bare, "/tmp/w"), Contains("stm32f411") && Contains("openocd_target"));
    }
    {
        ToolsOnPath path({});
        CHECK_THROWS_WITH(StLinkFlasher(f411(), "/tmp/w"), Contains("neither st-flash nor openocd") && Contains("stlink-tools"));
    }
}

TEST_CASE("stlink: a serial that is not letters and digits never reaches OpenOCD's Tcl", "[stlink][bad-input]") {
    ToolsOnPath path({"openocd"});
    // A USB descriptor string is whatever the device says: this one would run a command inside OpenOCD.
    CHECK_THROWS_WITH(StLinkFlasher(f411(), "/tmp/w", "0670; exec rm -rf ~"), Contains("not letters and digits"));
    CHECK_THROWS_WITH(StLinkFlasher(f411(), "/tmp/w", "[exec id]"), Contains("not letters and digits"));
    CHECK_THROWS_WITH(StLinkFlasher(f411(), "/tmp/w", std::string(65, 'A')), Contains("not letters and digits"));
    CHECK(isPlainSerial("0670FF485550755187121723"));
    CHECK_FALSE(isPlainSerial(""));
    CHECK_FALSE(isPlainSerial("06 70"));
    CHECK_FALSE(isPlainSerial("\xff\x06"));
    const StLinkFlasher ok(f411(), "/tmp/w", "0670FF48");
    CHECK(ok.command("/tmp/w/fw.bin", 0x08000000)[4] == "adapter serial 0670FF48");
}

TEST_CASE("stlink: with no probe connected, st-flash's own message reaches the user", "[usb][stlink]") {
    fx::MockUsbBus bus;  // st-flash runs under the same emulated (empty) USB bus
    fx::TempDir work;
    StLinkFlasher flasher(f411(), work.path());
    REQUIRE(flasher.describe() == "st-flash (ST-Link)");
    try {
        flasher.flash({{0x08000000, std::string(64, 'x')}}, {});
        FAIL("flashing without a probe succeeded");
    } catch (const tinyforge::DeviceError& e) {
        INFO(e.what());
        CHECK_THAT(e.what(), Contains("st-flash could not flash stm32f411"));
        CHECK_THAT(e.what(), Contains("ST-Link") || Contains("stlink") || Contains("STLINK"));
    }
    CHECK(std::filesystem::file_size(work / "firmware.bin") == 64);
}
