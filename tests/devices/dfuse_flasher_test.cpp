// The DfuSe flasher against an STM32 bootloader emulated behind a real /dev/bus/usb node (umockdev): libusb, usbfs
// control URBs and the DFU state machine are all exercised as with hardware.
#include "core/error.h"
#include "devices/device_error.h"
#include "devices/flash/dfuse_flasher.h"
#include "devices/protocol/dfuse_layout.h"
#include "support/dfuse_device.h"
#include "support/mock_usb_bus.h"
#include "tests/support/fixtures.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <random>

using namespace tinyforge;
using namespace tinyforge::devices;
namespace fx = tinyforge::test;
using tinyforge::test::DfuseDevice;
using tinyforge::test::MockUsbBus;
using Catch::Matchers::Contains;

namespace {

// A firmware image as the linker lays one out: code and read-only data from the vector table, then the initial
// values of .data right after.
std::vector<LoadSegment> firmwareImage() {
    return {{0x08000000, fx::randomBytes(20 * 1024 + 100, 1)}, {0x08005064, fx::randomBytes(300, 2)}};
}

bool flashHolds(const DfuseDevice& device, const LoadSegment& segment) {
    const auto at = device.flash().begin() + (segment.address - DfuseDevice::kFlashBase);
    return std::equal(segment.bytes.begin(), segment.bytes.end(), at, [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
}

UsbDeviceId onlyDfuDevice(UsbContext& usb) { return findDfuDevice(listUsbDevices(usb), ""); }

}  // namespace

TEST_CASE("DfuSe: libusb lists the emulated bootloader with its interface strings", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(7, device);
    UsbContext usb;
    const auto devices = listUsbDevices(usb);
    REQUIRE(devices.size() == 1);
    CHECK(devices[0].bus == 1);
    CHECK(devices[0].address == 7);
    CHECK(devices[0].describe() == "USB 0483:df11 (bus 1, address 7)");
    UsbDevice opened(usb, devices[0]);
    const auto alts = opened.altSettings();
    REQUIRE(alts.size() == 4);
    CHECK(alts[0].name == "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg");
    CHECK(alts[1].name == "@Option Bytes  /0x1FFFC000/01*016 e");
    CHECK(alts[0].interfaceClass == 0xFE);
}

TEST_CASE("DfuSe: erases only the sectors touched, writes, verifies and leaves DFU", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    const auto image = firmwareImage();
    std::vector<FlashProgress> events;
    flasher.flash(image, [&](const FlashProgress& p) {
        events.push_back(p);
        return true;
    });

    CHECK(flashHolds(device, image[0]));
    CHECK(flashHolds(device, image[1]));
    // 20.4 KiB from 0x08000000 lies in the 16 KiB sectors 0 and 1: sector 2 onwards is left alone.
    CHECK(device.erasedSectors == std::vector<std::uint32_t>{0x08000000, 0x08004000});
    CHECK(device.flash()[0x8000] == 0xFF);
    CHECK(device.left);
    // 20,580 + 300 bytes in 2,048-byte blocks: 11 + 1 data blocks.
    CHECK(device.dataBlocks == 12);
    CHECK(flasher.polledMs() >= 2 * 3 + 12 * 1);  // the device's bwPollTimeout was honoured

    // Progress: each phase counts up to its total, in order erase, download, verify.
    REQUIRE(!events.empty());
    CHECK(events.front().phase == "erase");
    CHECK(events.back().phase == "verify");
    CHECK(events.back().done == events.back().total);
    CHECK(events.back().total == 20 * 1024 + 100 + 300);
    for (std::size_t i = 1; i < events.size(); ++i) {
        if (events[i].phase == events[i - 1].phase) CHECK(events[i].done >= events[i - 1].done);
    }
}

TEST_CASE("DfuSe: an error status names the status and the address", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    device.failWriteAt = 0x08001000 + 17;  // in the third 2 KiB block
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    CHECK_THROWS_WITH(flasher.flash(firmwareImage(), {}),
                      Contains("USB 0483:df11 (bus 1, address 5)") && Contains("errWRITE") && Contains("dfuERROR") &&
                          Contains("writing 2048 bytes at 0x08001000"));
    // The protocol layer's error carries its context as fields: the device, the DFU status (errWRITE = 3), the address.
    try {
        flasher.flash(firmwareImage(), {});
        FAIL("the write error was not reported");
    } catch (const ProtocolError& e) {
        CHECK(e.device() == "USB 0483:df11 (bus 1, address 5)");
        CHECK(e.status() == 3);
        CHECK(e.address() == 0x08001000u);
    }
    CHECK_FALSE(device.left);

    // The flasher cleared the error: once the fault is gone the next attempt succeeds without a power cycle.
    device.failWriteAt.reset();
    flasher.flash(firmwareImage(), {});
    CHECK(flashHolds(device, firmwareImage()[0]));
}

TEST_CASE("DfuSe: a device that disconnects mid-download gives a clear error", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    device.vanishAfterBlocks = 4;
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    CHECK_THROWS_WITH(flasher.flash(firmwareImage(), {}),
                      Contains("USB 0483:df11 (bus 1, address 5) disconnected during DFU_DNLOAD") && Contains("at 0x08001800"));
    CHECK(device.dataBlocks == 4);
}

TEST_CASE("DfuSe: cancel stops at the next block, and a new attempt rewrites the half-written flash", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    const auto image = firmwareImage();
    CHECK_THROWS_AS(flasher.flash(image, [](const FlashProgress& p) { return !(p.phase == "download" && p.done >= 4096); }), Cancelled);
    CHECK(device.dataBlocks == 2);
    CHECK_FALSE(device.left);
    CHECK_FALSE(flashHolds(device, image[0]));

    // Programming over the two written blocks needs their sectors erased again (the model refuses otherwise).
    device.erasedSectors.clear();
    flasher.flash(image, {});
    CHECK(device.erasedSectors.size() == 2);
    CHECK(flashHolds(device, image[0]));
    CHECK(device.left);
}

TEST_CASE("DfuSe: past the last 16-bit block number the address pointer moves and numbering restarts", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    flasher.setLastBlock(4);  // blocks 2, 3, 4, then the pointer moves: as at 65535 with a 128 MB image
    const auto image = firmwareImage();  // 11 blocks of 2048 bytes in the first segment
    flasher.flash(image, {});
    CHECK(flashHolds(device, image[0]));
    CHECK(flashHolds(device, image[1]));
    CHECK(device.left);
}

TEST_CASE("DfuSe: cancel reaches a device that asks to be left alone for hours", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    device.erasePollMs = 0xFFFFFF;  // 4.6 hours, the most bwPollTimeout can say
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    const auto start = std::chrono::steady_clock::now();
    int asked = 0;
    CHECK_THROWS_AS(flasher.flash(firmwareImage(), [&](const FlashProgress&) { return ++asked < 5; }), Cancelled);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // asked every 50 ms while busy
    CHECK(device.erasedSectors.size() <= 1);
}

TEST_CASE("DfuSe: a segment across a gap between sectors is refused, whatever the sectors' sizes sum to", "[dfuse]") {
    // Two 16 KiB sectors with a 16 KiB hole between them: 32 KiB of sectors, but 0x08004000..0x08008000 is no memory.
    const auto layout = parseDfuseLayout("@Gappy /0x08000000/01*016Kg/0x08008000/01*016Kg", "test");
    REQUIRE(layout.sectors.size() == 2);
    CHECK(layout.covers(0x08000000, 0x4000));
    CHECK(layout.covers(0x08008000, 0x4000));
    CHECK_FALSE(layout.covers(0x08002000, 0x4000));  // ends in the hole
    CHECK_FALSE(layout.covers(0x08000000, 0x8000));  // the old check: 32 KiB of sectors touched, so it passed
    CHECK_FALSE(layout.covers(0x07FFFFFF, 2));
    const auto f4 = parseDfuseLayout("@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg", "test");
    CHECK(f4.covers(0x08000000, 1024 * 1024));
    CHECK_FALSE(f4.covers(0x08000000, 1024 * 1024 + 1));
}

TEST_CASE("DfuSe: an image outside the device's memories is refused before anything is erased", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(5, device);
    UsbContext usb;
    DfuseFlasher flasher(usb, onlyDfuDevice(usb));
    CHECK_THROWS_WITH(flasher.flash({{0x20000000, "abc"}}, {}), Contains("no memory at 0x20000000") && Contains("Internal Flash at 0x08000000"));
    CHECK_THROWS_WITH(flasher.flash({{0x080FFFF0, std::string(64, 'x')}}, {}), Contains("64 bytes at 0x080ffff0 do not fit"));
    CHECK(device.erasedSectors.empty());
}

TEST_CASE("DfuSe: finding the bootloader among connected devices", "[usb][dfuse]") {
    const UsbDeviceId stlink{1, 3, 0x0483, 0x374b}, dfuA{1, 5, 0x0483, 0xdf11}, dfuB{2, 9, 0x0483, 0xdf11};
    CHECK(findDfuDevice({stlink, dfuA}, "") == dfuA);
    CHECK(findDfuDevice({dfuA, dfuB}, "2:9") == dfuB);
    CHECK_THROWS_WITH(findDfuDevice({stlink}, ""), Contains("no STM32 in DFU mode") && Contains("BOOT0"));
    CHECK_THROWS_WITH(findDfuDevice({dfuA, dfuB}, ""), Contains("--device BUS:ADDRESS") && Contains("1:5") && Contains("2:9"));
    CHECK_THROWS_WITH(findDfuDevice({dfuA}, "3:1"), Contains("at bus:address 3:1"));
}

TEST_CASE("DfuSe: a device unplugged before flashing is reported by name", "[usb][dfuse]") {
    MockUsbBus bus;
    DfuseDevice device;
    bus.plug(5, device);
    UsbContext usb;
    const UsbDeviceId id = onlyDfuDevice(usb);
    bus.unplug(5);
    DfuseFlasher flasher(usb, id);
    CHECK_THROWS_WITH(flasher.flash(firmwareImage(), {}), Contains("USB 0483:df11 (bus 1, address 5)"));
    try {
        flasher.flash(firmwareImage(), {});
        FAIL("the missing device was not reported");
    } catch (const TransportError& e) {  // the link layer: its field names the device
        CHECK(e.endpoint() == "USB 0483:df11 (bus 1, address 5)");
    }
}
