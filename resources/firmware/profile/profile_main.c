/* The on-device profile: runs every embedded test sample through the exported model, times each inference, checks
 * its output against the studio's integer reference, measures the peak stack by painting it, and reports JSON lines:
 *   {"event": "sample", "index": I, "cycles": N, "identical": true|false, "correct": true|false}
 *   {"event": "summary", "counter": "dwt"|"systick", "clock_hz": F, "clock_configured": true|false,
 *    "clock_steps_done": K, "samples": N, "identical": I, "correct": C,
 *    "cycles_min": A, "cycles_median": B, "cycles_max": D, "stack_bytes": S, "arena_bytes": R}
 * Cycles come from DWT->CYCCNT where the core has one that counts, else from SysTick at the core clock (under QEMU
 * with -icount shift=0 that clock advances once per instruction, so the figures are instructions). The lines go to
 * the board's UART, or to semihosting when no UART is configured (console.c). The board's clock set-up runs first
 * (board_clock.h, generated from the board file); when one of its waits runs out, the core keeps its reset clock and
 * the summary says so. */
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

extern uint32_t _bss_end, _stack_top;

static int use_dwt;

static void counter_init(void) {
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__)
    DEMCR |= 1u << 24; /* TRCENA */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;
    {
        const uint32_t a = DWT_CYCCNT;
        volatile int spin;
        for (spin = 0; spin < 100; ++spin) {}
        use_dwt = DWT_CYCCNT != a; /* an emulator may map the DWT without counting */
    }
#endif
    if (!use_dwt) systick_clock_start();
}

static uint32_t now(void) { return use_dwt ? DWT_CYCCNT : (uint32_t)systick_clock_ticks(); }

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

static int8_t output[TF_MODEL_OUTPUT_SIZE];
static uint32_t cycles[TF_TEST_COUNT];

int main(void) {
    uint32_t s, identical = 0, correct = 0, i, j;
    const unsigned clock_steps_done = tf_clock_run(tf_board_clock, TF_BOARD_CLOCK_STEPS, TF_CLOCK_MAX_POLLS);
    const int clock_configured = clock_steps_done == TF_BOARD_CLOCK_STEPS;
    console_init(clock_configured);
    counter_init();
    paint_stack();
    for (s = 0; s < TF_TEST_COUNT; ++s) {
        int k, same = 1, best = 0;
        const uint32_t start = now();
        tf_model_run(tf_test_inputs[s], output);
        cycles[s] = now() - start;
        for (k = 0; k < TF_MODEL_OUTPUT_SIZE; ++k) {
            if (output[k] != tf_test_expected[s][k]) same = 0;
            if (output[k] > output[best]) best = k;
        }
        identical += (uint32_t)same;
        correct += (uint32_t)(best == tf_test_labels[s]);
        console_write("{\"event\": \"sample\", ");
        put_field("index", s, 0);
        put_field("cycles", cycles[s], 0);
        console_write(same ? "\"identical\": true, " : "\"identical\": false, ");
        console_write(best == tf_test_labels[s] ? "\"correct\": true}\n" : "\"correct\": false}\n");
    }
    for (i = 1; i < TF_TEST_COUNT; ++i) { /* insertion sort, for the median */
        const uint32_t v = cycles[i];
        for (j = i; j > 0 && cycles[j - 1] > v; --j) cycles[j] = cycles[j - 1];
        cycles[j] = v;
    }
    console_write(use_dwt ? "{\"event\": \"summary\", \"counter\": \"dwt\", " : "{\"event\": \"summary\", \"counter\": \"systick\", ");
    put_field("clock_hz", clock_configured ? TF_CLOCK_HZ : TF_CLOCK_RESET_HZ, 0);
    console_write(clock_configured ? "\"clock_configured\": true, " : "\"clock_configured\": false, ");
    put_field("clock_steps_done", clock_steps_done, 0);
    put_field("samples", TF_TEST_COUNT, 0);
    put_field("identical", identical, 0);
    put_field("correct", correct, 0);
    put_field("cycles_min", cycles[0], 0);
    put_field("cycles_median", cycles[TF_TEST_COUNT / 2], 0);
    put_field("cycles_max", cycles[TF_TEST_COUNT - 1], 0);
    put_field("stack_bytes", stack_used(), 0);
    put_field("arena_bytes", TF_MODEL_ARENA_BYTES, 1);
    return identical == TF_TEST_COUNT ? 0 : 1;
}
