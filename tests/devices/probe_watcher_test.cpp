// Discovery of ST-Link probes and DFU bootloaders through libusb, against devices emulated with umockdev: listing,
// and the watcher noticing a board plugged in and pulled out (by libusb hotplug events and by polling).
#include "devices/discovery/probe_watcher.h"
#include "support/dfuse_device.h"
#include "support/mock_usb_bus.h"
#include "tests/support/fixtures.h"
#include "tests/support/process.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>

namespace fx = tinyforge::test;
using namespace tinyforge::devices;
using tinyforge::test::DfuseDevice;
using tinyforge::test::MockUsbBus;
using tinyforge::test::SetupPacket;
using tinyforge::test::UsbReply;

namespace {

// A USB device that only answers descriptor requests: enough for discovery, which never claims an interface.
class DescriptorOnlyDevice : public tinyforge::test::UsbDeviceModel {
public:
    DescriptorOnlyDevice(std::uint16_t vendor, std::uint16_t product, std::string serial)
        : m_vendor(vendor), m_product(product), m_serial(std::move(serial)) {}

    std::vector<std::uint8_t> descriptors() const override {
        // Device (USB 2.0, vendor class, strings: serial only) and one configuration with one vendor interface.
        return {18, 1, 0x00, 0x02, 0, 0, 0, 64, lo(m_vendor), hi(m_vendor), lo(m_product), hi(m_product), 0x00, 0x01, 0, 0, 3, 1,
                9, 2, 18, 0, 1, 1, 0, 0x80, 50,
                9, 4, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0};
    }
    UsbReply control(const SetupPacket& setup, std::span<const std::uint8_t>) override {
        if (setup.requestType != 0x80 || setup.request != 6 || (setup.value >> 8) != 3) return UsbReply::stall();
        std::vector<std::uint8_t> d = (setup.value & 0xFF) == 0 ? std::vector<std::uint8_t>{4, 3, 0x09, 0x04} : tinyforge::test::stringDescriptor(m_serial);
        d.resize(std::min<std::size_t>(d.size(), setup.length));
        return {UsbReply::Kind::ok, d};
    }

private:
    static std::uint8_t lo(std::uint16_t v) { return static_cast<std::uint8_t>(v); }
    static std::uint8_t hi(std::uint16_t v) { return static_cast<std::uint8_t>(v >> 8); }
    std::uint16_t m_vendor, m_product;
    std::string m_serial;
};

// Collects the watcher's reports and waits for one that satisfies a condition.
class ScanLog {
public:
    void add(const ProbeScan& scan) {
        std::lock_guard lock(m_mutex);
        m_scans.push_back(scan);
        m_changed.notify_all();
    }
    bool waitFor(const std::function<bool(const ProbeScan&)>& wanted) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(10), [&] { return !m_scans.empty() && wanted(m_scans.back()); });
    }
    std::size_t count() {
        std::lock_guard lock(m_mutex);
        return m_scans.size();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<ProbeScan> m_scans;
};

void watchPlugAndUnplug(ProbeWatcher::Mode mode, std::chrono::milliseconds pollInterval) {
    MockUsbBus bus;
    ScanLog log;
    ProbeWatcher watcher([&](const ProbeScan& scan) { log.add(scan); }, mode, pollInterval);
    if (mode == ProbeWatcher::Mode::polling) CHECK_FALSE(watcher.hotplug());
    INFO("hotplug events: " << watcher.hotplug());
    REQUIRE(log.waitFor([](const ProbeScan& s) { return s.error.empty() && s.probes.empty(); }));

    DfuseDevice bootloader;
    bus.plug(4, bootloader);
    REQUIRE(log.waitFor([](const ProbeScan& s) { return s.probes.size() == 1 && s.probes[0].backend() == "dfu"; }));

    DescriptorOnlyDevice stlink(0x0483, 0x3748, "4A001B00154E");
    bus.plug(9, stlink);
    REQUIRE(log.waitFor([](const ProbeScan& s) { return s.probes.size() == 2 && s.probes[1].serial == "4A001B00154E"; }));

    bus.unplug(4);
    REQUIRE(log.waitFor([](const ProbeScan& s) { return s.probes.size() == 1 && s.probes[0].model == "ST-Link/V2"; }));
    // An unchanged bus is not reported again.
    const std::size_t reports = log.count();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(log.count() == reports);
}

}  // namespace

TEST_CASE("discovery: ST's probe and bootloader ids are recognised, other devices are not", "[usb][discovery]") {
    CHECK(classifyUsbId(0x0483, 0x374b) == std::pair{ProbeKind::stlink, std::string("ST-Link/V2-1")});
    CHECK(classifyUsbId(0x0483, 0x374e) == std::pair{ProbeKind::stlink, std::string("ST-Link/V3E")});
    CHECK(classifyUsbId(0x0483, 0xdf11) == std::pair{ProbeKind::dfuBootloader, std::string("STM32 system bootloader (DFU)")});
    CHECK_FALSE(classifyUsbId(0x0483, 0x5740));  // an STM32's own USB serial port, not a programming device
    CHECK_FALSE(classifyUsbId(0x1366, 0x374b));  // the same product id from another vendor
}

TEST_CASE("discovery: the udev rule grants access to every device discovery knows", "[usb][discovery]") {
    const std::string rules = fx::readText(TINYFORGE_RESOURCE_DIR "/../installer/udev/50-tinyforge.rules");
    for (const auto& [vendor, product] : knownProbeIds()) {
        char rule[96];
        std::snprintf(rule, sizeof rule, "ATTR{idVendor}==\"%04x\", ATTR{idProduct}==\"%04x\", MODE=\"0660\"", vendor, product);
        INFO(rule);
        CHECK(rules.find(rule) != std::string::npos);
    }
}

TEST_CASE("discovery: libusb lists the connected probes with what deploy needs to pick each", "[usb][discovery]") {
    MockUsbBus bus;
    DescriptorOnlyDevice keyboard(0x046d, 0xc31c, "KB1");
    DfuseDevice bootloader;
    DescriptorOnlyDevice stlink(0x0483, 0x374b, "066DFF485550755187121523");
    bus.plug(3, keyboard);
    bus.plug(7, stlink);
    bus.plug(5, bootloader);

    UsbContext usb;
    const auto probes = listProbes(usb);
    REQUIRE(probes.size() == 2);
    CHECK(probes[0].kind == ProbeKind::dfuBootloader);
    CHECK(probes[0].backend() == "dfu");
    CHECK(probes[0].deviceArgument() == "1:5");
    CHECK(probes[0].serial == "3574364C3034");
    CHECK(probes[0].describe() == "STM32 system bootloader (DFU) 3574364C3034 (USB 0483:df11, bus 1, address 5)");
    CHECK(probes[1].kind == ProbeKind::stlink);
    CHECK(probes[1].backend() == "stlink");
    CHECK(probes[1].deviceArgument() == "066DFF485550755187121523");
    CHECK(probes[1].describe() == "ST-Link/V2-1 066DFF485550755187121523 (USB 0483:374b, bus 1, address 7)");
}

TEST_CASE("discovery: the watcher reports boards plugged in and pulled out, by polling", "[usb][discovery]") {
    watchPlugAndUnplug(ProbeWatcher::Mode::polling, std::chrono::milliseconds(100));
}

TEST_CASE("discovery: the watcher reports boards plugged in and pulled out, woken by libusb's hotplug events", "[usb][discovery]") {
    // A poll interval far longer than the test's waits: only a hotplug event can bring each change in time.
    watchPlugAndUnplug(ProbeWatcher::Mode::automatic, std::chrono::seconds(60));
}

TEST_CASE("tinyforge-cli probes lists what is plugged in, with the --device each needs", "[usb][discovery][cli]") {
    MockUsbBus bus;
    auto listed = fx::cli({"probes"});
    REQUIRE(listed.exitCode == 0);
    CHECK(nlohmann::json::parse(listed.out).empty());
    CHECK_THAT(listed.err, Catch::Matchers::Contains("no ST-Link probe or STM32 in DFU mode is connected"));

    DfuseDevice bootloader;
    DescriptorOnlyDevice stlink(0x0483, 0x374e, "002F00293137510A39383538");
    bus.plug(12, bootloader);
    bus.plug(2, stlink);
    listed = fx::cli({"probes"});
    REQUIRE(listed.exitCode == 0);
    const auto list = nlohmann::json::parse(listed.out);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["model"] == "ST-Link/V3E");
    CHECK(list[0]["device"] == "002F00293137510A39383538");
    CHECK(list[1]["backend"] == "dfu");
    CHECK(list[1]["device"] == "1:12");
    CHECK_THAT(listed.err, Catch::Matchers::Contains("--backend dfu --device 1:12"));
}
