#pragma once
// Loading firmware through a GDB remote stub, as a debug probe does: write each segment into the target's memory,
// read it back, reset the core so it boots the new vector table, detach. Used for QEMU's emulated boards.

#include "devices/flash/flasher.h"

#include <filesystem>

namespace tinyforge::devices {

class GdbFlasher : public Flasher {
public:
    /// `socket`: the gdbstub's Unix socket; `target` names the board for messages ("qemu-system-arm -M netduinoplus2").
    GdbFlasher(std::filesystem::path socket, std::string target) : m_socket(std::move(socket)), m_target(std::move(target)) {}

    std::string describe() const override { return "the gdbstub of " + m_target; }
    void flash(const std::vector<LoadSegment>& segments, const FlashProgressFn& progress) override;

private:
    std::filesystem::path m_socket;
    std::string m_target;
};

}  // namespace tinyforge::devices
