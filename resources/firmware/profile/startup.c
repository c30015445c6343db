/* Start-up for the studio's firmware (the profiling harness, the QEMU checks and benches), any Cortex-M: vector table, .data copy, .bss zeroing, the FPU switched on
 * when the build uses it, then main(); main's status ends the program (semihosting exit when emulated). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _stack_top, _data_load, _data_start, _data_end, _bss_start, _bss_end;
int main(void);

#if defined(TF_UART_BASE)
#include "console.h"

static void park(void) __attribute__((noreturn));
static void park(void) {
    for (;;) __asm volatile("wfi");
}
#endif

void reset_handler(void) {
    uint32_t *src = &_data_load, *dst = &_data_start;
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end; ++dst) *dst = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to coprocessors 10 and 11 (the FPU), needed by -mfloat-abi=hard code. */
    *(volatile uint32_t *)0xE000ED88 |= (0xFu << 20);
    __asm volatile("dsb\n isb");
#endif
#if defined(TF_UART_BASE)
    /* A board that reports on its UART has no debugger to end the program (semihosting would fault): it waits here,
     * and the studio, having read the summary, ends the run. On QEMU that also keeps the serial port open until the
     * studio has read every line, which an exiting emulator would cut short. */
    (void)main();
    park();
#else
    semihost_exit(main());
#endif
}

static void fault_handler(void) {
#if defined(TF_UART_BASE)
    console_write("{\"event\": \"error\", \"message\": \"hard fault\"}\n");
    park();
#else
    semihost_write("{\"event\": \"error\", \"message\": \"hard fault\"}\n");
    semihost_exit(3);
#endif
}

/* A harness that times with SysTick defines its own handler. */
void systick_handler(void) __attribute__((weak));
void systick_handler(void) {}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&_stack_top, reset_handler, fault_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    0, 0, 0, 0, 0, 0, 0, 0, systick_handler,
};
