/* Links every entry point an exported model calls, and nothing else, so that `make ... runtime-size` can state the
 * runtime's flash once the linker has dropped what no model uses (the reference loops). Never run. */
#include <stddef.h>

#include "tf_kernels.h"

/* The two libc functions GCC may call for loops that copy or fill, so the program links without a C library. */
void *memset(void *to, int value, size_t n) {
    unsigned char *p = to;
    while (n--) *p++ = (unsigned char)value;
    return to;
}
void *memcpy(void *to, const void *from, size_t n) {
    unsigned char *p = to;
    const unsigned char *q = from;
    while (n--) *p++ = *q++;
    return to;
}

void *volatile tf_runtime_entry_points[8];

int main(void) {
    tf_runtime_entry_points[0] = (void *)tf_conv2d;
    tf_runtime_entry_points[1] = (void *)tf_fully_connected;
    tf_runtime_entry_points[2] = (void *)tf_add;
    tf_runtime_entry_points[3] = (void *)tf_max_pool2d;
    tf_runtime_entry_points[4] = (void *)tf_global_avg_pool;
    tf_runtime_entry_points[5] = (void *)tf_avg_pool2d;
    tf_runtime_entry_points[6] = (void *)tf_softmax;
    tf_runtime_entry_points[7] = (void *)tf_requantize;
    return 0;
}
