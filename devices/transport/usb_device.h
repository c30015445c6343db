#pragma once
// USB devices through libusb: listing what is connected, and one opened device's control transfers and alternate
// settings. libusb stays out of this header; errors say which device and which request failed.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct libusb_context;
struct libusb_device_handle;

namespace tinyforge::devices {

/// A libusb context; one per thread that talks to devices (or one shared by a watcher thread).
class UsbContext {
public:
    UsbContext();  ///< throws DeviceError when libusb cannot start (no usbfs)
    ~UsbContext();
    UsbContext(const UsbContext&) = delete;
    UsbContext& operator=(const UsbContext&) = delete;
    libusb_context* raw() const { return m_ctx; }

private:
    libusb_context* m_ctx = nullptr;
};

struct UsbDeviceId {
    int bus = 0;
    int address = 0;
    std::uint16_t vendor = 0;
    std::uint16_t product = 0;
    /// "USB 0483:df11 (bus 1, address 5)": how errors and lists name it.
    std::string describe() const;
    bool operator==(const UsbDeviceId&) const = default;
};

/// Every device libusb sees, in bus/address order.
std::vector<UsbDeviceId> listUsbDevices(UsbContext& context);

/// The device's serial number string; "" when it has none or cannot be opened (no udev rule yet). Never throws.
std::string readUsbSerialNumber(UsbContext& context, const UsbDeviceId& id);

/// True for a serial number of 1 to 64 letters and digits: the only kind passed on to other programs (OpenOCD reads
/// its arguments as Tcl) or shown. A descriptor string is whatever the device says.
bool isPlainSerial(const std::string& serial);

/// One alternate setting of one interface of the active configuration.
struct UsbAltSetting {
    int interfaceNumber = 0;
    int alternate = 0;
    int interfaceClass = 0, interfaceSubclass = 0, interfaceProtocol = 0;
    std::string name;                 ///< its iInterface string ("" when it has none)
    std::vector<std::uint8_t> extra;  ///< class descriptors that follow it (a DFU functional descriptor)
};

class UsbDevice {
public:
    /// Opens the device; throws DeviceError naming it (permissions: the udev rule in installer/).
    UsbDevice(UsbContext& context, const UsbDeviceId& id);
    ~UsbDevice();  ///< releases a claimed interface and closes
    UsbDevice(const UsbDevice&) = delete;
    UsbDevice& operator=(const UsbDevice&) = delete;

    const UsbDeviceId& id() const { return m_id; }
    /// The alternate settings of the active configuration, with their names read from the device.
    std::vector<UsbAltSetting> altSettings();
    /// Claims the interface and selects the alternate setting.
    void select(int interfaceNumber, int alternate);

    /// A control transfer from the device into `data`; returns the bytes received. `what` names the request for
    /// errors ("DFU_UPLOAD block 3"); a vanished device, a stall and a time-out each give their own message.
    std::size_t controlIn(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                          std::span<std::uint8_t> data, const std::string& what, int timeoutMs = 5000);
    /// A control transfer to the device.
    void controlOut(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                    std::span<const std::uint8_t> data, const std::string& what, int timeoutMs = 5000);

private:
    [[noreturn]] void fail(int code, const std::string& what) const;

    UsbDeviceId m_id;
    libusb_device_handle* m_handle = nullptr;
    int m_claimed = -1;
};

/// True when libusb's code means the device is gone (unplugged, or reset itself).
bool usbDeviceVanished(int libusbCode);

}  // namespace tinyforge::devices
