/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console text form of a witness log (ruvix/witness_dump.h): formatters
 * for the target, a line parser for the host. Pure text handling: no hash,
 * no console, no state.
 */
#include "ruvix/witness_dump.h"

static const char hexdigits[16] = { '0', '1', '2', '3', '4', '5', '6', '7',
				     '8', '9', 'a', 'b', 'c', 'd', 'e', 'f' };

#define BEGIN_TAG_LEN (sizeof(RVX_WITNESS_DUMP_BEGIN_TAG) - 1)
#define RECORD_TAG_LEN (sizeof(RVX_WITNESS_DUMP_RECORD_TAG) - 1)
#define ANCHOR_TAG_LEN (sizeof(RVX_WITNESS_DUMP_ANCHOR_TAG) - 1)
#define END_TAG_LEN (sizeof(RVX_WITNESS_DUMP_END_TAG) - 1)
/* Digits of the largest uint64_t (18446744073709551615). */
#define U64_DIGITS_MAX 20u

_Static_assert(RECORD_TAG_LEN + 1 + 2 * RVX_WITNESS_RECORD_SIZE + 2 == RVX_WITNESS_DUMP_LINE_MAX,
	       "the record line is the longest dump line");
_Static_assert(BEGIN_TAG_LEN + 2 + 2 * U64_DIGITS_MAX + 2 <= RVX_WITNESS_DUMP_LINE_MAX,
	       "a BEGIN line fits the line buffer");
_Static_assert(ANCHOR_TAG_LEN + 1 + U64_DIGITS_MAX + 1 + 2 * 32 + 2 <= RVX_WITNESS_DUMP_LINE_MAX,
	       "an ANCHOR line fits the line buffer");
_Static_assert(END_TAG_LEN + 1 + 2 * RVX_WITNESS_HEAD_SIZE + 2 <= RVX_WITNESS_DUMP_LINE_MAX,
	       "an END line fits the line buffer");

/* Write @p v in decimal at @p out; returns the digit count. */
static size_t put_u64(char *out, uint64_t v)
{
	char tmp[U64_DIGITS_MAX];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10u));
		v /= 10u;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static size_t u64_digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10u) {
		v /= 10u;
		n++;
	}
	return n;
}

static void put_hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdigits[p[i] >> 4];
		out[2 * i + 1] = hexdigits[p[i] & 0x0f];
	}
}

long rvx_witness_dump_begin(char *out, size_t cap, uint64_t count, uint64_t first_sequence)
{
	size_t need = BEGIN_TAG_LEN + 1 + u64_digits(count) + 1 + u64_digits(first_sequence) + 1;
	size_t n = BEGIN_TAG_LEN;

	if (out == NULL)
		return -RVX_EINVAL;
	if (cap < need + 1)
		return -RVX_EBUFSMALL;
	memcpy(out, RVX_WITNESS_DUMP_BEGIN_TAG, BEGIN_TAG_LEN);
	out[n++] = ' ';
	n += put_u64(out + n, count);
	out[n++] = ' ';
	n += put_u64(out + n, first_sequence);
	out[n++] = '\n';
	out[n] = '\0';
	return (long)n;
}

long rvx_witness_dump_line(char *out, size_t cap, const uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	size_t n = RECORD_TAG_LEN;

	if (out == NULL || rec == NULL)
		return -RVX_EINVAL;
	if (cap < RVX_WITNESS_DUMP_LINE_MAX)
		return -RVX_EBUFSMALL;
	memcpy(out, RVX_WITNESS_DUMP_RECORD_TAG, RECORD_TAG_LEN);
	out[n++] = ' ';
	put_hex(out + n, rec, RVX_WITNESS_RECORD_SIZE);
	n += 2 * RVX_WITNESS_RECORD_SIZE;
	out[n++] = '\n';
	out[n] = '\0';
	return (long)n;
}

long rvx_witness_dump_anchor(char *out, size_t cap, const struct rvx_witness_anchor *anchor)
{
	size_t n = ANCHOR_TAG_LEN;

	if (out == NULL || anchor == NULL)
		return -RVX_EINVAL;
	if (cap < ANCHOR_TAG_LEN + 1 + u64_digits(anchor->sequence) + 1 + 2 * 32 + 2)
		return -RVX_EBUFSMALL;
	memcpy(out, RVX_WITNESS_DUMP_ANCHOR_TAG, ANCHOR_TAG_LEN);
	out[n++] = ' ';
	n += put_u64(out + n, anchor->sequence);
	out[n++] = ' ';
	put_hex(out + n, anchor->state, 32);
	n += 64;
	out[n++] = '\n';
	out[n] = '\0';
	return (long)n;
}

long rvx_witness_dump_end(char *out, size_t cap, const uint8_t head[RVX_WITNESS_HEAD_SIZE])
{
	size_t n = END_TAG_LEN;

	if (out == NULL || head == NULL)
		return -RVX_EINVAL;
	if (cap < END_TAG_LEN + 1 + 2 * RVX_WITNESS_HEAD_SIZE + 2)
		return -RVX_EBUFSMALL;
	memcpy(out, RVX_WITNESS_DUMP_END_TAG, END_TAG_LEN);
	out[n++] = ' ';
	put_hex(out + n, head, RVX_WITNESS_HEAD_SIZE);
	n += 2 * RVX_WITNESS_HEAD_SIZE;
	out[n++] = '\n';
	out[n] = '\0';
	return (long)n;
}

int rvx_witness_dump_ring(const struct rvx_witness_ring *ring, const struct rvx_witness_head *head,
			  rvx_witness_dump_put_fn put, void *ctx)
{
	char line[RVX_WITNESS_DUMP_LINE_MAX];
	long n;

	if (ring == NULL || head == NULL || put == NULL || ring->count > head->count)
		return -RVX_EINVAL;
	/* Every call below has a large enough buffer and valid pointers, so
	 * none fails: the dump is all-or-nothing. */
	n = rvx_witness_dump_begin(line, sizeof(line), ring->count, head->count - ring->count);
	put(ctx, line, (size_t)n);
	for (uint32_t i = 0; i < ring->count; i++) {
		n = rvx_witness_dump_line(line, sizeof(line), rvx_witness_ring_at(ring, i));
		put(ctx, line, (size_t)n);
	}
	n = rvx_witness_dump_end(line, sizeof(line), head->head);
	put(ctx, line, (size_t)n);
	return 0;
}

/* Does @p line (of @p len bytes) start with @p tag and a space? */
static bool tagged(const char *line, size_t len, const char *tag, size_t tag_len)
{
	return len > tag_len && memcmp(line, tag, tag_len) == 0 && line[tag_len] == ' ';
}

/* Parse exactly @p n lowercase hex digit pairs into @p out. */
static bool get_hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		unsigned v;

		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			return false;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] = (uint8_t)(out[i / 2] | v);
	}
	return true;
}

/*
 * Parse a decimal number at s[*pos..len) up to a space or the end, in the
 * one form the formatter writes (no sign, no leading zero), so every line
 * the parser accepts is exactly the line the formatter makes.
 */
static bool get_u64(const char *s, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = *pos;

	if (i >= len || s[i] < '0' || s[i] > '9')
		return false;
	if (s[i] == '0' && i + 1 < len && s[i + 1] != ' ')
		return false;
	for (; i < len && s[i] != ' '; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10u)
			return false;
		v = v * 10u + d;
	}
	*pos = i;
	*out = v;
	return true;
}

int rvx_witness_dump_parse(const char *line, size_t len, struct rvx_witness_dump_item *out)
{
	struct rvx_witness_dump_item item;
	size_t pos;

	if ((line == NULL && len > 0) || out == NULL)
		return -RVX_EINVAL;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	memset(&item, 0, sizeof(item));
	if (tagged(line, len, RVX_WITNESS_DUMP_BEGIN_TAG, BEGIN_TAG_LEN)) {
		pos = BEGIN_TAG_LEN + 1;
		if (!get_u64(line, len, &pos, &item.count) || pos >= len || line[pos] != ' ')
			return -RVX_EBADDESC;
		pos++;
		if (!get_u64(line, len, &pos, &item.first_sequence) || pos != len)
			return -RVX_EBADDESC;
		item.type = RVX_WITNESS_DUMP_BEGIN;
	} else if (tagged(line, len, RVX_WITNESS_DUMP_ANCHOR_TAG, ANCHOR_TAG_LEN)) {
		pos = ANCHOR_TAG_LEN + 1;
		if (!get_u64(line, len, &pos, &item.anchor.sequence) || pos >= len ||
		    line[pos] != ' ' || len - pos - 1 != 64 ||
		    !get_hex(line + pos + 1, item.anchor.state, 32))
			return -RVX_EBADDESC;
		item.type = RVX_WITNESS_DUMP_ANCHOR;
	} else if (tagged(line, len, RVX_WITNESS_DUMP_END_TAG, END_TAG_LEN)) {
		if (len != END_TAG_LEN + 1 + 2 * RVX_WITNESS_HEAD_SIZE ||
		    !get_hex(line + END_TAG_LEN + 1, item.head, RVX_WITNESS_HEAD_SIZE))
			return -RVX_EBADDESC;
		item.type = RVX_WITNESS_DUMP_END;
	} else if (tagged(line, len, RVX_WITNESS_DUMP_RECORD_TAG, RECORD_TAG_LEN)) {
		if (len != RECORD_TAG_LEN + 1 + 2 * RVX_WITNESS_RECORD_SIZE ||
		    !get_hex(line + RECORD_TAG_LEN + 1, item.record, RVX_WITNESS_RECORD_SIZE))
			return -RVX_EBADDESC;
		item.type = RVX_WITNESS_DUMP_RECORD;
	} else {
		item.type = RVX_WITNESS_DUMP_OTHER;
	}
	*out = item;
	return (int)item.type;
}
