#include "core/compress/quantization_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace tinyforge::core::compress {

namespace {
void checkBits(int bits) {
    if (bits < 2 || bits > 16) throw SettingsError("quantization bit width must be from 2 to 16, got " + std::to_string(bits));
}
}  // namespace

QuantParams affineParams(float min, float max, int bits) {
    checkBits(bits);
    QuantParams p;
    p.qmin = -(1 << (bits - 1));
    p.qmax = (1 << (bits - 1)) - 1;
    min = std::min(min, 0.0f);
    max = std::max(max, 0.0f);
    if (max == min) return p;  // all zeros: any scale represents them; keep 1
    p.scale = (max - min) / static_cast<float>(p.qmax - p.qmin);
    p.zeroPoint = std::clamp(roundHalfAway(p.qmin - min / p.scale), p.qmin, p.qmax);
    return p;
}

QuantParams symmetricParams(float absMax, int bits) {
    checkBits(bits);
    QuantParams p;
    p.qmax = (1 << (bits - 1)) - 1;
    p.qmin = -p.qmax;
    p.zeroPoint = 0;
    p.scale = absMax > 0 ? absMax / static_cast<float>(p.qmax) : 1.0f;
    return p;
}

std::int32_t roundHalfAway(double x) { return static_cast<std::int32_t>(std::round(x)); }

std::int32_t quantize(float x, const QuantParams& p) {
    const double q = std::round(static_cast<double>(x) / p.scale) + p.zeroPoint;
    return static_cast<std::int32_t>(std::clamp<double>(q, p.qmin, p.qmax));
}

float dequantize(std::int32_t q, const QuantParams& p) { return p.scale * static_cast<float>(q - p.zeroPoint); }

FixedPointMultiplier quantizeMultiplier(double realMultiplier) {
    if (realMultiplier <= 0) return {};
    int exponent = 0;
    const double fraction = std::frexp(realMultiplier, &exponent);  // real = fraction * 2^exponent, fraction in [0.5, 1)
    auto q = static_cast<std::int64_t>(std::round(fraction * (1ll << 31)));
    if (q == (1ll << 31)) {  // rounding reached 1.0
        q /= 2;
        ++exponent;
    }
    return {static_cast<std::int32_t>(q), exponent};
}

std::int32_t roundingDoublingHighMul(std::int32_t a, std::int32_t b) {
    if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
    const std::int64_t product = static_cast<std::int64_t>(a) * b;
    const std::int64_t nudge = product >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return static_cast<std::int32_t>((product + nudge) / (1ll << 31));
}

std::int32_t roundingDivideByPowerOfTwo(std::int32_t x, int exponent) {
    if (exponent <= 0) return x;
    const std::int32_t mask = static_cast<std::int32_t>((1ll << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int32_t multiplyByQuantizedMultiplier(std::int32_t x, const FixedPointMultiplier& m) {
    const int leftShift = m.shift > 0 ? m.shift : 0;
    const int rightShift = m.shift > 0 ? 0 : -m.shift;
    const auto shifted = static_cast<std::int32_t>(std::clamp<std::int64_t>(
        static_cast<std::int64_t>(x) * (1ll << leftShift), std::numeric_limits<std::int32_t>::min(),
        std::numeric_limits<std::int32_t>::max()));
    return roundingDivideByPowerOfTwo(roundingDoublingHighMul(shifted, m.multiplier), rightShift);
}

}  // namespace tinyforge::core::compress
