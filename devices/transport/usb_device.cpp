#include "devices/transport/usb_device.h"

#include "devices/device_error.h"

#include <libusb.h>

#include <algorithm>
#include <cstdio>

namespace tinyforge::devices {

namespace {

std::string hex4(std::uint16_t v) {
    char text[8];
    std::snprintf(text, sizeof text, "%04x", v);
    return text;
}

}  // namespace

UsbContext::UsbContext() {
    const int rc = libusb_init(&m_ctx);
    if (rc != 0) throw TransportError("libusb", std::string("libusb: cannot start: ") + libusb_strerror(rc));
}

UsbContext::~UsbContext() { libusb_exit(m_ctx); }

std::string UsbDeviceId::describe() const {
    return "USB " + hex4(vendor) + ":" + hex4(product) + " (bus " + std::to_string(bus) + ", address " + std::to_string(address) + ")";
}

std::vector<UsbDeviceId> listUsbDevices(UsbContext& context) {
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context.raw(), &list);
    if (count < 0) throw TransportError("libusb", std::string("libusb: cannot list devices: ") + libusb_strerror(static_cast<int>(count)));
    std::vector<UsbDeviceId> ids;
    for (ssize_t i = 0; i < count; ++i) {
        libusb_device_descriptor d{};
        if (libusb_get_device_descriptor(list[i], &d) != 0) continue;
        ids.push_back({libusb_get_bus_number(list[i]), libusb_get_device_address(list[i]), d.idVendor, d.idProduct});
    }
    libusb_free_device_list(list, 1);
    std::sort(ids.begin(), ids.end(), [](const auto& a, const auto& b) { return std::tie(a.bus, a.address) < std::tie(b.bus, b.address); });
    return ids;
}

std::string readUsbSerialNumber(UsbContext& context, const UsbDeviceId& id) {
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context.raw(), &list);
    std::string serial;
    for (ssize_t i = 0; i < count; ++i) {
        if (libusb_get_bus_number(list[i]) != id.bus || libusb_get_device_address(list[i]) != id.address) continue;
        libusb_device_descriptor d{};
        libusb_device_handle* handle = nullptr;
        if (libusb_get_device_descriptor(list[i], &d) != 0 || d.iSerialNumber == 0 || libusb_open(list[i], &handle) != 0) break;
        unsigned char text[128] = {};
        const int n = libusb_get_string_descriptor_ascii(handle, d.iSerialNumber, text, sizeof text);
        libusb_close(handle);
        if (n > 0) serial.assign(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
        break;
    }
    if (count >= 0) libusb_free_device_list(list, 1);
    return isPlainSerial(serial) ? serial : std::string();  // anything else counts as no serial
}

bool isPlainSerial(const std::string& serial) {
    return !serial.empty() && serial.size() <= 64 &&
           std::all_of(serial.begin(), serial.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

bool usbDeviceVanished(int code) { return code == LIBUSB_ERROR_NO_DEVICE; }

UsbDevice::UsbDevice(UsbContext& context, const UsbDeviceId& id) : m_id(id) {
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context.raw(), &list);
    libusb_device* found = nullptr;
    for (ssize_t i = 0; i < count; ++i) {
        if (libusb_get_bus_number(list[i]) == id.bus && libusb_get_device_address(list[i]) == id.address) found = list[i];
    }
    int rc = found ? libusb_open(found, &m_handle) : LIBUSB_ERROR_NO_DEVICE;
    if (count >= 0) libusb_free_device_list(list, 1);
    if (rc == LIBUSB_ERROR_ACCESS) {
        throw TransportError(id.describe(), id.describe() + ": permission denied; install the udev rule (installer/udev/50-tinyforge.rules) and re-plug the board");
    }
    if (rc != 0) fail(rc, "opening it");
}

UsbDevice::~UsbDevice() {
    if (m_claimed >= 0) libusb_release_interface(m_handle, m_claimed);
    libusb_close(m_handle);
}

void UsbDevice::fail(int code, const std::string& what) const {
    if (usbDeviceVanished(code)) throw TransportError(m_id.describe(), m_id.describe() + " disconnected during " + what);
    if (code == LIBUSB_ERROR_PIPE) throw TransportError(m_id.describe(), m_id.describe() + " refused (stalled) " + what);
    if (code == LIBUSB_ERROR_TIMEOUT) throw TransportError(m_id.describe(), m_id.describe() + " did not answer " + what + " in time");
    throw TransportError(m_id.describe(), m_id.describe() + ": " + what + " failed: " + libusb_strerror(code));
}

std::vector<UsbAltSetting> UsbDevice::altSettings() {
    libusb_config_descriptor* config = nullptr;
    const int rc = libusb_get_active_config_descriptor(libusb_get_device(m_handle), &config);
    if (rc != 0) fail(rc, "reading its configuration descriptor");
    std::vector<UsbAltSetting> out;
    for (int i = 0; i < config->bNumInterfaces; ++i) {
        for (int a = 0; a < config->interface[i].num_altsetting; ++a) {
            const libusb_interface_descriptor& d = config->interface[i].altsetting[a];
            UsbAltSetting alt{d.bInterfaceNumber, d.bAlternateSetting, d.bInterfaceClass, d.bInterfaceSubClass, d.bInterfaceProtocol, "",
                              std::vector<std::uint8_t>(d.extra, d.extra + d.extra_length)};
            if (d.iInterface != 0) {
                unsigned char text[256] = {};
                const int n = libusb_get_string_descriptor_ascii(m_handle, d.iInterface, text, sizeof text);
                if (n < 0) {
                    libusb_free_config_descriptor(config);
                    fail(n, "reading the name of interface " + std::to_string(alt.interfaceNumber) + " alternate " + std::to_string(alt.alternate));
                }
                alt.name.assign(reinterpret_cast<const char*>(text), static_cast<std::size_t>(n));
            }
            out.push_back(std::move(alt));
        }
    }
    libusb_free_config_descriptor(config);
    return out;
}

void UsbDevice::select(int interfaceNumber, int alternate) {
    if (m_claimed != interfaceNumber) {
        const int rc = libusb_claim_interface(m_handle, interfaceNumber);
        if (rc == LIBUSB_ERROR_BUSY) throw TransportError(m_id.describe(), m_id.describe() + ": interface " + std::to_string(interfaceNumber) + " is in use by another program");
        if (rc != 0) fail(rc, "claiming interface " + std::to_string(interfaceNumber));
        m_claimed = interfaceNumber;
    }
    const int rc = libusb_set_interface_alt_setting(m_handle, interfaceNumber, alternate);
    if (rc != 0) fail(rc, "selecting alternate setting " + std::to_string(alternate));
}

std::size_t UsbDevice::controlIn(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                                 std::span<std::uint8_t> data, const std::string& what, int timeoutMs) {
    const int rc = libusb_control_transfer(m_handle, requestType | LIBUSB_ENDPOINT_IN, request, value, index, data.data(),
                                           static_cast<std::uint16_t>(data.size()), static_cast<unsigned>(timeoutMs));
    if (rc < 0) fail(rc, what);
    return static_cast<std::size_t>(rc);
}

void UsbDevice::controlOut(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                           std::span<const std::uint8_t> data, const std::string& what, int timeoutMs) {
    const int rc = libusb_control_transfer(m_handle, requestType & ~LIBUSB_ENDPOINT_IN, request, value, index,
                                           const_cast<std::uint8_t*>(data.data()), static_cast<std::uint16_t>(data.size()),
                                           static_cast<unsigned>(timeoutMs));
    if (rc < 0) fail(rc, what);
    if (static_cast<std::size_t>(rc) != data.size()) {
        throw TransportError(m_id.describe(), m_id.describe() + " took " + std::to_string(rc) + " of " + std::to_string(data.size()) + " bytes in " + what);
    }
}

}  // namespace tinyforge::devices
