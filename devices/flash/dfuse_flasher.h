#pragma once
// Flashing through the STM32 system bootloader's DfuSe interface (USB 0483:df11, ST's AN3156): the memory layout
// from the interface string, erase of the sectors the image touches, download in wTransferSize blocks, verify by
// upload, then leave DFU so the firmware starts.

#include <algorithm>

#include "devices/flash/flasher.h"
#include "devices/transport/usb_device.h"

namespace tinyforge::devices {

constexpr std::uint16_t kStVendorId = 0x0483;
constexpr std::uint16_t kStDfuProductId = 0xdf11;

class DfuseFlasher : public Flasher {
public:
    /// Flashes the device `id`; the context must outlive the flasher.
    DfuseFlasher(UsbContext& context, UsbDeviceId id) : m_context(context), m_id(id) {}

    std::string describe() const override { return "DfuSe " + m_id.describe(); }
    void flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) override;

    /// Milliseconds spent waiting on the device's bwPollTimeout in the last flash (erase and programming time).
    std::uint64_t polledMs() const { return m_polledMs; }

    /// The last block number used before the address pointer is moved and numbering restarts (0xFFFF; DFU block
    /// numbers are 16-bit). Lowered by tests, which cannot write 128 MB to see it happen.
    void setLastBlock(std::uint16_t last) { m_lastBlock = std::max<std::uint16_t>(last, 3); }

private:
    std::uint16_t m_lastBlock = 0xFFFF;
    UsbContext& m_context;
    UsbDeviceId m_id;
    std::uint64_t m_polledMs = 0;
};

/// The one STM32 in DFU mode among `devices`; throws DeviceError when there is none (with how to enter DFU mode)
/// or several (listing them, to pick one with --device BUS:ADDRESS).
UsbDeviceId findDfuDevice(const std::vector<UsbDeviceId>& devices, const std::string& wanted);

}  // namespace tinyforge::devices
