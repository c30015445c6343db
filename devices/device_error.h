#pragma once
// Errors of the devices layer, one type per layer with its context as fields (after probe-rs): the CLI maps them to
// exit status 3 ("a device, connection or external tool failed"); a bad board file is bad input (DataError, exit 2).

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"

namespace tinyforge {

/// A board, a connection or an external tool failed; the message names which and where.
class DeviceError : public Error {
public:
    using Error::Error;
};

/// The link to a device failed: a USB device vanished, stalled, timed out or was denied; an SSH host refused,
/// dropped or never answered; a serial port could not be opened or read.
class TransportError : public DeviceError {
public:
    /// `endpoint` names the device or host: "USB 1:4 (0483:df11)", "pi@raspberrypi.local:22", "/dev/ttyACM0".
    TransportError(std::string endpoint, const std::string& message) : DeviceError(message), endpoint_(std::move(endpoint)) {}
    const std::string& endpoint() const noexcept { return endpoint_; }

private:
    std::string endpoint_;
};

/// A device answered, but not as its protocol allows: a DFU error status, a wrong state, a short reply, a GDB
/// remote packet the stub refused, a profile line that does not parse.
class ProtocolError : public DeviceError {
public:
    /// `status` is the protocol's status code (DFU bStatus) when it gave one; `address` the memory address involved.
    ProtocolError(std::string device, const std::string& message, std::optional<int> status = {}, std::optional<std::uint32_t> address = {})
        : DeviceError(message), device_(std::move(device)), status_(status), address_(address) {}
    const std::string& device() const noexcept { return device_; }
    std::optional<int> status() const noexcept { return status_; }
    std::optional<std::uint32_t> address() const noexcept { return address_; }

private:
    std::string device_;
    std::optional<int> status_;
    std::optional<std::uint32_t> address_;
};

/// An external program failed: a compiler, make, st-flash, OpenOCD, QEMU, or one that is not installed.
class ToolError : public DeviceError {
public:
    /// `exitCode` is the program's exit status (-1 when it did not start or timed out); `outputTail` the last of its output.
    ToolError(std::string program, int exitCode, std::string outputTail, const std::string& message)
        : DeviceError(message), program_(std::move(program)), exitCode_(exitCode), outputTail_(std::move(outputTail)) {}
    const std::string& program() const noexcept { return program_; }
    int exitCode() const noexcept { return exitCode_; }
    const std::string& outputTail() const noexcept { return outputTail_; }

private:
    std::string program_;
    int exitCode_;
    std::string outputTail_;
};

/// A board description (resources/boards/*.json) that is malformed: the file and the field are fields.
/// The message reads `FILE: field "ram_bytes" is missing` (or `FILE: PROBLEM` when the whole file is at fault).
class BoardFileError : public DataError {
public:
    /// `field` is the field's dotted name ("uart.base"), empty for the whole file.
    BoardFileError(const std::filesystem::path& file, const std::string& field, const std::string& problem)
        : DataError(file, field, problem, file.string() + ": " + (field.empty() ? "" : "field \"" + field + "\" ") + problem) {}
    const std::string& field() const noexcept { return location(); }
};

/// The last `lines` lines of a program's output, for a ToolError.
inline std::string tailOf(const std::string& output, int lines = 20) {
    std::size_t at = output.size();
    for (int n = 0; n <= lines && at > 0; ++n) {
        const auto newline = output.rfind('\n', at - 1);
        if (newline == std::string::npos) return output;
        if (n < lines) at = newline;
        else return output.substr(newline + 1);
    }
    return output.substr(at == output.size() ? 0 : at);
}

}  // namespace tinyforge
