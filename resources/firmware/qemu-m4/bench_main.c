/* Instruction counts under QEMU with -icount shift=0 (the virtual clock advances one nanosecond per guest
 * instruction). SysTick counts the virtual clock; a loop of known length converts its ticks to instructions.
 * Built with -DTF_MODEL_PROFILE, the model reports after each op, so each op's count is printed too.
 * Output: "op K instructions N" per op, then "instructions_per_inference N". */
#include "semihost.h"
#include "systick_clock.h"
#include "tf_model.h"
#include "tf_test_vectors.h"

#define MAX_OPS 256

static uint64_t op_end[MAX_OPS];
static int32_t op_count;
void tf_model_profile(int32_t op, const int8_t *values, int32_t elements) {
    (void)values;
    (void)elements;
    if (op < MAX_OPS) op_end[op] = systick_clock_ticks();
    op_count = op + 1;
}

static int8_t output[TF_MODEL_OUTPUT_SIZE];

static uint32_t to_instructions(uint64_t t, uint64_t loop_ticks, uint64_t loop_instructions) {
    return (uint32_t)((t * loop_instructions + loop_ticks / 2) / loop_ticks);
}

int main(void) {
    const uint32_t loop = 1000000; /* two instructions an iteration: subs, bne */
    uint32_t n = loop;
    uint64_t loop_ticks, total, previous = 0;
    int32_t k;
    systick_clock_start();
#if __ARM_ARCH_ISA_THUMB == 1 /* GCC reads Thumb-1 inline assembly in the divided syntax */
    __asm volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b\n .syntax divided" : "+l"(n));
#else
    __asm volatile("1: subs %0, %0, #1\n bne 1b" : "+l"(n));
#endif
    loop_ticks = systick_clock_ticks();
    systick_clock_start();
    tf_model_run(tf_test_inputs[0], output);
    total = systick_clock_ticks();
    systick_clock_stop();
    for (k = 0; k < op_count && k < MAX_OPS; ++k) {
        semihost_write("op ");
        semihost_write_uint((uint32_t)k);
        semihost_write(" instructions ");
        semihost_write_uint(to_instructions(op_end[k] - previous, loop_ticks, 2ull * loop));
        semihost_write("\n");
        previous = op_end[k];
    }
    semihost_write("instructions_per_inference ");
    semihost_write_uint(to_instructions(total, loop_ticks, 2ull * loop));
    semihost_write("\n");
    return 0;
}
