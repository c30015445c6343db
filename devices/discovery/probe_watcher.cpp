#include "devices/discovery/probe_watcher.h"

#include "devices/deploy/deploy_backends.h"

#include "devices/device_error.h"

#include <libusb.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace tinyforge::devices {

namespace {

constexpr std::uint16_t kStVendor = 0x0483;

struct KnownId {
    std::uint16_t product;
    ProbeKind kind;
    const char* model;
};

// ST's product ids for its probes (as stlink-tools and OpenOCD list them) and for the ROM bootloader's DFU mode.
constexpr KnownId kKnownIds[] = {
    {0x3744, ProbeKind::stlink, "ST-Link/V1"},
    {0x3748, ProbeKind::stlink, "ST-Link/V2"},
    {0x374a, ProbeKind::stlink, "ST-Link/V2-1"},
    {0x374b, ProbeKind::stlink, "ST-Link/V2-1"},
    {0x3752, ProbeKind::stlink, "ST-Link/V2-1"},
    {0x374d, ProbeKind::stlink, "ST-Link/V3 (bootloader)"},
    {0x374e, ProbeKind::stlink, "ST-Link/V3E"},
    {0x374f, ProbeKind::stlink, "ST-Link/V3"},
    {0x3753, ProbeKind::stlink, "ST-Link/V3"},
    {0x3754, ProbeKind::stlink, "ST-Link/V3"},
    {0x3757, ProbeKind::stlink, "ST-Link/V3PWR"},
    {0xdf11, ProbeKind::dfuBootloader, "STM32 system bootloader (DFU)"},
};

std::vector<ConnectedProbe> scanProbes(UsbContext& context, const std::vector<ConnectedProbe>& known) {
    std::vector<ConnectedProbe> probes;
    for (const UsbDeviceId& id : listUsbDevices(context)) {  // in bus/address order
        const auto kind = classifyUsbId(id.vendor, id.product);
        if (!kind) continue;
        // Opening a device is not free (and wakes it); a probe already seen at this address keeps its serial.
        const auto seen = std::find_if(known.begin(), known.end(), [&](const ConnectedProbe& k) { return k.usb == id; });
        probes.push_back({id, kind->first, kind->second, seen != known.end() ? seen->serial : readUsbSerialNumber(context, id)});
    }
    return probes;
}

}  // namespace

std::string pickStLinkSerialPort(const std::vector<SerialPortInfo>& ports, const std::string& probeSerial) {
    std::vector<const SerialPortInfo*> stlinks;
    for (const auto& port : ports) {
        const auto kind = classifyUsbId(port.vendorId, port.productId);
        if (kind && kind->first == ProbeKind::stlink) stlinks.push_back(&port);
    }
    std::string list;  // for the messages: every ST-Link port, with its probe's serial
    for (const auto* port : stlinks) list += "\n  " + port->device + " (ST-Link " + (port->serialNumber.empty() ? "serial unknown" : port->serialNumber) + ")";
    if (!probeSerial.empty()) {
        for (const auto* port : stlinks) {
            if (port->serialNumber == probeSerial) return port->device;
        }
        throw DeviceError("no virtual COM port of the ST-Link " + probeSerial + (list.empty() ? " (no ST-Link serial port at all)" : "; ST-Link ports:" + list) +
                          "\ngive the board's serial port with --port");
    }
    if (stlinks.size() == 1) return stlinks.front()->device;
    if (stlinks.empty()) throw DeviceError("no ST-Link virtual COM port found: give the board's serial port with --port (e.g. /dev/ttyACM0)");
    throw DeviceError("several ST-Link serial ports: pick one with --port, or the probe with --device:" + list);
}

std::string ConnectedProbe::backend() const { return std::string(kind == ProbeKind::dfuBootloader ? kDfuBackend : kStLinkBackend); }

std::string ConnectedProbe::deviceArgument() const {
    if (kind == ProbeKind::dfuBootloader) return std::to_string(usb.bus) + ":" + std::to_string(usb.address);
    return serial;
}

std::string ConnectedProbe::describe() const {
    char ids[64];
    std::snprintf(ids, sizeof ids, "USB %04x:%04x, bus %d, address %d", usb.vendor, usb.product, usb.bus, usb.address);
    return model + (serial.empty() ? "" : " " + serial) + " (" + ids + ")";
}

std::optional<std::pair<ProbeKind, std::string>> classifyUsbId(std::uint16_t vendor, std::uint16_t product) {
    if (vendor != kStVendor) return std::nullopt;
    for (const auto& id : kKnownIds) {
        if (id.product == product) return std::pair{id.kind, std::string(id.model)};
    }
    return std::nullopt;
}

std::vector<std::pair<std::uint16_t, std::uint16_t>> knownProbeIds() {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> ids;
    for (const auto& id : kKnownIds) ids.emplace_back(kStVendor, id.product);
    return ids;
}

std::vector<ConnectedProbe> listProbes(UsbContext& context) { return scanProbes(context, {}); }

struct ProbeWatcher::Impl {
    ChangeFn onChange;
    std::chrono::milliseconds interval;
    std::unique_ptr<UsbContext> context;
    std::string startError;
    bool hotplug = false;
    libusb_hotplug_callback_handle hotplugHandle = 0;

    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable wake;
    std::thread thread;

    ProbeScan scan(const ProbeScan& last) {
        if (!context) return {{}, startError};
        try {
            return {scanProbes(*context, last.probes), {}};
        } catch (const DeviceError& e) {
            return {{}, e.what()};
        }
    }

    // Waits for a hotplug event or the poll interval, whichever comes first.
    void waitForChange() {
        if (hotplug) {
            timeval timeout{static_cast<time_t>(interval.count() / 1000), static_cast<suseconds_t>(interval.count() % 1000 * 1000)};
            libusb_handle_events_timeout_completed(context->raw(), &timeout, nullptr);
            return;
        }
        std::unique_lock lock(mutex);
        wake.wait_for(lock, interval, [this] { return stop.load(); });
    }

    void run() {
        ProbeScan last;
        bool first = true;
        while (!stop) {
            ProbeScan now = scan(last);
            if (first || now != last) {
                onChange(now);
                last = std::move(now);
                first = false;
            }
            waitForChange();
        }
    }
};

namespace {

// libusb's hotplug callback only wakes the watcher's event loop; the loop rescans the whole list itself.
int LIBUSB_CALL onHotplug(libusb_context*, libusb_device*, libusb_hotplug_event, void*) { return 0; }

}  // namespace

ProbeWatcher::ProbeWatcher(ChangeFn onChange, Mode mode, std::chrono::milliseconds pollInterval) : m_impl(std::make_unique<Impl>()) {
    m_impl->onChange = std::move(onChange);
    m_impl->interval = pollInterval;
    try {
        m_impl->context = std::make_unique<UsbContext>();
    } catch (const DeviceError& e) {
        m_impl->startError = e.what();
    }
    if (m_impl->context && mode == Mode::automatic && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
        const int rc = libusb_hotplug_register_callback(
            m_impl->context->raw(), LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0, kStVendor,
            LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, onHotplug, nullptr, &m_impl->hotplugHandle);
        m_impl->hotplug = rc == LIBUSB_SUCCESS;
    }
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

ProbeWatcher::~ProbeWatcher() {
    m_impl->stop = true;
    if (m_impl->hotplug) libusb_interrupt_event_handler(m_impl->context->raw());
    {
        std::lock_guard lock(m_impl->mutex);
    }
    m_impl->wake.notify_all();
    m_impl->thread.join();
    if (m_impl->hotplug) libusb_hotplug_deregister_callback(m_impl->context->raw(), m_impl->hotplugHandle);
}

bool ProbeWatcher::hotplug() const { return m_impl->hotplug; }

}  // namespace tinyforge::devices
