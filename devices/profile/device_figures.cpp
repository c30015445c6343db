#include "devices/profile/device_figures.h"

#include <cstdio>

namespace tinyforge::devices {

namespace {

std::string number(double value, const char* unit) {
    char text[48];
    std::snprintf(text, sizeof text, "%g %s", value, unit);
    return text;
}

std::string megahertz(double hz) { return number(hz / 1e6, "MHz"); }

// Whether an instruction count bounds the core's cycles from below: true for single-issue cores, where every
// instruction takes at least a cycle; the M7 can issue two a cycle.
bool singleIssue(const Board& board) { return board.core != "cortex-m7"; }

}  // namespace

double energyMicrojoules(const Board& board, double cycles) {
    if (board.power.runCurrentMa <= 0 || board.power.atHz == 0) return 0;
    // V [V] x I [mA] x 1e-3 / f [Hz] x cycles = J; x 1e6 for microjoules.
    return board.power.supplyV * board.power.runCurrentMa * 1e3 * cycles / static_cast<double>(board.power.atHz);
}

void describeCounts(core::results::DeviceResult& entry, const Board& board, const DeviceProfile& profile,
                    const std::vector<core::results::CExportLayer>& ops) {
    const bool emulated = profile.countsInstructions();
    entry.measured_on = emulated ? "emulator" : "board";
    entry.count_unit = emulated ? "instructions" : "cycles";
    entry.counter = emulated          ? "instructions (QEMU -icount; SysTick calibrated on a loop of known length)"
                    : profile.counter == "dwt" ? "core cycles (DWT->CYCCNT)"
                                               : "core cycles (SysTick at the core clock)";
    entry.latency_count = profile.countMedian;
    entry.latency_count_min = profile.countMin;
    entry.latency_count_max = profile.countMax;
    entry.mismatched_samples = profile.mismatched;
    const double count = static_cast<double>(profile.countMedian);
    if (emulated) {
        const double hz = static_cast<double>(board.clock.hz);
        entry.clock_hz = static_cast<std::int64_t>(board.clock.hz);
        entry.latency_ms_estimate = count * 1000.0 / hz;
        entry.latency_note = "estimate: " + std::to_string(profile.countMedian) + " emulated instructions at the board's " + megahertz(hz) +
                             " clock, one instruction a cycle; " +
                             (singleIssue(board) ? "a lower bound, since on a " + board.core + " loads, branches and multiplies can take more than one"
                                                 : "neither bound: a " + board.core + " can issue two instructions a cycle, and caches and flash wait states "
                                                   "are not modelled");
    } else {
        entry.clock_hz = profile.clockHz;
        entry.clock_configured = profile.clockConfigured;
        entry.latency_ms = count * 1000.0 / static_cast<double>(profile.clockHz);
    }
    if (const double energy = energyMicrojoules(board, count); energy > 0) {
        entry.energy_uj = energy;
        entry.energy_note = "estimate from the datasheet: " + std::to_string(profile.countMedian) + (emulated ? " instructions taken as cycles" : " cycles") +
                            " at " + number(board.power.supplyV, "V") + " and " + number(board.power.runCurrentMa, "mA") + " at " + megahertz(static_cast<double>(board.power.atHz)) + ", the current scaled with the clock. Source: " + board.power.source;
    }
    entry.layers.clear();
    for (std::size_t k = 0; k < profile.layerCounts.size(); ++k) {
        core::results::DeviceLayer layer;
        layer.op = static_cast<std::int64_t>(k);
        layer.count = profile.layerCounts[k];
        if (k < ops.size()) {
            layer.name = ops[k].name;
            layer.kind = ops[k].kind;
            layer.macs = ops[k].macs;
            layer.weight_bytes = ops[k].weight_bytes;
            if (layer.macs > 0) layer.count_per_mac = static_cast<double>(layer.count) / static_cast<double>(layer.macs);
        }
        entry.layers.push_back(layer);
    }
}

}  // namespace tinyforge::devices
