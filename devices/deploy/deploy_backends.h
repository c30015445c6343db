#pragma once
// The ways a model reaches a board, described once: the CLI's --backend, the Devices page's choices and fields, and
// discovery's "deploy with" hints all read this list. Ids are stored in summary.json and never change.

#include <string>
#include <string_view>
#include <vector>

#include "devices/boards/board.h"

namespace tinyforge::devices {

struct DeployBackend {
    std::string id;     ///< "qemu", "dfu", "stlink", "ssh"
    std::string label;  ///< for the window: what it is, in a few words
    std::string help;   ///< for the CLI: what it does and what it needs
    std::string boardKind;  ///< the board kind it serves: "mcu" or "linux"
    bool emulated = false;  ///< runs on an emulator: its timings are an emulator's (instructions), not a board's
    bool needsDevice = false;  ///< takes --device (a bootloader's BUS:ADDRESS, a probe's serial)
    bool needsPort = false;    ///< reads the board's UART: takes --port
    bool needsHost = false;    ///< reached over the network: takes --host (and SSH options)
    std::string deviceHint;    ///< what --device is for this backend

    /// Whether this backend can reach `board` (the emulator needs the board to name its QEMU machine).
    bool serves(const Board& board) const;
};

inline constexpr std::string_view kQemuBackend = "qemu", kDfuBackend = "dfu", kStLinkBackend = "stlink", kSshBackend = "ssh";

/// Every backend, in the order the window lists them.
const std::vector<DeployBackend>& deployBackends();

/// The ids, for argument checks: qemu, dfu, stlink, ssh.
std::vector<std::string> deployBackendIds();

/// The backend with `id`; throws SettingsError listing the known ids.
const DeployBackend& findDeployBackend(std::string_view id);

/// The backend a board uses when none is named: ssh for Linux boards, the emulator for microcontrollers.
const DeployBackend& defaultDeployBackend(const Board& board);

/// The backend `requested` ("" = the board's default), checked against the board; throws SettingsError saying which
/// backends the board takes.
const DeployBackend& chooseDeployBackend(const Board& board, std::string_view requested);

}  // namespace tinyforge::devices
