#pragma once
// The arithmetic of quantization, shared by post-training quantization, QAT and the integer-only reference:
// affine parameters (scale, zero point), rounding, and requantization by a fixed-point multiplier and shift
// (Jacob et al. 2017, as gemmlowp, TFLite Micro and CMSIS-NN do it).

#include <cstdint>

namespace tinyforge::core::compress {

/// real = scale * (q - zeroPoint), q in [qmin, qmax].
struct QuantParams {
    float scale = 1.0f;
    std::int32_t zeroPoint = 0;
    std::int32_t qmin = -128;
    std::int32_t qmax = 127;
};

/// Affine (asymmetric) parameters for signed `bits`-bit values covering [min, max]. The range is first widened
/// to contain 0, so that 0 is exactly representable (zero padding, ReLU): scale = (max - min) / (qmax - qmin),
/// zeroPoint = round(qmin - min / scale), clamped to [qmin, qmax].
QuantParams affineParams(float min, float max, int bits = 8);

/// Symmetric parameters for signed `bits`-bit weights: zero point 0, the narrow range [-(2^(b-1) - 1), 2^(b-1) - 1]
/// so that -q is always representable, scale = absMax / (2^(b-1) - 1).
QuantParams symmetricParams(float absMax, int bits = 8);

/// Round half away from zero, as TFLite and CMSIS-NN do (std::round).
std::int32_t roundHalfAway(double x);

/// clamp(round(x / scale) + zeroPoint, qmin, qmax)
std::int32_t quantize(float x, const QuantParams& p);

/// scale * (q - zeroPoint)
float dequantize(std::int32_t q, const QuantParams& p);

/// A real multiplier M in (0, 1) (or larger) as multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).
struct FixedPointMultiplier {
    std::int32_t multiplier = 0;
    int shift = 0;  ///< left shift when positive, right shift when negative
};

/// Decomposes M > 0; M = 0 gives multiplier 0.
FixedPointMultiplier quantizeMultiplier(double realMultiplier);

/// round(a * b / 2^31), saturating the one overflow case (a = b = INT32_MIN). gemmlowp's
/// SaturatingRoundingDoublingHighMul.
std::int32_t roundingDoublingHighMul(std::int32_t a, std::int32_t b);

/// x / 2^exponent rounded to nearest, ties away from zero. gemmlowp's RoundingDivideByPOT.
std::int32_t roundingDivideByPowerOfTwo(std::int32_t x, int exponent);

/// x * M with M given as a FixedPointMultiplier: the requantization step of integer-only inference.
std::int32_t multiplyByQuantizedMultiplier(std::int32_t x, const FixedPointMultiplier& m);

}  // namespace tinyforge::core::compress
