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

/* One requantization with its constants worked out per call: x * multiplier * 2^shift as requantize() computes it. */
typedef struct {
    int32_t multiplier, left, exponent, mask, half;
} tf_scaling;

static inline tf_scaling scaling(int32_t multiplier, int32_t shift) {
    tf_scaling s;
    s.multiplier = multiplier;
    s.left = shift > 0 ? shift : 0;
    s.exponent = shift > 0 ? 0 : -shift;
    s.mask = (int32_t)((1u << s.exponent) - 1u);
    s.half = s.mask >> 1;
    return s;
}

static inline int32_t scaled(int32_t x, const tf_scaling *s) {
    int32_t high;
    if (s->left > 0) return requantize(x, s->multiplier, s->left); /* a multiplier above one: saturating shift first */
    /* rounding_doubling_high_mul without its one saturating case: quantized multipliers are never negative */
    high = (int32_t)(((int64_t)x * s->multiplier + (1 << 30)) >> 31);
    return (high >> s->exponent) + ((high & s->mask) > s->half + (int32_t)((uint32_t)high >> 31));
}

/* The usual requantization, a multiplier below one (shift <= 0), without requantize()'s branches: the multiplier is
 * never INT32_MIN, so the rounding doubling high multiply is (acc * multiplier + 2^30) >> 31, then the rounding shift
 * of rounding_divide_by_pot. */
static inline int32_t requantize_below_one(int32_t acc, int32_t multiplier, int32_t exponent, int32_t mask, int32_t half) {
    const int32_t high = (int32_t)(((int64_t)acc * multiplier + (1 << 30)) >> 31);
    return (high >> exponent) + ((high & mask) > half + (int32_t)((uint32_t)high >> 31));
}

/* A fused residual sum (tf_conv2d_params.residual): out[j] holds the sum's other input; the tables are the ones
 * add_tables() put in the sum's scratch when the convolution started. */
static inline int8_t add_residual(const tf_add_params *r, const tf_scaling *so, int32_t value, int32_t skip) {
    const int32_t *a_table = (const int32_t *)r->scratch + 128, *b_table = a_table + 256;
    return (int8_t)clamp32(scaled(a_table[value] + b_table[skip], so) + r->out_zero_point, r->act_min, r->act_max);
}

/* Requantizes the first `lanes` of one output channel's four accumulators into out[0..lanes), or with a fused sum
 * adds them to what out holds. Kept out of line: inlined into the im2col loop it takes registers the multiply-
 * accumulates need (ResNet-8 on the M4: 1.3% more instructions). */
static __attribute__((noinline, unused)) void requantize_lanes(const tf_conv2d_params *p, int32_t oc, const int32_t acc[4], int32_t lanes, int8_t *out) {
    const int32_t multiplier = p->multiplier[oc], shift = p->shift[oc];
    const int32_t zero_point = p->out_zero_point, lo = p->act_min, hi = p->act_max;
    const tf_add_params *residual = p->residual;
    int32_t j;
    if (shift > 0 || lanes < 4) {
        for (j = 0; j < lanes; ++j) {
            const int32_t value = clamp32(requantize(acc[j], multiplier, shift) + zero_point, lo, hi);
            if (residual) {
                const tf_scaling so = scaling(residual->out_multiplier, residual->out_shift);
                out[j] = add_residual(residual, &so, value, out[j]);
            } else {
                out[j] = (int8_t)value;
            }
        }
        return;
    }
    {
        const int32_t exponent = -shift, mask = (int32_t)((1u << exponent) - 1u), half = mask >> 1;
        const int32_t v0 = clamp32(requantize_below_one(acc[0], multiplier, exponent, mask, half) + zero_point, lo, hi);
        const int32_t v1 = clamp32(requantize_below_one(acc[1], multiplier, exponent, mask, half) + zero_point, lo, hi);
        const int32_t v2 = clamp32(requantize_below_one(acc[2], multiplier, exponent, mask, half) + zero_point, lo, hi);
        const int32_t v3 = clamp32(requantize_below_one(acc[3], multiplier, exponent, mask, half) + zero_point, lo, hi);
        if (residual) {
            const tf_scaling so = scaling(residual->out_multiplier, residual->out_shift);
            const uint32_t skip = load32(out); /* the four skip values, one load */
            out[0] = add_residual(residual, &so, v0, (int8_t)skip);
            out[1] = add_residual(residual, &so, v1, (int8_t)(skip >> 8));
            out[2] = add_residual(residual, &so, v2, (int8_t)(skip >> 16));
            out[3] = add_residual(residual, &so, v3, (int8_t)(skip >> 24));
            return;
        }
        out[0] = (int8_t)v0;
        out[1] = (int8_t)v1;
        out[2] = (int8_t)v2;
        out[3] = (int8_t)v3;
    }
}

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
