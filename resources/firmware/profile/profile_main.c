/* The on-device profile: runs every embedded test sample through the exported model, checks each output against the
 * studio's integer reference, times each inference and each op, measures the peak stack by painting it, and reports
 * JSON lines:
 *   {"event": "sample", "index": I, "count": N, "identical": true|false, "correct": true|false}
 *   {"event": "layer", "op": K, "count": N}                       (mean over the samples, one line per op)
 *   {"event": "summary", "counter": "instructions"|"dwt"|"systick", "clock_hz": F, "clock_configured": true|false,
 *    "clock_steps_done": K, "samples": N, "identical": I, "correct": C, "count_min": A, "count_median": B,
 *    "count_max": D, "stack_bytes": S, "arena_bytes": R}
 * What a count is depends on the build:
 *  - TF_EMULATED (QEMU, -icount): instructions. SysTick follows QEMU's virtual clock, which advances a fixed time per
 *    instruction; a loop of known length (two instructions an iteration) converts its ticks to instructions, so the
 *    figure does not depend on the emulated machine's clock.
 *  - a real core with DWT->CYCCNT (M3, M4, M7, M33): core cycles.
 *  - a real core without one (M0, M0+): SysTick ticks at the core clock, which are core cycles too.
 * The cost of reading the counter is measured and taken off every figure. Whole inferences are timed with the
 * per-op hook switched off (its call costs a few instructions per op, which stay in the figure); each op is then
 * timed in a second pass with the hook on, its own cost taken off.
 * Built with -DTF_DUMP_SAMPLE=N instead, the firmware runs sample N once and reports every op's int8 output
 *   {"event": "tensor", "op": K, "values": "<hex bytes>"}  ... then {"event": "dump_done", "sample": N}
 * for the drift debugger (tinyforge-cli diff).
 * The lines go to the board's UART, or to semihosting when no UART is configured (console.c). The board's clock
 * set-up runs first (board_clock.h, generated from the board file); when one of its waits runs out, the core keeps its
 * reset clock and the summary says so. */
#include "board_clock.h"
#include "clock_setup.h"
#include "console.h"
#include "systick_clock.h"
#include "tf_model.h"
#include "tf_test_vectors.h"

#define DEMCR (*(volatile uint32_t *)0xE000EDFC)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004)
#define PAINT 0xC0FFEE11u
#define CALIBRATION_LOOPS 100000u /* two instructions each: subs, bne */

extern uint32_t _bss_end, _stack_top;

enum hook_mode { HOOK_OFF, HOOK_LAYERS, HOOK_DUMP };
static volatile int hook_mode = HOOK_OFF;
static int use_dwt;
static uint32_t loop_ticks; /* TF_EMULATED: SysTick ticks of the calibration loop */

static void counter_init(void) {
#if !defined(TF_EMULATED) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__))
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;
    {
        const uint32_t a = DWT_CYCCNT;
        volatile int spin;
        for (spin = 0; spin < 100; ++spin) {}
        use_dwt = DWT_CYCCNT != a; /* a core may map the DWT without counting */
    }
#endif
    if (!use_dwt) systick_clock_start();
}

static uint32_t now(void) { return use_dwt ? DWT_CYCCNT : (uint32_t)systick_clock_ticks(); }

/* Counter ticks in the unit the summary names: instructions when emulated, else the ticks themselves (cycles). */
static uint32_t to_count(uint64_t ticks) {
#if defined(TF_EMULATED)
    return (uint32_t)((ticks * (2ull * CALIBRATION_LOOPS) + loop_ticks / 2) / loop_ticks);
#else
    return (uint32_t)ticks;
#endif
}

static void calibrate_loop(void) {
#if defined(TF_EMULATED)
    uint32_t n = CALIBRATION_LOOPS;
    const uint32_t start = now();
#if __ARM_ARCH_ISA_THUMB == 1 /* GCC reads Thumb-1 inline assembly in the divided syntax */
    __asm volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b\n .syntax divided" : "+l"(n));
#else
    __asm volatile("1: subs %0, %0, #1\n bne 1b" : "+l"(n));
#endif
    loop_ticks = now() - start;
#endif
}

/* Fills the free stack below the current frame with a pattern; after the run, the lowest overwritten word is the
 * deepest the stack went. */
static void paint_stack(void) {
    uint32_t *p = &_bss_end, *limit;
    __asm volatile("mov %0, sp" : "=r"(limit));
    limit -= 64; /* stay clear of this function's own frame */
    while (p < limit) *p++ = PAINT;
}

static uint32_t stack_used(void) {
    const uint32_t *p = &_bss_end;
    while (p < &_stack_top && *p == PAINT) ++p;
    return (uint32_t)((const uint8_t *)&_stack_top - (const uint8_t *)p);
}

static void put_field(const char *name, uint32_t value, int last) {
    console_write("\"");
    console_write(name);
    console_write("\": ");
    console_write_uint(value);
    console_write(last ? "}\n" : ", ");
}

/* The per-op hook the model calls after each op (tf_model.c, built with -DTF_MODEL_PROFILE). With layer timing on,
 * an op's ticks run from the previous hook's last counter read to this hook's first one; op -1 is the calibration
 * slot. */
static uint32_t layer_mark;
static uint64_t layer_ticks[TF_MODEL_OP_COUNT];
static uint64_t hook_ticks;

static void dump_tensor(int32_t op, const int8_t *values, int32_t elements) {
    static const char digits[] = "0123456789abcdef";
    char chunk[129];
    int32_t i = 0;
    console_write("{\"event\": \"tensor\", ");
    put_field("op", (uint32_t)op, 0);
    console_write("\"values\": \"");
    while (i < elements) {
        int n = 0;
        for (; n < 64 && i < elements; ++n, ++i) {
            chunk[2 * n] = digits[((uint8_t)values[i]) >> 4];
            chunk[2 * n + 1] = digits[((uint8_t)values[i]) & 15];
        }
        chunk[2 * n] = 0;
        console_write(chunk);
    }
    console_write("\"}\n");
}

void tf_model_profile(int32_t op, const int8_t *values, int32_t elements) {
    if (hook_mode == HOOK_OFF) return; /* the cheapest path first: it runs inside every timed inference */
    if (hook_mode == HOOK_LAYERS) {
        const uint32_t t = now();
        *(op < 0 ? &hook_ticks : &layer_ticks[op]) += (uint32_t)(t - layer_mark);
        layer_mark = now();
    } else {
        dump_tensor(op, values, elements);
    }
}

static int8_t output[TF_MODEL_OUTPUT_SIZE];

#if defined(TF_DUMP_SAMPLE)
int main(void) {
    console_init(tf_clock_run(tf_board_clock, TF_BOARD_CLOCK_STEPS, TF_CLOCK_MAX_POLLS) == TF_BOARD_CLOCK_STEPS);
    hook_mode = HOOK_DUMP;
    tf_model_run(tf_test_inputs[TF_DUMP_SAMPLE], output);
    hook_mode = HOOK_OFF;
    console_write("{\"event\": \"dump_done\", ");
    put_field("sample", TF_DUMP_SAMPLE, 1);
    return 0;
}
#else
static uint32_t counts[TF_TEST_COUNT];

int main(void) {
    uint32_t s, identical = 0, correct = 0, i, j, overhead;
    int32_t k;
    const unsigned clock_steps_done = tf_clock_run(tf_board_clock, TF_BOARD_CLOCK_STEPS, TF_CLOCK_MAX_POLLS);
    const int clock_configured = clock_steps_done == TF_BOARD_CLOCK_STEPS;
    console_init(clock_configured);
    counter_init();
    calibrate_loop();
    {
        const uint32_t a = now();
        overhead = now() - a; /* the cost of one counter read, taken off every inference */
    }
    paint_stack();
    for (s = 0; s < TF_TEST_COUNT; ++s) { /* whole inferences, the hook off */
        int best = 0, same = 1;
        const uint32_t start = now();
        tf_model_run(tf_test_inputs[s], output);
        counts[s] = to_count((uint32_t)(now() - start - overhead));
        for (k = 0; k < TF_MODEL_OUTPUT_SIZE; ++k) {
            if (output[k] != tf_test_expected[s][k]) same = 0;
            if (output[k] > output[best]) best = (int)k;
        }
        identical += (uint32_t)same;
        correct += (uint32_t)(best == tf_test_labels[s]);
        console_write("{\"event\": \"sample\", ");
        put_field("index", s, 0);
        put_field("count", counts[s], 0);
        console_write(same ? "\"identical\": true, " : "\"identical\": false, ");
        console_write(best == tf_test_labels[s] ? "\"correct\": true}\n" : "\"correct\": false}\n");
    }
    /* Each op, the hook on. Two back-to-back hook calls time the hook itself: the cost taken off each op. */
    hook_mode = HOOK_LAYERS;
    layer_mark = now();
    tf_model_profile(-1, 0, 0);
    hook_ticks = 0;
    tf_model_profile(-1, 0, 0);
    for (s = 0; s < TF_TEST_COUNT; ++s) {
        layer_mark = now();
        tf_model_run(tf_test_inputs[s], output);
    }
    hook_mode = HOOK_OFF;
    for (k = 0; k < TF_MODEL_OP_COUNT; ++k) {
        const uint64_t cost = hook_ticks * TF_TEST_COUNT;
        const uint64_t ticks = layer_ticks[k] > cost ? layer_ticks[k] - cost : 0;
        console_write("{\"event\": \"layer\", ");
        put_field("op", (uint32_t)k, 0);
        put_field("count", to_count((ticks + TF_TEST_COUNT / 2) / TF_TEST_COUNT), 1);
    }
    for (i = 1; i < TF_TEST_COUNT; ++i) { /* insertion sort, for the median */
        const uint32_t v = counts[i];
        for (j = i; j > 0 && counts[j - 1] > v; --j) counts[j] = counts[j - 1];
        counts[j] = v;
    }
#if defined(TF_EMULATED)
    console_write("{\"event\": \"summary\", \"counter\": \"instructions\", ");
#else
    console_write(use_dwt ? "{\"event\": \"summary\", \"counter\": \"dwt\", " : "{\"event\": \"summary\", \"counter\": \"systick\", ");
#endif
    put_field("clock_hz", clock_configured ? TF_CLOCK_HZ : TF_CLOCK_RESET_HZ, 0);
    console_write(clock_configured ? "\"clock_configured\": true, " : "\"clock_configured\": false, ");
    put_field("clock_steps_done", clock_steps_done, 0);
    put_field("samples", TF_TEST_COUNT, 0);
    put_field("identical", identical, 0);
    put_field("correct", correct, 0);
    put_field("count_min", counts[0], 0);
    put_field("count_median", counts[TF_TEST_COUNT / 2], 0);
    put_field("count_max", counts[TF_TEST_COUNT - 1], 0);
    put_field("stack_bytes", stack_used(), 0);
    put_field("arena_bytes", TF_MODEL_ARENA_BYTES, 1);
    return identical == TF_TEST_COUNT ? 0 : 1;
}
#endif
