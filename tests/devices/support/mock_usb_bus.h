#pragma once
// A USB bus made with umockdev: each added device gets a sysfs entry and a /dev/bus/usb node whose usbfs ioctls
// (control URBs, claim, set interface) are answered by a UsbDeviceModel on umockdev's handler thread. libusb, in
// this process or in a child started with childEnvironment(), sees real devices.
//
// The process must run with libumockdev-preload.so (see usb_main.cpp, which re-executes itself under it).

#include "usb_model.h"

#include <map>
#include <memory>
#include <string>

namespace tinyforge::test {

class MockUsbBus {
public:
    MockUsbBus();
    ~MockUsbBus();
    MockUsbBus(const MockUsbBus&) = delete;
    MockUsbBus& operator=(const MockUsbBus&) = delete;

    /// Plugs `model` in at bus 1, `address`; the model must outlive the bus or its removal.
    void plug(int address, UsbDeviceModel& model);
    /// Unplugs the device at `address` (a "remove" uevent, as when a cable is pulled).
    void unplug(int address);
    /// The environment a child process needs to see this bus: UMOCKDEV_DIR and LD_PRELOAD.
    std::map<std::string, std::string> childEnvironment() const;

    struct Slot;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tinyforge::test
