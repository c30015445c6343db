#pragma once
// What a microcontroller profile's counts mean, written into its device entry: the unit (instructions on an emulator,
// cycles on a chip), milliseconds (measured, or an estimate with its assumption), an energy estimate from the board
// file's datasheet figures, and the per-op list beside the host's MACs and weight bytes.

#include <vector>

#include "core/results/run_summary.h"
#include "devices/boards/board.h"
#include "devices/profile/profile_report.h"

namespace tinyforge::devices {

/// Sets count_unit, measured_on, counter, latency_count*, latency_ms or latency_ms_estimate with latency_note,
/// clock_hz, energy_uj with energy_note (boards with a "power" entry), layers and mismatched_samples.
/// `ops` names the exported model's ops in execution order (the C export's layers).
void describeCounts(core::results::DeviceResult& entry, const Board& board, const DeviceProfile& profile,
                    const std::vector<core::results::CExportLayer>& ops);

/// Energy per inference in microjoules from `cycles` and the board's datasheet run current, which scales with the
/// clock: E = V x (I / f) x cycles. 0 when the board file gives no "power".
double energyMicrojoules(const Board& board, double cycles);

}  // namespace tinyforge::devices
