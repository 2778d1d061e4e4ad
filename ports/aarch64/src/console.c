/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console: the board's device (rvx_a64_board.console_write) and a
 * small formatter. One line is formatted into a buffer, then written
 * under the console lock, so lines from several CPUs do not interleave
 * mid-line; while the device is leased to a partition the lines are held
 * back (rvx_a64_console_hold()).
 */
#include "a64.h"

static struct rvx_a64_lock console_lock;

/* While the console's device is leased to a partition, the device is the
 * partition's alone: the kernel's lines wait here, in order, and go out
 * when the lease ends (or on exit, or when the buffer fills, since losing
 * the kernel's own log would be worse). */
static char held_buf[8192];
static size_t held_len;
static uint32_t held;

static void flush_held(void)
{
	if (held_len != 0)
		rvx_a64_console_write_raw(held_buf, held_len);
	held_len = 0;
}

void rvx_a64_console_hold(bool hold)
{
	uint64_t daif = rvx_a64_lock_irqsave(&console_lock);

	held = hold ? 1u : 0u;
	if (!hold)
		flush_held();
	rvx_a64_unlock_irqrestore(&console_lock, daif);
}

void rvx_a64_console_flush(void)
{
	/* Without the lock: it runs on exit, whatever another CPU holds. */
	held = 0;
	flush_held();
}

void rvx_a64_console_write_raw(const char *s, size_t len)
{
	void (*write)(const char *, size_t) = rvx_a64_board.console_write;

	if (write != NULL)
		write(s, len);
}

static void console_write(const char *s, size_t len)
{
	uint64_t daif = rvx_a64_lock_irqsave(&console_lock);

	if (held && len <= sizeof(held_buf) - held_len) {
		memcpy(held_buf + held_len, s, len);
		held_len += len;
	} else {
		flush_held();
		rvx_a64_console_write_raw(s, len);
	}
	rvx_a64_unlock_irqrestore(&console_lock, daif);
}

void rvx_a64_puts(const char *s)
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
void rvx_a64_vprintf(const char *fmt, va_list ap)
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

void rvx_a64_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rvx_a64_vprintf(fmt, ap);
	va_end(ap);
}
