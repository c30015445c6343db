#include "devices/protocol/dfu.h"

#include "devices/device_error.h"

namespace tinyforge::devices {

namespace {

// Class request to an interface: 0x21 host-to-device, 0xA1 device-to-host (the direction bit is added below).
constexpr std::uint8_t kClassInterface = 0x21;
enum Request : std::uint8_t { kDnload = 1, kUpload = 2, kGetStatus = 3, kClrStatus = 4, kAbort = 6 };

}  // namespace

std::string dfuStatusName(std::uint8_t status) {
    static const char* const names[] = {
        "OK",
        "errTARGET (the file is not for this device)",
        "errFILE (the file failed a vendor check)",
        "errWRITE (the device could not program the memory)",
        "errERASE (the memory erase failed)",
        "errCHECK_ERASED (the memory was not erased)",
        "errPROG (the programming memory function failed)",
        "errVERIFY (the programmed memory failed verification)",
        "errADDRESS (an address outside the valid range)",
        "errNOTDONE (DNLOAD ended before the firmware was complete)",
        "errFIRMWARE (the device's firmware is corrupt)",
        "errVENDOR (a vendor-specific error)",
        "errUSBR (an unexpected USB reset)",
        "errPOR (an unexpected power-on reset)",
        "errUNKNOWN",
        "errSTALLEDPKT (the device stalled an unexpected request)",
    };
    if (status < std::size(names)) return names[status];
    return "status " + std::to_string(status) + " (not defined by DFU 1.1)";
}

std::string dfuStateName(DfuState state) {
    static const char* const names[] = {"appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY", "dfuDNLOAD-IDLE",
                                        "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR"};
    const auto i = static_cast<std::size_t>(state);
    if (i < std::size(names)) return names[i];
    return "state " + std::to_string(i);
}

std::uint16_t dfuTransferSize(std::span<const std::uint8_t> extra) {
    // A run of descriptors: bLength, bDescriptorType, ...; DFU functional: 9 bytes, wTransferSize at offset 5.
    for (std::size_t at = 0; at + 2 <= extra.size() && extra[at] >= 2; at += extra[at]) {
        if (extra[at + 1] == 0x21 && extra[at] >= 7 && at + 7 <= extra.size()) {
            return static_cast<std::uint16_t>(extra[at + 5] | (extra[at + 6] << 8));
        }
    }
    return 0;
}

void DfuInterface::download(std::uint16_t block, std::span<const std::uint8_t> data, const std::string& what) {
    m_device.controlOut(kClassInterface, kDnload, block, static_cast<std::uint16_t>(m_interface), data, "DFU_DNLOAD (" + what + ")");
}

std::size_t DfuInterface::upload(std::uint16_t block, std::span<std::uint8_t> data, const std::string& what) {
    return m_device.controlIn(kClassInterface, kUpload, block, static_cast<std::uint16_t>(m_interface), data, "DFU_UPLOAD (" + what + ")");
}

DfuStatus DfuInterface::getStatus(const std::string& what) {
    std::uint8_t reply[6] = {};
    const std::size_t n = m_device.controlIn(kClassInterface, kGetStatus, 0, static_cast<std::uint16_t>(m_interface), reply,
                                             "DFU_GETSTATUS (" + what + ")");
    if (n != 6) throw ProtocolError(m_device.id().describe(), m_device.id().describe() + " answered DFU_GETSTATUS with " + std::to_string(n) + " bytes instead of 6");
    return {reply[0], static_cast<std::uint32_t>(reply[1] | (reply[2] << 8) | (reply[3] << 16)), static_cast<DfuState>(reply[4])};
}

void DfuInterface::clearStatus() {
    m_device.controlOut(kClassInterface, kClrStatus, 0, static_cast<std::uint16_t>(m_interface), {}, "DFU_CLRSTATUS");
}

void DfuInterface::abort() { m_device.controlOut(kClassInterface, kAbort, 0, static_cast<std::uint16_t>(m_interface), {}, "DFU_ABORT"); }

}  // namespace tinyforge::devices
