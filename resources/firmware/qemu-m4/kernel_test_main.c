/* The optimised kernels against the reference loops over random shapes (every other convolution 3x3, whose columns have
 * their own im2col), strides, paddings and zero points, on the (emulated) Cortex-M4, M7 or M0, with weights in every
 * layout the exporter writes (plain int8 read in place, 4-bit packed, bitmask, clustered relative indices) through
 * both the im2col and the sparse kernels, a quarter of the convolutions with a residual sum fused in, and residual
 * adds. Prints the parameters of the first mismatches, then "cases N mismatches M". */
#include "semihost.h"
#include "tf_kernels.h"

#define MAX_VALUES 4096
static int8_t input[MAX_VALUES], weights[MAX_VALUES], got[MAX_VALUES], want[MAX_VALUES], unfused[MAX_VALUES], residual[MAX_VALUES];
static uint8_t mask[MAX_VALUES / 8 + 1], packed[MAX_VALUES * 2];
static int32_t bias[64], multiplier[64];
static int8_t shift[64];
static int32_t scratch_words[4096]; /* enough for TF_CONV2D_SCRATCH(16, 12 * 5 * 5), word aligned */
#define scratch_values ((int16_t *)scratch_words)
#define add_scratch_values (scratch_values + 6144) /* a fused sum's tables, past any convolution's scratch */
static uint32_t state = 2463534242u;

static uint32_t next(void) { /* xorshift32 */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}
static int32_t between(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1)); }

static void fill(int32_t outputs) {
    int32_t i;
    for (i = 0; i < MAX_VALUES; ++i) {
        input[i] = (int8_t)between(-128, 127);
        weights[i] = (int8_t)between(-127, 127);
    }
    for (i = 0; i < outputs; ++i) {
        bias[i] = between(-5000, 5000);
        multiplier[i] = (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
        shift[i] = (int8_t)between(-12, 0);
    }
}

static uint8_t codebook[15];

/* Appends `bits` bits of value to stream at *bit, least significant first (the stream starts zeroed). */
static void put_bits(uint8_t *stream, uint32_t *bit, uint32_t value, int32_t bits) {
    int32_t k;
    for (k = 0; k < bits; ++k, ++*bit) {
        if ((value >> k) & 1u) stream[*bit >> 3] = (uint8_t)(stream[*bit >> 3] | (1u << (*bit & 7)));
    }
}

/* About 70% zeros, the others drawn from a codebook of 15 values, stored as relative indices (Deep Compression's
 * layout: entries of a gap and a 4-bit symbol, symbol 0 standing for zero; gaps too long bridged by zero fillers).
 * Gaps of 3 bits (an entry fits a byte: the decoder's one-read path) or 5. */
static tf_weights relative_weights(int32_t count, int32_t gap_bits) {
    tf_weights w = {TF_WEIGHTS_RELATIVE, 8, 4, 0, 15, 1, 0, codebook, 0, packed};
    const int32_t max_gap = (1 << gap_bits) - 1;
    int32_t i, previous = -1;
    uint32_t bit = 0;
    w.gap_bits = gap_bits;
    for (i = 0; i < 15; ++i) codebook[i] = (uint8_t)between(-127, 127);
    for (i = 0; i < (int32_t)sizeof packed; ++i) packed[i] = 0;
    for (i = 0; i < count; ++i) {
        int32_t symbol = 0, gap;
        if (next() % 10 >= 7) symbol = between(1, 15);
        weights[i] = symbol ? (int8_t)codebook[symbol - 1] : 0;
        if (!symbol) continue;
        for (gap = i - previous; gap > max_gap; gap -= max_gap) { /* a zero filler */
            put_bits(packed, &bit, (uint32_t)max_gap, gap_bits);
            put_bits(packed, &bit, 0, 4);
            ++w.entries;
        }
        put_bits(packed, &bit, (uint32_t)gap, gap_bits);
        put_bits(packed, &bit, (uint32_t)symbol, 4);
        ++w.entries;
        previous = i;
    }
    return w;
}

/* Every weight as a 4-bit two's complement symbol, packed (an n-bit dense layer). */
static tf_weights four_bit_weights(int32_t count) {
    tf_weights w = {TF_WEIGHTS_DENSE, 4, 4, 0, 0, 0, 0, 0, 0, packed};
    int32_t i;
    uint32_t bit = 0;
    for (i = 0; i < (int32_t)sizeof packed; ++i) packed[i] = 0;
    for (i = 0; i < count; ++i) {
        weights[i] = (int8_t)between(-8, 7);
        put_bits(packed, &bit, (uint32_t)weights[i] & 15u, 4);
    }
    return w;
}

/* Case t's weights: plain int8 read in place; every third case about 70% zeros in the bitmask layout; every sixth
 * (from the third) clustered and in relative indices; every sixth (from the fifth) 4-bit. */
static tf_weights weights_for(int32_t t, int32_t count) {
    tf_weights w = {TF_WEIGHTS_DENSE, 8, 8, 0, 0, 0, 0, 0, 0, (const uint8_t *)weights};
    int32_t i, stored = 0;
    if (t % 6 == 2) return relative_weights(count, t % 12 == 2 ? 3 : 5);
    if (t % 6 == 5) return four_bit_weights(count);
    if (t % 3 != 1) return w;
    for (i = 0; i < count / 8 + 1; ++i) mask[i] = 0;
    for (i = 0; i < count; ++i) {
        if (next() % 10 < 7) weights[i] = 0;
        if (weights[i] != 0) {
            mask[i / 8] = (uint8_t)(mask[i / 8] | (1u << (i % 8)));
            packed[stored++] = (uint8_t)weights[i];
        }
    }
    w.layout = TF_WEIGHTS_BITMASK;
    w.mask = mask;
    w.stream = packed;
    return w;
}

/* A residual sum with random zero points and scales (output multipliers above one too: the saturating left shift). */
static tf_add_params random_add(int32_t size, int16_t *scratch) {
    tf_add_params p;
    p.size = size;
    p.left_shift = 20;
    p.a_zero_point = between(-128, 127);
    p.b_zero_point = between(-128, 127);
    p.out_zero_point = between(-128, 127);
    p.act_min = between(-128, 0);
    p.act_max = between(1, 127);
    p.a_multiplier = (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
    p.b_multiplier = (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
    p.out_multiplier = (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
    p.a_shift = between(-3, 0);
    p.b_shift = between(-3, 0);
    p.out_shift = between(-22, 2);
    p.scratch = scratch;
    return p;
}

static int differ(const int8_t *a, const int8_t *b, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) if (a[i] != b[i]) return 1;
    return 0;
}

static int same(int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) if (got[i] != want[i]) return 0;
    return 1;
}

static void report(const char *what, int32_t a, int32_t b, int32_t c, int32_t d) {
    semihost_write(what);
    semihost_write(" mismatch: ");
    semihost_write_uint((uint32_t)a); semihost_write(" ");
    semihost_write_uint((uint32_t)b); semihost_write(" ");
    semihost_write_uint((uint32_t)c); semihost_write(" ");
    semihost_write_uint((uint32_t)d); semihost_write("\n");
}

int main(void) {
    uint32_t cases = 0, mismatches = 0;
    int32_t t;
    for (t = 0; t < 400; ++t) {
        tf_conv2d_params p;
        tf_weights w;
        const int depthwise = (t % 3) == 0;
        p.in_c = between(1, 12);
        p.groups = depthwise ? p.in_c : 1;
        p.out_c = depthwise ? p.in_c : between(1, 16);
        p.kernel_h = t % 2 ? between(1, 5) : 3; /* every other case 3x3, the kernel with its own im2col */
        p.kernel_w = t % 2 ? between(1, 5) : 3;
        p.pad_h = between(0, p.kernel_h / 2 + 1);
        p.pad_w = between(0, p.kernel_w / 2 + 1);
        p.in_h = between(p.kernel_h > 2 * p.pad_h ? p.kernel_h - 2 * p.pad_h : 1, 12);
        p.in_w = between(p.kernel_w > 2 * p.pad_w ? p.kernel_w - 2 * p.pad_w : 1, 12);
        p.stride_h = between(1, 2);
        p.stride_w = between(1, 2);
        p.out_h = (p.in_h + 2 * p.pad_h - p.kernel_h) / p.stride_h + 1;
        p.out_w = (p.in_w + 2 * p.pad_w - p.kernel_w) / p.stride_w + 1;
        if (p.in_c * p.in_h * p.in_w > MAX_VALUES || p.out_c * p.out_h * p.out_w > MAX_VALUES ||
            p.out_c * (p.in_c / p.groups) * p.kernel_h * p.kernel_w > MAX_VALUES) continue;
        p.in_zero_point = between(-128, 127);
        p.out_zero_point = between(-20, 20);
        p.act_min = between(-128, 0);
        p.act_max = between(1, 127);
        fill(p.out_c);
        w = weights_for(t, p.out_c * (p.in_c / p.groups) * p.kernel_h * p.kernel_w);
        p.block = w.layout == TF_WEIGHTS_DENSE && w.symbol_bits == 8 ? 4 : 4 * between(1, 4);
        p.sparse = (int32_t)(next() % 2); /* the sparse kernel (weights in PyTorch's order) or the im2col one */
        if (p.sparse) p.block = between(1, 4); /* output rows a band */
        p.weights = &w; p.bias = bias; p.multiplier = multiplier; p.shift = shift; p.scratch = scratch_values;
        p.residual = 0;
        if (t % 4 == 3) { /* a fused residual sum: the output buffers start as its other input */
            int32_t i;
            const int32_t size = p.out_c * p.out_h * p.out_w;
            static tf_add_params add;
            add = random_add(size, add_scratch_values);
            for (i = 0; i < size; ++i) residual[i] = got[i] = want[i] = (int8_t)between(-128, 127);
            /* the fusion's meaning: the reference convolution, then the reference sum */
            tf_conv2d_reference(&p, input, unfused);
            tf_add_reference(&add, unfused, residual, unfused);
            p.residual = &add;
            tf_conv2d_reference(&p, input, want);
            if (differ(want, unfused, size) && ++mismatches <= 12) report("fused reference != conv then add", p.in_c, p.out_c, p.kernel_h, 0);
        }
        tf_conv2d(&p, input, got);
        if (!p.residual) tf_conv2d_reference(&p, input, want);
        ++cases;
        if (!same(p.out_c * p.out_h * p.out_w)) {
            if (++mismatches <= 12) { report("conv2d in_c in_h kernel_h groups", p.in_c, p.in_h, p.kernel_h, p.groups); report("  fused", p.residual != 0, 0, 0, 0); report("  sparse stride_w pad_w layout", p.sparse, p.stride_w, p.pad_w, w.layout); report("  in_w kernel_w out_w stride_h", p.in_w, p.kernel_w, p.out_w, p.stride_h);}
        }
    }
    for (t = 0; t < 200; ++t) {
        tf_fully_connected_params p;
        tf_weights w;
        p.in_size = between(1, 300);
        p.out_size = between(1, 13);
        p.in_zero_point = between(-128, 127);
        p.out_zero_point = between(-20, 20);
        p.act_min = -128;
        p.act_max = 127;
        p.sparse = (int32_t)(next() % 2);
        fill(p.out_size);
        w = weights_for(t, p.out_size * p.in_size);
        p.weights = &w; p.bias = bias; p.multiplier = multiplier; p.shift = shift; p.scratch = scratch_values;
        tf_fully_connected(&p, input, got);
        tf_fully_connected_reference(&p, input, want);
        ++cases;
        if (!same(p.out_size)) {
            if (++mismatches <= 5) report("fully_connected in_size out_size", p.in_size, p.out_size, 0, 0);
        }
    }
    for (t = 0; t < 100; ++t) { /* residual adds, small (per element) and large (through the per-input tables) */
        tf_add_params p = random_add(t % 2 ? between(1, 600) : between(512, MAX_VALUES), scratch_values);
        fill(1);
        tf_add(&p, input, weights, got);
        tf_add_reference(&p, input, weights, want);
        ++cases;
        if (!same(p.size)) {
            if (++mismatches <= 12) report("add size out_shift a_zp b_zp", p.size, p.out_shift, p.a_zero_point, p.b_zero_point);
        }
    }
    semihost_write("cases ");
    semihost_write_uint(cases);
    semihost_write(" mismatches ");
    semihost_write_uint(mismatches);
    semihost_write("\n");
    return mismatches == 0 ? 0 : 1;
}
