#include "devices/deploy/deploy_backends.h"

#include "core/error.h"

namespace tinyforge::devices {

namespace {
bool isLinuxBoard(const Board& board) { return board.kind == "linux"; }
}  // namespace

bool DeployBackend::serves(const Board& board) const {
    if ((boardKind == "linux") != isLinuxBoard(board)) return false;
    return !emulated || !board.emulatorMachine().empty();
}

const std::vector<DeployBackend>& deployBackends() {
    static const std::vector<DeployBackend> backends{
        {std::string(kQemuBackend), "QEMU (emulated core; counts instructions)",
         "the board's QEMU machine (the part itself, as the STM32F405's netduinoplus2, or a stand-in for its core: mps2-an386 for "
         "an M4, mps2-an500 for an M7, microbit for an M0), counting emulated instructions; the default for microcontrollers",
         "mcu", true, false, false, false, ""},
        {std::string(kDfuBackend), "USB DFU (the STM32 system bootloader)",
         "a board in its USB system bootloader (0483:df11), flashed over DfuSe; reads the board's UART", "mcu", false, true, true, false,
         "BUS:ADDRESS (empty: the only bootloader)"},
        {std::string(kStLinkBackend), "ST-Link (st-flash or OpenOCD)", "through an ST-Link probe with st-flash or OpenOCD; reads the board's UART",
         "mcu", false, true, true, false, "probe serial (empty: the only probe)"},
        {std::string(kSshBackend), "SSH (Raspberry Pi, Linux)", "a Raspberry Pi or Linux machine over SSH; the default for Linux boards",
         "linux", false, false, false, true, ""},
    };
    return backends;
}

std::vector<std::string> deployBackendIds() {
    std::vector<std::string> ids;
    for (const auto& b : deployBackends()) ids.push_back(b.id);
    return ids;
}

const DeployBackend& findDeployBackend(std::string_view id) {
    for (const auto& b : deployBackends()) {
        if (b.id == id) return b;
    }
    std::string known;
    for (const auto& b : deployBackends()) known += (known.empty() ? "" : ", ") + b.id;
    throw SettingsError("unknown backend '" + std::string(id) + "' (known: " + known + ")");
}

const DeployBackend& defaultDeployBackend(const Board& board) {
    return findDeployBackend(isLinuxBoard(board) ? kSshBackend : kQemuBackend);
}

const DeployBackend& chooseDeployBackend(const Board& board, std::string_view requested) {
    const DeployBackend& backend = requested.empty() ? defaultDeployBackend(board) : findDeployBackend(requested);
    if (backend.serves(board)) return backend;
    if (isLinuxBoard(board)) throw SettingsError("board " + board.id + " is a Linux board: it is deployed over SSH (--backend ssh, --host)");
    if (backend.boardKind == "linux") {
        std::string usable;
        for (const auto& b : deployBackends()) {
            if (b.serves(board)) usable += (usable.empty() ? "" : ", ") + b.id;
        }
        throw SettingsError("board " + board.id + " is a microcontroller: use --backend " + usable);
    }
    throw SettingsError("board " + board.id + " names no QEMU machine (\"qemu_machine\" or \"emulator\" in its board file); "
                        "--build-only builds its firmware");
}

}  // namespace tinyforge::devices
