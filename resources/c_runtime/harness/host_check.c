/* Host check of an exported model: runs every sample of a test-vector file (written by tinyforge-cli export) through
 * the generated C and compares the int8 outputs with the studio's integer reference, byte for byte.
 * Build: cc -std=c99 -O2 -I<export dir> host_check.c <export dir>/tf_model.c <export dir>/tf_kernels.c -lm
 * Prints "samples N identical I correct C"; exits 0 only when every output is identical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tf_model.h"

static int read_u32(FILE *f, unsigned long *value) {
    unsigned char b[4];
    if (fread(b, 1, 4, f) != 4) return 0;
    *value = (unsigned long)b[0] | ((unsigned long)b[1] << 8) | ((unsigned long)b[2] << 16) | ((unsigned long)b[3] << 24);
    return 1;
}

int main(int argc, char **argv) {
    FILE *f;
    char magic[4];
    unsigned long count, in_size, out_size, s, identical = 0, correct = 0;
    int8_t input[TF_MODEL_INPUT_SIZE], expected[TF_MODEL_OUTPUT_SIZE], output[TF_MODEL_OUTPUT_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s test_vectors.bin\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "error: cannot open %s\n", argv[1]);
        return 2;
    }
    if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "TFTV", 4) != 0 || !read_u32(f, &count) || !read_u32(f, &in_size) ||
        !read_u32(f, &out_size) || in_size != TF_MODEL_INPUT_SIZE || out_size != TF_MODEL_OUTPUT_SIZE) {
        fprintf(stderr, "error: %s: not test vectors for this model\n", argv[1]);
        return 2;
    }
    for (s = 0; s < count; ++s) {
        int label, k, best = 0;
        if (fread(input, 1, in_size, f) != in_size || fread(expected, 1, out_size, f) != out_size || (label = fgetc(f)) == EOF) {
            fprintf(stderr, "error: %s: truncated at sample %lu\n", argv[1], s);
            return 2;
        }
        tf_model_run(input, output);
        if (memcmp(output, expected, out_size) == 0) ++identical;
        else if (identical + 3 > s) fprintf(stderr, "sample %lu differs from the integer reference\n", s);
        for (k = 1; k < TF_MODEL_OUTPUT_SIZE; ++k) if (output[k] > output[best]) best = k;
        if (best == label) ++correct;
    }
    fclose(f);
    printf("samples %lu identical %lu correct %lu\n", count, identical, correct);
    return identical == count ? 0 : 1;
}
