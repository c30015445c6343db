/* Reference versions of the TinyForge C runtime kernels: plain loops, the same arithmetic as the studio's
 * integer reference. See tf_kernels.h. */
#include "tf_kernels.h"

static int32_t clamp32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* round(a * b / 2^31), saturating the single overflow case: one 32 x 32 -> 64-bit multiply, then a division by 2^31
 * that truncates toward zero as gemmlowp's does (a shift after adding 2^31 - 1 to a negative sum). */
static inline int32_t rounding_doubling_high_mul(int32_t a, int32_t b) {
    int64_t sum;
    if (a == b && a == INT32_MIN) return INT32_MAX;
    sum = (int64_t)a * (int64_t)b;
    sum += sum >= 0 ? (int64_t)(1 << 30) : (int64_t)(1 - (1 << 30));
    if (sum < 0) sum += (int64_t)0x7FFFFFFF;
    return (int32_t)(sum >> 31);
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

int32_t tf_requantize(int32_t x, int32_t multiplier, int32_t shift) { return requantize(x, multiplier, shift); }

/* ---- Weight decoding ---- */

/* `bits` (1..8) bits from `stream` at *bit, least significant first. */
static uint32_t read_bits(const uint8_t *stream, uint32_t *bit, int32_t bits) {
    const uint32_t byte = *bit >> 3, offset = *bit & 7;
    uint32_t value = (uint32_t)stream[byte] >> offset;
    if (offset + (uint32_t)bits > 8) value |= (uint32_t)stream[byte + 1] << (8 - offset);
    *bit += (uint32_t)bits;
    return value & ((1u << bits) - 1);
}

static int8_t sign_extend(uint32_t value, int32_t bits) {
    const uint32_t sign = 1u << (bits - 1);
    return (int8_t)(int32_t)((value ^ sign) - sign);
}

/* Relative layout: reads the next entry, or marks that none is left. */
static void next_entry(tf_weight_reader *r) {
    const tf_weights *w = r->weights;
    if (r->at.remaining == 0) {
        r->at.next = INT32_MAX;
        return;
    }
    --r->at.remaining;
    r->at.next += (int32_t)read_bits(w->stream, &r->at.bit, w->gap_bits);
    r->at.next_symbol = (int32_t)read_bits(w->stream, &r->at.bit, w->symbol_bits);
}

void tf_weights_begin(tf_weight_reader *r, const tf_weights *w) {
    int32_t s;
    r->weights = w;
    r->at.bit = r->at.mask_bit = 0;
    r->at.index = 0;
    if (w->layout == TF_WEIGHTS_DENSE && w->symbol_bits == 8 && w->codebook_size == 0) return; /* read in place */
    if (w->codebook_size == 0) {
        for (s = 0; s < (1 << w->symbol_bits); ++s) r->values[s] = sign_extend((uint32_t)s, w->weight_bits);
    } else {
        uint32_t bit = 0;
        if (w->zero_symbol) r->values[0] = 0;
        for (s = 0; s < w->codebook_size; ++s) {
            r->values[s + w->zero_symbol] = sign_extend(read_bits(w->codebook, &bit, w->weight_bits), w->weight_bits);
        }
    }
    if (w->layout == TF_WEIGHTS_RELATIVE) {
        r->at.next = -1; /* the first gap counts from just before weight 0 */
        r->at.remaining = w->entries;
        next_entry(r);
    }
}

const int8_t *tf_weights_row(tf_weight_reader *r, int32_t length, int8_t *buffer) {
    const tf_weights *w = r->weights;
    const int32_t first = r->at.index, end = first + length;
    int32_t k;
    r->at.index = end;
    if (w->layout == TF_WEIGHTS_DENSE) {
        if (w->symbol_bits == 8 && w->codebook_size == 0) return (const int8_t *)w->stream + first;
        for (k = 0; k < length; ++k) buffer[k] = r->values[read_bits(w->stream, &r->at.bit, w->symbol_bits)];
    } else if (w->layout == TF_WEIGHTS_BITMASK) {
        for (k = 0; k < length; ++k) {
            buffer[k] = read_bits(w->mask, &r->at.mask_bit, 1) ? r->values[read_bits(w->stream, &r->at.bit, w->symbol_bits)] : 0;
        }
    } else {
        for (k = 0; k < length; ++k) buffer[k] = 0;
        while (r->at.next < end) {
            buffer[r->at.next - first] = r->values[r->at.next_symbol];
            next_entry(r);
        }
    }
    return buffer;
}

/* ---- Reference kernels ---- */

void tf_conv2d_reference(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t filter_size = in_per_group * p->kernel_h * p->kernel_w;
    tf_weight_reader reader;
    int32_t oc, oy, ox, ic, ky, kx;
    tf_weights_begin(&reader, p->weights);
    for (oc = 0; oc < p->out_c; ++oc) {
        const int32_t first_in = (oc / out_per_group) * in_per_group;
        const int8_t *filter = tf_weights_row(&reader, filter_size, (int8_t *)p->scratch);
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                int32_t acc = p->bias[oc];
                for (ic = 0; ic < in_per_group; ++ic) {
                    const int8_t *plane = input + (first_in + ic) * p->in_h * p->in_w;
                    for (ky = 0; ky < p->kernel_h; ++ky) {
                        const int32_t iy = oy * p->stride_h - p->pad_h + ky;
                        if (iy < 0 || iy >= p->in_h) continue; /* padding is a real zero */
                        for (kx = 0; kx < p->kernel_w; ++kx) {
                            const int32_t ix = ox * p->stride_w - p->pad_w + kx;
                            if (ix < 0 || ix >= p->in_w) continue;
                            acc += (plane[iy * p->in_w + ix] - p->in_zero_point) *
                                   filter[(ic * p->kernel_h + ky) * p->kernel_w + kx];
                        }
                    }
                }
                acc = tf_requantize(acc, p->multiplier[oc], p->shift[oc]) + p->out_zero_point;
                output[(oc * p->out_h + oy) * p->out_w + ox] = (int8_t)clamp32(acc, p->act_min, p->act_max);
            }
        }
    }
}

void tf_fully_connected_reference(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    tf_weight_reader reader;
    int32_t o, i;
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o < p->out_size; ++o) {
        const int8_t *row = tf_weights_row(&reader, p->in_size, (int8_t *)p->scratch);
        int32_t acc = p->bias[o];
        for (i = 0; i < p->in_size; ++i) acc += (input[i] - p->in_zero_point) * row[i];
        acc = tf_requantize(acc, p->multiplier[o], p->shift[o]) + p->out_zero_point;
        output[o] = (int8_t)clamp32(acc, p->act_min, p->act_max);
    }
}

void tf_max_pool2d(const tf_max_pool2d_params *p, const int8_t *input, int8_t *output) {
    int32_t c, oy, ox, ky, kx;
    for (c = 0; c < p->channels; ++c) {
        const int8_t *plane = input + c * p->in_h * p->in_w;
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                int32_t best = INT32_MIN;
                for (ky = 0; ky < p->kernel_h; ++ky) {
                    const int32_t iy = oy * p->stride_h - p->pad_h + ky;
                    if (iy < 0 || iy >= p->in_h) continue;
                    for (kx = 0; kx < p->kernel_w; ++kx) {
                        const int32_t ix = ox * p->stride_w - p->pad_w + kx;
                        if (ix < 0 || ix >= p->in_w) continue;
                        if (plane[iy * p->in_w + ix] > best) best = plane[iy * p->in_w + ix];
                    }
                }
                output[(c * p->out_h + oy) * p->out_w + ox] = (int8_t)clamp32(best, p->act_min, p->act_max);
            }
        }
    }
}

void tf_global_avg_pool(const tf_global_avg_pool_params *p, const int8_t *input, int8_t *output) {
    const int32_t area = p->in_h * p->in_w;
    int32_t c, i;
    for (c = 0; c < p->channels; ++c) {
        int32_t sum = 0;
        for (i = 0; i < area; ++i) sum += input[c * area + i] - p->in_zero_point;
        sum = tf_requantize(sum, p->multiplier, p->shift) + p->out_zero_point;
        output[c] = (int8_t)clamp32(sum, p->act_min, p->act_max);
    }
}

void tf_avg_pool2d(const tf_avg_pool2d_params *p, const int8_t *input, int8_t *output) {
    int32_t c, oy, ox, ky, kx;
    for (c = 0; c < p->channels; ++c) {
        const int8_t *plane = input + c * p->in_h * p->in_w;
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                int32_t sum = 0;
                for (ky = 0; ky < p->kernel_h; ++ky) {
                    const int32_t iy = oy * p->stride_h - p->pad_h + ky;
                    if (iy < 0 || iy >= p->in_h) continue; /* padding: a real zero, still counted in the mean */
                    for (kx = 0; kx < p->kernel_w; ++kx) {
                        const int32_t ix = ox * p->stride_w - p->pad_w + kx;
                        if (ix >= 0 && ix < p->in_w) sum += plane[iy * p->in_w + ix] - p->in_zero_point;
                    }
                }
                sum = tf_requantize(sum, p->multiplier, p->shift) + p->out_zero_point;
                output[(c * p->out_h + oy) * p->out_w + ox] = (int8_t)clamp32(sum, p->act_min, p->act_max);
            }
        }
    }
}

void tf_softmax(const tf_softmax_params *p, const int8_t *input, int8_t *output) {
    int32_t i, largest = -128;
    uint32_t sum = 0;
    for (i = 0; i < p->size; ++i) if (input[i] > largest) largest = input[i];
    for (i = 0; i < p->size; ++i) sum += p->exp_table[largest - input[i]];
    for (i = 0; i < p->size; ++i) {
        const uint32_t probability = ((uint32_t)p->exp_table[largest - input[i]] * 256u + sum / 2) / sum;
        output[i] = (int8_t)clamp32((int32_t)probability - 128, -128, 127);
    }
}

void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    int32_t i;
    for (i = 0; i < p->size; ++i) {
        const int32_t sa = (a[i] - p->a_zero_point) * (1 << p->left_shift);
        const int32_t sb = (b[i] - p->b_zero_point) * (1 << p->left_shift);
        const int32_t sum = tf_requantize(sa, p->a_multiplier, p->a_shift) + tf_requantize(sb, p->b_multiplier, p->b_shift);
        output[i] = (int8_t)clamp32(tf_requantize(sum, p->out_multiplier, p->out_shift) + p->out_zero_point, p->act_min, p->act_max);
    }
}

#if defined(__ARM_FEATURE_DSP)
/* DSP versions: values widened to int16 in a column, each four of them stored as the pairs (v0, v2), (v1, v3) that
 * match SXTB16's sign extension of bytes 0 and 2 (or 1 and 3) of four packed int8 weights, so SMLAD does two
 * multiply-accumulates per pair with no repacking in the inner loops. The column is paired once (pair_column) and
 * then meets every filter. A tail of fewer than four values stays in order and is done one by one. */

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
/* (low half of a, low half of b) and (high half of a, high half of b). */
static inline uint32_t pack_low(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static inline uint32_t pack_high(uint32_t a, uint32_t b) {
    uint32_t r;
    __asm("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}
static inline uint32_t load32(const void *p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4); /* an unaligned LDR, which the M4 allows */
    return v;
}

/* Reorders each four values v0 v1 v2 v3 of a column into v0 v2 v1 v3 (the tail stays as it is). */
static void pair_column(int16_t *column, int32_t length) {
    int32_t k;
    for (k = 0; k + 4 <= length; k += 4) {
        const uint32_t c01 = load32(column + k), c23 = load32(column + k + 2);
        const uint32_t c02 = pack_low(c01, c23), c13 = pack_high(c01, c23);
        __builtin_memcpy(column + k, &c02, 4);
        __builtin_memcpy(column + k + 2, &c13, 4);
    }
}

/* bias + the dot product of a paired int16 column with `length` int8 weights. */
static int32_t dot(const int16_t *column, const int8_t *weights, int32_t length, int32_t acc) {
    int32_t k = 0;
    for (; k + 4 <= length; k += 4) {
        const uint32_t w = load32(weights + k);
        acc = smlad(load32(column + k), sxtb16(w), acc);
        acc = smlad(load32(column + k + 2), sxtb16_ror8(w), acc);
    }
    for (; k < length; ++k) acc += column[k] * weights[k];
    return acc;
}

/* Two dot products sharing each column load: two output channels a pass. */
static void dot2(const int16_t *column, const int8_t *wa, const int8_t *wb, int32_t length, int32_t *acc_a, int32_t *acc_b) {
    int32_t a = *acc_a, b = *acc_b, k = 0;
    for (; k + 4 <= length; k += 4) {
        const uint32_t c02 = load32(column + k), c13 = load32(column + k + 2);
        const uint32_t x = load32(wa + k), y = load32(wb + k);
        a = smlad(c02, sxtb16(x), a);
        a = smlad(c13, sxtb16_ror8(x), a);
        b = smlad(c02, sxtb16(y), b);
        b = smlad(c13, sxtb16_ror8(y), b);
    }
    for (; k < length; ++k) {
        a += column[k] * wa[k];
        b += column[k] * wb[k];
    }
    *acc_a = a;
    *acc_b = b;
}

void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int16_t *widened = p->scratch;
    int8_t *rows = (int8_t *)(p->scratch + p->in_size);
    tf_weight_reader reader;
    int32_t i, o;
    for (i = 0; i < p->in_size; ++i) widened[i] = (int16_t)(input[i] - p->in_zero_point);
    pair_column(widened, p->in_size);
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o + 1 < p->out_size; o += 2) {
        const int8_t *wa = tf_weights_row(&reader, p->in_size, rows);
        const int8_t *wb = tf_weights_row(&reader, p->in_size, rows + p->in_size);
        int32_t a = p->bias[o], b = p->bias[o + 1];
        dot2(widened, wa, wb, p->in_size, &a, &b);
        a = requantize(a, p->multiplier[o], p->shift[o]) + p->out_zero_point;
        b = requantize(b, p->multiplier[o + 1], p->shift[o + 1]) + p->out_zero_point;
        output[o] = (int8_t)clamp32(a, p->act_min, p->act_max);
        output[o + 1] = (int8_t)clamp32(b, p->act_min, p->act_max);
    }
    if (o < p->out_size) {
        const int32_t a = dot(widened, tf_weights_row(&reader, p->in_size, rows), p->in_size, p->bias[o]);
        output[o] = (int8_t)clamp32(requantize(a, p->multiplier[o], p->shift[o]) + p->out_zero_point, p->act_min, p->act_max);
    }
}

/* The receptive field of output pixel (oy, ox) of group g, centred on the zero point (padding is 0). */
static void im2col(const tf_conv2d_params *p, const int8_t *input, int32_t g, int32_t oy, int32_t ox, int16_t *column) {
    const int32_t in_per_group = p->in_c / p->groups;
    const int32_t x0 = ox * p->stride_w - p->pad_w, y0 = oy * p->stride_h - p->pad_h;
    const int inside_w = x0 >= 0 && x0 + p->kernel_w <= p->in_w;
    int32_t ic, ky, kx, k = 0;
    if (inside_w && y0 >= 0 && y0 + p->kernel_h <= p->in_h) { /* the usual case: no padding in the window */
        const int32_t zero_point = p->in_zero_point, kernel_w = p->kernel_w, in_w = p->in_w;
        const int8_t *row = input + (g * in_per_group * p->in_h + y0) * in_w + x0;
        int16_t *out = column;
        for (ic = 0; ic < in_per_group; ++ic, row += (p->in_h - p->kernel_h) * in_w) {
            for (ky = 0; ky < p->kernel_h; ++ky, row += in_w) {
                if (kernel_w == 3) {
                    out[0] = (int16_t)(row[0] - zero_point);
                    out[1] = (int16_t)(row[1] - zero_point);
                    out[2] = (int16_t)(row[2] - zero_point);
                    out += 3;
                } else {
                    for (kx = 0; kx < kernel_w; ++kx) *out++ = (int16_t)(row[kx] - zero_point);
                }
            }
        }
        return;
    }
    for (ic = 0; ic < in_per_group; ++ic) {
        const int8_t *plane = input + (g * in_per_group + ic) * p->in_h * p->in_w;
        for (ky = 0; ky < p->kernel_h; ++ky) {
            const int32_t iy = oy * p->stride_h - p->pad_h + ky;
            const int8_t *row;
            if (iy < 0 || iy >= p->in_h) {
                for (kx = 0; kx < p->kernel_w; ++kx, ++k) column[k] = 0;
                continue;
            }
            row = plane + iy * p->in_w + x0;
            if (inside_w) {
                for (kx = 0; kx < p->kernel_w; ++kx, ++k) column[k] = (int16_t)(row[kx] - p->in_zero_point);
            } else {
                for (kx = 0; kx < p->kernel_w; ++kx, ++k) {
                    const int32_t ix = x0 + kx;
                    column[k] = (int16_t)(ix >= 0 && ix < p->in_w ? row[kx] - p->in_zero_point : 0);
                }
            }
        }
    }
}

static int8_t requantized(const tf_conv2d_params *p, int32_t acc, int32_t oc) {
    acc = requantize(acc, p->multiplier[oc], p->shift[oc]) + p->out_zero_point;
    return (int8_t)clamp32(acc, p->act_min, p->act_max);
}

/* Two pixels (columns ca, cb) by two output channels (weights wa, wb): each column pair and weight pair loaded once
 * feeds four SMLADs. */
static void dot2x2(const int16_t *ca, const int16_t *cb, const int8_t *wa, const int8_t *wb, int32_t length, int32_t acc[4]) {
    int32_t a0 = acc[0], a1 = acc[1], b0 = acc[2], b1 = acc[3], k = 0;
    for (; k + 4 <= length; k += 4) {
        const uint32_t x = load32(wa + k), y = load32(wb + k);
        const uint32_t x02 = sxtb16(x), x13 = sxtb16_ror8(x), y02 = sxtb16(y), y13 = sxtb16_ror8(y);
        uint32_t c02 = load32(ca + k), c13 = load32(ca + k + 2);
        a0 = smlad(c02, x02, a0);
        a0 = smlad(c13, x13, a0);
        b0 = smlad(c02, y02, b0);
        b0 = smlad(c13, y13, b0);
        c02 = load32(cb + k);
        c13 = load32(cb + k + 2);
        a1 = smlad(c02, x02, a1);
        a1 = smlad(c13, x13, a1);
        b1 = smlad(c02, y02, b1);
        b1 = smlad(c13, y13, b1);
    }
    for (; k < length; ++k) {
        a0 += ca[k] * wa[k];
        a1 += cb[k] * wa[k];
        b0 += ca[k] * wb[k];
        b1 += cb[k] * wb[k];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = b0;
    acc[3] = b1;
}

/* Output pixels are gathered `block` at a time as im2col columns; then each pair of filters (decoded once per block
 * when the weights are encoded) runs over the columns two by two. */
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t length = in_per_group * p->kernel_h * p->kernel_w, plane = p->out_h * p->out_w;
    int16_t *columns = p->scratch;
    int8_t *rows = (int8_t *)(p->scratch + p->block * length);
    tf_weight_reader reader;
    tf_weight_cursor group_start;
    int32_t g, pixel, j, oc;
    tf_weights_begin(&reader, p->weights);
    for (g = 0; g < p->groups; ++g) {
        const int32_t first = g * out_per_group, last = first + out_per_group;
        group_start = reader.at;
        for (pixel = 0; pixel < plane; pixel += p->block) {
            const int32_t count = plane - pixel < p->block ? plane - pixel : p->block;
            int8_t *out = output + pixel;
            for (j = 0; j < count; ++j) {
                im2col(p, input, g, (pixel + j) / p->out_w, (pixel + j) % p->out_w, columns + j * length);
                pair_column(columns + j * length, length);
            }
            reader.at = group_start; /* the same filters for every block of pixels */
            for (oc = first; oc + 1 < last; oc += 2) {
                const int8_t *wa = tf_weights_row(&reader, length, rows);
                const int8_t *wb = tf_weights_row(&reader, length, rows + length);
                for (j = 0; j + 1 < count; j += 2) {
                    int32_t acc[4];
                    acc[0] = acc[1] = p->bias[oc];
                    acc[2] = acc[3] = p->bias[oc + 1];
                    dot2x2(columns + j * length, columns + (j + 1) * length, wa, wb, length, acc);
                    out[oc * plane + j] = requantized(p, acc[0], oc);
                    out[oc * plane + j + 1] = requantized(p, acc[1], oc);
                    out[(oc + 1) * plane + j] = requantized(p, acc[2], oc + 1);
                    out[(oc + 1) * plane + j + 1] = requantized(p, acc[3], oc + 1);
                }
                if (j < count) { /* an odd last pixel */
                    int32_t a = p->bias[oc], b = p->bias[oc + 1];
                    dot2(columns + j * length, wa, wb, length, &a, &b);
                    out[oc * plane + j] = requantized(p, a, oc);
                    out[(oc + 1) * plane + j] = requantized(p, b, oc + 1);
                }
            }
            if (oc < last) { /* an odd last filter */
                const int8_t *wa = tf_weights_row(&reader, length, rows);
                for (j = 0; j < count; ++j) out[oc * plane + j] = requantized(p, dot(columns + j * length, wa, length, p->bias[oc]), oc);
            }
        }
    }
}
#else
void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    tf_fully_connected_reference(p, input, output);
}
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) { tf_conv2d_reference(p, input, output); }
#endif
