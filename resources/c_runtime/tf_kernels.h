/* TinyForge Studio C runtime: integer-only kernels for exported models. C99, no allocation, no libc beyond
 * <stdint.h>. Each kernel reproduces the studio's integer reference (core/quantized/int_kernels.cpp) bit for bit:
 * int8 activations (real = scale * (q - zero_point)), int8 weights, int32 biases and accumulators, requantization
 * by a fixed-point multiplier and shift (gemmlowp's rounding doubling high multiply, then a rounding shift).
 * Layout: channel-major (C x H x W), as PyTorch stores activations.
 *
 * Files (compile all four .c files): tf_kernels.c holds the reference kernels (plain loops: the oracle), the weight
 * decoding and the ops without weights; tf_kernels_optimised.c the optimised entry points (tf_conv2d,
 * tf_fully_connected, tf_add), which run tf_kernels_dense.c's im2col convolution and dense layer or, for sparse
 * layers, tf_kernels_sparse.c's kernels; each of those is chosen when compiling: SMLAD versions on cores with the DSP
 * extension, plain-C versions of the same structure elsewhere, the reference loops with -DTF_KERNELS_REFERENCE.
 * tf_kernels_internal.h holds what they share. */
#ifndef TF_KERNELS_H
#define TF_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel order: each filter row (one output channel's in_c / groups x kernel_h x kernel_w weights, or one row of a
 * dense layer) is stored permuted, so the optimised kernels pair values with plain word loads. Position i of a stored
 * row holds the weight of tap tf_kernel_order_tap(length, kernel_w, i) in PyTorch's order ((c * kernel_h + y) *
 * kernel_w + x); dense layers use kernel_w 0. Column slots first: with kernel_w 3, each two rows r, s of three taps
 * become the slots r0 r2 s0 s2 r1 s1 (an odd last row r0 r2 r1), so one 32-bit load and two SXTB16s widen a row;
 * other widths keep PyTorch's order. Then in each whole group of four slots the middle two are swapped, matching
 * SXTB16's pairing of bytes 0, 2 and 1, 3 of a loaded word. */
int32_t tf_kernel_order_tap(int32_t length, int32_t kernel_w, int32_t i);

/* A layer's weights as stored in flash, decoded row by row (one output channel's filter at a time) while the kernels
 * run, so the compression stage's sparse and clustered encodings save real flash. Bit streams are packed least
 * significant bit first. A stored symbol is either the weight itself (two's complement of weight_bits bits) or,
 * with a codebook, an index into it. Layouts:
 *   TF_WEIGHTS_DENSE     one symbol per weight (8-bit raw symbols are read in place, without copying)
 *   TF_WEIGHTS_BITMASK   one mask bit per weight; a symbol for each weight whose bit is set, the others are zero
 *   TF_WEIGHTS_RELATIVE  entries of (gap, symbol): each stands `gap` weights after the previous (Deep Compression's
 *                        relative indices); a gap too long for gap_bits is bridged by filler entries holding zero */
enum { TF_WEIGHTS_DENSE = 0, TF_WEIGHTS_BITMASK = 1, TF_WEIGHTS_RELATIVE = 2 };

typedef struct {
    int32_t layout;        /* TF_WEIGHTS_DENSE, TF_WEIGHTS_BITMASK or TF_WEIGHTS_RELATIVE */
    int32_t weight_bits;   /* bits of one weight value (raw symbol or codebook entry): 2..8 */
    int32_t symbol_bits;   /* bits of one stored symbol: 1..8 */
    int32_t gap_bits;      /* relative layout: bits of one gap */
    int32_t codebook_size; /* 0: symbols are the weights; else the number of codebook values */
    int32_t zero_symbol;   /* with a codebook: 1 when symbol 0 stands for zero and symbol s for codebook[s - 1] */
    int32_t entries;       /* relative layout: entries in the stream */
    const uint8_t *codebook; /* codebook_size values of weight_bits each */
    const uint8_t *mask;     /* bitmask layout: one bit per weight */
    const uint8_t *stream;   /* the symbols (relative layout: gap then symbol, per entry) */
} tf_weights;

/* Where a sequential decode stands; copied to decode the same rows again. */
typedef struct {
    uint32_t bit, mask_bit;  /* next bit of the stream and of the mask */
    int32_t index;           /* the weight the next row starts at */
    int32_t next;            /* relative layout: position of the next entry not yet placed (INT32_MAX: none) */
    int32_t next_symbol, remaining;
} tf_weight_cursor;

typedef struct {
    const tf_weights *weights;
    int8_t values[256]; /* symbol -> weight */
    tf_weight_cursor at;
} tf_weight_reader;

/* Starts decoding `weights` at its first row. */
void tf_weights_begin(tf_weight_reader *reader, const tf_weights *weights);
/* The next `length` weights (one row): a pointer into flash for 8-bit dense raw weights, else `buffer`, filled. */
const int8_t *tf_weights_row(tf_weight_reader *reader, int32_t length, int8_t *buffer);
/* The next row's non-zero weights only, in order, as entries (position in the row << 8 | weight as a byte); returns
 * how many (at most `length`). Sparse layouts cost per stored weight, not per weight of the row. */
int32_t tf_weights_row_nonzeros(tf_weight_reader *reader, int32_t length, uint32_t *entries);

typedef struct {
    int32_t size, left_shift;
    int32_t a_zero_point, b_zero_point, out_zero_point, act_min, act_max;
    int32_t a_multiplier, a_shift, b_multiplier, b_shift, out_multiplier, out_shift;
    int16_t *scratch; /* TF_ADD_SCRATCH values, word aligned: each input's 256 rescaled values, for large sums */
} tf_add_params;

#define TF_ADD_SCRATCH 1024

typedef struct {
    int32_t in_c, in_h, in_w, out_c, out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, groups;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    int32_t block;              /* output pixels (a multiple of 4) the DSP kernel gathers before walking the filters;
                                   sparse: output rows a band */
    int32_t sparse;             /* 1: rows in PyTorch's order, run by the sparse kernel (below); 0: kernel order */
    const tf_weights *weights;  /* [out_c] rows of in_c / groups x kernel_h x kernel_w: kernel order unless sparse */
    const int32_t *bias;        /* [out_c] */
    const int32_t *multiplier;  /* [out_c] in [2^30, 2^31) */
    const int8_t *shift;        /* [out_c] left shift when positive */
    int16_t *scratch;           /* TF_CONV2D_SCRATCH(...) values */
    /* A residual sum fused into the convolution, or null. When set, `output` holds the sum's other input on entry and
     * each output value v becomes tf_add's result for a = v, b = the value there, written over it: a ResNet block's
     * last convolution then needs no buffer of its own. residual->scratch (TF_ADD_SCRATCH values) must not overlap
     * `scratch`. */
    const tf_add_params *residual;
} tf_conv2d_params;

/* Scratch (int16 values, word aligned) a convolution needs: `block` (a multiple of 4) im2col columns of `length`
 * (in_c / groups * kernel_h * kernel_w) values rounded up to even, and two decoded rows of `length` bytes. */
#define TF_CONV2D_SCRATCH(block, length) ((block) * (((length) + 1) & ~1) + (length) + 2)

/* The sparse convolution (sparse = 1, for filters mostly zero) skips zero weights. Output rows go `block` at a time
 * (a band): the input rows the band's windows read (TF_SPARSE_BAND_ROWS per channel) are copied into a line buffer
 * padded with the zero point, TF_SPARSE_LINE_W bytes a row; each filter's non-zero weights, decoded once per band into
 * a list of (weight, offset in the line buffer), then meet four output pixels at a time: one word load brings the
 * four pixels' inputs, SMLA*T multiplies them. The input zero point is folded into the bias (bias - zero_point * sum
 * of the weights), so padding costs nothing. Offsets are 16 bits: in_c / groups * TF_SPARSE_BAND_ROWS *
 * TF_SPARSE_LINE_W must stay below 65536, and the stride be 1 or 2. Scratch (int16 values): the line buffer, then a
 * list of up to `length` taps (two values each). */
#define TF_SPARSE_LINE_W(out_w, stride_w, kernel_w) (((((out_w) + 3) & ~3) - 1) * (stride_w) + (kernel_w) + 4)
#define TF_SPARSE_BAND_ROWS(block, kernel_h, stride_h) ((kernel_h) + ((block) - 1) * (stride_h))
#define TF_CONV2D_SPARSE_SCRATCH(in_per_group, band_rows, line_w, length) \
    (((in_per_group) * (band_rows) * (line_w) + 8) / 2 + 2 * (length) + 2)

typedef struct {
    int32_t in_size, out_size;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    int32_t sparse;            /* 1: rows in PyTorch's order, the non-zero weights visited one by one; 0: kernel order */
    const tf_weights *weights; /* [out_size] rows of in_size, in kernel order (kernel_w 0) unless sparse */
    const int32_t *bias;
    const int32_t *multiplier;
    const int8_t *shift;
    int16_t *scratch; /* TF_FULLY_CONNECTED_SCRATCH(in_size) values: the widened input and two decoded rows */
} tf_fully_connected_params;

#define TF_FULLY_CONNECTED_SCRATCH(in_size) (2 * (in_size) + 2)

typedef struct {
    int32_t channels, in_h, in_w, out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int32_t act_min, act_max;
} tf_max_pool2d_params;

typedef struct {
    int32_t channels, in_h, in_w;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    int32_t multiplier, shift;
} tf_global_avg_pool_params;

/* Average over a window, requantized. Padding counts as a real zero in the mean (PyTorch's count_include_pad), so
 * one multiplier, in_scale / (out_scale * kernel_h * kernel_w), serves every window. */
typedef struct {
    int32_t channels, in_h, in_w, out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    int32_t multiplier, shift;
} tf_avg_pool2d_params;

/* Softmax over `size` int8 logits into int8 probabilities of scale 1/256 and zero point -128. For d = max - q,
 * exp_table[d] = round(2^15 * exp(-input_scale * d)); each output is round(256 * e / sum of e) - 128, clamped:
 * integers only, so every target rounds alike. */
typedef struct {
    int32_t size;
    const uint16_t *exp_table; /* [256] */
} tf_softmax_params;

/* x * M for M = multiplier * 2^(shift - 31): the requantization step. */
int32_t tf_requantize(int32_t x, int32_t multiplier, int32_t shift);

/* Convolution and dense layer (tf_kernels_optimised.c, tf_kernels_dense.c, tf_kernels_sparse.c): on cores with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4,
 * M7, M33) the dual 16-bit multiply-accumulate (SMLAD) versions, elsewhere (Cortex-M0, M3, hosts) plain-C ones. All
 * give the reference's outputs: the accumulators are exact integer sums. */
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);

/* The reference loops themselves (tf_kernels.c), which the optimised versions are tested against. */
void tf_conv2d_reference(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected_reference(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);
void tf_max_pool2d(const tf_max_pool2d_params *p, const int8_t *input, int8_t *output);
void tf_global_avg_pool(const tf_global_avg_pool_params *p, const int8_t *input, int8_t *output);
void tf_avg_pool2d(const tf_avg_pool2d_params *p, const int8_t *input, int8_t *output);
void tf_softmax(const tf_softmax_params *p, const int8_t *input, int8_t *output);
void tf_add_reference(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output);
/* The element-wise sum (tf_kernels_optimised.c): the reference's arithmetic with each requantization's constants worked out
 * once per call, on every core. */
void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* TF_KERNELS_H */
