/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A PL011 UART, polled transmit only. Runs before the MMU is on (the
 * board's console from its first line), so it keeps to aligned 32-bit
 * register accesses and takes no lock: the console (console.c) serialises.
 */
#include "a64.h"

#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_LCRH 0x2cu
#define UART_CR 0x30u
#define UART_IMSC 0x38u
#define FR_TXFF (1u << 5)
#define FR_BUSY (1u << 3)

static volatile uint32_t *uart_regs;

static inline uint32_t reg_read(uint32_t off)
{
	return uart_regs[off / 4u];
}

static inline void reg_write(uint32_t off, uint32_t v)
{
	uart_regs[off / 4u] = v;
}

void rvx_a64_pl011_init(uint64_t base)
{
	uart_regs = (volatile uint32_t *)(uintptr_t)base;
	/* Keep the boot loader's baud rate (QEMU ignores it); make sure the
	 * transmitter is on with FIFOs, 8N1, and no interrupts. */
	while ((reg_read(UART_FR) & FR_BUSY) != 0u)
		;
	reg_write(UART_CR, 0);
	reg_write(UART_IMSC, 0);
	reg_write(UART_LCRH, (3u << 5) | (1u << 4));
	reg_write(UART_CR, (1u << 0) | (1u << 8) | (1u << 9));
}

void rvx_a64_pl011_write(const char *s, size_t len)
{
	if (uart_regs == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			while ((reg_read(UART_FR) & FR_TXFF) != 0u)
				;
			reg_write(UART_DR, '\r');
		}
		while ((reg_read(UART_FR) & FR_TXFF) != 0u)
			;
		reg_write(UART_DR, (uint8_t)s[i]);
	}
}
