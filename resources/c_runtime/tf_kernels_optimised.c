/* The optimised kernels' entry points, under the names the model calls (tf_conv2d, tf_fully_connected, tf_add); the
 * reference loops they must equal are in tf_kernels.c. A convolution or dense layer goes to the dense kernels
 * (tf_kernels_dense.c: im2col, weights in kernel order) or, with sparse = 1, to the kernels that visit the non-zero
 * weights only (tf_kernels_sparse.c). Each of those has a version for cores with the DSP extension (Cortex-M4, M7, M33:
 * dual 16-bit multiply-accumulates) and a plain-C one of the same structure (Cortex-M0, M3, hosts), chosen when
 * compiling; with -DTF_KERNELS_REFERENCE the reference loops run everywhere. Outputs are identical every way: the
 * accumulators are exact integer sums. */
#include "tf_kernels_internal.h"

#if !defined(TF_KERNELS_REFERENCE)

/* ---- Requantization, on every core ---- */

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

/* Out of line on purpose: inlined into the im2col loop it would take registers the multiply-accumulates need
 * (ResNet-8 on the M4: 1.3% more instructions). */
void tf_requantize_lanes(const tf_conv2d_params *p, int32_t oc, const int32_t acc[4], int32_t lanes, int8_t *out) {
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

/* ---- Element-wise sum, on every core ---- */

/* Each input's rescaling depends on its int8 value alone, so a sum of more elements than values looks both up in
 * tables of 256 (worked out once per call, in p->scratch: a's at +128 words, b's after it, indexed by the int8 value);
 * only the output's requantization is per element. */
static void add_tables(const tf_add_params *p) {
    const tf_scaling sa = scaling(p->a_multiplier, p->a_shift), sb = scaling(p->b_multiplier, p->b_shift);
    int32_t *a_table = (int32_t *)p->scratch + 128, *b_table = a_table + 256;
    int32_t i;
    for (i = -128; i < 128; ++i) {
        a_table[i] = scaled((i - p->a_zero_point) * (1 << p->left_shift), &sa);
        b_table[i] = scaled((i - p->b_zero_point) * (1 << p->left_shift), &sb);
    }
}

void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    const tf_scaling sa = scaling(p->a_multiplier, p->a_shift), sb = scaling(p->b_multiplier, p->b_shift);
    const tf_scaling so = scaling(p->out_multiplier, p->out_shift);
    const int32_t a_zero_point = p->a_zero_point, b_zero_point = p->b_zero_point, left_shift = p->left_shift;
    const int32_t out_zero_point = p->out_zero_point, lo = p->act_min, hi = p->act_max, size = p->size;
    int32_t i;
    if (size >= 512 && p->scratch) {
        const int32_t *a_table = (const int32_t *)p->scratch + 128, *b_table = a_table + 256;
        add_tables(p);
        for (i = 0; i < size; ++i) output[i] = (int8_t)clamp32(scaled(a_table[a[i]] + b_table[b[i]], &so) + out_zero_point, lo, hi);
        return;
    }
    for (i = 0; i < size; ++i) {
        const int32_t x = scaled((a[i] - a_zero_point) * (1 << left_shift), &sa);
        const int32_t y = scaled((b[i] - b_zero_point) * (1 << left_shift), &sb);
        output[i] = (int8_t)clamp32(scaled(x + y, &so) + out_zero_point, lo, hi);
    }
}
/* ---- Convolution and dense layer ---- */

void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    if (p->residual) add_tables(p->residual); /* the fused sum's tables, in its own scratch */
    if (p->sparse) tf_conv2d_sparse(p, input, output);
    else tf_conv2d_dense(p, input, output);
}

void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    if (p->sparse) tf_fully_connected_sparse(p, input, output);
    else tf_fully_connected_dense(p, input, output);
}

#else /* TF_KERNELS_REFERENCE: the reference loops everywhere */

void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) { tf_add_reference(p, a, b, output); }
void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    tf_fully_connected_reference(p, input, output);
}
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) { tf_conv2d_reference(p, input, output); }

#endif
