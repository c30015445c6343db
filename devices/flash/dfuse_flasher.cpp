#include "devices/flash/dfuse_flasher.h"

#include "core/error.h"
#include "devices/device_error.h"
#include "devices/protocol/dfu.h"
#include "devices/protocol/dfuse_layout.h"

#include <algorithm>
#include <optional>
#include <chrono>
#include <functional>
#include <cstdio>
#include <thread>

namespace tinyforge::devices {

namespace {

// DfuSe commands: a DNLOAD of block 0 whose first byte says what to do with the address that follows.
constexpr std::uint8_t kSetAddressPointer = 0x21;
constexpr std::uint8_t kErasePage = 0x41;
// Data blocks start at 2: block n lands at address pointer + (n - 2) * wTransferSize.
constexpr std::uint16_t kFirstDataBlock = 2;
// A sector erase takes 1-2 s on an F4; a device busy longer than this is stuck.
constexpr std::uint64_t kMaxBusyMs = 60'000;
constexpr std::uint32_t kMaxPollMs = 5'000;
constexpr std::uint32_t kSliceMs = 50;

std::string hex32(std::uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

// One conversation with the bootloader: every request waits for the device to leave dfuDNBUSY, and an error status
// becomes a ProtocolError naming the device, the status, the address and what was being done.
class DfuseSession {
public:
    /// `keepGoing` is asked while the device is busy: false cancels within 50 ms, whatever poll time it asked for.
    DfuseSession(UsbDevice& device, int interfaceNumber, std::uint64_t& polledMs, std::function<bool()> keepGoing)
        : m_dfu(device, interfaceNumber), m_polledMs(polledMs), m_keepGoing(std::move(keepGoing)) {}

    /// `address` is the memory the request touched, when it touched one.
    DfuStatus waitWhileBusy(const std::string& what, std::optional<std::uint32_t> address = {}) {
        std::uint64_t waitedMs = 0;
        while (waitedMs <= kMaxBusyMs) {
            const DfuStatus s = m_dfu.getStatus(what);
            if (s.status != 0 || s.state == DfuState::error) {
                try {
                    m_dfu.clearStatus();  // leave the bootloader ready for the next attempt
                } catch (const DeviceError&) {
                }
                throw ProtocolError(m_dfu.device().id().describe(),
                                    m_dfu.device().id().describe() + " reported " + dfuStatusName(s.status) + " in " + dfuStateName(s.state) +
                                        " while " + what,
                                    s.status, address);
            }
            if (s.state != DfuState::dnBusy && s.state != DfuState::dnloadSync) return s;
            // The device names its own poll time (up to 4.6 hours in 24 bits): waited in slices, at most kMaxPollMs.
            const std::uint32_t poll = std::min<std::uint32_t>(std::max<std::uint32_t>(s.pollTimeoutMs, 1), kMaxPollMs);
            for (std::uint32_t slept = 0; slept < poll; slept += kSliceMs) {
                if (m_keepGoing && !m_keepGoing()) {
                    try {
                        m_dfu.abort();
                    } catch (const DeviceError&) {
                    }
                    throw Cancelled();
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(std::min(kSliceMs, poll - slept)));
            }
            m_polledMs += poll;
            waitedMs += poll;
        }
        throw ProtocolError(m_dfu.device().id().describe(), m_dfu.device().id().describe() + " stayed busy for over " +
                                                                std::to_string(kMaxBusyMs / 1000) + " s while " + what);
    }

    // dfuIDLE, from wherever an earlier session left the bootloader (an error, a half-done download or upload).
    void enterIdle() {
        DfuStatus s = m_dfu.getStatus("reading its state");
        if (s.state == DfuState::error) {
            m_dfu.clearStatus();
            s = m_dfu.getStatus("reading its state after DFU_CLRSTATUS");
        }
        if (s.state != DfuState::dfuIdle) {
            m_dfu.abort();
            s = m_dfu.getStatus("reading its state after DFU_ABORT");
        }
        if (s.state != DfuState::dfuIdle) {
            throw ProtocolError(m_dfu.device().id().describe(), m_dfu.device().id().describe() + " stays in " + dfuStateName(s.state) + " instead of dfuIDLE; reset the board into DFU mode again");
        }
    }

    void command(std::uint8_t code, std::uint32_t address, const std::string& what) {
        const std::uint8_t bytes[5] = {code, static_cast<std::uint8_t>(address), static_cast<std::uint8_t>(address >> 8),
                                       static_cast<std::uint8_t>(address >> 16), static_cast<std::uint8_t>(address >> 24)};
        m_dfu.download(0, bytes, what);
        waitWhileBusy(what, address);
    }

    DfuInterface& dfu() { return m_dfu; }

private:
    DfuInterface m_dfu;
    std::uint64_t& m_polledMs;
    std::function<bool()> m_keepGoing;
};

struct DfuTarget {
    UsbAltSetting setting;
    DfuseLayout layout;
};

// The alternate setting whose memory layout holds every segment in writable sectors ("@Internal Flash"; the others
// are option bytes, OTP, device features).
DfuTarget chooseTarget(UsbDevice& device, const std::vector<LoadSegment>& segments) {
    std::vector<DfuTarget> targets;
    for (const auto& alt : device.altSettings()) {
        if (alt.interfaceClass == 0xFE && alt.interfaceSubclass == 0x01) targets.push_back({alt, parseDfuseLayout(alt.name, device.id().describe())});
    }
    if (targets.empty()) throw DeviceError(device.id().describe() + " has no DFU interface");
    for (const auto& t : targets) {
        if (t.layout.sectorAt(segments.front().address)) {
            for (const auto& segment : segments) {
                const auto sectors = t.layout.sectorsCovering(segment.address, static_cast<std::uint32_t>(segment.bytes.size()));
                for (const auto& s : sectors) {
                    if (!s.writable || !s.erasable) {
                        throw DeviceError(device.id().describe() + ": the sector at " + hex32(s.address) + " of \"" + t.layout.name + "\" is not " +
                                          (s.writable ? "erasable" : "writable"));
                    }
                }
                // Every byte in a sector: summing sector sizes would let a segment across a gap between regions pass.
                if (!t.layout.covers(segment.address, segment.bytes.size())) {
                    throw DeviceError(device.id().describe() + ": " + std::to_string(segment.bytes.size()) + " bytes at " + hex32(segment.address) +
                                      " do not fit \"" + t.layout.name + "\"");
                }
            }
            return t;
        }
    }
    std::string names;
    for (const auto& t : targets) names += (names.empty() ? "" : ", ") + t.layout.name + " at " + hex32(t.layout.sectors.empty() ? 0 : t.layout.sectors.front().address);
    throw DeviceError(device.id().describe() + " has no memory at " + hex32(segments.front().address) + " (it offers " + names + ")");
}

void report(const FlashProgressFn& progress, DfuseSession& session, const FlashProgress& p, FlashProgress& last) {
    last = p;
    if (!progress || progress(p)) return;
    try {
        session.dfu().abort();
    } catch (const DeviceError&) {
    }
    throw Cancelled();
}

}  // namespace

void DfuseFlasher::flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) {
    if (segments.empty()) throw DeviceError(describe() + ": nothing to flash");
    m_polledMs = 0;
    UsbDevice device(m_context, m_id);
    const DfuTarget target = chooseTarget(device, segments);
    std::uint16_t transfer = 0;
    for (const auto& alt : device.altSettings()) transfer = std::max(transfer, dfuTransferSize(alt.extra));
    if (transfer == 0) throw DeviceError(m_id.describe() + " has no DFU functional descriptor (wTransferSize)");
    device.select(target.setting.interfaceNumber, target.setting.alternate);
    FlashProgress last{"erase", 0, 0};
    DfuseSession session(device, target.setting.interfaceNumber, m_polledMs, [&] { return !progress || progress(last); });
    session.enterIdle();

    // Erase every sector the image touches, once.
    std::vector<DfuseSector> sectors;
    std::uint64_t totalBytes = 0;
    for (const auto& segment : segments) {
        totalBytes += segment.bytes.size();
        for (const auto& s : target.layout.sectorsCovering(segment.address, static_cast<std::uint32_t>(segment.bytes.size()))) {
            if (std::none_of(sectors.begin(), sectors.end(), [&](const auto& e) { return e.address == s.address; })) sectors.push_back(s);
        }
    }
    for (std::size_t i = 0; i < sectors.size(); ++i) {
        report(progress, session, {"erase", i, sectors.size()}, last);
        session.command(kErasePage, sectors[i].address, "erasing the sector at " + hex32(sectors[i].address));
    }
    report(progress, session, {"erase", sectors.size(), sectors.size()}, last);

    std::uint64_t done = 0;
    for (const auto& segment : segments) {
        std::uint32_t block = m_lastBlock + 1;  // the address pointer is set before the first block
        for (std::size_t at = 0; at < segment.bytes.size(); at += transfer, ++block) {
            const std::size_t n = std::min<std::size_t>(transfer, segment.bytes.size() - at);
            const std::uint32_t address = segment.address + static_cast<std::uint32_t>(at);
            // Block numbers are 16-bit: past the last one, the address pointer moves here and numbering restarts.
            if (block > m_lastBlock) {
                session.command(kSetAddressPointer, address, "setting the address to " + hex32(address));
                block = kFirstDataBlock;
            }
            const std::string what = "writing " + std::to_string(n) + " bytes at " + hex32(address);
            session.dfu().download(static_cast<std::uint16_t>(block), {reinterpret_cast<const std::uint8_t*>(segment.bytes.data()) + at, n}, what);
            session.waitWhileBusy(what, address);
            done += n;
            report(progress, session, {"download", done, totalBytes}, last);
        }
    }

    // Verify by reading everything back: UPLOAD works from dfuIDLE, so each address command is followed by ABORT.
    done = 0;
    std::vector<std::uint8_t> buffer(transfer);
    for (const auto& segment : segments) {
        std::uint32_t block = m_lastBlock + 1;
        for (std::size_t at = 0; at < segment.bytes.size(); at += transfer, ++block) {
            const std::size_t n = std::min<std::size_t>(transfer, segment.bytes.size() - at);
            const std::uint32_t address = segment.address + static_cast<std::uint32_t>(at);
            if (block > m_lastBlock) {
                session.dfu().abort();
                session.command(kSetAddressPointer, address, "setting the address to " + hex32(address) + " to verify");
                session.dfu().abort();
                block = kFirstDataBlock;
            }
            const std::size_t got = session.dfu().upload(static_cast<std::uint16_t>(block), {buffer.data(), n}, "reading back " + hex32(address));
            for (std::size_t k = 0; k < n; ++k) {
                if (k >= got || buffer[k] != static_cast<std::uint8_t>(segment.bytes[at + k])) {
                    throw ProtocolError(describe(), describe() + ": verify failed at " + hex32(address + static_cast<std::uint32_t>(k)) + ": the flash does not read back as written",
                                        std::nullopt, address + static_cast<std::uint32_t>(k));
                }
            }
            done += n;
            report(progress, session, {"verify", done, totalBytes}, last);
        }
    }
    session.dfu().abort();

    // Leave DFU: point at the vector table, then a zero-length download; the bootloader manifests and jumps there,
    // dropping off the bus, so a failed final status request is expected.
    std::uint32_t start = segments.front().address;
    for (const auto& s : segments) start = std::min(start, s.address);
    session.command(kSetAddressPointer, start, "setting the start address " + hex32(start));
    session.dfu().download(kFirstDataBlock, {}, "leaving DFU mode");
    try {
        session.dfu().getStatus("leaving DFU mode");
    } catch (const DeviceError&) {
    }
}

UsbDeviceId findDfuDevice(const std::vector<UsbDeviceId>& devices, const std::string& wanted) {
    std::vector<UsbDeviceId> found;
    for (const auto& d : devices) {
        if (d.vendor != kStVendorId || d.product != kStDfuProductId) continue;
        if (!wanted.empty() && wanted != std::to_string(d.bus) + ":" + std::to_string(d.address)) continue;
        found.push_back(d);
    }
    if (found.size() == 1) return found.front();
    if (found.empty()) {
        if (!wanted.empty()) throw DeviceError("no STM32 in DFU mode (USB 0483:df11) at bus:address " + wanted);
        throw DeviceError("no STM32 in DFU mode (USB 0483:df11) is connected: hold BOOT0 high and reset the board, then try again");
    }
    std::string list;
    for (const auto& d : found) list += "\n  " + std::to_string(d.bus) + ":" + std::to_string(d.address) + "  " + d.describe();
    throw DeviceError("several STM32s are in DFU mode; pick one with --device BUS:ADDRESS:" + list);
}

}  // namespace tinyforge::devices
