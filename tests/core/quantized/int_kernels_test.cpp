// The integer reference kernels against values worked out by hand.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/quantized/int_kernels.h"

using namespace tinyforge::core;
using namespace tinyforge::core::quantized;

namespace {

IntTensor tensorOf(std::vector<std::int64_t> shape, float scale, std::int32_t zeroPoint) {
    IntTensor t;
    t.shape = std::move(shape);
    t.params.scale = scale;
    t.params.zeroPoint = zeroPoint;
    return t;
}

std::vector<std::int8_t> run(void (*kernel)(const IntOp&, const IntTensor&, std::span<const std::int8_t>,
                                            const IntTensor&, std::span<std::int8_t>),
                             const IntOp& op, const IntTensor& in, const std::vector<std::int8_t>& x, const IntTensor& out) {
    std::vector<std::int8_t> y(static_cast<std::size_t>(out.elements()), 99);
    kernel(op, in, x, out, y);
    return y;
}

}  // namespace

TEST_CASE("Integer convolution subtracts the input zero point, adds the bias and requantizes", "[core][quantized]") {
    IntOp op;
    op.weightShape = {1, 1, 2, 2};
    op.weights = {1, -1, 2, 0};
    op.bias = {2};
    op.multipliers = {compress::quantizeMultiplier(0.5)};
    const auto in = tensorOf({1, 3, 3}, 1.0f, 1), out = tensorOf({1, 2, 2}, 1.0f, -1);
    // Centred input 0..8; accumulators 5+2, 7+2, 11+2, 13+2; halved with ties away from zero: 4, 5, 7, 8; minus 1.
    CHECK(run(convolve, op, in, {1, 2, 3, 4, 5, 6, 7, 8, 9}, out) == std::vector<std::int8_t>{3, 4, 6, 7});
    op.activationMax = 5;  // a fused ReLU6-like cap
    CHECK(run(convolve, op, in, {1, 2, 3, 4, 5, 6, 7, 8, 9}, out) == std::vector<std::int8_t>{3, 4, 5, 5});
}

TEST_CASE("Integer depthwise convolution treats padding as a real zero", "[core][quantized]") {
    IntOp op;
    op.groups = 2;
    op.padH = op.padW = 1;
    op.weightShape = {2, 1, 3, 3};
    op.weights.assign(9, 1);
    op.weights.insert(op.weights.end(), 9, 2);
    op.bias = {0, 0};
    op.multipliers = {compress::quantizeMultiplier(1.0), compress::quantizeMultiplier(1.0)};
    const auto in = tensorOf({2, 2, 2}, 1.0f, 3), out = tensorOf({2, 2, 2}, 1.0f, 0);
    // Every 3x3 window covers the whole 2x2 channel: channel 0 sums 4 x (5 - 3); channel 1 sums 2 x (0+1+2+3).
    CHECK(run(convolve, op, in, {5, 5, 5, 5, 3, 4, 5, 6}, out) == std::vector<std::int8_t>{8, 8, 8, 8, 12, 12, 12, 12});
}

TEST_CASE("Integer dense layer with a fused ReLU clamps at the output zero point", "[core][quantized]") {
    IntOp op;
    op.kind = IntOpKind::FullyConnected;
    op.weightShape = {2, 4};
    op.weights = {1, 0, 0, 1, 0, -1, 1, 0};
    op.bias = {3, -4};
    op.multipliers = {compress::quantizeMultiplier(0.25), compress::quantizeMultiplier(0.25)};
    const auto in = tensorOf({4}, 1.0f, 0), out = tensorOf({2}, 1.0f, 2);
    // Accumulators 13 and -29; x 0.25 is 2^30 / 2^31 then a shift right by 1, each step rounding (gemmlowp's
    // double rounding, as TFLite and CMSIS-NN compute it): 13 -> 6.5 -> 7 -> 3.5 -> 4, and -29 -> -14.5 -> -14 -> -7.
    CHECK(run(fullyConnected, op, in, {10, 20, -5, 0}, out) == std::vector<std::int8_t>{6, -5});
    op.activationMin = 2;
    CHECK(run(fullyConnected, op, in, {10, 20, -5, 0}, out) == std::vector<std::int8_t>{6, 2});
}

TEST_CASE("Integer max pooling and global average pooling", "[core][quantized]") {
    IntOp pool;
    pool.kind = IntOpKind::MaxPool2d;
    pool.kernelH = pool.kernelW = pool.strideH = pool.strideW = 2;
    CHECK(run(maxPool, pool, tensorOf({1, 2, 4}, 1, 0), {1, 5, -3, -8, 2, 0, -7, -2}, tensorOf({1, 1, 2}, 1, 0)) ==
          std::vector<std::int8_t>{5, -2});

    IntOp avg;
    avg.kind = IntOpKind::GlobalAvgPool;
    avg.outputMultiplier = compress::quantizeMultiplier(0.5 / (0.25 * 4));  // inScale / (outScale * H * W)
    // Centred sums 6 and 37, halved: 3 and 18.5 -> 19, plus -3.
    CHECK(run(globalAveragePool, avg, tensorOf({2, 2, 2}, 0.5f, 1), {1, 2, 3, 4, 10, 10, 10, 11}, tensorOf({2, 1, 1}, 0.25f, -3)) ==
          std::vector<std::int8_t>{0, 16});
}

TEST_CASE("Integer addition rescales both operands and rounds ties away from zero", "[core][quantized]") {
    IntOp op;
    op.kind = IntOpKind::Add;
    op.leftShift = 20;
    op.inputMultiplier = compress::quantizeMultiplier(0.5);        // 0.5 / (2 x max(0.5, 0.25))
    op.input2Multiplier = compress::quantizeMultiplier(0.25);      // 0.25 / 1.0
    op.outputMultiplier = compress::quantizeMultiplier(1.0 / (1 << 20));
    const auto a = tensorOf({2}, 0.5f, 0), b = tensorOf({2}, 0.25f, 10), out = tensorOf({2}, 1.0f, -5);
    // Real sums: 2 + 2 = 4 and -1.5 - 2 = -3.5 -> -4; plus -5.
    std::vector<std::int8_t> y(2);
    add(op, a, std::vector<std::int8_t>{4, -3}, b, std::vector<std::int8_t>{18, 2}, out, y);
    CHECK(y == std::vector<std::int8_t>{-1, -9});
}

TEST_CASE("The integer model runs ops in order, reports its arena and rejects a wrong-sized sample", "[core][quantized]") {
    IntModel model;
    model.tensors = {tensorOf({4}, 1.0f, 0), tensorOf({2}, 1.0f, 0), tensorOf({1}, 1.0f, 0)};
    IntOp first;
    first.kind = IntOpKind::FullyConnected;
    first.weightShape = {2, 4};
    first.weights = {1, 1, 1, 1, -1, -1, -1, -1};
    first.bias = {0, 0};
    first.multipliers = {compress::quantizeMultiplier(1.0), compress::quantizeMultiplier(1.0)};
    first.input = 0;
    first.output = 1;
    IntOp second = first;
    second.weightShape = {1, 2};
    second.weights = {1, 2};
    second.bias = {1};
    second.multipliers = {compress::quantizeMultiplier(1.0)};
    second.input = 1;
    second.output = 2;
    model.ops = {first, second};
    model.output = 2;
    const std::vector<std::int8_t> x{1, 2, 3, 4};
    CHECK(model.run(x) == std::vector<std::int8_t>{1 + 10 - 20});  // [10, -10] then 1 + 10 - 20
    CHECK(model.peakActivationBytes() == 6);                           // 4 + 2 while the first op runs
    CHECK(model.parameterBytes() == 8 + 2 * 4 + 2 + 4);
    const std::vector<std::int8_t> shortSample{1, 2, 3};
    CHECK_THROWS_WITH(model.run(shortSample), Catch::Contains("takes 4 values per sample, got 3"));
    const std::vector<float> floats{1.0f};
    CHECK_THROWS_AS(model.quantizeInput(floats), tinyforge::Error);
}

TEST_CASE("Integer average pooling counts padding as zero and requantizes the mean", "[core][quantized]") {
    IntOp op;
    op.kind = IntOpKind::AvgPool2d;
    op.kernelH = op.kernelW = 2;
    op.outputMultiplier = compress::quantizeMultiplier(0.25);  // in scale / (out scale * 4)
    const auto in = tensorOf({1, 3, 3}, 1.0f, 1), out = tensorOf({1, 2, 2}, 1.0f, 0);
    const std::vector<std::int8_t> x{1, 2, 3, 4, 5, 6, 7, 8, 9};  // centred: 0..8
    // Stride 1: window sums 8, 12, 20, 24, quartered.
    CHECK(run(averagePool, op, in, x, out) == std::vector<std::int8_t>{2, 3, 5, 6});
    // Stride 2 with padding 1: sums 0, 1+2, 3+6, 4+5+7+8, each still divided by 4. A quarter is 0.5 * 2^-1, rounded
    // twice as in gemmlowp: 3 -> 1.5 -> 2 -> 1, and 9 -> 4.5 -> 5 -> 2.5 -> 3 (not 2.25 -> 2).
    op.strideH = op.strideW = 2;
    op.padH = op.padW = 1;
    CHECK(run(averagePool, op, in, x, out) == std::vector<std::int8_t>{0, 1, 3, 6});
}

TEST_CASE("Integer softmax gives probabilities on the 1/256 grid", "[core][quantized]") {
    IntModel model;
    model.tensors.push_back(tensorOf({2}, 0.1f, 0));
    appendSoftmax(model);
    REQUIRE(model.ops.size() == 1);
    const auto& op = model.ops[0];
    CHECK(op.expTable[0] == 32768);
    CHECK(op.expTable[10] == 12055);  // 32768 / e = 12054.67
    CHECK(model.tensors[static_cast<std::size_t>(model.output)].params.zeroPoint == -128);
    std::vector<std::int8_t> y(2);
    // Logits 1.0 and 0.0: sum 44823; 256 * 32768 / 44823 = 187.6 and 256 * 12055 / 44823 = 68.8 rounded: 187 and 69.
    softmax(op, std::vector<std::int8_t>{10, 0}, y);
    CHECK(y == std::vector<std::int8_t>{59, -59});
    // Equal logits share evenly: 64 of 256 each.
    std::vector<std::int8_t> four(4);
    softmax(op, std::vector<std::int8_t>{5, 5, 5, 5}, four);
    CHECK(four == std::vector<std::int8_t>{-64, -64, -64, -64});
    CHECK(model.run(std::vector<std::int8_t>{0, 10}) == std::vector<std::int8_t>{-59, 59});
    CHECK_THROWS_AS(appendSoftmax(model), tinyforge::Error);
}

TEST_CASE("Integer softmax of a far larger logit saturates at the top of the grid", "[core][quantized]") {
    IntModel model;
    model.tensors.push_back(tensorOf({2}, 1.0f, 0));
    appendSoftmax(model);
    CHECK(model.ops[0].expTable[255] == 0);  // exp(-255) vanishes
    std::vector<std::int8_t> y(2);
    softmax(model.ops[0], std::vector<std::int8_t>{127, -128}, y);
    CHECK(y == std::vector<std::int8_t>{127, -128});  // 256/256 clamps to 127
}
