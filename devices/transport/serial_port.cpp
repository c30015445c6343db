#include "devices/transport/serial_port.h"

#include <QSerialPort>
#include <QSerialPortInfo>

#include <algorithm>
#include <chrono>

#include "devices/device_error.h"

namespace tinyforge::devices {

SerialPort::SerialPort(const std::string& device, int baud) : m_device(device) {
    static constexpr int kRates[] = {9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600};
    if (std::find(std::begin(kRates), std::end(kRates), baud) == std::end(kRates)) {
        throw DeviceError(device + ": unsupported baud rate " + std::to_string(baud));
    }
    m_port = std::make_unique<QSerialPort>(QString::fromStdString(device));
    m_port->setBaudRate(baud);
    m_port->setDataBits(QSerialPort::Data8);
    m_port->setParity(QSerialPort::NoParity);
    m_port->setStopBits(QSerialPort::OneStop);
    m_port->setFlowControl(QSerialPort::NoFlowControl);
    if (!m_port->open(QIODevice::ReadWrite)) {
        throw TransportError(device, device + ": cannot open the serial port: " + m_port->errorString().toStdString());
    }
}

SerialPort::~SerialPort() = default;

std::string SerialPort::readUntil(const std::function<bool(const std::string& line)>& done, int timeoutSeconds,
                                  const std::function<bool()>& cancelled) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    std::string text, line;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (cancelled && cancelled()) throw Cancelled();
        if (left <= 0) throw TransportError(m_device, m_device + ": no complete report within " + std::to_string(timeoutSeconds) + " s");
        if (m_port->bytesAvailable() == 0 && !m_port->waitForReadyRead(static_cast<int>(std::min<long long>(left, 200)))) {
            // Anything but a quiet wait is the other end going away: an emulator's pty hangs up when it exits (a read
            // error), a board is unplugged (a resource error).
            const auto error = m_port->error();
            if ((error != QSerialPort::NoError && error != QSerialPort::TimeoutError) || !m_port->isOpen()) return text;
            m_port->clearError();
            continue;
        }
        const QByteArray chunk = m_port->readAll();
        for (const char c : chunk) {
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

std::vector<SerialPortInfo> listSerialPorts() {
    std::vector<SerialPortInfo> ports;
    for (const QSerialPortInfo& info : QSerialPortInfo::availablePorts()) {
        SerialPortInfo port;
        port.device = info.systemLocation().toStdString();
        if (info.hasVendorIdentifier()) port.vendorId = info.vendorIdentifier();
        if (info.hasProductIdentifier()) port.productId = info.productIdentifier();
        port.serialNumber = info.serialNumber().toStdString();
        ports.push_back(std::move(port));
    }
    return ports;
}

}  // namespace tinyforge::devices
