#pragma once
// A serial port (a board's UART through a USB adapter or an ST-Link's virtual COM port, or an emulator's pty), read
// line by line: raw mode, 8N1, no flow control. Qt Serial Port underneath; its header stays out of this one.
//
// Qt's port watches for data with a socket notifier, which needs an event dispatcher on the reading thread: the main
// thread once a QCoreApplication exists (tinyforge-cli and the studio make one), or any QThread. Elsewhere it still
// reads (by polling), and Qt warns once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class QSerialPort;

namespace tinyforge::devices {

class SerialPort {
public:
    /// Opens `device` (/dev/ttyACM0, /dev/pts/3, ...) at `baud`. Throws DeviceError naming it when it cannot.
    explicit SerialPort(const std::string& device, int baud = 115200);
    ~SerialPort();
    SerialPort(const SerialPort&) = delete;
    SerialPort& operator=(const SerialPort&) = delete;

    /// Reads until a complete line makes `done` true, the other end closes, or `timeoutSeconds` pass; returns
    /// everything read. Throws DeviceError naming the port on a time-out.
    /// `cancelled` is asked every 200 ms; true throws Cancelled.
    std::string readUntil(const std::function<bool(const std::string& line)>& done, int timeoutSeconds,
                          const std::function<bool()>& cancelled = {});

private:
    std::unique_ptr<QSerialPort> m_port;
    std::string m_device;
};

/// A serial port the system lists, with the USB device behind it when there is one.
struct SerialPortInfo {
    std::string device;        ///< /dev/ttyACM0
    std::uint16_t vendorId = 0, productId = 0;  ///< 0 when not a USB device
    std::string serialNumber;  ///< the USB device's serial, "" when unknown
};

/// Every serial port on the system (Qt's QSerialPortInfo: udev or sysfs).
std::vector<SerialPortInfo> listSerialPorts();

}  // namespace tinyforge::devices
