#include <catch2/catch.hpp>

#include "core/export/memory_plan.h"

using namespace tinyforge::core;
using namespace tinyforge::core::quantized;

namespace {
IntModel chain(const std::vector<std::int64_t>& sizes) {
    IntModel m;
    for (const auto s : sizes) m.tensors.push_back({{s}, {}});
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
        IntOp op;
        op.input = static_cast<int>(i);
        op.output = static_cast<int>(i + 1);
        m.ops.push_back(op);
    }
    m.output = static_cast<int>(sizes.size() - 1);
    return m;
}
}  // namespace

TEST_CASE("The memory plan reuses a buffer once its readers are done", "[core][export]") {
    // input -> t1 (100) -> t2 (50) -> t3 (100): t1 and t3 never live together, t2 overlaps both.
    const auto plan = exporting::planMemory(chain({8, 100, 50, 100}));
    CHECK(plan.offsets[0] == -1);  // the caller's input buffer
    CHECK(plan.offsets[1] == 0);
    CHECK(plan.offsets[3] == 0);
    CHECK(plan.offsets[2] == 100);
    CHECK(plan.arenaBytes == 152);  // 150 rounded up to the 4-byte alignment
}

TEST_CASE("The memory plan keeps a residual branch alive until the addition", "[core][export]") {
    // input -> a (64) -> b (64) -> c (64); add(c, a) -> d (64): a lives until the add.
    auto m = chain({16, 64, 64, 64});
    m.tensors.push_back({{64}, {}});
    IntOp add;
    add.kind = IntOpKind::Add;
    add.input = 3;
    add.input2 = 1;
    add.output = 4;
    m.ops.push_back(add);
    m.output = 4;
    const auto plan = exporting::planMemory(m);
    // a overlaps b, c and d; b overlaps c; c overlaps d. Three buffers at once at most.
    CHECK(plan.arenaBytes == 192);
    CHECK(plan.offsets[1] != plan.offsets[2]);
    CHECK(plan.offsets[1] != plan.offsets[3]);
    CHECK(plan.offsets[1] != plan.offsets[4]);
    CHECK(plan.offsets[3] != plan.offsets[4]);
    CHECK(plan.offsets[2] == plan.offsets[4]);  // b is dead by the add: d takes its place
}
