#ifndef TF_CLOCK_SETUP_H
#define TF_CLOCK_SETUP_H
/* The board's clock set-up, as data: the studio generates the table (board_clock.h) from the board file's "clock"
 * steps and tf_clock_run carries them out. */
#include <stdint.h>

enum { TF_CLOCK_WRITE = 0, TF_CLOCK_WAIT = 1, TF_CLOCK_SPIN = 2 };

/* WRITE: *address = (*address & ~mask) | value.  WAIT: until (*address & mask) == value.  SPIN: `value` idle loops. */
struct tf_clock_step {
    uint32_t kind, address, mask, value;
};

/* A wait gives up after this many reads: far longer than any oscillator, PLL or regulator takes to become ready
 * (a few hundred microseconds), short enough that a part or emulator that never reports ready costs well under a
 * second. */
#define TF_CLOCK_MAX_POLLS 200000u

/* Runs `count` steps in order and returns how many completed: `count` when all did, fewer when a wait ran out of
 * polls; the steps after it are skipped. */
unsigned tf_clock_run(const struct tf_clock_step *steps, unsigned count, uint32_t max_polls);

#endif
