#include "dfuse_device.h"

#include <algorithm>

namespace tinyforge::test {

namespace {

// Interface strings of the F405 bootloader's four alternate settings (AN2606): only the internal flash is written.
const char* const kAltNames[] = {
    "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
    "@Option Bytes  /0x1FFFC000/01*016 e",
    "@OTP Memory /0x1FFF7800/01*512 e,01*016 e",
    "@Device Feature/0xFFFF0000/01*004 e",
};
const char* const kStrings[] = {"", "STMicroelectronics", "STM32  BOOTLOADER", "3574364C3034"};
constexpr int kFirstAltString = 4;

enum Request : std::uint8_t { kDnload = 1, kUpload = 2, kGetStatus = 3, kClrStatus = 4, kGetState = 5, kAbort = 6 };
enum Status : std::uint8_t { kOk = 0, kErrWrite = 3, kErrCheckErased = 5, kErrAddress = 8, kErrStalled = 15 };

void le16(std::vector<std::uint8_t>& v, std::uint16_t x) {
    v.push_back(static_cast<std::uint8_t>(x));
    v.push_back(static_cast<std::uint8_t>(x >> 8));
}

}  // namespace

std::vector<std::uint8_t> stringDescriptor(const std::string& text) {
    std::vector<std::uint8_t> d{static_cast<std::uint8_t>(2 + 2 * text.size()), 3};
    for (char c : text) le16(d, static_cast<std::uint8_t>(c));
    return d;
}

DfuseDevice::DfuseDevice() : m_flash(1 << 20, 0xFF) {
    std::uint32_t at = kFlashBase;
    for (int i = 0; i < 12; ++i) {
        const std::uint32_t size = i < 4 ? 16 * 1024 : i == 4 ? 64 * 1024 : 128 * 1024;
        m_sectors.emplace_back(at, size);
        at += size;
    }
}

std::vector<std::uint8_t> DfuseDevice::descriptors() const {
    // Device: USB 2.0, class per interface, EP0 64 bytes, 0483:df11, bcdDevice 2.00, strings 1-3, one configuration.
    std::vector<std::uint8_t> d{18, 1, 0x00, 0x02, 0, 0, 0, 64};
    le16(d, 0x0483);
    le16(d, 0xdf11);
    le16(d, 0x0200);
    d.insert(d.end(), {1, 2, 3, 1});
    // Configuration: four alternate settings of interface 0 (class FE, subclass 1 DFU, protocol 2 DFU mode),
    // then the DFU functional descriptor: can download and upload, will detach, wTransferSize 2048, DfuSe 1.1a.
    const std::uint16_t total = 9 + 4 * 9 + 9;
    d.insert(d.end(), {9, 2});
    le16(d, total);
    d.insert(d.end(), {1, 1, 0, 0xC0, 50});
    for (std::uint8_t alt = 0; alt < 4; ++alt) d.insert(d.end(), {9, 4, 0, alt, 0, 0xFE, 1, 2, static_cast<std::uint8_t>(kFirstAltString + alt)});
    d.insert(d.end(), {9, 0x21, 0x0B});
    le16(d, 255);
    le16(d, kTransferSize);
    le16(d, 0x011A);
    return d;
}

UsbReply DfuseDevice::control(const SetupPacket& setup, std::span<const std::uint8_t> out) {
    if (m_gone) return UsbReply::vanished();
    if (setup.requestType == 0x80 && setup.request == 6 && (setup.value >> 8) == 3) {  // GET_DESCRIPTOR (string)
        const int index = setup.value & 0xFF;
        std::vector<std::uint8_t> d;
        if (index == 0) d = {4, 3, 0x09, 0x04};  // English (US)
        else if (index < kFirstAltString) d = stringDescriptor(kStrings[index]);
        else if (index < kFirstAltString + 4) d = stringDescriptor(kAltNames[index - kFirstAltString]);
        else return UsbReply::stall();
        d.resize(std::min<std::size_t>(d.size(), setup.length));
        return {UsbReply::Kind::ok, d};
    }
    if ((setup.requestType & 0x7F) != 0x21) return UsbReply::stall();
    switch (setup.request) {
    case kDnload: return download(setup.value, out);
    case kUpload: return upload(setup.value, setup.length);
    case kGetStatus: return status();
    case kGetState: return {UsbReply::Kind::ok, {m_state}};
    case kClrStatus:
        if (m_state != kError) return fail(kErrStalled);
        m_state = kIdle;
        m_status = kOk;
        return {};
    case kAbort:
        if (m_state == kIdle || m_state == kDnloadIdle || m_state == kUploadIdle) m_state = kIdle;
        return {};
    default: return fail(kErrStalled);
    }
}

UsbReply DfuseDevice::fail(std::uint8_t status) {
    m_state = kError;
    m_status = status;
    return UsbReply::stall();
}

UsbReply DfuseDevice::download(std::uint16_t block, std::span<const std::uint8_t> data) {
    if (m_state != kIdle && m_state != kDnloadIdle) return fail(kErrStalled);
    if (data.empty()) {  // leave DFU: manifest at the next GETSTATUS
        if (m_state != kDnloadIdle) return fail(kErrStalled);
        m_state = kManifestSync;
        return {};
    }
    if (block == 1 || data.size() > kTransferSize) return fail(kErrStalled);
    if (block >= 2) {
        ++dataBlocks;
        if (vanishAfterBlocks >= 0 && dataBlocks >= vanishAfterBlocks) {
            m_gone = true;
            return UsbReply::vanished();
        }
    }
    m_pendingBlock = block;
    m_pending.assign(data.begin(), data.end());
    m_state = kDnloadSync;
    return {};
}

std::uint8_t DfuseDevice::execute() {
    if (m_pendingBlock == 0) {
        if (m_alternate != 0) return kErrAddress;  // only the internal flash is modelled
        const std::uint8_t command = m_pending[0];
        std::uint32_t address = 0;
        if (m_pending.size() == 5) address = m_pending[1] | m_pending[2] << 8 | m_pending[3] << 16 | static_cast<std::uint32_t>(m_pending[4]) << 24;
        if (command == 0x21 && m_pending.size() == 5) {
            m_pointer = address;
            return kOk;
        }
        if (command == 0x41 && m_pending.size() == 5) {
            for (const auto& [start, size] : m_sectors) {
                if (address >= start && address - start < size) {
                    std::fill_n(m_flash.begin() + (start - kFlashBase), size, 0xFF);
                    erasedSectors.push_back(start);
                    return kOk;
                }
            }
            return kErrAddress;
        }
        return kErrStalled;
    }
    const std::uint64_t address = m_pointer + static_cast<std::uint64_t>(m_pendingBlock - 2) * kTransferSize;
    if (address < kFlashBase || address + m_pending.size() > kFlashBase + m_flash.size()) return kErrAddress;
    if (failWriteAt && *failWriteAt >= address && *failWriteAt < address + m_pending.size()) return kErrWrite;
    const auto at = m_flash.begin() + static_cast<std::ptrdiff_t>(address - kFlashBase);
    // Flash bits only go from 1 to 0: programming over unerased bytes is refused, as the bootloader checks.
    if (std::any_of(at, at + static_cast<std::ptrdiff_t>(m_pending.size()), [](std::uint8_t b) { return b != 0xFF; })) return kErrCheckErased;
    std::copy(m_pending.begin(), m_pending.end(), at);
    return kOk;
}

UsbReply DfuseDevice::status() {
    std::uint32_t pollMs = 0;
    if (m_state == kDnloadSync) {
        const std::uint8_t result = execute();
        if (result != kOk) {
            m_state = kError;
            m_status = result;
        } else {
            m_state = kDnBusy;
            pollMs = m_pendingBlock == 0 && m_pending[0] == 0x41 ? erasePollMs : 1;  // erasing takes longer than programming
        }
    } else if (m_state == kDnBusy) {
        m_state = kDnloadIdle;
    } else if (m_state == kManifestSync) {
        m_state = kManifest;
        left = true;
        if (onLeave) onLeave(m_flash);
        m_gone = true;  // the bootloader jumps to the firmware; the DFU device disappears after this answer
    }
    return {UsbReply::Kind::ok,
            {m_status, static_cast<std::uint8_t>(pollMs), static_cast<std::uint8_t>(pollMs >> 8), static_cast<std::uint8_t>(pollMs >> 16), m_state, 0}};
}

UsbReply DfuseDevice::upload(std::uint16_t block, std::uint16_t length) {
    if (m_state != kIdle && m_state != kUploadIdle) return fail(kErrStalled);
    if (block < 2) return fail(kErrStalled);
    const std::uint64_t address = m_pointer + static_cast<std::uint64_t>(block - 2) * kTransferSize;
    if (address < kFlashBase || address + length > kFlashBase + m_flash.size()) return fail(kErrAddress);
    m_state = kUploadIdle;
    const auto at = m_flash.begin() + static_cast<std::ptrdiff_t>(address - kFlashBase);
    return {UsbReply::Kind::ok, std::vector<std::uint8_t>(at, at + length)};
}

}  // namespace tinyforge::test
