#include "devices/transport/serial_port.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include "devices/device_error.h"

namespace tinyforge::devices {

SerialPort::SerialPort(const std::string& device, int baud) : m_device(device) {
    static const std::map<int, speed_t> speeds{{9600, B9600}, {57600, B57600}, {115200, B115200}, {230400, B230400}, {921600, B921600}};
    const auto speed = speeds.find(baud);
    if (speed == speeds.end()) throw DeviceError(device + ": unsupported baud rate " + std::to_string(baud));
    m_fd = open(device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_fd < 0) throw DeviceError(device + ": cannot open the serial port: " + std::strerror(errno));
    termios tty{};
    if (tcgetattr(m_fd, &tty) != 0) {
        const std::string problem = std::strerror(errno);
        close(m_fd);
        throw DeviceError(device + ": not a serial port: " + problem);
    }
    cfmakeraw(&tty);  // 8 data bits, no parity, no echo, no line editing
    tty.c_cflag |= CLOCAL | CREAD;
    tty.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | CRTSCTS);
    cfsetispeed(&tty, speed->second);
    cfsetospeed(&tty, speed->second);
    tcsetattr(m_fd, TCSANOW, &tty);
}

SerialPort::~SerialPort() {
    if (m_fd >= 0) close(m_fd);
}

std::string SerialPort::readUntil(const std::function<bool(const std::string& line)>& done, int timeoutSeconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    std::string text, line;
    char buffer[512];
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) throw DeviceError(m_device + ": no complete report within " + std::to_string(timeoutSeconds) + " s");
        pollfd p{m_fd, POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left, 500)));
        if (ready <= 0) continue;
        const ssize_t n = read(m_fd, buffer, sizeof buffer);
        if (n <= 0) return text;  // the other end went away (an emulator's pty closes when it exits)
        for (ssize_t i = 0; i < n; ++i) {
            const char c = buffer[i];
            text += c;
            if (c == '\r') continue;
            if (c != '\n') {
                line += c;
                continue;
            }
            if (done(line)) return text;
            line.clear();
        }
    }
}

}  // namespace tinyforge::devices
