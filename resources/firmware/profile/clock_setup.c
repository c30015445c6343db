#include "clock_setup.h"

/* Register access; a host test compiles this file with its own definitions to watch the writes. */
#ifndef TF_CLOCK_READ
#define TF_CLOCK_READ(address) (*(volatile uint32_t *)(uintptr_t)(address))
#define TF_CLOCK_STORE(address, value) (*(volatile uint32_t *)(uintptr_t)(address) = (value))
#endif

unsigned tf_clock_run(const struct tf_clock_step *steps, unsigned count, uint32_t max_polls) {
    unsigned done;
    for (done = 0; done < count; ++done) {
        const struct tf_clock_step *step = &steps[done];
        if (step->kind == TF_CLOCK_WRITE) {
            TF_CLOCK_STORE(step->address, (TF_CLOCK_READ(step->address) & ~step->mask) | step->value);
        } else if (step->kind == TF_CLOCK_WAIT) {
            uint32_t polls = 0;
            while ((TF_CLOCK_READ(step->address) & step->mask) != step->value) {
                if (++polls >= max_polls) return done;
            }
        } else {
            volatile uint32_t spin;
            for (spin = 0; spin < step->value; ++spin) {}
        }
    }
    return done;
}
