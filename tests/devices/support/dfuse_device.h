#pragma once
// An STM32F405's system bootloader as seen over USB (0483:df11): the DFU 1.1 state machine with ST's DfuSe commands
// (AN3156: set address, erase sector, data blocks from 2, upload, leave), over 1 MiB of flash in the F405's sectors.
// Faults can be injected: a write error at an address, or dropping off the bus after some data blocks.

#include "usb_model.h"

#include <functional>
#include <optional>
#include <string>

namespace tinyforge::test {

class DfuseDevice : public UsbDeviceModel {
public:
    static constexpr std::uint32_t kFlashBase = 0x08000000;
    static constexpr std::uint16_t kTransferSize = 2048;

    DfuseDevice();

    std::vector<std::uint8_t> descriptors() const override;
    UsbReply control(const SetupPacket& setup, std::span<const std::uint8_t> out) override;
    void setAlternate(int, int alternate) override { m_alternate = alternate; }
    bool gone() const override { return m_gone; }

    // Faults.
    std::optional<std::uint32_t> failWriteAt;  ///< a data block covering this address ends in errWRITE
    int vanishAfterBlocks = -1;                ///< drop off the bus when this many data blocks have arrived
    std::uint32_t erasePollMs = 3;             ///< bwPollTimeout asked for after an erase command (24 bits)

    /// Called with the whole flash when the host leaves DFU (the bootloader would jump to the firmware now).
    std::function<void(const std::vector<std::uint8_t>& flash)> onLeave;

    // What happened.
    const std::vector<std::uint8_t>& flash() const { return m_flash; }
    std::vector<std::uint32_t> erasedSectors;
    int dataBlocks = 0;
    bool left = false;

private:
    enum State : std::uint8_t { kIdle = 2, kDnloadSync = 3, kDnBusy = 4, kDnloadIdle = 5, kManifestSync = 6, kManifest = 7, kUploadIdle = 9, kError = 10 };
    UsbReply download(std::uint16_t block, std::span<const std::uint8_t> data);
    UsbReply upload(std::uint16_t block, std::uint16_t length);
    UsbReply status();
    std::uint8_t execute();  // the pending download, run at the GETSTATUS that follows it; returns bStatus
    UsbReply fail(std::uint8_t status);

    std::vector<std::uint8_t> m_flash;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_sectors;  // address, size
    State m_state = kIdle;
    std::uint8_t m_status = 0;
    std::uint32_t m_pointer = kFlashBase;
    std::uint16_t m_pendingBlock = 0;
    std::vector<std::uint8_t> m_pending;
    int m_alternate = 0;
    bool m_gone = false;
};

}  // namespace tinyforge::test
