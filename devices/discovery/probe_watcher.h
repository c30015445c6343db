#pragma once
// Which STM32 programming devices are plugged in: ST-Link probes and STM32 system bootloaders in DFU mode, found
// through libusb by their USB ids. A watcher thread keeps the list current, woken by libusb's hotplug events where
// the platform has them and polling where it does not, and reports every change.

#include "devices/transport/serial_port.h"
#include "devices/transport/usb_device.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tinyforge::devices {

enum class ProbeKind { stlink, dfuBootloader };

struct ConnectedProbe {
    UsbDeviceId usb;
    ProbeKind kind = ProbeKind::stlink;
    std::string model;   ///< "ST-Link/V2-1", "STM32 system bootloader (DFU)"
    std::string serial;  ///< the USB serial number; "" when it cannot be read (no permission yet)

    /// The deploy backend that flashes through it: "stlink" or "dfu".
    std::string backend() const;
    /// What `deploy --device` takes to pick exactly this one: "BUS:ADDRESS" for DFU, the serial for an ST-Link.
    std::string deviceArgument() const;
    /// One line for lists: "ST-Link/V2-1 066DFF48 (USB 0483:374b, bus 1, address 7)".
    std::string describe() const;
    bool operator==(const ConnectedProbe&) const = default;
};

/// The kind and model name of a USB id, or nothing for devices that are not STM32 programming devices.
std::optional<std::pair<ProbeKind, std::string>> classifyUsbId(std::uint16_t vendor, std::uint16_t product);

/// Every (vendor, product) that classifyUsbId recognises: what the udev rule in installer/udev must cover.
std::vector<std::pair<std::uint16_t, std::uint16_t>> knownProbeIds();

/// The virtual COM port of an ST-Link (an id classifyUsbId calls a probe) among `ports`: the one whose USB serial is
/// `probeSerial` when that is given, else the only one. Throws DeviceError naming what was found otherwise.
std::string pickStLinkSerialPort(const std::vector<SerialPortInfo>& ports, const std::string& probeSerial);

/// The probes connected now, in bus/address order.
std::vector<ConnectedProbe> listProbes(UsbContext& context);

/// What a scan found; `error` says why there is no list (libusb cannot start, no USB access).
struct ProbeScan {
    std::vector<ConnectedProbe> probes;
    std::string error;
    bool operator==(const ProbeScan&) const = default;
};

class ProbeWatcher {
public:
    using ChangeFn = std::function<void(const ProbeScan&)>;
    enum class Mode { automatic, polling };

    /// Starts watching; `onChange` runs on the watcher's thread, first with the list at start, then after every
    /// change. `pollInterval` paces polling (and is the longest a missed hotplug event can delay an update).
    explicit ProbeWatcher(ChangeFn onChange, Mode mode = Mode::automatic,
                          std::chrono::milliseconds pollInterval = std::chrono::milliseconds(1000));
    ~ProbeWatcher();  ///< stops the thread; no `onChange` runs after it returns
    ProbeWatcher(const ProbeWatcher&) = delete;
    ProbeWatcher& operator=(const ProbeWatcher&) = delete;

    /// True when libusb delivers hotplug events here (false: polling).
    bool hotplug() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tinyforge::devices
