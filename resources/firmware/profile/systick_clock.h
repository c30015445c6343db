/* The core clock counted by SysTick, across its 24-bit wraps: the cycle counter of cores without DWT->CYCCNT (and of
 * QEMU, where under -icount shift=0 it advances once per instruction). */
#ifndef SYSTICK_CLOCK_H
#define SYSTICK_CLOCK_H
#include <stdint.h>
/* Starts counting from zero (SysTick on the core clock, interrupt on wrap). */
void systick_clock_start(void);
/* Ticks since systick_clock_start(). */
uint64_t systick_clock_ticks(void);
/* Stops the counter and its interrupt. */
void systick_clock_stop(void);
#endif
