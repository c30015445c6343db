#pragma once
// A USB device as the tests emulate it: what it answers to control requests. MockUsbBus (umockdev) puts it behind a
// real /dev/bus/usb node, so libusb and the studio's flashing code talk to it exactly as to hardware.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyforge::test {

struct SetupPacket {
    std::uint8_t requestType = 0, request = 0;
    std::uint16_t value = 0, index = 0, length = 0;
    bool in() const { return (requestType & 0x80) != 0; }
};

struct UsbReply {
    enum class Kind { ok, stall, vanished } kind = Kind::ok;
    std::vector<std::uint8_t> data;  ///< for device-to-host requests
    static UsbReply stall() { return {Kind::stall, {}}; }
    static UsbReply vanished() { return {Kind::vanished, {}}; }
};

class UsbDeviceModel {
public:
    virtual ~UsbDeviceModel() = default;
    /// The device descriptor followed by the configuration descriptor (sysfs "descriptors").
    virtual std::vector<std::uint8_t> descriptors() const = 0;
    virtual UsbReply control(const SetupPacket& setup, std::span<const std::uint8_t> out) = 0;
    virtual void setAlternate(int /*interfaceNumber*/, int /*alternate*/) {}
    /// True once the device has dropped off the bus: every request then fails with ENODEV.
    virtual bool gone() const { return false; }
};

/// UTF-16LE string descriptor for `text`.
std::vector<std::uint8_t> stringDescriptor(const std::string& text);

}  // namespace tinyforge::test
