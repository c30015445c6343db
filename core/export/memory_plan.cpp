#include "core/export/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace tinyforge::core::exporting {

namespace {

struct Lifetime {
    std::ptrdiff_t first = -1, last = -1;
    bool overlaps(const Lifetime& o) const { return first <= o.last && o.first <= last; }
};

std::vector<Lifetime> lifetimes(const quantized::IntModel& model) {
    std::vector<Lifetime> life(model.tensors.size());
    for (std::size_t i = 0; i < model.ops.size(); ++i) {
        const auto step = static_cast<std::ptrdiff_t>(i);
        const auto& op = model.ops[i];
        life[static_cast<std::size_t>(op.output)].first = step;
        life[static_cast<std::size_t>(op.output)].last = std::max(life[static_cast<std::size_t>(op.output)].last, step);
        for (const int in : {op.input, op.input2}) {
            if (in >= 0) life[static_cast<std::size_t>(in)].last = step;
        }
    }
    life[static_cast<std::size_t>(model.output)].last = static_cast<std::ptrdiff_t>(model.ops.size());
    return life;
}

}  // namespace

MemoryPlan planMemory(const quantized::IntModel& model, const std::vector<ResidualFusion>& fusions, std::int64_t alignment) {
    auto life = lifetimes(model);
    // A fused sum's output is written over its skip: one buffer. Sums chain (a block's output is the next block's
    // skip), so each tensor maps to the first of its chain, which lives until the last one's last reader.
    std::vector<int> sharesWith(model.tensors.size(), -1);
    std::vector<bool> planned(model.tensors.size(), true);
    const auto root = [&](std::size_t t) {
        while (sharesWith[t] >= 0) t = static_cast<std::size_t>(sharesWith[t]);
        return t;
    };
    for (const auto& fusion : fusions) {
        const auto sum = static_cast<std::size_t>(model.ops[fusion.add].output);
        sharesWith[sum] = fusion.skip;
        planned[sum] = false;
        planned[static_cast<std::size_t>(model.ops[fusion.conv].output)] = false;
    }
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
        if (sharesWith[t] >= 0) life[root(t)].last = std::max(life[root(t)].last, life[t].last);
    }
    MemoryPlan plan;
    plan.offsets.assign(model.tensors.size(), -1);
    std::vector<std::size_t> order;
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
        if (static_cast<int>(t) != model.input && life[t].first >= 0 && planned[t]) order.push_back(t);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return model.tensors[a].elements() > model.tensors[b].elements();
    });
    std::vector<std::size_t> placed;
    for (const std::size_t t : order) {
        const std::int64_t size = model.tensors[t].elements();
        // Busy ranges of placed tensors alive at the same time, by offset; take the first gap that fits.
        std::vector<std::pair<std::int64_t, std::int64_t>> busy;
        for (const std::size_t p : placed) {
            if (life[p].overlaps(life[t])) busy.emplace_back(plan.offsets[p], plan.offsets[p] + model.tensors[p].elements());
        }
        std::sort(busy.begin(), busy.end());
        std::int64_t offset = 0;
        for (const auto& [begin, end] : busy) {
            if (offset + size <= begin) break;
            offset = std::max(offset, (end + alignment - 1) / alignment * alignment);
        }
        plan.offsets[t] = offset;
        plan.arenaBytes = std::max(plan.arenaBytes, offset + size);
        placed.push_back(t);
    }
    for (std::size_t t = 0; t < model.tensors.size(); ++t) {
        if (sharesWith[t] >= 0) plan.offsets[t] = plan.offsets[root(t)];
    }
    plan.arenaBytes = (plan.arenaBytes + alignment - 1) / alignment * alignment;
    return plan;
}

}  // namespace tinyforge::core::exporting
