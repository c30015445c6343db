#pragma once
// The steps deploy and the drift debugger share: export the run's model as C into a work folder, build firmware for
// a board (profile or layer dump), run it through a backend and return what it reported.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/pipeline/run_folder.h"
#include "core/results/run_summary.h"
#include "devices/boards/board.h"
#include "devices/deploy/deploy_run.h"
#include "devices/firmware/firmware_project.h"

namespace tinyforge::devices {

/// The board, the backend it is reached through, and the run's model exported as C into `work`/model.
struct PreparedDeploy {
    Board board;
    std::string backend;  ///< empty for a build without a backend (--build-only)
    std::filesystem::path work;
    core::results::CExportResult model;  ///< the C export (its layers name the ops the profile counts)
    /// Exports the model again into `work`/model with this flash budget (none: the smallest encodings); what
    /// buildFittingFirmware calls when the fastest encodings leave the firmware's code no room.
    std::function<core::results::CExportResult(std::optional<std::int64_t> flashBudget)> exportModel;
    bool budgetGiven = false;  ///< the caller set DeployOptions::flashBudget: it is not refitted
    bool emulated() const;
    /// Where the firmware runs, as messages name it: "qemu-system-arm -M netduinoplus2" or "stm32f405 over dfu".
    std::string source() const;
};

/// Checks the board and backend (unless `buildOnly`) and exports the model with the embedded test samples.
/// Throws SettingsError for an unknown board or a backend that does not serve it, DataError for a run without a
/// quantized model.
PreparedDeploy prepareDeploy(const core::pipeline::RunFolder& run, const DeployOptions& options, bool buildOnly);

/// Writes and builds the firmware project in `projectDir`. When the image does not fit the part and no budget was
/// given, exports the model again within what the firmware's code leaves of the flash (or in its smallest encodings)
/// and builds again. Throws DeviceError when it does not build or fit the part.
FirmwareImage buildFittingFirmware(PreparedDeploy& p, const std::filesystem::path& projectDir, const FirmwareTarget& target,
                                   const CancelRequested& cancelled = {});

/// Runs the image through the prepared backend (QEMU, DFU or ST-Link) and returns everything the firmware printed up
/// to its last line. Throws DeviceError (or a subclass) when it cannot be run or read.
std::string runFirmware(const PreparedDeploy& p, const DeployOptions& options, const FirmwareImage& image,
                        bool (*isLastLine)(const std::string& line));

/// The QEMU command line's fixed part for a board: machine, consoles and -icount. The shift makes one instruction
/// 2^7 ns of virtual time, so SysTick advances at least twice per instruction on every machine the boards use and
/// instruction counts come out whole.
std::vector<std::string> qemuCommand(const Board& board, bool uart);

}  // namespace tinyforge::devices
