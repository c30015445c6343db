#pragma once
// A client of the GDB remote serial protocol, as a debug probe's host software speaks it: write memory, run monitor
// commands, detach. Used to load firmware into QEMU's emulated boards through their gdbstub (over a Unix socket).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace tinyforge::devices {

class GdbRemote {
public:
    /// Connects to a gdbstub listening on the Unix socket `path`, retrying until `timeoutSeconds` pass (the emulator
    /// may still be starting). Throws DeviceError naming the socket.
    GdbRemote(const std::filesystem::path& path, int timeoutSeconds);
    ~GdbRemote();
    GdbRemote(const GdbRemote&) = delete;
    GdbRemote& operator=(const GdbRemote&) = delete;

    /// Writes `bytes` at `address` ('M' packets of at most 1 KiB); throws DeviceError on an error reply.
    void writeMemory(std::uint32_t address, std::span<const std::uint8_t> bytes);
    /// Reads `length` bytes at `address` ('m' packets), to verify what was written.
    std::string readMemory(std::uint32_t address, std::uint32_t length);
    /// Runs a monitor command (qRcmd), e.g. "system_reset"; throws DeviceError unless it answers OK.
    void monitor(const std::string& command);
    /// Detaches; the target runs on.
    void detach();

    /// One request and its reply's payload (checksums and acknowledgements handled). Exposed for tests.
    std::string transact(const std::string& payload);

private:
    void sendPacket(const std::string& payload);
    std::string receivePacket();
    char readChar();

    int m_fd = -1;
    std::string m_source;
    int m_timeoutMs = 10000;
};

}  // namespace tinyforge::devices
