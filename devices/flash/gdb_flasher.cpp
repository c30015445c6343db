#include "devices/flash/gdb_flasher.h"

#include "core/error.h"
#include "devices/device_error.h"
#include "devices/transport/gdb_remote.h"

namespace tinyforge::devices {

void GdbFlasher::flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) {
    std::uint64_t total = 0;
    for (const auto& s : segments) total += s.bytes.size();
    const auto report = [&](const char* phase, std::uint64_t done) {
        if (progress && !progress({phase, done, total})) throw Cancelled();
    };
    GdbRemote gdb(m_socket, 20);
    std::uint64_t done = 0;
    for (const auto& segment : segments) {
        gdb.writeMemory(segment.address, {reinterpret_cast<const std::uint8_t*>(segment.bytes.data()), segment.bytes.size()});
        report("download", done += segment.bytes.size());
    }
    done = 0;
    for (const auto& segment : segments) {
        if (gdb.readMemory(segment.address, static_cast<std::uint32_t>(segment.bytes.size())) != segment.bytes) {
            throw DeviceError(m_target + ": the flash does not read back as written");
        }
        report("verify", done += segment.bytes.size());
    }
    gdb.monitor("system_reset");  // the core fetches its stack pointer and entry from the new vector table
    gdb.detach();
}

}  // namespace tinyforge::devices
