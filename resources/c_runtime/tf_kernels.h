/* TinyForge Studio C runtime: integer-only kernels for exported models. C99, no allocation, no libc beyond
 * <stdint.h>. Each kernel reproduces the studio's integer reference (core/quantized/int_kernels.cpp) bit for bit:
 * int8 activations (real = scale * (q - zero_point)), int8 weights, int32 biases and accumulators, requantization
 * by a fixed-point multiplier and shift (gemmlowp's rounding doubling high multiply, then a rounding shift).
 * Layout: channel-major (C x H x W), as PyTorch stores activations. */
#ifndef TF_KERNELS_H
#define TF_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t in_c, in_h, in_w, out_c, out_h, out_w;
    int32_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w, groups;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    const int8_t *weights;     /* [out_c][in_c / groups][kernel_h][kernel_w] */
    const int32_t *bias;       /* [out_c] */
    const int32_t *multiplier; /* [out_c] in [2^30, 2^31) */
    const int8_t *shift;       /* [out_c] left shift when positive */
    int16_t *scratch;          /* 2 * in_c / groups * kernel_h * kernel_w values: the DSP kernel's two im2col columns */
} tf_conv2d_params;

typedef struct {
    int32_t in_size, out_size;
    int32_t in_zero_point, out_zero_point, act_min, act_max;
    const int8_t *weights; /* [out_size][in_size] */
    const int32_t *bias;
    const int32_t *multiplier;
    const int8_t *shift;
    int16_t *scratch; /* in_size values, for the DSP kernel's widened input */
} tf_fully_connected_params;

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

typedef struct {
    int32_t size, left_shift;
    int32_t a_zero_point, b_zero_point, out_zero_point, act_min, act_max;
    int32_t a_multiplier, a_shift, b_multiplier, b_shift, out_multiplier, out_shift;
} tf_add_params;

/* x * M for M = multiplier * 2^(shift - 31): the requantization step. */
int32_t tf_requantize(int32_t x, int32_t multiplier, int32_t shift);

/* Convolution and dense layer: on cores with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33) the
 * dual 16-bit multiply-accumulate (SMLAD) versions, else the reference loops. Both give identical outputs: the
 * accumulators are exact integer sums. */
void tf_conv2d(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);

/* The reference loops themselves, which the DSP versions are tested against. */
void tf_conv2d_reference(const tf_conv2d_params *p, const int8_t *input, int8_t *output);
void tf_fully_connected_reference(const tf_fully_connected_params *p, const int8_t *input, int8_t *output);
void tf_max_pool2d(const tf_max_pool2d_params *p, const int8_t *input, int8_t *output);
void tf_global_avg_pool(const tf_global_avg_pool_params *p, const int8_t *input, int8_t *output);
void tf_add(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* TF_KERNELS_H */
