#include "core/export/residual_fusion.h"

#include <algorithm>

namespace tinyforge::core::exporting {

namespace {

using quantized::IntModel;
using quantized::IntOpKind;

// How many ops read `tensor`, and the index of the last (-1: none).
std::pair<int, std::ptrdiff_t> readers(const IntModel& model, int tensor) {
    int count = 0;
    std::ptrdiff_t last = -1;
    for (std::size_t i = 0; i < model.ops.size(); ++i) {
        const auto& op = model.ops[i];
        const int reads = (op.input == tensor) + (op.input2 == tensor);
        if (reads > 0) {
            count += reads;
            last = static_cast<std::ptrdiff_t>(i);
        }
    }
    return {count, last};
}

}  // namespace

std::vector<ResidualFusion> findResidualFusions(const IntModel& model) {
    std::vector<ResidualFusion> fusions;
    for (std::size_t i = 0; i + 1 < model.ops.size(); ++i) {
        const auto& conv = model.ops[i];
        const auto& add = model.ops[i + 1];
        if (conv.kind != IntOpKind::Conv2d || add.kind != IntOpKind::Add) continue;
        const bool convIsFirst = add.input == conv.output;
        if (!convIsFirst && add.input2 != conv.output) continue;
        const int skip = convIsFirst ? add.input2 : add.input;
        if (skip == conv.output || skip == conv.input || skip == model.input || conv.output == model.output) continue;
        if (readers(model, conv.output).first != 1) continue;
        if (readers(model, skip).second != static_cast<std::ptrdiff_t>(i + 1)) continue;  // read later: keep it
        if (model.tensors[static_cast<std::size_t>(skip)].elements() != model.tensors[static_cast<std::size_t>(add.output)].elements()) continue;
        fusions.push_back({i, i + 1, skip, convIsFirst});
    }
    return fusions;
}

std::optional<ResidualFusion> fusionAt(const std::vector<ResidualFusion>& fusions, std::size_t op) {
    const auto found = std::find_if(fusions.begin(), fusions.end(), [&](const ResidualFusion& f) { return f.conv == op || f.add == op; });
    if (found == fusions.end()) return std::nullopt;
    return *found;
}

}  // namespace tinyforge::core::exporting
