#include "semihost.h"

enum { SYS_WRITE0 = 0x04, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

static int32_t semihost_call(int32_t operation, const void *argument) {
    register int32_t r0 __asm("r0") = operation;
    register const void *r1 __asm("r1") = argument;
    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_write(const char *text) { semihost_call(SYS_WRITE0, text); }

const char *uint_text(uint32_t value, char buffer[12]) {
    int i = 11;
    buffer[i] = '\0';
    do {
        buffer[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return &buffer[i];
}

void semihost_write_uint(uint32_t value) {
    char buffer[12];
    semihost_write(uint_text(value, buffer));
}

void semihost_exit(int status) {
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihost_call(SYS_EXIT_EXTENDED, block);
    semihost_call(SYS_EXIT, (const void *)ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}
