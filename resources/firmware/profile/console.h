/* Where the profiling firmware writes its JSON lines: the board's UART when the firmware is built with its registers
 * (-DTF_UART_BASE=..., from the board file), else the debugger's semihosting console. */
#ifndef CONSOLE_H
#define CONSOLE_H
#include <stdint.h>
/* Starts the UART at 115200 baud from its kernel clock: the configured one, or the reset one when the board's clock
 * set-up did not complete. */
void console_init(int clock_configured);
void console_write(const char *text);
void console_write_uint(uint32_t value);
#endif
