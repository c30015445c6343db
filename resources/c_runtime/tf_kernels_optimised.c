/* The optimised kernels' entry points, under the names the model calls (tf_conv2d, tf_fully_connected, tf_add); the
 * reference loops they must equal are in tf_kernels.c. A convolution or dense layer goes to the dense kernels
 * (tf_kernels_dense.c: im2col, weights in kernel order) or, with sparse = 1, to the kernels that visit the non-zero
 * weights only (tf_kernels_sparse.c). Each of those has a version for cores with the DSP extension (Cortex-M4, M7, M33:
 * dual 16-bit multiply-accumulates) and a plain-C one of the same structure (Cortex-M0, M3, hosts), chosen when
 * compiling; with -DTF_KERNELS_REFERENCE the reference loops run everywhere. Outputs are identical every way: the
 * accumulators are exact integer sums. */
#include "tf_kernels_internal.h"

#if !defined(TF_KERNELS_REFERENCE)

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
