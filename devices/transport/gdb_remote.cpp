#include "devices/transport/gdb_remote.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "core/io/file_bytes.h"
#include "devices/device_error.h"

namespace tinyforge::devices {

namespace {

std::string hexBytes(const char* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string hexNumber(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "%x", value);
    return text;
}

}  // namespace

GdbRemote::GdbRemote(const std::filesystem::path& path, int timeoutSeconds) : m_source("gdbstub " + path.string()) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.string().size() >= sizeof address.sun_path) throw TransportError(m_source, m_source + ": socket path too long");
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    while (true) {
        m_fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (m_fd < 0) throw TransportError(m_source, m_source + ": " + std::strerror(errno));
        if (connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return;
        close(m_fd);
        m_fd = -1;
        if (std::chrono::steady_clock::now() > deadline) throw TransportError(m_source, m_source + ": no debugger connection within " + std::to_string(timeoutSeconds) + " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

GdbRemote::~GdbRemote() {
    if (m_fd >= 0) close(m_fd);
}

char GdbRemote::readChar() {
    pollfd p{m_fd, POLLIN, 0};
    if (poll(&p, 1, m_timeoutMs) <= 0) throw TransportError(m_source, m_source + ": no answer within " + std::to_string(m_timeoutMs / 1000) + " s");
    char c = 0;
    const ssize_t n = read(m_fd, &c, 1);
    if (n <= 0) throw TransportError(m_source, m_source + ": the target closed the connection");
    return c;
}

void GdbRemote::sendPacket(const std::string& payload) {
    unsigned sum = 0;
    for (const char c : payload) sum += static_cast<unsigned char>(c);
    char tail[4];
    std::snprintf(tail, sizeof tail, "#%02x", sum & 0xFFu);
    const std::string packet = "$" + payload + tail;
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (send(m_fd, packet.data(), packet.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(packet.size())) {
            throw TransportError(m_source, m_source + ": cannot send: " + std::strerror(errno));
        }
        const char ack = readChar();
        if (ack == '+') return;
        if (ack != '-') throw ProtocolError(m_source, m_source + ": unexpected '" + std::string(1, ack) + "' instead of an acknowledgement");
    }
    throw ProtocolError(m_source, m_source + ": the target rejected a packet three times");
}

namespace {
// A gdbstub's packets are a few KiB (QEMU's PacketSize is 4000); anything far longer is not one.
constexpr std::size_t kMaxPacketBytes = 64 << 10;
constexpr int kMaxResends = 8;

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string GdbRemote::receivePacket() {
    for (int attempt = 0; attempt <= kMaxResends; ++attempt) {
        while (readChar() != '$') {}
        std::string payload;
        char c;
        while ((c = readChar()) != '#') {
            payload += c;
            if (payload.size() > kMaxPacketBytes) throw ProtocolError(m_source, m_source + ": a reply longer than 64 KiB (not a GDB remote packet)");
        }
        const int high = hexDigit(readChar()), low = hexDigit(readChar());
        if (high < 0 || low < 0) throw ProtocolError(m_source, m_source + ": a reply's checksum is not two hex digits");
        unsigned expected = 0;
        for (const char ch : payload) expected += static_cast<unsigned char>(ch);
        if (static_cast<unsigned>(high * 16 + low) == (expected & 0xFFu)) {
            // The target may already have closed the socket (it ends after a detach): no SIGPIPE for that.
            (void)!send(m_fd, "+", 1, MSG_NOSIGNAL);
            return payload;
        }
        (void)!send(m_fd, "-", 1, MSG_NOSIGNAL);  // ask for it again
    }
    throw ProtocolError(m_source, m_source + ": " + std::to_string(kMaxResends + 1) + " replies in a row with a wrong checksum");
}

std::string GdbRemote::transact(const std::string& payload) {
    sendPacket(payload);
    return receivePacket();
}

void GdbRemote::writeMemory(std::uint32_t address, std::span<const std::uint8_t> bytes) {
    constexpr std::size_t kChunk = 1024;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kChunk) {
        const std::size_t n = std::min(kChunk, bytes.size() - offset);
        const auto at = address + static_cast<std::uint32_t>(offset);
        const std::string reply = transact("M" + hexNumber(at) + "," + hexNumber(static_cast<std::uint32_t>(n)) + ":" +
                                           hexBytes(reinterpret_cast<const char*>(bytes.data() + offset), n));
        if (reply != "OK") throw ProtocolError(m_source, m_source + ": writing " + std::to_string(n) + " bytes at 0x" + hexNumber(at) + " failed (" + reply + ")");
    }
}

std::string GdbRemote::readMemory(std::uint32_t address, std::uint32_t length) {
    std::string out;
    for (std::uint32_t offset = 0; offset < length; offset += 1024) {
        const std::uint32_t n = std::min<std::uint32_t>(1024, length - offset);
        const std::string reply = transact("m" + hexNumber(address + offset) + "," + hexNumber(n));
        if (reply.size() != 2 * n) throw ProtocolError(m_source, m_source + ": reading at 0x" + hexNumber(address + offset) + " failed (" + reply.substr(0, 8) + ")");
        for (std::size_t i = 0; i < reply.size(); i += 2) {
            const int high = hexDigit(reply[i]), low = hexDigit(reply[i + 1]);
            if (high < 0 || low < 0) throw ProtocolError(m_source, m_source + ": reading at 0x" + hexNumber(address + offset) + ": the reply is not hex");
            out += static_cast<char>(high * 16 + low);
        }
    }
    return out;
}

void GdbRemote::monitor(const std::string& command) {
    sendPacket("qRcmd," + hexBytes(command.data(), command.size()));
    while (true) {
        const std::string reply = receivePacket();
        if (!reply.empty() && reply[0] == 'O' && reply != "OK") continue;  // console output of the command
        if (reply != "OK") throw ProtocolError(m_source, m_source + ": monitor " + command + " failed (" + reply + ")");
        return;
    }
}

void GdbRemote::detach() {
    const std::string reply = transact("D");
    if (reply != "OK") throw ProtocolError(m_source, m_source + ": detach failed (" + reply + ")");
}

}  // namespace tinyforge::devices
