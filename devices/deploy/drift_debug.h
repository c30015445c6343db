#pragma once
// The drift debugger (tinyforge-cli diff, the Devices page): when a board's outputs differ from the studio's integer
// reference, find where. The firmware is built to report every op's int8 output for one test sample; each is compared
// with the reference interpreter's output of the same op, and the first op that differs is named.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/contract/json_contract.h"
#include "devices/deploy/deploy_run.h"

namespace tinyforge::devices {

/// One op's output on the device beside the reference's.
struct LayerDrift {
    std::int64_t op = 0;
    std::string name, kind;
    std::int64_t values = 0;              ///< int8 values the op writes
    std::int64_t differing = 0;           ///< how many differ
    std::int64_t max_difference = 0;      ///< the largest |device - reference|
    std::vector<std::int64_t> reference, device;  ///< the values, side by side
    std::optional<std::int64_t> fused_into;       ///< a convolution run with the residual sum after it: no output of its own
    static constexpr std::string_view kName = "LayerDrift", kDoc = "One op's int8 output on the device and in the reference";
    static auto fields() {
        using S = LayerDrift;
        using core::contract::field;
        return std::tuple{field("op", &S::op, "index in execution order"), field("name", &S::name, "the model's layer name"),
                          field("kind", &S::kind, "conv2d, fully_connected, ..."), field("values", &S::values, "int8 values it writes", "values"),
                          field("differing", &S::differing, "values that differ from the reference", "values"),
                          field("max_difference", &S::max_difference, "largest |device - reference|", "int8 steps"),
                          field("reference", &S::reference, "the integer reference's output"), field("device", &S::device, "the device's output"),
                          field("fused_into", &S::fused_into, "a convolution that ran the residual sum after it (that op's index): compared there")};
    }
};

struct DriftReport {
    std::string board, backend;
    std::int64_t sample = 0;  ///< index among the run's test samples, in the order deploy embeds them
    std::optional<std::int64_t> first_divergent_op;  ///< absent: every op matched
    std::vector<LayerDrift> layers;
    static constexpr std::string_view kName = "DriftReport", kDoc = "Where a device's computation departs from the integer reference";
    static auto fields() {
        using S = DriftReport;
        using core::contract::field;
        return std::tuple{field("board", &S::board, "board id"), field("backend", &S::backend, "how it was reached"),
                          field("sample", &S::sample, "the test sample run"),
                          field("first_divergent_op", &S::first_divergent_op, "the first op whose output differs"),
                          field("layers", &S::layers, "every op, in execution order")};
    }
};

/// Runs test sample `sample` through the run's model on the board with every op's output reported, and compares each
/// with the integer reference. Microcontrollers only (the qemu, dfu and stlink backends). The firmware project is
/// built in options.workDir (default RUN/diff/<board>).
/// Throws SettingsError for a sample outside the test split or a Linux board, and as deployRun does otherwise.
DriftReport findDrift(const std::filesystem::path& runDir, DeployOptions options, std::int64_t sample);

}  // namespace tinyforge::devices
