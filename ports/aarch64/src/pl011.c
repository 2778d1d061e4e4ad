/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A PL011 UART: polled transmit, and receive by interrupt for a board that
 * asks (rvx_a64_pl011_rx_irq(); its handler drains the FIFO with
 * rvx_a64_pl011_rx(), which never clears the receive interrupt by hand). Runs before the MMU is on (the board's console from
 * its first line), so it keeps to aligned 32-bit register accesses and
 * takes no lock: the console (console.c) serialises transmit, the one
 * interrupt handler receive.
 */
#include "a64.h"

#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_LCRH 0x2cu
#define UART_CR 0x30u
#define UART_IFLS 0x34u
#define UART_IMSC 0x38u
#define UART_ICR 0x44u
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)
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
	/* Turning the FIFOs on may empty the receive FIFO and leave a receive
	 * interrupt raised for bytes no longer there (QEMU does). Clear it, then
	 * empty the FIFO of what came before the console existed: a byte that
	 * landed between the two lost its interrupt to the clear, and only
	 * reading the FIFO empty restores the rule rvx_a64_pl011_rx() keeps
	 * (receive interrupt raised exactly while the FIFO holds bytes). */
	reg_write(UART_ICR, INT_RX | INT_RT);
	while ((reg_read(UART_FR) & FR_RXFE) == 0u)
		(void)reg_read(UART_DR);
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

void rvx_a64_pl011_rx_irq(bool on)
{
	if (uart_regs == NULL)
		return;
	/* Receive interrupt at 1/8 full, and the timeout for a pause in the
	 * input (a person typing), so every byte is taken promptly. Off, the
	 * bytes wait in the FIFO and the sender is held back. */
	reg_write(UART_IFLS, 0);
	reg_write(UART_IMSC, on ? INT_RX | INT_RT : 0u);
}

size_t rvx_a64_pl011_rx(char *buf, size_t cap)
{
	size_t n = 0;

	if (uart_regs == NULL)
		return 0;
	/* No write to UARTICR here: reading the FIFO below its trigger level
	 * drops the receive interrupt, reading it empty the receive timeout,
	 * and a byte arriving later raises them again. A clear after the last
	 * look at UARTFR would race that byte: landing in the empty FIFO
	 * between the look and the clear, it raises the interrupt and the
	 * clear takes it away, while the bytes after it find the FIFO not
	 * empty and raise nothing (QEMU raises on the FIFO's first byte only);
	 * the sender fills the FIFO and waits for good. Left at @cap with
	 * bytes still in the FIFO, the interrupt stays raised and the handler
	 * is entered again. */
	while (n < cap && (reg_read(UART_FR) & FR_RXFE) == 0u)
		buf[n++] = (char)(reg_read(UART_DR) & 0xffu);
	return n;
}
