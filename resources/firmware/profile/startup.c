/* Start-up for the studio's firmware (the profiling harness, the QEMU checks and benches), any Cortex-M: vector table, .data copy, .bss zeroing, the FPU switched on
 * when the build uses it, then main(); main's status ends the program (semihosting exit when emulated). */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _stack_top, _data_load, _data_start, _data_end, _bss_start, _bss_end;
int main(void);

void reset_handler(void) {
    uint32_t *src = &_data_load, *dst = &_data_start;
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end; ++dst) *dst = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to coprocessors 10 and 11 (the FPU), needed by -mfloat-abi=hard code. */
    *(volatile uint32_t *)0xE000ED88 |= (0xFu << 20);
    __asm volatile("dsb\n isb");
#endif
    semihost_exit(main());
}

static void fault_handler(void) {
    semihost_write("{\"event\": \"error\", \"message\": \"hard fault\"}\n");
    semihost_exit(3);
}

/* A harness that times with SysTick defines its own handler. */
void systick_handler(void) __attribute__((weak));
void systick_handler(void) {}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&_stack_top, reset_handler, fault_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    0, 0, 0, 0, 0, 0, 0, 0, systick_handler,
};
