#include "console.h"

#include "semihost.h"

#if defined(TF_UART_BASE)
/* Two STM32 USART register layouts: "f4" (SR, DR, BRR, CR1 at 0x00..0x0C; F1/F2/F4) and "v2" (CR1 at 0x00, BRR at
 * 0x0C, ISR at 0x1C, TDR at 0x28; F0/F3/F7/L4/H7). The baud rate divider's input is the UART's kernel clock, which
 * the board's clock set-up raises from its reset value. */
#define REG(offset) (*(volatile uint32_t *)((TF_UART_BASE) + (offset)))
#if defined(TF_UART_LAYOUT_F4)
#define UART_STATUS REG(0x00)
#define UART_DATA REG(0x04)
#define UART_BRR REG(0x08)
#define UART_CR1 REG(0x0C)
#else
#define UART_CR1 REG(0x00)
#define UART_BRR REG(0x0C)
#define UART_STATUS REG(0x1C)
#define UART_DATA REG(0x28)
#endif
#define TXE (1u << 7)

#include "uart_setup.h"

/* The low-power UART divides 256 x its clock by the baud rate; the others divide the clock. */
#ifndef TF_UART_BRR_SCALE
#define TF_UART_BRR_SCALE 1u
#endif

void console_init(int clock_configured) {
    const uint64_t clock_hz = clock_configured ? TF_UART_CLOCK_HZ : TF_UART_RESET_CLOCK_HZ;
#if TF_UART_SETUP_COUNT > 0
    for (unsigned i = 0; i < TF_UART_SETUP_COUNT; ++i) { /* GPIO clock, TX pin mode and alternate function, ... */
        volatile uint32_t *reg = (volatile uint32_t *)tf_uart_setup[i].address;
        *reg = (*reg & ~tf_uart_setup[i].clear) | tf_uart_setup[i].set;
    }
#endif
    *(volatile uint32_t *)(TF_UART_RCC_REGISTER) |= 1u << (TF_UART_RCC_BIT); /* the peripheral's clock */
    UART_BRR = (uint32_t)((clock_hz * TF_UART_BRR_SCALE + 115200 / 2) / 115200); /* 115200 baud */
    UART_CR1 = (1u << 3) /* TE */ | (1u << (TF_UART_UE_BIT));                    /* transmitter and USART on */
}

static void put(char c) {
    while (!(UART_STATUS & TXE)) {}
    UART_DATA = (uint8_t)c;
}

void console_write(const char *text) {
    while (*text) put(*text++);
}
#else
void console_init(int clock_configured) { (void)clock_configured; }
void console_write(const char *text) { semihost_write(text); }
#endif

void console_write_uint(uint32_t value) {
    char buffer[12];
    console_write(uint_text(value, buffer));
}
