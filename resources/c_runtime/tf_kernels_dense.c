/* The dense kernels: convolution by im2col and the dense layer row by row, for weights in kernel order
 * (tf_kernel_order_tap), entered through tf_conv2d and tf_fully_connected (tf_kernels_optimised.c). The DSP versions
 * use SMLAD (two 16-bit multiply-accumulates an instruction); the plain-C ones have the same structure. */
#include "tf_kernels_internal.h"

#if !defined(TF_KERNELS_REFERENCE) && defined(__ARM_FEATURE_DSP)

/* ---- Convolution ----
 * Output pixels are gathered four at a time as im2col columns of int16 values (input minus its zero point, padding
 * 0), interleaved word by word: word w of lane q (q = 0..3) is quad[4 * w + q] and holds column slots 2w (low half)
 * and 2w + 1 (high half), the slots of tf_kernel_order_tap. A stored weight word (four bytes in kernel order) then
 * meets the four pixels through one LDM of their words: SXTB16 of the weights pairs with slots 4g, 4g + 1 and
 * SXTB16 ROR 8 with 4g + 2, 4g + 3. */

/* acc[q] += the dot product of lane q's first 4 * groups slots with as many weights (kernel order). 15 instructions
 * per 16 multiply-accumulates, in assembly because it needs all fourteen free registers. */
void tf_dot4(const uint32_t *quad, const int8_t *weights, int32_t groups, int32_t acc[4]);
__asm__(
    "    .pushsection .text.tf_dot4,\"ax\",%progbits\n"
    "    .syntax unified\n"
    "    .thumb\n"
    /* One group of four slots: a weight word (r1) against the four lanes' two words (r0). */
    "    .macro tf_dot4_group\n"
    "    ldr r12, [r1], #4\n"
    "    ldm r0!, {r4-r7}\n"
    "    sxtb16 lr, r12\n"
    "    smlad r8, r4, lr, r8\n"
    "    smlad r9, r5, lr, r9\n"
    "    smlad r10, r6, lr, r10\n"
    "    smlad r11, r7, lr, r11\n"
    "    ldm r0!, {r4-r7}\n"
    "    sxtb16 lr, r12, ror #8\n"
    "    smlad r8, r4, lr, r8\n"
    "    smlad r9, r5, lr, r9\n"
    "    smlad r10, r6, lr, r10\n"
    "    smlad r11, r7, lr, r11\n"
    "    .endm\n"
    "    .balign 4\n"
    "    .global tf_dot4\n"
    "    .type tf_dot4, %function\n"
    "    .thumb_func\n"
    "tf_dot4:\n"
    "    push {r3-r11, lr}\n"
    "    ldm r3, {r8-r11}\n"
    "    lsrs r2, r2, #1\n" /* pairs of groups; the carry is an odd one */
    "    bcc 1f\n"
    "    tf_dot4_group\n"
    "1:  cbz r2, 3f\n"
    "2:  tf_dot4_group\n"
    "    tf_dot4_group\n"
    "    subs r2, r2, #1\n"
    "    bne 2b\n"
    "3:  ldr r3, [sp]\n"
    "    stm r3, {r8-r11}\n"
    "    pop {r3-r11, pc}\n"
    "    .size tf_dot4, .-tf_dot4\n"
    "    .purgem tf_dot4_group\n"
    "    .popsection\n");

/* Two rows r, s of three taps (each loaded as a word from its first byte) as the slots r0 r2, s0 s2, r1 s1. */
static inline uint32_t *row_pair(uint32_t r, uint32_t s, uint32_t zero_points, uint32_t *out) {
    out[0] = ssub16(sxtb16(r), zero_points);
    out[4] = ssub16(sxtb16(s), zero_points);
    out[8] = ssub16(pack_low(sxtb16_ror8(r), sxtb16_ror8(s)), zero_points);
    return out + 12;
}

/* An odd last row: r0 r2, then r1 alone. */
static inline void last_row(uint32_t r, uint32_t zero_points, uint32_t *out) {
    out[0] = ssub16(sxtb16(r), zero_points);
    out[4] = ssub16(sxtb16_ror8(r), zero_points) & 0xFFFFu;
}

/* How a window's row of three is loaded as a word: from inside the row, or crossing its left or right edge by one
 * (3x3 kernels padded by one), with the zero point put where the row has no value; else byte by byte. */
enum { TF_ROW_INSIDE, TF_ROW_LEFT_PAD, TF_ROW_AT_END, TF_ROW_RIGHT_PAD, TF_ROW_BYTES };

static int32_t row_mode(int32_t x0, int32_t in_w) {
    if (x0 >= 0 && x0 + 4 <= in_w) return TF_ROW_INSIDE;
    if (x0 == -1 && in_w >= 4) return TF_ROW_LEFT_PAD;
    if (x0 >= 1 && x0 + 3 == in_w) return TF_ROW_AT_END; /* the word's fourth byte is not used */
    if (x0 >= 2 && x0 + 2 == in_w) return TF_ROW_RIGHT_PAD;
    return TF_ROW_BYTES;
}

static inline uint32_t row_word(const int8_t *row, int32_t x0, int32_t in_w, int32_t mode, uint32_t zp_bytes) {
    uint32_t word = 0;
    int32_t k;
    switch (mode) {
        case TF_ROW_INSIDE: return load32(row + x0);
        case TF_ROW_LEFT_PAD: return (load32(row) << 8) | (zp_bytes & 0xFFu);
        case TF_ROW_AT_END: return load32(row + x0 - 1) >> 8;
        case TF_ROW_RIGHT_PAD: return (load32(row + x0 - 2) >> 16) | (zp_bytes & 0xFF0000u);
        default: break;
    }
    for (k = 0; k < 4; ++k) {
        const int32_t x = x0 + k;
        word |= (x >= 0 && x < in_w ? (uint8_t)row[x] : (zp_bytes & 0xFFu)) << (8 * k);
    }
    return word;
}

/* Column of a 3-wide kernel whose window may cross the input's edges: its rows in order, paired. */
static void im2col_w3(const tf_conv2d_params *p, const int8_t *planes, int32_t y0, int32_t x0, uint32_t zp_bytes, uint32_t zp_halves, uint32_t *out) {
    const int32_t channels = p->in_c / p->groups, in_plane = p->in_h * p->in_w, in_w = p->in_w;
    const int32_t mode = row_mode(x0, in_w);
    uint32_t pending = 0;
    int32_t c, ky, have = 0;
    for (c = 0; c < channels; ++c, planes += in_plane) {
        for (ky = 0; ky < p->kernel_h; ++ky) {
            const int32_t iy = y0 + ky;
            const uint32_t word = iy < 0 || iy >= p->in_h ? zp_bytes : row_word(planes + iy * in_w, x0, in_w, mode, zp_bytes);
            if (have) out = row_pair(pending, word, zp_halves, out);
            else pending = word;
            have = !have;
        }
    }
    if (have) last_row(pending, zp_halves, out);
}

/* Column of a 3x3 kernel whose window, and the byte after each of its rows, lie inside the input: `window` points at
 * its top-left value in the first channel. Two channels (six rows) a pass. */
static void im2col_3x3_inside(const int8_t *window, int32_t in_w, int32_t in_plane, int32_t channels, uint32_t zp_halves, uint32_t *out) {
    int32_t c;
    for (c = 0; c + 2 <= channels; c += 2, window += 2 * in_plane) {
        const int8_t *next = window + in_plane;
        out = row_pair(load32(window), load32(window + in_w), zp_halves, out);
        out = row_pair(load32(window + 2 * in_w), load32(next), zp_halves, out);
        out = row_pair(load32(next + in_w), load32(next + 2 * in_w), zp_halves, out);
    }
    if (c < channels) {
        out = row_pair(load32(window), load32(window + in_w), zp_halves, out);
        last_row(load32(window + 2 * in_w), zp_halves, out);
    }
}

/* Column of a 3x3 kernel whose window crosses the input's edges by at most one: rows outside are the zero point,
 * rows crossing the left or right edge loaded as `mode` says. Inlined with `mode` a constant, one copy per mode. */
static inline __attribute__((always_inline)) void im2col_3x3_edges(const tf_conv2d_params *p, const int8_t *planes, int32_t y0, int32_t x0,
                                                                     int32_t mode, uint32_t zp_bytes, uint32_t zp_halves, uint32_t *out) {
    const int32_t channels = p->in_c / p->groups, in_w = p->in_w, in_plane = p->in_h * in_w;
    const int32_t inside0 = y0 >= 0, inside2 = y0 + 2 < p->in_h; /* the middle row is always inside */
    const int32_t first = (inside0 ? y0 : y0 + 1) * in_w + x0;   /* where the first row inside starts */
    uint32_t pending = 0;
    int32_t c, ky, have = 0;
    for (c = 0; c < channels; ++c) {
        const int8_t *row = planes + c * in_plane + first;
        for (ky = 0; ky < 3; ++ky) {
            uint32_t word = zp_bytes;
            if (ky == 1 || (ky == 0 ? inside0 : inside2)) {
                switch (mode) {
                    case TF_ROW_INSIDE: word = load32(row); break;
                    case TF_ROW_LEFT_PAD: word = (load32(row + 1) << 8) | (zp_bytes & 0xFFu); break;
                    case TF_ROW_AT_END: word = load32(row - 1) >> 8; break;
                    default: word = (load32(row - 2) >> 16) | (zp_bytes & 0xFF0000u); break;
                }
                row += in_w;
            }
            if (have) out = row_pair(pending, word, zp_halves, out);
            else pending = word;
            have = !have;
        }
    }
    if (have) last_row(pending, zp_halves, out);
}

/* Column of any other kernel, slots in PyTorch's order: slot k at lane[8 * (k / 2) + k % 2]. */
static void im2col_any(const tf_conv2d_params *p, const int8_t *planes, int32_t y0, int32_t x0, int16_t *lane) {
    const int32_t channels = p->in_c / p->groups, in_plane = p->in_h * p->in_w, zero_point = p->in_zero_point;
    const int32_t kernel_h = p->kernel_h, kernel_w = p->kernel_w, in_w = p->in_w;
    int32_t c, ky, kx, slot = 0;
    if (y0 >= 0 && y0 + kernel_h <= p->in_h && x0 >= 0 && x0 + kernel_w <= in_w) { /* inside: no bounds to check */
        for (c = 0; c < channels; ++c) {
            const int8_t *row = planes + c * in_plane + y0 * in_w + x0;
            for (ky = 0; ky < kernel_h; ++ky, row += in_w) {
                for (kx = 0; kx < kernel_w; ++kx, ++slot) lane[8 * (slot >> 1) + (slot & 1)] = (int16_t)(row[kx] - zero_point);
            }
        }
        return;
    }
    for (c = 0; c < channels; ++c) {
        for (ky = 0; ky < kernel_h; ++ky) {
            const int32_t iy = y0 + ky;
            for (kx = 0; kx < kernel_w; ++kx, ++slot) {
                const int32_t ix = x0 + kx;
                const int32_t inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < in_w;
                lane[8 * (slot >> 1) + (slot & 1)] = (int16_t)(inside ? planes[c * in_plane + iy * in_w + ix] - zero_point : 0);
            }
        }
    }
}

/* Writes output pixel (oy, ox)'s column of group g into lane `lane` of `quad`. */
static void gather(const tf_conv2d_params *p, const int8_t *input, int32_t g, int32_t oy, int32_t ox, uint32_t *quad, int32_t lane) {
    const int32_t channels = p->in_c / p->groups, in_plane = p->in_h * p->in_w;
    const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
    const int8_t *planes = input + g * channels * in_plane;
    const uint32_t zp_halves = (uint32_t)(uint16_t)p->in_zero_point * 0x10001u;
    if (p->kernel_w != 3) {
        im2col_any(p, planes, y0, x0, (int16_t *)(quad + lane));
    } else if (p->kernel_h == 3 && y0 >= 0 && y0 + 3 <= p->in_h && x0 >= 0 && x0 + 4 <= p->in_w) {
        im2col_3x3_inside(planes + y0 * p->in_w + x0, p->in_w, in_plane, channels, zp_halves, quad + lane);
    } else if (p->kernel_h == 3 && y0 >= -1 && y0 + 2 <= p->in_h && p->in_h >= 2 && row_mode(x0, p->in_w) != TF_ROW_BYTES) {
        const uint32_t zp_bytes = (uint32_t)(uint8_t)p->in_zero_point * 0x01010101u;
        uint32_t *out = quad + lane;
        switch (row_mode(x0, p->in_w)) {
            case TF_ROW_INSIDE: im2col_3x3_edges(p, planes, y0, x0, TF_ROW_INSIDE, zp_bytes, zp_halves, out); break;
            case TF_ROW_LEFT_PAD: im2col_3x3_edges(p, planes, y0, x0, TF_ROW_LEFT_PAD, zp_bytes, zp_halves, out); break;
            case TF_ROW_AT_END: im2col_3x3_edges(p, planes, y0, x0, TF_ROW_AT_END, zp_bytes, zp_halves, out); break;
            default: im2col_3x3_edges(p, planes, y0, x0, TF_ROW_RIGHT_PAD, zp_bytes, zp_halves, out); break;
        }
    } else {
        im2col_w3(p, planes, y0, x0, (uint32_t)(uint8_t)p->in_zero_point * 0x01010101u, zp_halves, quad + lane);
    }
}

/* Output pixels are gathered `block` at a time (four lanes a quad); then each filter, decoded once per block when its
 * weights are encoded, runs over the quads. */
void tf_conv2d_dense(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t length = in_per_group * p->kernel_h * p->kernel_w, words = (length + 1) >> 1;
    const int32_t plane = p->out_h * p->out_w, whole_groups = length >> 2;
    uint32_t *columns = (uint32_t *)p->scratch;
    int8_t *row_buffer = (int8_t *)(columns + p->block * words);
    tf_weight_reader reader;
    tf_weight_cursor group_start;
    int32_t g, pixel, j, oc, q;
    const int8_t *in_place = p->weights->layout == TF_WEIGHTS_DENSE && p->weights->symbol_bits == 8 && p->weights->codebook_size == 0
                                 ? (const int8_t *)p->weights->stream
                                 : 0;
    tf_weights_begin(&reader, p->weights);
    for (g = 0; g < p->groups; ++g) {
        const int32_t first = g * out_per_group, last = first + out_per_group;
        group_start = reader.at;
        for (pixel = 0; pixel < plane; pixel += p->block) {
            const int32_t count = plane - pixel < p->block ? plane - pixel : p->block;
            int32_t oy = pixel / p->out_w, ox = pixel % p->out_w;
            for (j = 0; j < count; ++j) {
                gather(p, input, g, oy, ox, columns + (j >> 2) * 4 * words, j & 3);
                if (++ox == p->out_w) {
                    ox = 0;
                    ++oy;
                }
            }
            reader.at = group_start; /* the same filters for every block of pixels */
            for (oc = first; oc < last; ++oc) {
                /* plain int8 weights straight from flash, without the decoder's call */
                const int8_t *w = in_place ? in_place + oc * length : tf_weights_row(&reader, length, row_buffer);
                const int32_t bias = p->bias[oc], tail = length - 4 * whole_groups;
                /* The last one to three slots as up to two words of int16 weights (zero past the end). */
                const uint32_t tail01 = tail > 0 ? (uint16_t)w[length - tail] | (tail > 1 ? (uint32_t)(uint16_t)w[length - tail + 1] << 16 : 0u) : 0u;
                const uint32_t tail2 = tail > 2 ? (uint16_t)w[length - 1] : 0u;
                int8_t *out = output + oc * plane + pixel;
                for (q = 0; 4 * q < count; ++q) {
                    const uint32_t *quad = columns + q * 4 * words;
                    const int32_t lanes = count - 4 * q < 4 ? count - 4 * q : 4;
                    int32_t acc[4];
                    acc[0] = acc[1] = acc[2] = acc[3] = bias;
                    tf_dot4(quad, w, whole_groups, acc);
                    if (tail > 0) {
                        const uint32_t *t = quad + 8 * whole_groups;
                        for (j = 0; j < 4; ++j) acc[j] = smlad(t[j], tail01, acc[j]);
                        if (tail > 2) for (j = 0; j < 4; ++j) acc[j] = smlad(t[4 + j], tail2, acc[j]);
                    }
                    tf_requantize_lanes(p, oc, acc, lanes, out + 4 * q);
                }
            }
        }
    }
}

/* ---- Dense layer: the input widened once, each word two slots in kernel order ---- */

/* bias + the dot product of the widened input with `length` int8 weights in kernel order. */
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

/* Two rows a pass, sharing each input load. */
static void dot2(const int16_t *column, const int8_t *wa, const int8_t *wb, int32_t length, int32_t *acc_a, int32_t *acc_b) {
    int32_t a = *acc_a, b = *acc_b, k = 0;
    for (; k + 4 <= length; k += 4) {
        const uint32_t c01 = load32(column + k), c23 = load32(column + k + 2);
        const uint32_t x = load32(wa + k), y = load32(wb + k);
        a = smlad(c01, sxtb16(x), a);
        a = smlad(c23, sxtb16_ror8(x), a);
        b = smlad(c01, sxtb16(y), b);
        b = smlad(c23, sxtb16_ror8(y), b);
    }
    for (; k < length; ++k) {
        a += column[k] * wa[k];
        b += column[k] * wb[k];
    }
    *acc_a = a;
    *acc_b = b;
}

void tf_fully_connected_dense(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int16_t *widened = p->scratch;
    int8_t *rows = (int8_t *)(p->scratch + p->in_size);
    tf_weight_reader reader;
    int32_t i, o;
    for (i = 0; i < p->in_size; ++i) widened[i] = (int16_t)(input[i] - p->in_zero_point);
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

#elif !defined(TF_KERNELS_REFERENCE) /* cores without the DSP extension (Cortex-M0, M3), and hosts */

/* im2col without the DSP extension. A table gives, for each stored position of a filter row (kernel order), its
 * input's offset from the window's origin; a block of pixels' windows is copied interleaved four pixels a position,
 * as bytes biased by 128 (so Thumb-1 loads them with an immediate offset and no sign extension), padding as the zero
 * point; the bias takes the rest (bias - (zero_point + 128) * sum of the weights), so each weight meets four pixels
 * with four multiplies. */
void tf_conv2d_dense(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t kernel_h = p->kernel_h, kernel_w = p->kernel_w, in_w = p->in_w, in_plane = p->in_h * in_w;
    const int32_t length = in_per_group * kernel_h * kernel_w, plane = p->out_h * p->out_w, block = p->block;
    const int8_t zero_point = (int8_t)p->in_zero_point;
    int32_t *offsets = (int32_t *)p->scratch;               /* [length] */
    uint8_t *columns = (uint8_t *)(offsets + length);        /* [block / 4][length][4], each value + 128 */
    int8_t *row_buffer = (int8_t *)(columns + block * length); /* [length] */
    tf_weight_reader reader;
    tf_weight_cursor group_start;
    int32_t i, g, pixel, j, oc, q;
    for (i = 0; i < length; ++i) {
        const int32_t tap = tf_kernel_order_tap(length, kernel_w, i), row = tap / kernel_w, c = row / kernel_h;
        offsets[i] = c * in_plane + (row - c * kernel_h) * in_w + (tap - row * kernel_w);
    }
    tf_weights_begin(&reader, p->weights);
    for (g = 0; g < p->groups; ++g) {
        const int8_t *planes = input + g * in_per_group * in_plane;
        group_start = reader.at;
        for (pixel = 0; pixel < plane; pixel += block) {
            const int32_t count = plane - pixel < block ? plane - pixel : block;
            for (j = 0; j < count; ++j) {
                const int32_t oy = (pixel + j) / p->out_w, ox = (pixel + j) % p->out_w;
                const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
                uint8_t *column = columns + (j >> 2) * 4 * length + (j & 3);
                if (y0 >= 0 && y0 + kernel_h <= p->in_h && x0 >= 0 && x0 + kernel_w <= in_w) {
                    const uint8_t *window = (const uint8_t *)planes + y0 * in_w + x0;
                    for (i = 0; i < length; ++i) column[4 * i] = (uint8_t)(window[offsets[i]] ^ 0x80u);
                } else {
                    for (i = 0; i < length; ++i) {
                        const int32_t tap = tf_kernel_order_tap(length, kernel_w, i), row = tap / kernel_w, c = row / kernel_h;
                        const int32_t iy = y0 + row - c * kernel_h, ix = x0 + tap - row * kernel_w;
                        const int8_t value = iy >= 0 && iy < p->in_h && ix >= 0 && ix < in_w ? planes[c * in_plane + iy * in_w + ix] : zero_point;
                        column[4 * i] = (uint8_t)((uint8_t)value ^ 0x80u);
                    }
                }
            }
            reader.at = group_start; /* the same filters for every block of pixels */
            for (oc = g * out_per_group; oc < (g + 1) * out_per_group; ++oc) {
                const int8_t *w = tf_weights_row(&reader, length, row_buffer);
                int32_t sum = 0;
                for (i = 0; i < length; ++i) sum += w[i];
                for (q = 0; 4 * q < count; ++q) {
                    const uint8_t *x = columns + q * 4 * length;
                    int32_t acc[4];
                    int32_t a0 = p->bias[oc] - (p->in_zero_point + 128) * sum, a1 = a0, a2 = a0, a3 = a0;
                    for (i = 0; i < length; ++i, x += 4) {
                        const int32_t weight = w[i];
                        a0 += x[0] * weight;
                        a1 += x[1] * weight;
                        a2 += x[2] * weight;
                        a3 += x[3] * weight;
                    }
                    acc[0] = a0;
                    acc[1] = a1;
                    acc[2] = a2;
                    acc[3] = a3;
                    tf_requantize_lanes(p, oc, acc, count - 4 * q < 4 ? count - 4 * q : 4, output + oc * plane + pixel + 4 * q);
                }
            }
        }
    }
}

void tf_fully_connected_dense(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int16_t *ordered = p->scratch; /* the input minus its zero point, in the rows' kernel order */
    int8_t *row_buffer = (int8_t *)(p->scratch + p->in_size);
    tf_weight_reader reader;
    int32_t o, i;
    for (i = 0; i < p->in_size; ++i) ordered[i] = (int16_t)(input[tf_kernel_order_tap(p->in_size, 0, i)] - p->in_zero_point);
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o < p->out_size; ++o) {
        const int8_t *w = tf_weights_row(&reader, p->in_size, row_buffer);
        int32_t acc = p->bias[o];
        for (i = 0; i < p->in_size; ++i) acc += w[i] * ordered[i];
        output[o] = (int8_t)clamp32(requantize(acc, p->multiplier[o], p->shift[o]) + p->out_zero_point, p->act_min, p->act_max);
    }
}

#else
typedef int tf_kernels_dense_unused; /* TF_KERNELS_REFERENCE: the reference loops run instead (ISO C wants a declaration) */
#endif
