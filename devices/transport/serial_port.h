#pragma once
// A serial port (a board's UART through a USB adapter or an ST-Link's virtual COM port, or an emulator's pty), read
// line by line: raw mode, 8N1, no flow control.

#include <functional>
#include <string>

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
    std::string readUntil(const std::function<bool(const std::string& line)>& done, int timeoutSeconds);

private:
    int m_fd = -1;
    std::string m_device;
};

}  // namespace tinyforge::devices
