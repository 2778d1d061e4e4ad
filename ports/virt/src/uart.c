/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PL011 console (polled transmit) and a small formatter. One line is
 * formatted into a buffer, then written under the console lock, so lines
 * from several CPUs do not interleave mid-line.
 */
#include "virt.h"

#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_LCRH 0x2cu
#define UART_CR 0x30u
#define UART_IMSC 0x38u
#define FR_TXFF (1u << 5)
#define FR_BUSY (1u << 3)

static volatile uint32_t *uart_regs;
static struct rvx_virt_lock console_lock;

static inline uint32_t reg_read(uint32_t off)
{
	return uart_regs[off / 4u];
}

static inline void reg_write(uint32_t off, uint32_t v)
{
	uart_regs[off / 4u] = v;
}

void rvx_virt_uart_init(uint64_t base)
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

void rvx_virt_uart_write_raw(const char *s, size_t len)
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

static void console_write(const char *s, size_t len)
{
	uint64_t daif = rvx_virt_lock_irqsave(&console_lock);

	rvx_virt_uart_write_raw(s, len);
	rvx_virt_unlock_irqrestore(&console_lock, daif);
}

void rvx_virt_puts(const char *s)
{
	console_write(s, strlen(s));
}

struct outbuf {
	char buf[256];
	size_t len;
};

static void put_char(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->buf)) {
		console_write(o->buf, o->len);
		o->len = 0;
	}
	o->buf[o->len++] = c;
}

static void put_num(struct outbuf *o, uint64_t v, unsigned base, int width, char pad, bool neg)
{
	char tmp[24];
	int n = 0;

	do {
		unsigned d = (unsigned)(v % base);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v != 0);
	if (neg)
		tmp[n++] = '-';
	for (int i = n; i < width; i++)
		put_char(o, pad);
	while (n > 0)
		put_char(o, tmp[--n]);
}

/* %[0][width][l|ll|z](d|u|x|s|c|p) and %%. */
void rvx_virt_vprintf(const char *fmt, va_list ap)
{
	struct outbuf o;

	o.len = 0;
	for (const char *p = fmt; *p != '\0'; p++) {
		char pad = ' ';
		int width = 0;
		int lng = 0;

		if (*p != '%') {
			put_char(&o, *p);
			continue;
		}
		p++;
		if (*p == '0') {
			pad = '0';
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l' || *p == 'z') {
			lng = 1;
			p++;
		}
		switch (*p) {
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			put_num(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, width, pad,
				v < 0);
			break;
		}
		case 'u':
			put_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad,
				false);
			break;
		case 'x':
			put_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad,
				false);
			break;
		case 'p':
			put_char(&o, '0');
			put_char(&o, 'x');
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, '0', false);
			break;
		case 'c':
			put_char(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = strlen(s);

			for (size_t i = n; i < (size_t)width; i++)
				put_char(&o, ' ');
			for (size_t i = 0; i < n; i++)
				put_char(&o, s[i]);
			break;
		}
		case '%':
			put_char(&o, '%');
			break;
		default:
			put_char(&o, '?');
			if (*p == '\0')
				p--;
			break;
		}
	}
	if (o.len > 0)
		console_write(o.buf, o.len);
}

void rvx_virt_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rvx_virt_vprintf(fmt, ap);
	va_end(ap);
}
