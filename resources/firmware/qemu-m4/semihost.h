/* ARM semihosting (bkpt 0xAB): text to the debugger's (QEMU's) console, and the end of the program. */
#ifndef SEMIHOST_H
#define SEMIHOST_H
#include <stdint.h>
void semihost_write(const char *text);
void semihost_write_uint(uint32_t value);
/* The decimal digits of `value`, written into the end of `buffer`; returns where they start. */
const char *uint_text(uint32_t value, char buffer[12]);
void semihost_exit(int status) __attribute__((noreturn));
#endif
