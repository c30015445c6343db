/* The TinyForge C runtime's reference kernels (plain loops, the same arithmetic as the studio's integer reference),
 * its weight decoding and the ops without weights. The optimised convolution, dense layer and sum are in
 * tf_kernels_optimised.c (entry points), tf_kernels_dense.c and tf_kernels_sparse.c. See tf_kernels.h. */
#include "tf_kernels.h"

#include "tf_kernels_internal.h"

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

int32_t tf_weights_row_nonzeros(tf_weight_reader *r, int32_t length, uint32_t *entries) {
    const tf_weights *w = r->weights;
    const int32_t first = r->at.index, end = first + length;
    int32_t k, n = 0;
    r->at.index = end;
#define TF_EMIT(position, value) \
    do { \
        const int8_t v_ = (value); /* once: value may read the stream */ \
        if (v_ != 0) entries[n++] = ((uint32_t)(position) << 8) | (uint8_t)v_; \
    } while (0)
    if (w->layout == TF_WEIGHTS_DENSE) {
        if (w->symbol_bits == 8 && w->codebook_size == 0) {
            const int8_t *row = (const int8_t *)w->stream + first;
            for (k = 0; k < length; ++k) TF_EMIT(k, row[k]);
        } else {
            for (k = 0; k < length; ++k) TF_EMIT(k, r->values[read_bits(w->stream, &r->at.bit, w->symbol_bits)]);
        }
    } else if (w->layout == TF_WEIGHTS_BITMASK) {
        for (k = 0; k < length;) {
            if ((r->at.mask_bit & 7) == 0 && k + 8 <= length) { /* a whole mask byte: only its set bits */
                uint32_t byte = w->mask[r->at.mask_bit >> 3];
                while (byte != 0) {
#if defined(__GNUC__)
                    const int32_t b = __builtin_ctz(byte);
#else
                    int32_t b = 0;
                    while (!(byte & (1u << b))) ++b;
#endif
                    byte &= byte - 1;
                    TF_EMIT(k + b, r->values[read_bits(w->stream, &r->at.bit, w->symbol_bits)]);
                }
                k += 8;
                r->at.mask_bit += 8;
            } else {
                if (read_bits(w->mask, &r->at.mask_bit, 1)) TF_EMIT(k, r->values[read_bits(w->stream, &r->at.bit, w->symbol_bits)]);
                ++k;
            }
        }
    } else if (w->gap_bits + w->symbol_bits <= 8) { /* an entry's gap and symbol in one read (next_entry's order) */
        const int32_t gap_bits = w->gap_bits, entry_bits = w->gap_bits + w->symbol_bits;
        const uint32_t gap_mask = (1u << gap_bits) - 1u;
        while (r->at.next < end) {
            uint32_t entry;
            TF_EMIT(r->at.next - first, r->values[r->at.next_symbol]);
            if (r->at.remaining == 0) {
                r->at.next = INT32_MAX;
                break;
            }
            --r->at.remaining;
            entry = read_bits(w->stream, &r->at.bit, entry_bits);
            r->at.next += (int32_t)(entry & gap_mask);
            r->at.next_symbol = (int32_t)(entry >> gap_bits);
        }
    } else {
        while (r->at.next < end) {
            TF_EMIT(r->at.next - first, r->values[r->at.next_symbol]);
            next_entry(r);
        }
    }
#undef TF_EMIT
    return n;
}

/* ---- Kernel order (see tf_kernels.h) ---- */

int32_t tf_kernel_order_tap(int32_t length, int32_t kernel_w, int32_t i) {
    /* Slot of stored position i: the middle two of each whole group of four are swapped. */
    static const int8_t pair_row[6] = {0, 0, 1, 1, 0, 1}, pair_x[6] = {0, 2, 0, 2, 1, 1}, last_x[3] = {0, 2, 1};
    int32_t slot = i, rows, pairs;
    if (i < (length & ~3) && (i & 3) != 0 && (i & 3) != 3) slot = i ^ 3; /* 1 <-> 2 */
    if (kernel_w != 3) return slot;
    rows = length / 3;
    pairs = rows / 2;
    if (slot < 6 * pairs) return (2 * (slot / 6) + pair_row[slot % 6]) * 3 + pair_x[slot % 6];
    return (rows - 1) * 3 + last_x[slot - 6 * pairs];
}

/* The next row in PyTorch's order: decoded at stored[] and, when it is in kernel order, put in order at canonical[]. */
static const int8_t *canonical_row(tf_weight_reader *reader, int32_t length, int32_t kernel_w, int32_t kernel_order, int8_t *stored,
                                   int8_t *canonical) {
    const int8_t *row = tf_weights_row(reader, length, stored);
    int32_t i;
    if (!kernel_order) return row;
    for (i = 0; i < length; ++i) canonical[tf_kernel_order_tap(length, kernel_w, i)] = row[i];
    return canonical;
}

/* ---- Reference kernels ---- */

void tf_conv2d_reference(const tf_conv2d_params *p, const int8_t *input, int8_t *output) {
    const int32_t in_per_group = p->in_c / p->groups, out_per_group = p->out_c / p->groups;
    const int32_t filter_size = in_per_group * p->kernel_h * p->kernel_w;
    int8_t *stored = (int8_t *)p->scratch, *canonical = stored + filter_size;
    tf_weight_reader reader;
    int32_t oc, oy, ox, ic, ky, kx;
    tf_weights_begin(&reader, p->weights);
    for (oc = 0; oc < p->out_c; ++oc) {
        const int32_t first_in = (oc / out_per_group) * in_per_group;
        const int8_t *filter = canonical_row(&reader, filter_size, p->kernel_w, !p->sparse, stored, canonical);
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
                int8_t *out = output + (oc * p->out_h + oy) * p->out_w + ox;
                acc = clamp32(tf_requantize(acc, p->multiplier[oc], p->shift[oc]) + p->out_zero_point, p->act_min, p->act_max);
                *out = p->residual ? add_element(p->residual, acc, *out) : (int8_t)acc; /* a fused sum: *out is its other input */
            }
        }
    }
}

void tf_fully_connected_reference(const tf_fully_connected_params *p, const int8_t *input, int8_t *output) {
    int8_t *stored = (int8_t *)p->scratch, *canonical = stored + p->in_size;
    tf_weight_reader reader;
    int32_t o, i;
    tf_weights_begin(&reader, p->weights);
    for (o = 0; o < p->out_size; ++o) {
        const int8_t *row = canonical_row(&reader, p->in_size, 0, !p->sparse, stored, canonical);
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
        sum = requantize(sum, p->multiplier, p->shift) + p->out_zero_point;
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
                sum = requantize(sum, p->multiplier, p->shift) + p->out_zero_point;
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

void tf_add_reference(const tf_add_params *p, const int8_t *a, const int8_t *b, int8_t *output) {
    int32_t i;
    for (i = 0; i < p->size; ++i) output[i] = add_element(p, a[i], b[i]);
}

