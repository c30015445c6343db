#include "core/quantized/int_kernels.h"

#include <algorithm>
#include <limits>

namespace tinyforge::core::quantized {

namespace {

using compress::multiplyByQuantizedMultiplier;

std::int8_t clampToOutput(std::int32_t value, const IntOp& op) {
    return static_cast<std::int8_t>(std::clamp(value, op.activationMin, op.activationMax));
}

std::int64_t dim(const IntTensor& t, std::size_t i) { return t.shape.at(i); }

}  // namespace

void convolve(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
              std::span<std::int8_t> y) {
    const std::int64_t inC = dim(in, 0), inH = dim(in, 1), inW = dim(in, 2);
    const std::int64_t outC = dim(out, 0), outH = dim(out, 1), outW = dim(out, 2);
    const std::int64_t kh = op.weightShape[2], kw = op.weightShape[3];
    const std::int64_t inPerGroup = inC / op.groups, outPerGroup = outC / op.groups;
    const std::int32_t inZp = in.params.zeroPoint, outZp = out.params.zeroPoint;
    for (std::int64_t oc = 0; oc < outC; ++oc) {
        const std::int64_t firstIn = (oc / outPerGroup) * inPerGroup;
        const std::int8_t* filter = op.weights.data() + oc * inPerGroup * kh * kw;
        for (std::int64_t oy = 0; oy < outH; ++oy) {
            for (std::int64_t ox = 0; ox < outW; ++ox) {
                std::int32_t acc = op.bias[static_cast<std::size_t>(oc)];
                for (std::int64_t ic = 0; ic < inPerGroup; ++ic) {
                    for (std::int64_t ky = 0; ky < kh; ++ky) {
                        const std::int64_t iy = oy * op.strideH - op.padH + ky;
                        if (iy < 0 || iy >= inH) continue;  // padding: a real zero contributes nothing
                        for (std::int64_t kx = 0; kx < kw; ++kx) {
                            const std::int64_t ix = ox * op.strideW - op.padW + kx;
                            if (ix < 0 || ix >= inW) continue;
                            const std::int32_t value = x[static_cast<std::size_t>(((firstIn + ic) * inH + iy) * inW + ix)];
                            acc += (value - inZp) * filter[(ic * kh + ky) * kw + kx];
                        }
                    }
                }
                const auto scaled = multiplyByQuantizedMultiplier(acc, op.multipliers[static_cast<std::size_t>(oc)]);
                y[static_cast<std::size_t>((oc * outH + oy) * outW + ox)] = clampToOutput(scaled + outZp, op);
            }
        }
    }
}

void fullyConnected(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                    std::span<std::int8_t> y) {
    const std::int64_t inputs = in.elements(), outputs = out.elements();
    const std::int32_t inZp = in.params.zeroPoint, outZp = out.params.zeroPoint;
    for (std::int64_t o = 0; o < outputs; ++o) {
        std::int32_t acc = op.bias[static_cast<std::size_t>(o)];
        const std::int8_t* row = op.weights.data() + o * inputs;
        for (std::int64_t i = 0; i < inputs; ++i) acc += (x[static_cast<std::size_t>(i)] - inZp) * row[i];
        const auto scaled = multiplyByQuantizedMultiplier(acc, op.multipliers[static_cast<std::size_t>(o)]);
        y[static_cast<std::size_t>(o)] = clampToOutput(scaled + outZp, op);
    }
}

namespace {

// Visits every pooling window: acc starts at `initial`, takes each value inside the input with `take` (padding
// positions are skipped), and `finish` turns it into the output level, clamped to the op's range.
template <typename Take, typename Finish>
void poolWindows(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                 std::span<std::int8_t> y, std::int32_t initial, Take take, Finish finish) {
    const std::int64_t channels = dim(in, 0), inH = dim(in, 1), inW = dim(in, 2);
    const std::int64_t outH = dim(out, 1), outW = dim(out, 2);
    for (std::int64_t c = 0; c < channels; ++c) {
        for (std::int64_t oy = 0; oy < outH; ++oy) {
            for (std::int64_t ox = 0; ox < outW; ++ox) {
                std::int32_t acc = initial;
                for (std::int64_t ky = 0; ky < op.kernelH; ++ky) {
                    const std::int64_t iy = oy * op.strideH - op.padH + ky;
                    if (iy < 0 || iy >= inH) continue;
                    for (std::int64_t kx = 0; kx < op.kernelW; ++kx) {
                        const std::int64_t ix = ox * op.strideW - op.padW + kx;
                        if (ix < 0 || ix >= inW) continue;
                        acc = take(acc, x[static_cast<std::size_t>((c * inH + iy) * inW + ix)]);
                    }
                }
                y[static_cast<std::size_t>((c * outH + oy) * outW + ox)] = clampToOutput(finish(acc), op);
            }
        }
    }
}

}  // namespace

void maxPool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
             std::span<std::int8_t> y) {
    // Padding positions never win.
    poolWindows(op, in, x, out, y, std::numeric_limits<std::int32_t>::min(),
                [](std::int32_t best, std::int8_t v) { return std::max<std::int32_t>(best, v); }, [](std::int32_t best) { return best; });
}

void globalAveragePool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                       std::span<std::int8_t> y) {
    const std::int64_t channels = dim(in, 0), area = dim(in, 1) * dim(in, 2);
    for (std::int64_t c = 0; c < channels; ++c) {
        std::int32_t sum = 0;
        for (std::int64_t i = 0; i < area; ++i) sum += x[static_cast<std::size_t>(c * area + i)] - in.params.zeroPoint;
        const auto scaled = multiplyByQuantizedMultiplier(sum, op.outputMultiplier);
        y[static_cast<std::size_t>(c)] = clampToOutput(scaled + out.params.zeroPoint, op);
    }
}

void averagePool(const IntOp& op, const IntTensor& in, std::span<const std::int8_t> x, const IntTensor& out,
                 std::span<std::int8_t> y) {
    // Padding adds zero to the sum; the multiplier divides by the whole window's area.
    const std::int32_t inZp = in.params.zeroPoint, outZp = out.params.zeroPoint;
    poolWindows(op, in, x, out, y, 0, [inZp](std::int32_t sum, std::int8_t v) { return sum + v - inZp; },
                [&op, outZp](std::int32_t sum) { return multiplyByQuantizedMultiplier(sum, op.outputMultiplier) + outZp; });
}

void softmax(const IntOp& op, std::span<const std::int8_t> x, std::span<std::int8_t> y) {
    const std::int32_t largest = *std::max_element(x.begin(), x.end());
    std::uint32_t sum = 0;
    for (const auto v : x) sum += op.expTable[static_cast<std::size_t>(largest - v)];
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::uint32_t share = (static_cast<std::uint32_t>(op.expTable[static_cast<std::size_t>(largest - x[i])]) * 256u + sum / 2) / sum;
        y[i] = static_cast<std::int8_t>(std::clamp<std::int32_t>(static_cast<std::int32_t>(share) - 128, -128, 127));
    }
}

void add(const IntOp& op, const IntTensor& inA, std::span<const std::int8_t> a, const IntTensor& inB,
         std::span<const std::int8_t> b, const IntTensor& out, std::span<std::int8_t> y) {
    const std::int64_t n = out.elements();
    for (std::int64_t i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        const std::int32_t shiftedA = (a[k] - inA.params.zeroPoint) * (1 << op.leftShift);
        const std::int32_t shiftedB = (b[k] - inB.params.zeroPoint) * (1 << op.leftShift);
        const std::int32_t sum = multiplyByQuantizedMultiplier(shiftedA, op.inputMultiplier) +
                                 multiplyByQuantizedMultiplier(shiftedB, op.input2Multiplier);
        y[k] = clampToOutput(multiplyByQuantizedMultiplier(sum, op.outputMultiplier) + out.params.zeroPoint, op);
    }
}

}  // namespace tinyforge::core::quantized
