/* Arithmetic the reference and the optimised kernels share (not part of the runtime's interface). */
#ifndef TF_KERNELS_INTERNAL_H
#define TF_KERNELS_INTERNAL_H

#include "tf_kernels.h"

static inline int32_t clamp32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* gemmlowp's saturating rounding doubling high multiply, a * b / 2^31 to nearest with halves rounded up: gemmlowp
 * adds 2^30 (1 - 2^30 for a negative product) and truncates toward zero, which for every pair but (INT32_MIN,
 * INT32_MIN) is exactly floor((a * b + 2^30) / 2^31), one 32 x 32 -> 64-bit multiply-accumulate. (Checked against
 * gemmlowp's form on 2 x 10^8 random pairs and the edge values.) */
static inline int32_t rounding_doubling_high_mul(int32_t a, int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* x / 2^exponent, to nearest, ties away from zero. */
static inline int32_t rounding_divide_by_pot(int32_t x, int32_t exponent) {
    int32_t mask, remainder, threshold;
    if (exponent <= 0) return x;
    mask = (int32_t)((1u << exponent) - 1u);
    remainder = x & mask;
    threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* The requantization, inlined into the kernels. Multipliers below one (shift <= 0, the usual case) need no left
 * shift and no saturation. */
static inline int32_t requantize(int32_t x, int32_t multiplier, int32_t shift) {
    if (shift > 0) {
        const int64_t shifted = (int64_t)x * ((int64_t)1 << shift);
        x = shifted > INT32_MAX ? INT32_MAX : (shifted < INT32_MIN ? INT32_MIN : (int32_t)shifted);
        return rounding_doubling_high_mul(x, multiplier);
    }
    return rounding_divide_by_pot(rounding_doubling_high_mul(x, multiplier), -shift);
}

#endif /* TF_KERNELS_INTERNAL_H */
