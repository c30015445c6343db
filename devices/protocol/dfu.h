#pragma once
// DFU 1.1 class requests on one interface of an opened USB device (USB Device Firmware Upgrade 1.1, section 6):
// DNLOAD, UPLOAD, GETSTATUS, CLRSTATUS, ABORT, and the functional descriptor's transfer size.

#include "devices/transport/usb_device.h"

#include <cstdint>
#include <span>
#include <string>

namespace tinyforge::devices {

/// bState values (DFU 1.1 table 6.1).
enum class DfuState : std::uint8_t {
    appIdle = 0, appDetach = 1, dfuIdle = 2, dnloadSync = 3, dnBusy = 4, dnloadIdle = 5, manifestSync = 6,
    manifest = 7, manifestWaitReset = 8, uploadIdle = 9, error = 10,
};

struct DfuStatus {
    std::uint8_t status = 0;          ///< bStatus: 0 OK, else errTARGET ... errSTALLEDPKT
    std::uint32_t pollTimeoutMs = 0;  ///< how long to wait before the next GETSTATUS
    DfuState state = DfuState::dfuIdle;
};

/// "errWRITE (the device could not program the memory)": bStatus named as the specification names it.
std::string dfuStatusName(std::uint8_t status);
/// "dfuDNBUSY": bState named as the specification names it.
std::string dfuStateName(DfuState state);

/// wTransferSize of the DFU functional descriptor (type 0x21) among a setting's class descriptors; 0 when absent.
std::uint16_t dfuTransferSize(std::span<const std::uint8_t> extra);

class DfuInterface {
public:
    DfuInterface(UsbDevice& device, int interfaceNumber) : m_device(device), m_interface(interfaceNumber) {}

    void download(std::uint16_t block, std::span<const std::uint8_t> data, const std::string& what);
    std::size_t upload(std::uint16_t block, std::span<std::uint8_t> data, const std::string& what);
    DfuStatus getStatus(const std::string& what);
    void clearStatus();
    void abort();
    UsbDevice& device() { return m_device; }

private:
    UsbDevice& m_device;
    int m_interface;
};

}  // namespace tinyforge::devices
