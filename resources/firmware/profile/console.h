/* Where the profiling firmware writes its JSON lines: the board's UART when the firmware is built with its registers
 * (-DTF_UART_BASE=..., from the board file), else the debugger's semihosting console. */
#ifndef CONSOLE_H
#define CONSOLE_H
#include <stdint.h>
void console_init(void);
void console_write(const char *text);
void console_write_uint(uint32_t value);
#endif
