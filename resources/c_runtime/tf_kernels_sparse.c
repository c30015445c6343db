/* The sparse kernels (sparse = 1): only the non-zero weights, decoded once per band of output rows (see tf_kernels.h),
 * entered through tf_conv2d and tf_fully_connected (tf_kernels_optimised.c). The inner step, four output pixels of
 * one filter, uses SMLABT / SMLATT on cores with the DSP extension and plain multiplies elsewhere. */
#include "tf_kernels_internal.h"

#if !defined(TF_KERNELS_REFERENCE)

static void copy_bytes(int8_t *to, const int8_t *from, int32_t n) {
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const uint32_t word = load32(from + k);
        __builtin_memcpy(to + k, &word, 4);
    }
    for (; k < n; ++k) to[k] = from[k];
}

static void fill_bytes(int8_t *to, int8_t value, int32_t n) {
    int32_t k;
    for (k = 0; k < n; ++k) to[k] = value;
}

/* The next filter's non-zero weights as taps (weight << 16 | offset of its input from the window's origin in the line
 * buffer, whose channels have `band_rows` rows each); returns how many, and their sum. */
static int32_t line_taps(tf_weight_reader *reader, const tf_conv2d_params *p, int32_t length, int32_t line_w, int32_t band_rows,
                         uint32_t *taps, int32_t *sum) {
    const int32_t n = tf_weights_row_nonzeros(reader, length, taps), kernel_w = p->kernel_w, kernel_h = p->kernel_h;
    int32_t t, total = 0;
    for (t = 0; t < n; ++t) {
        const int32_t position = (int32_t)(taps[t] >> 8), weight = (int8_t)(taps[t] & 0xFFu);
        const int32_t row = position / kernel_w, channel = row / kernel_h;
        const int32_t ky = row - channel * kernel_h, kx = position - row * kernel_w;
        taps[t] = ((uint32_t)weight << 16) | (uint32_t)((channel * band_rows + ky) * line_w + kx);
        total += weight;
    }
    *sum = total;
    return n;
}

#if defined(__ARM_FEATURE_DSP)

/* Four output pixels of one filter from the line buffer: origin is the first pixel's window origin. Two taps a pass
 * (the loop's compare and branch shared). */
#define TF_TAP_STRIDE1(tap)                                                      \
    do {                                                                         \
        const uint32_t x_ = load32(origin + ((tap) & 0xFFFFu));                  \
        const uint32_t x02_ = sxtb16(x_), x13_ = sxtb16_ror8(x_);                \
        a0 = smlabt(x02_, (tap), a0);                                            \
        a2 = smlatt(x02_, (tap), a2);                                            \
        a1 = smlabt(x13_, (tap), a1);                                            \
        a3 = smlatt(x13_, (tap), a3);                                            \
    } while (0)
#define TF_TAP_STRIDE2(tap)                                                      \
    do { /* bytes 0, 2 and 4, 6 of two words */                                  \
        const int8_t *at_ = origin + ((tap) & 0xFFFFu);                          \
        const uint32_t x01_ = sxtb16(load32(at_)), x23_ = sxtb16(load32(at_ + 4)); \
        a0 = smlabt(x01_, (tap), a0);                                            \
        a1 = smlatt(x01_, (tap), a1);                                            \
        a2 = smlabt(x23_, (tap), a2);                                            \
        a3 = smlatt(x23_, (tap), a3);                                            \
    } while (0)

static void sparse_quad(const uint32_t *taps, int32_t n, const int8_t *origin, int32_t stride, int32_t start, int32_t acc[4]) {
    int32_t a0 = start, a1 = start, a2 = start, a3 = start, t = 0;
    if (stride == 1) { /* the four pixels' inputs: one word */
        for (; t + 2 <= n; t += 2) {
            TF_TAP_STRIDE1(taps[t]);
            TF_TAP_STRIDE1(taps[t + 1]);
        }
        if (t < n) TF_TAP_STRIDE1(taps[t]);
    } else {
        for (; t + 2 <= n; t += 2) {
            TF_TAP_STRIDE2(taps[t]);
            TF_TAP_STRIDE2(taps[t + 1]);
        }
        if (t < n) TF_TAP_STRIDE2(taps[t]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#undef TF_TAP_STRIDE1
#undef TF_TAP_STRIDE2

#else

/* Four output pixels of one filter from the line buffer (any stride): byte loads and 32-bit multiplies. */
static void sparse_quad(const uint32_t *taps, int32_t n, const int8_t *origin, int32_t stride, int32_t start, int32_t acc[4]) {
    int32_t a0 = start, a1 = start, a2 = start, a3 = start, t;
    for (t = 0; t < n; ++t) {
        const int32_t weight = (int32_t)taps[t] >> 16;
        const int8_t *x = origin + (taps[t] & 0xFFFFu);
        a0 += x[0] * weight;
        a1 += x[stride] * weight;
        a2 += x[2 * stride] * weight;
        a3 += x[3 * stride] * weight;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}


#endif

/* Output rows go `block` at a time (a band): the input rows the band's windows read are copied once, each filter's
 * non-zero weights decoded once per band. */
void tf_conv2d_sparse(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t length = in_per_group * p->kernel_h * p->kernel_w, in_plane = p->in_h * p->in_w;
    const int32_t line_w = TF_SPARSE_LINE_W(p->out_w, p->stride_w, p->kernel_w);
    const int32_t band_rows = TF_SPARSE_BAND_ROWS(p->block, p->kernel_h, p->stride_h);
    const int8_t zero_point = (int8_t)p->in_zero_point;
    int8_t *line = (int8_t *)p->scratch;
    uint32_t *taps = (uint32_t *)p->scratch + (in_per_group * band_rows * line_w + 7) / 4;
    tf_weight_reader reader;
    tf_weight_cursor group_start;
    int32_t g, oy0, oy, ox, c, r, oc;
    fill_bytes(line, zero_point, in_per_group * band_rows * line_w); /* the padding, never overwritten */
    tf_weights_begin(&reader, p->weights);
    for (g = 0; g < p->groups; ++g) {
        group_start = reader.at;
        for (oy0 = 0; oy0 < p->out_h; oy0 += p->block) {
            const int32_t rows = p->out_h - oy0 < p->block ? p->out_h - oy0 : p->block, y0 = oy0 * p->stride_h - p->pad_h;
            for (c = 0; c < in_per_group; ++c) { /* the input rows the band's windows read */
                for (r = 0; r < band_rows; ++r) {
                    const int32_t iy = y0 + r;
                    int8_t *to = line + (c * band_rows + r) * line_w + p->pad_w;
                    if (iy >= 0 && iy < p->in_h) copy_bytes(to, input + (g * in_per_group + c) * in_plane + iy * p->in_w, p->in_w);
                    else fill_bytes(to, zero_point, p->in_w);
                }
            }
            reader.at = group_start;
            for (oc = g * out_per_group; oc < (g + 1) * out_per_group; ++oc) {
                int32_t sum;
                const int32_t n = line_taps(&reader, p, length, line_w, band_rows, taps, &sum);
                const int32_t start = p->bias[oc] - p->in_zero_point * sum;
                for (oy = 0; oy < rows; ++oy) {
                    const int8_t *origin = line + oy * p->stride_h * line_w;
                    int8_t *out = output + (oc * p->out_h + oy0 + oy) * p->out_w;
                    for (ox = 0; ox < p->out_w; ox += 4) {
                        int32_t acc[4];
                        sparse_quad(taps, n, origin + ox * p->stride_w, p->stride_w, start, acc);
                        tf_requantize_lanes(p, oc, acc, p->out_w - ox < 4 ? p->out_w - ox : 4, out + ox);
                    }
                }
            }
        }
    }
}

/* A mostly-zero dense layer: only the non-zero weights, each with its input. */
void tf_fully_connected_sparse(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    uint32_t *entries = (uint32_t *)p->scratch;
    tf_weight_reader reader;
    int32_t o, t;
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o < p->out_size; ++o) {
        const int32_t n = tf_weights_row_nonzeros(&reader, p->in_size, entries);
        int32_t acc = p->bias[o];
        for (t = 0; t < n; ++t) acc += (int8_t)(entries[t] & 0xFFu) * (input[entries[t] >> 8] - p->in_zero_point);
        output[o] = (int8_t)clamp32(requantize(acc, p->multiplier[o], p->shift[o]) + p->out_zero_point, p->act_min, p->act_max);
    }
}

#else
typedef int tf_kernels_sparse_unused; /* TF_KERNELS_REFERENCE: the reference loops run instead (ISO C wants a declaration) */
#endif
