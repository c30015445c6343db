/* Emulated instructions per multiply-accumulate of the convolution kernels, layer by layer, on ResNet-8's shapes
 * (MLPerf Tiny image classification, 3x32x32), dense int8 and sparse. Instructions are counted as in bench_main.c:
 * QEMU -icount shift=0 advances its virtual clock one nanosecond per instruction, SysTick counts it, and a loop of
 * known length converts ticks to instructions. Weights are random (counts depend on shapes and encodings, not on
 * values). Output, per layer: "layer NAME macs M dense I sparse S" (instructions), then "total macs M dense I sparse S". */
#include "semihost.h"
#include "systick_clock.h"
#include "tf_kernels.h"

#define MAX_INPUT (16 * 32 * 32)
#define MAX_WEIGHTS (64 * 64 * 9)
static int8_t input[MAX_INPUT], output[MAX_INPUT];
static int8_t weights[MAX_WEIGHTS];
static uint8_t mask[MAX_WEIGHTS / 8 + 1], packed[MAX_WEIGHTS / 4]; /* about 10% stored */
static int32_t bias[64], multiplier[64];
static int8_t shift[64];
static int32_t scratch_words[4096]; /* TF_CONV2D_SCRATCH(8, 576) values and more */
static uint32_t state = 2463534242u;
static uint64_t loop_ticks;

static uint32_t next(void) { /* xorshift32 */
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static uint32_t instructions(uint64_t ticks) { return (uint32_t)((ticks * 2000000ull + loop_ticks / 2) / loop_ticks); }

typedef struct {
    const char *name;
    int32_t in_c, in_hw, out_c, kernel, stride;
} layer;

/* ResNet-8: the stem, three stages of two 3x3 convolutions (the second and third stage stride 2 at their start),
 * and the 1x1 stride-2 shortcuts. */
static const layer layers[] = {
    {"stem 3->16 3x3 32x32", 3, 32, 16, 3, 1},       {"stage1 16->16 3x3 32x32", 16, 32, 16, 3, 1},
    {"stage1 16->16 3x3 32x32", 16, 32, 16, 3, 1},   {"stage2 16->32 3x3 /2", 16, 32, 32, 3, 2},
    {"stage2 32->32 3x3 16x16", 32, 16, 32, 3, 1},   {"shortcut2 16->32 1x1 /2", 16, 32, 32, 1, 2},
    {"stage3 32->64 3x3 /2", 32, 16, 64, 3, 2},      {"stage3 64->64 3x3 8x8", 64, 8, 64, 3, 1},
    {"shortcut3 32->64 1x1 /2", 32, 16, 64, 1, 2},
};

/* Instructions of one call with the weights as `w`. */
static uint32_t measure(tf_conv2d_params *p, const tf_weights *w, int32_t block, int32_t sparse) {
    p->weights = w;
    p->block = block;
    p->sparse = sparse;
    systick_clock_start();
    tf_conv2d(p, input, output);
    return instructions(systick_clock_ticks());
}

int main(void) {
    uint32_t n = 1000000, total_dense = 0, total_sparse = 0, total_macs = 0;
    int32_t i, l;
    systick_clock_start();
    __asm volatile("1: subs %0, %0, #1\n bne 1b" : "+r"(n)); /* two instructions an iteration */
    loop_ticks = systick_clock_ticks();
    for (i = 0; i < MAX_INPUT; ++i) input[i] = (int8_t)next();
    for (i = 0; i < 64; ++i) {
        bias[i] = (int32_t)(next() % 10000u) - 5000;
        multiplier[i] = (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
        shift[i] = (int8_t)-(int32_t)(next() % 10u);
    }
    for (l = 0; l < (int32_t)(sizeof layers / sizeof layers[0]); ++l) {
        const layer *s = &layers[l];
        tf_conv2d_params p;
        tf_weights dense = {TF_WEIGHTS_DENSE, 8, 8, 0, 0, 0, 0, 0, 0, (const uint8_t *)weights};
        tf_weights sparse = {TF_WEIGHTS_BITMASK, 8, 8, 0, 0, 0, 0, 0, mask, packed};
        const int32_t pad = s->kernel / 2, count = s->out_c * s->in_c * s->kernel * s->kernel;
        uint32_t macs, d, sp;
        int32_t stored = 0;
        p.in_c = s->in_c;
        p.in_h = p.in_w = s->in_hw;
        p.out_c = s->out_c;
        p.out_h = p.out_w = (s->in_hw + 2 * pad - s->kernel) / s->stride + 1;
        p.kernel_h = p.kernel_w = s->kernel;
        p.stride_h = p.stride_w = s->stride;
        p.pad_h = p.pad_w = pad;
        p.groups = 1;
        p.in_zero_point = -3;
        p.out_zero_point = 5;
        p.act_min = -128;
        p.act_max = 127;
        p.bias = bias;
        p.multiplier = multiplier;
        p.shift = shift;
        p.scratch = (int16_t *)scratch_words;
        p.residual = 0;
        macs = (uint32_t)(p.out_c * p.out_h * p.out_w * s->in_c * s->kernel * s->kernel);
        for (i = 0; i < count / 8 + 1; ++i) mask[i] = 0;
        for (i = 0; i < count; ++i) { /* 90% zeros for the sparse run */
            weights[i] = (int8_t)((next() % 255u) - 127);
            if (next() % 10u == 0 && weights[i] != 0) {
                mask[i / 8] = (uint8_t)(mask[i / 8] | (1u << (i % 8)));
                packed[stored++] = (uint8_t)weights[i];
            }
        }
        d = measure(&p, &dense, 4, 0);
        sp = measure(&p, &sparse, p.out_h < 8 ? p.out_h : 8, 1); /* bands of up to 8 output rows */
        total_macs += macs;
        total_dense += d;
        total_sparse += sp;
        semihost_write("layer ");
        semihost_write(s->name);
        semihost_write(" macs ");
        semihost_write_uint(macs);
        semihost_write(" dense ");
        semihost_write_uint(d);
        semihost_write(" sparse ");
        semihost_write_uint(sp);
        semihost_write("\n");
    }
    systick_clock_stop();
    semihost_write("total macs ");
    semihost_write_uint(total_macs);
    semihost_write(" dense ");
    semihost_write_uint(total_dense);
    semihost_write(" sparse ");
    semihost_write_uint(total_sparse);
    semihost_write("\n");
    return 0;
}
