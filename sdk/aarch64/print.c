/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx_user_a64_printf(): a console line with a small printf subset (%u %d
 * %x %lu %ld %lx %s %c %%), formatted into a buffer on the caller's stack
 * and printed with one board call (hvc #2). Longer lines are cut.
 */
#include <stdarg.h>

#include "ruvix/user_a64.h"
#include "ruvix/user_image.h"

struct line {
	char s[RVX_USER_PRINT_MAX];
	uint32_t n;
};

static void put(struct line *l, char c)
{
	if (l->n < sizeof(l->s))
		l->s[l->n++] = c;
}

static void num(struct line *l, uint64_t v, uint32_t base, bool neg)
{
	char tmp[24];
	int t = 0;

	if (neg)
		put(l, '-');
	do {
		tmp[t++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (t > 0)
		put(l, tmp[--t]);
}

void rvx_user_a64_printf(const char *fmt, ...)
{
	struct line l;
	va_list ap;

	l.n = 0;
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		bool lng = false;

		if (*fmt != '%') {
			put(&l, *fmt);
			continue;
		}
		if (*++fmt == 'l') {
			lng = true;
			fmt++;
		}
		switch (*fmt) {
		case 'u': num(&l, lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 10, false); break;
		case 'x': num(&l, lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 16, false); break;
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int32_t);

			num(&l, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, v < 0);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (*s != '\0')
				put(&l, *s++);
			break;
		}
		case 'c': put(&l, (char)va_arg(ap, int)); break;
		case '%': put(&l, '%'); break;
		case '\0': fmt--; break;
		default: put(&l, '?'); break;
		}
	}
	va_end(ap);
	if (l.n > 0 && l.s[l.n - 1] == '\n')
		l.n--;
	if (l.n > 0)
		rvx_user_a64_print(l.s, l.n);
}
