/* Optimised kernels of the TinyForge C runtime, under the entry names the model calls (tf_conv2d,
 * tf_fully_connected, tf_add); the reference loops they must equal are in tf_kernels.c. On cores with the DSP
 * extension (Cortex-M4, M7, M33) the convolution and dense layer use the dual 16-bit multiply-accumulate SMLAD; on
 * the others (Cortex-M0, M3) and hosts, plain C with the same structure; built with -DTF_KERNELS_REFERENCE, the
 * reference loops everywhere. Outputs are identical every way: the accumulators are exact integer sums. */
#include "tf_kernels_internal.h"

#if !defined(TF_KERNELS_REFERENCE)
static inline uint32_t load32(const void *p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4); /* an unaligned LDR, which these cores allow */
    return v;
}


/* ---- Element-wise sum, on every core ---- */

/* One requantization with its constants worked out per call: x * multiplier * 2^shift as requantize() computes it. */
typedef struct {
    int32_t multiplier, left, exponent, mask, half;
} tf_scaling;

static tf_scaling scaling(int32_t multiplier, int32_t shift) {
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

/* Each input's rescaling depends on its int8 value alone, so a sum of more elements than values looks both up in
 * tables of 256 (worked out once per call, in the scratch); only the output's requantization is per element. */
void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    const tf_scaling sa = scaling(p->a_multiplier, p->a_shift), sb = scaling(p->b_multiplier, p->b_shift);
    const tf_scaling so = scaling(p->out_multiplier, p->out_shift);
    const int32_t a_zero_point = p->a_zero_point, b_zero_point = p->b_zero_point, left_shift = p->left_shift;
    const int32_t out_zero_point = p->out_zero_point, lo = p->act_min, hi = p->act_max, size = p->size;
    int32_t i;
    if (size >= 512 && p->scratch) {
        int32_t *a_table = (int32_t *)p->scratch + 128, *b_table = a_table + 256; /* indexed by the int8 value */
        for (i = -128; i < 128; ++i) {
            a_table[i] = scaled((i - a_zero_point) * (1 << left_shift), &sa);
            b_table[i] = scaled((i - b_zero_point) * (1 << left_shift), &sb);
        }
        for (i = 0; i < size; ++i) output[i] = (int8_t)clamp32(scaled(a_table[a[i]] + b_table[b[i]], &so) + out_zero_point, lo, hi);
        return;
    }
    for (i = 0; i < size; ++i) {
        const int32_t x = scaled((a[i] - a_zero_point) * (1 << left_shift), &sa);
        const int32_t y = scaled((b[i] - b_zero_point) * (1 << left_shift), &sb);
        output[i] = (int8_t)clamp32(scaled(x + y, &so) + out_zero_point, lo, hi);
    }
}
/* Requantizes the first `lanes` of one output channel's four accumulators into out[0..lanes). The usual case, a
 * multiplier below one (shift <= 0), without requantize()'s branches: the multiplier is never INT32_MIN, so the
 * rounding doubling high multiply is (acc * multiplier + 2^30) >> 31, then the rounding shift of
 * rounding_divide_by_pot. */
static inline int32_t requantize_below_one(int32_t acc, int32_t multiplier, int32_t exponent, int32_t mask, int32_t half) {
    const int32_t high = (int32_t)(((int64_t)acc * multiplier + (1 << 30)) >> 31);
    return (high >> exponent) + ((high & mask) > half + (int32_t)((uint32_t)high >> 31));
}

static void requantize_lanes(const tf_conv2d_params *p, int32_t oc, const int32_t acc[4], int32_t lanes, int8_t *out) {
    const int32_t multiplier = p->multiplier[oc], shift = p->shift[oc];
    const int32_t zero_point = p->out_zero_point, lo = p->act_min, hi = p->act_max;
    int32_t j;
    if (shift > 0 || lanes < 4) {
        for (j = 0; j < lanes; ++j) out[j] = (int8_t)clamp32(requantize(acc[j], multiplier, shift) + zero_point, lo, hi);
        return;
    }
    {
        const int32_t exponent = -shift, mask = (int32_t)((1u << exponent) - 1u), half = mask >> 1;
        const int32_t v0 = requantize_below_one(acc[0], multiplier, exponent, mask, half) + zero_point;
        const int32_t v1 = requantize_below_one(acc[1], multiplier, exponent, mask, half) + zero_point;
        const int32_t v2 = requantize_below_one(acc[2], multiplier, exponent, mask, half) + zero_point;
        const int32_t v3 = requantize_below_one(acc[3], multiplier, exponent, mask, half) + zero_point;
        out[0] = (int8_t)clamp32(v0, lo, hi);
        out[1] = (int8_t)clamp32(v1, lo, hi);
        out[2] = (int8_t)clamp32(v2, lo, hi);
        out[3] = (int8_t)clamp32(v3, lo, hi);
    }
}

/* ---- Sparse convolution (sparse = 1; see tf_kernels.h) ---- */

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

static void conv2d_sparse(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
static void fully_connected_sparse(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);

#if defined(__ARM_FEATURE_DSP)

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
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
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
    if (p->sparse) {
        conv2d_sparse(p, input, output);
        return;
    }
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
                    requantize_lanes(p, oc, acc, lanes, out + 4 * q);
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

void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int16_t *widened = p->scratch;
    int8_t *rows = (int8_t *)(p->scratch + p->in_size);
    tf_weight_reader reader;
    int32_t i, o;
    if (p->sparse) {
        fully_connected_sparse(p, input, output);
        return;
    }
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

#else /* cores without the DSP extension (Cortex-M0, M3), and hosts: plain C, the same arithmetic */

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

/* im2col without the DSP extension. A table gives, for each stored position of a filter row (kernel order), its
 * input's offset from the window's origin; a block of pixels' windows is copied interleaved four pixels a position,
 * as bytes biased by 128 (so Thumb-1 loads them with an immediate offset and no sign extension), padding as the zero
 * point; the bias takes the rest (bias - (zero_point + 128) * sum of the weights), so each weight meets four pixels
 * with four multiplies. */
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
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
    if (p->sparse) {
        conv2d_sparse(p, input, output);
        return;
    }
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
                    requantize_lanes(p, oc, acc, count - 4 * q < 4 ? count - 4 * q : 4, output + oc * plane + pixel + 4 * q);
                }
            }
        }
    }
}

void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int16_t *ordered = p->scratch; /* the input minus its zero point, in the rows' kernel order */
    int8_t *row_buffer = (int8_t *)(p->scratch + p->in_size);
    tf_weight_reader reader;
    int32_t o, i;
    if (p->sparse) {
        fully_connected_sparse(p, input, output);
        return;
    }
    for (i = 0; i < p->in_size; ++i) ordered[i] = (int16_t)(input[tf_kernel_order_tap(p->in_size, 0, i)] - p->in_zero_point);
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o < p->out_size; ++o) {
        const int8_t *w = tf_weights_row(&reader, p->in_size, row_buffer);
        int32_t acc = p->bias[o];
        for (i = 0; i < p->in_size; ++i) acc += w[i] * ordered[i];
        output[o] = (int8_t)clamp32(requantize(acc, p->multiplier[o], p->shift[o]) + p->out_zero_point, p->act_min, p->act_max);
    }
}

#endif /* __ARM_FEATURE_DSP */

/* Output rows go `block` at a time (a band): the input rows the band's windows read are copied once, each filter's
 * non-zero weights decoded once per band. */
static void conv2d_sparse(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
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
                        requantize_lanes(p, oc, acc, p->out_w - ox < 4 ? p->out_w - ox : 4, out + ox);
                    }
                }
            }
        }
    }
}

/* A mostly-zero dense layer: only the non-zero weights, each with its input. */
static void fully_connected_sparse(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
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

#else /* TF_KERNELS_REFERENCE: the reference loops everywhere */

void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) { tf_add_reference(p, a, b, output); }
void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    tf_fully_connected_reference(p, input, output);
}
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output) { tf_conv2d_reference(p, input, output); }

#endif
