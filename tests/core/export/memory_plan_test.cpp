#include <catch2/catch.hpp>

#include "core/export/memory_plan.h"
#include "core/export/residual_fusion.h"

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

namespace {
// input -> x (64) -> a (64) -> b (64); add(b, x) -> z (64) -> c (32): one ResNet block, then a layer after it.
IntModel residualBlock() {
    auto m = chain({16, 64, 64, 64});
    m.ops[0].kind = m.ops[1].kind = m.ops[2].kind = IntOpKind::Conv2d;
    m.tensors.push_back({{64}, {}});
    IntOp add;
    add.kind = IntOpKind::Add;
    add.input = 3;
    add.input2 = 1;
    add.output = 4;
    m.ops.push_back(add);
    m.tensors.push_back({{32}, {}});
    IntOp last;
    last.kind = IntOpKind::Conv2d;
    last.input = 4;
    last.output = 5;
    m.ops.push_back(last);
    m.output = 5;
    return m;
}
}  // namespace

TEST_CASE("A residual sum fuses into the convolution before it, which then writes over the skip", "[core][export]") {
    const IntModel m = residualBlock();
    const auto fusions = exporting::findResidualFusions(m);
    REQUIRE(fusions.size() == 1);
    CHECK(fusions[0].conv == 2);
    CHECK(fusions[0].add == 3);
    CHECK(fusions[0].skip == 1);
    CHECK(fusions[0].convIsFirst);
    CHECK(exporting::fusionAt(fusions, 3)->conv == 2);
    CHECK_FALSE(exporting::fusionAt(fusions, 1));

    const auto unfused = exporting::planMemory(m);
    const auto plan = exporting::planMemory(m, fusions);
    CHECK(unfused.arenaBytes == 192);  // x, a and b alive while b is written
    CHECK(plan.arenaBytes == 128);     // x and a: b has no buffer, the sum is x's
    CHECK(plan.offsets[3] == -1);
    CHECK(plan.offsets[4] == plan.offsets[1]);
    CHECK(plan.offsets[1] != plan.offsets[2]);
    CHECK(plan.offsets[5] != plan.offsets[4]);  // z (x's bytes) lives until the last conv reads it

    // The skip as the sum's second operand: the C export swaps the operands, the plan is the same.
    IntModel swapped = m;
    std::swap(swapped.ops[3].input, swapped.ops[3].input2);
    const auto swappedFusions = exporting::findResidualFusions(swapped);
    REQUIRE(swappedFusions.size() == 1);
    CHECK_FALSE(swappedFusions[0].convIsFirst);
    CHECK(exporting::planMemory(swapped, swappedFusions).arenaBytes == 128);
}

TEST_CASE("A residual sum is not fused where writing over the skip would be wrong", "[core][export]") {
    SECTION("the skip is read after the sum") {
        IntModel m = residualBlock();
        m.ops[4].kind = IntOpKind::Add;
        m.ops[4].input2 = 1;  // x read again by the last op
        m.tensors[5].shape = {64};
        CHECK(exporting::findResidualFusions(m).empty());
    }
    SECTION("the convolution's output is read by another op too") {
        IntModel m = residualBlock();
        m.ops[4].input = 3;
        CHECK(exporting::findResidualFusions(m).empty());
    }
    SECTION("the skip is the caller's input") {
        IntModel m = residualBlock();
        m.ops[3].input2 = 0;
        CHECK(exporting::findResidualFusions(m).empty());
    }
    SECTION("the skip is the convolution's own input") {
        IntModel m = residualBlock();
        m.ops[3].input2 = 2;
        CHECK(exporting::findResidualFusions(m).empty());
    }
    SECTION("an op between the convolution and the sum") {
        IntModel m = residualBlock();
        m.ops[2].kind = IntOpKind::MaxPool2d;
        CHECK(exporting::findResidualFusions(m).empty());
    }
}

TEST_CASE("Chained fused sums share one buffer from the first skip to the last sum's reader", "[core][export]") {
    // Two identity blocks: x -> a -> b, z1 = b + x; z1 -> c -> d, z2 = d + z1; z2 -> e (16).
    IntModel m;
    for (int t = 0; t < 8; ++t) m.tensors.push_back({{64}, {}});
    m.tensors.push_back({{16}, {}});
    const auto op = [&](IntOpKind kind, int in, int out, int in2 = -1) {
        IntOp o;
        o.kind = kind;
        o.input = in;
        o.input2 = in2;
        o.output = out;
        m.ops.push_back(o);
    };
    op(IntOpKind::Conv2d, 0, 1);          // x
    op(IntOpKind::Conv2d, 1, 2);          // a
    op(IntOpKind::Conv2d, 2, 3);          // b
    op(IntOpKind::Add, 3, 4, 1);          // z1 = b + x
    op(IntOpKind::Conv2d, 4, 5);          // c
    op(IntOpKind::Conv2d, 5, 6);          // d
    op(IntOpKind::Add, 6, 7, 4);          // z2 = d + z1
    op(IntOpKind::Conv2d, 7, 8);          // e
    m.output = 8;
    const auto fusions = exporting::findResidualFusions(m);
    REQUIRE(fusions.size() == 2);
    const auto plan = exporting::planMemory(m, fusions);
    CHECK(plan.offsets[4] == plan.offsets[1]);
    CHECK(plan.offsets[7] == plan.offsets[1]);
    // x's bytes hold x, z1 and z2 until e is written: nothing else may take them.
    for (const int t : {2, 5, 8}) CHECK(plan.offsets[static_cast<std::size_t>(t)] != plan.offsets[1]);
    CHECK(plan.arenaBytes == 128);  // x's bytes and one more buffer, which a, c and e take in turn
    CHECK(plan.offsets[2] == plan.offsets[5]);
}
