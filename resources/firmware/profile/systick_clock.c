#include "systick_clock.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)

static volatile uint32_t wraps;
void systick_handler(void) { ++wraps; } /* replaces the start-up code's weak default */

void systick_clock_start(void) {
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFF;
    SYST_CVR = 0;
    wraps = 0;
    SYST_CSR = 7; /* core clock, interrupt on wrap, enabled */
}

uint64_t systick_clock_ticks(void) {
    uint32_t w, v;
    do {
        w = wraps;
        v = SYST_CVR;
    } while (w != wraps);
    return (uint64_t)w * 0x1000000u + (0xFFFFFFu - v);
}

void systick_clock_stop(void) { SYST_CSR = 0; }
