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

/* One element of the residual sum, in the reference's arithmetic: each input rescaled to a common grid, added,
 * requantized to the output's. */
static inline int8_t add_element(const tf_add_params *p, int32_t a, int32_t b) {
    const int32_t sa = (a - p->a_zero_point) * (1 << p->left_shift), sb = (b - p->b_zero_point) * (1 << p->left_shift);
    const int32_t sum = requantize(sa, p->a_multiplier, p->a_shift) + requantize(sb, p->b_multiplier, p->b_shift);
    return (int8_t)clamp32(requantize(sum, p->out_multiplier, p->out_shift) + p->out_zero_point, p->act_min, p->act_max);
}

/* ---- What the optimised kernel files share (tf_kernels_optimised.c, tf_kernels_dense.c, tf_kernels_sparse.c) ---- */

static inline uint32_t load32(const void *p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4); /* an unaligned LDR, which these cores allow */
    return v;
}

/* Requantizes the first `lanes` of one output channel's four accumulators into out[0..lanes), or with a fused sum
 * (p->residual) adds them to what out holds (tf_kernels_optimised.c). */
void tf_requantize_lanes(const tf_conv2d_params *p, int32_t oc, const int32_t acc[4], int32_t lanes, int8_t *out);

#if defined(__ARM_FEATURE_DSP)
/* The DSP extension's dual 16-bit instructions (Cortex-M4, M7, M33). */
static inline uint32_t sxtb16(uint32_t x) {
    uint32_t r;
    __asm("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}
static inline uint32_t sxtb16_ror8(uint32_t x) {
    uint32_t r;
    __asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
static inline int32_t smlad(uint32_t a, uint32_t b, int32_t acc) {
    int32_t r;
    __asm("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
/* Both 16-bit halves of a minus those of b. */
static inline uint32_t ssub16(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm("ssub16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
/* acc + (bottom half of a) * (top half of b), and (top half of a) * (top half of b). */
static inline int32_t smlabt(uint32_t a, uint32_t b, int32_t acc) {
    int32_t r;
    __asm("smlabt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
static inline int32_t smlatt(uint32_t a, uint32_t b, int32_t acc) {
    int32_t r;
    __asm("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}
/* (low half of a, low half of b). */
static inline uint32_t pack_low(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
#endif

/* The kernels the entry points (tf_kernels_optimised.c) choose between: im2col convolution and row-by-row dense layer
 * for weights in kernel order (tf_kernels_dense.c), and the kernels that visit non-zero weights only (sparse = 1,
 * tf_kernels_sparse.c). Each has a DSP version and a plain-C one. */
void tf_conv2d_dense(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected_dense(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);
void tf_conv2d_sparse(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected_sparse(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);

#endif /* TF_KERNELS_INTERNAL_H */
