/* SPDX-License-Identifier: Apache-2.0 */
/* The console text form of a log (ruvix/witness_dump.h): formatters,
 * parser, round trip through the verifier. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ruvix/witness.h"
#include "ruvix/witness_dump.h"
#include "witness_fixture.h"

static void rec_bytes(uint8_t rec[64])
{
	for (int i = 0; i < 64; i++)
		rec[i] = (uint8_t)(i * 37 + 5);
}

Test(witness_dump, begin_line)
{
	char b[RVX_WITNESS_DUMP_LINE_MAX];
	long n = rvx_witness_dump_begin(b, sizeof(b), 12, 0);

	cr_assert_eq(n, (long)strlen("RVX-WITNESS-BEGIN 12 0\n"));
	cr_assert_str_eq(b, "RVX-WITNESS-BEGIN 12 0\n");
	n = rvx_witness_dump_begin(b, sizeof(b), UINT64_MAX, UINT64_MAX);
	cr_assert_str_eq(b, "RVX-WITNESS-BEGIN 18446744073709551615 18446744073709551615\n");
	cr_assert_eq(n, 60);
}

Test(witness_dump, record_line_is_lowercase_hex_of_wire_bytes)
{
	char b[RVX_WITNESS_DUMP_LINE_MAX], want[RVX_WITNESS_DUMP_LINE_MAX];
	uint8_t rec[64];
	size_t k;

	rec_bytes(rec);
	k = (size_t)sprintf(want, "RVX-W ");
	for (int i = 0; i < 64; i++)
		k += (size_t)sprintf(want + k, "%02x", rec[i]);
	sprintf(want + k, "\n");
	cr_assert_eq(rvx_witness_dump_line(b, sizeof(b), rec), 135);
	cr_assert_str_eq(b, want);
}

Test(witness_dump, end_line)
{
	char b[RVX_WITNESS_DUMP_LINE_MAX];
	uint8_t head[32];

	for (int i = 0; i < 32; i++)
		head[i] = (uint8_t)(0xa0 + i);
	cr_assert_eq(rvx_witness_dump_end(b, sizeof(b), head), 81);
	cr_assert_str_eq(b, "RVX-WITNESS-END "
			    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n");
}

Test(witness_dump, formatters_refuse_bad_arguments_and_write_nothing)
{
	char b[RVX_WITNESS_DUMP_LINE_MAX], before[sizeof(b)];
	uint8_t rec[64] = { 0 };

	memset(b, 'x', sizeof(b));
	memcpy(before, b, sizeof(b));
	cr_assert_eq(rvx_witness_dump_begin(NULL, sizeof(b), 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_line(NULL, sizeof(b), rec), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_line(b, sizeof(b), NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_end(NULL, sizeof(b), rec), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_end(b, sizeof(b), NULL), -RVX_EINVAL);
	/* "RVX-WITNESS-BEGIN 1 0\n" is 22 bytes: 23 with the NUL is the minimum */
	cr_assert_eq(rvx_witness_dump_begin(b, 22, 1, 0), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_witness_dump_line(b, RVX_WITNESS_DUMP_LINE_MAX - 1, rec), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_witness_dump_end(b, 81, rec), -RVX_EBUFSMALL);
	/* after: the buffer is untouched */
	cr_assert_eq(memcmp(b, before, sizeof(b)), 0);
	cr_assert_eq(rvx_witness_dump_begin(b, 23, 1, 0), 22);
	cr_assert_eq(rvx_witness_dump_end(b, 82, rec), 81);
}

Test(witness_dump, parse_round_trips_each_line_type)
{
	char b[RVX_WITNESS_DUMP_LINE_MAX];
	struct rvx_witness_dump_item it;
	uint8_t rec[64], head[32];
	long n;

	rec_bytes(rec);
	memcpy(head, rec + 7, 32);
	n = rvx_witness_dump_begin(b, sizeof(b), 7, 42);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_BEGIN);
	cr_assert_eq(it.type, RVX_WITNESS_DUMP_BEGIN);
	cr_assert_eq(it.count, 7);
	cr_assert_eq(it.first_sequence, 42);
	n = rvx_witness_dump_line(b, sizeof(b), rec);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_RECORD);
	cr_assert_eq(memcmp(it.record, rec, 64), 0);
	n = rvx_witness_dump_end(b, sizeof(b), head);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_END);
	cr_assert_eq(memcmp(it.head, head, 32), 0);
}

Test(witness_dump, parse_accepts_crlf_and_no_terminator)
{
	static const char crlf[] = "RVX-WITNESS-BEGIN 3 0\r\n";
	static const char bare[] = "RVX-WITNESS-BEGIN 3 0";
	struct rvx_witness_dump_item it;

	cr_assert_eq(rvx_witness_dump_parse(crlf, strlen(crlf), &it), RVX_WITNESS_DUMP_BEGIN);
	cr_assert_eq(it.count, 3);
	cr_assert_eq(rvx_witness_dump_parse(bare, strlen(bare), &it), RVX_WITNESS_DUMP_BEGIN);
	cr_assert_eq(it.count, 3);
}

Test(witness_dump, parse_reports_other_lines)
{
	static const char *const other[] = {
		"", "\r\n", "boot: hello", "RVX-W", "RVX-WITNESS-BEGIN", "RVX-WITNESS-END",
		"RVX-Wx 00", " RVX-W 00", "RVX-WITNESS-BEGINS 1 0", "rvx-w 00",
	};
	struct rvx_witness_dump_item it;

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		memset(&it, 0xee, sizeof(it));
		cr_assert_eq(rvx_witness_dump_parse(other[i], strlen(other[i]), &it),
			     RVX_WITNESS_DUMP_OTHER, "line '%s'", other[i]);
		cr_assert_eq(it.type, RVX_WITNESS_DUMP_OTHER);
	}
	cr_assert_eq(rvx_witness_dump_parse(NULL, 0, &it), RVX_WITNESS_DUMP_OTHER);
}

Test(witness_dump, parse_refuses_malformed_lines_and_leaves_out_unchanged)
{
	char good[RVX_WITNESS_DUMP_LINE_MAX], bad[RVX_WITNESS_DUMP_LINE_MAX + 8];
	static const char *const begins[] = {
		"RVX-WITNESS-BEGIN ", "RVX-WITNESS-BEGIN 1", "RVX-WITNESS-BEGIN 1 ",
		"RVX-WITNESS-BEGIN 1  0", "RVX-WITNESS-BEGIN  1 0", "RVX-WITNESS-BEGIN 1 0 ",
		"RVX-WITNESS-BEGIN -1 0", "RVX-WITNESS-BEGIN +1 0", "RVX-WITNESS-BEGIN 1 0x",
		"RVX-WITNESS-BEGIN 18446744073709551616 0", "RVX-WITNESS-BEGIN 1 99999999999999999999",
		"RVX-WITNESS-BEGIN 1 0\n\n", "RVX-WITNESS-BEGIN 01 0", "RVX-WITNESS-BEGIN 1 00",
	};
	struct rvx_witness_dump_item it, snap;
	uint8_t rec[64];
	size_t n;

	rec_bytes(rec);
	memset(&it, 0x5a, sizeof(it));
	memcpy(&snap, &it, sizeof(it));
	for (size_t i = 0; i < sizeof(begins) / sizeof(begins[0]); i++)
		cr_assert_eq(rvx_witness_dump_parse(begins[i], strlen(begins[i]), &it),
			     -RVX_EBADDESC, "line '%s'", begins[i]);

	n = (size_t)rvx_witness_dump_line(good, sizeof(good), rec) - 1; /* without "\n" */
	/* one digit short, one digit long, uppercase, a non-hex digit */
	cr_assert_eq(rvx_witness_dump_parse(good, n - 1, &it), -RVX_EBADDESC);
	memcpy(bad, good, n);
	bad[n] = '0';
	cr_assert_eq(rvx_witness_dump_parse(bad, n + 1, &it), -RVX_EBADDESC);
	memcpy(bad, good, n);
	bad[6] = 'A';
	cr_assert_eq(rvx_witness_dump_parse(bad, n, &it), -RVX_EBADDESC);
	bad[6] = 'g';
	cr_assert_eq(rvx_witness_dump_parse(bad, n, &it), -RVX_EBADDESC);

	n = (size_t)rvx_witness_dump_end(good, sizeof(good), rec) - 1;
	cr_assert_eq(rvx_witness_dump_parse(good, n - 2, &it), -RVX_EBADDESC);
	memcpy(bad, good, n);
	bad[n - 1] = 'F';
	cr_assert_eq(rvx_witness_dump_parse(bad, n, &it), -RVX_EBADDESC);

	cr_assert_eq(rvx_witness_dump_parse(NULL, 3, &it), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_parse(good, n, NULL), -RVX_EINVAL);
	/* after: every refusal left the item as it was */
	cr_assert_eq(memcmp(&it, &snap, sizeof(it)), 0);
}

/* Collects the lines rvx_witness_dump_ring() prints into one buffer. */
struct sink_text {
	char text[64 * 1024];
	size_t len;
	unsigned lines;
};

static void collect(void *ctx, const char *line, size_t len)
{
	struct sink_text *t = ctx;

	cr_assert_eq(strlen(line), len);
	cr_assert_eq(line[len - 1], '\n');
	cr_assert_lt(t->len + len, sizeof(t->text));
	memcpy(t->text + t->len, line, len);
	t->len += len;
	t->lines++;
}

/* Parse a dump back into records and verify the chain like the host tool. */
static int reparse_and_verify(const char *text, size_t len, uint8_t *records, size_t cap,
			      struct rvx_witness_head *head, uint64_t *first)
{
	struct rvx_witness_dump_item it;
	size_t start = 0, count = 0;
	int seen_end = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		int t = rvx_witness_dump_parse(text + start, i - start, &it);
		cr_assert_geq(t, 0);
		if (t == RVX_WITNESS_DUMP_BEGIN) {
			head->count = it.count;
			*first = it.first_sequence;
		} else if (t == RVX_WITNESS_DUMP_RECORD) {
			cr_assert_lt(count, cap);
			memcpy(records + 64 * count++, it.record, 64);
		} else if (t == RVX_WITNESS_DUMP_END) {
			memcpy(head->head, it.head, 32);
			seen_end = 1;
		}
		start = i + 1;
	}
	cr_assert(seen_end);
	cr_assert_eq(count, head->count);
	return (int)count;
}

Test(witness_dump, ring_dump_parses_back_and_verifies)
{
	static struct wfix f;
	static struct sink_text t;
	static uint8_t back[WFIX_RECORDS * 64];
	struct rvx_witness_head head, parsed;
	struct rvx_witness_report rep;
	uint64_t first = 99;

	wfix_init(&f);
	wfix_fill(&f, 9);
	rvx_witness_head(&f.log, &head);
	cr_assert_eq(rvx_witness_dump_ring(&f.ring, &head, collect, &t), 0);
	/* after: BEGIN, 9 records, END */
	cr_assert_eq(t.lines, 11);
	cr_assert_eq(reparse_and_verify(t.text, t.len, back, WFIX_RECORDS, &parsed, &first), 9);
	cr_assert_eq(first, 0);
	cr_assert_eq(memcmp(back, f.records, 9 * 64), 0);
	cr_assert_eq(memcmp(parsed.head, head.head, 32), 0);
	cr_assert_eq(rvx_witness_verify(back, 9, NULL, NULL, &parsed, &rep), 0);
	cr_assert_eq(rep.checked, 9);
}

Test(witness_dump, ring_dump_of_an_empty_log)
{
	static struct wfix f;
	static struct sink_text t;
	struct rvx_witness_head head;

	wfix_init(&f);
	rvx_witness_head(&f.log, &head);
	cr_assert_eq(rvx_witness_dump_ring(&f.ring, &head, collect, &t), 0);
	cr_assert_eq(t.lines, 2);
	cr_assert_eq(strncmp(t.text, "RVX-WITNESS-BEGIN 0 0\nRVX-WITNESS-END e3b0c442", 46), 0);
}

Test(witness_dump, ring_dump_refuses_bad_arguments_and_prints_nothing)
{
	static struct wfix f;
	static struct sink_text t;
	struct rvx_witness_head head;

	wfix_init(&f);
	wfix_fill(&f, 3);
	rvx_witness_head(&f.log, &head);
	cr_assert_eq(rvx_witness_dump_ring(NULL, &head, collect, &t), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_ring(&f.ring, NULL, collect, &t), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_ring(&f.ring, &head, NULL, &t), -RVX_EINVAL);
	head.count = 2; /* fewer than the ring holds */
	cr_assert_eq(rvx_witness_dump_ring(&f.ring, &head, collect, &t), -RVX_EINVAL);
	/* after: no line was printed */
	cr_assert_eq(t.lines, 0);
}

Test(witness_dump, ring_dump_after_overwrite_starts_at_the_oldest_held)
{
	static struct sink_text t;
	struct rvx_witness_ring ring;
	struct rvx_witness_log log;
	struct rvx_witness_sink sink;
	struct rvx_witness_head head;
	struct rvx_witness_event ev = { .time = 1, .kind = RVX_WITNESS_BOOT_STAGE };
	uint8_t storage[4 * 64];

	cr_assert_eq(rvx_witness_ring_init(&ring, storage, 4, true), 0);
	sink = rvx_witness_ring_sink(&ring);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (unsigned i = 0; i < 6; i++) {
		ev.target = i;
		cr_assert_eq(rvx_witness_append(&log, &ev, NULL, 0, NULL), 0);
	}
	rvx_witness_head(&log, &head);
	cr_assert_eq(rvx_witness_dump_ring(&ring, &head, collect, &t), 0);
	/* after: the 4 newest records, sequences 2..5 */
	cr_assert_eq(t.lines, 6);
	cr_assert_eq(strncmp(t.text, "RVX-WITNESS-BEGIN 4 2\nRVX-W 0200000000000000", 44), 0);
}

/* Re-format a parsed item; the line the formatter makes for it. */
static long reformat(const struct rvx_witness_dump_item *it, char *out, size_t cap)
{
	switch (it->type) {
	case RVX_WITNESS_DUMP_BEGIN:
		return rvx_witness_dump_begin(out, cap, it->count, it->first_sequence);
	case RVX_WITNESS_DUMP_RECORD:
		return rvx_witness_dump_line(out, cap, it->record);
	case RVX_WITNESS_DUMP_END:
		return rvx_witness_dump_end(out, cap, it->head);
	default:
		return -1;
	}
}

Test(witness_dump, every_accepted_line_is_the_formatters_line)
{
	/* Random damage to valid lines (a byte changed, dropped or doubled,
	 * the line cut short): whatever the parser accepts as a dump line
	 * must be exactly what the formatter writes for the parsed values. */
	char lines[3][RVX_WITNESS_DUMP_LINE_MAX], buf[RVX_WITNESS_DUMP_LINE_MAX + 2];
	char again[RVX_WITNESS_DUMP_LINE_MAX];
	static const char alphabet[] = "0123456789abcdefABF -+xRVX\r\n";
	struct rvx_witness_dump_item it;
	uint8_t rec[64];
	uint32_t seed = 12345;
	unsigned accepted = 0, refused = 0;

	rec_bytes(rec);
	cr_assert_gt(rvx_witness_dump_begin(lines[0], sizeof(lines[0]), 1024, 7), 0);
	cr_assert_gt(rvx_witness_dump_line(lines[1], sizeof(lines[1]), rec), 0);
	cr_assert_gt(rvx_witness_dump_end(lines[2], sizeof(lines[2]), rec), 0);
	for (unsigned n = 0; n < 30000; n++) {
		const char *src = lines[n % 3];
		size_t len = strlen(src) - 1; /* without "\n" */
		size_t at, k;

		seed = seed * 1103515245u + 12345u;
		at = (seed >> 8) % len;
		memcpy(buf, src, len);
		switch ((seed >> 4) % 4) {
		case 0: /* change a byte */
			buf[at] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			break;
		case 1: /* drop a byte */
			memmove(buf + at, buf + at + 1, len - at - 1);
			len--;
			break;
		case 2: /* double a byte */
			memmove(buf + at + 1, buf + at, len - at);
			len++;
			break;
		default: /* cut short */
			len = at;
			break;
		}
		int t = rvx_witness_dump_parse(buf, len, &it);
		cr_assert(t == -RVX_EBADDESC || t == RVX_WITNESS_DUMP_OTHER || t == (int)it.type);
		if (t <= RVX_WITNESS_DUMP_OTHER) {
			refused++;
			continue;
		}
		accepted++;
		long m = reformat(&it, again, sizeof(again));
		cr_assert_gt(m, 0);
		/* the parser ignores one trailing "\r", "\n" or "\r\n" */
		k = len;
		if (k > 0 && buf[k - 1] == '\n')
			k--;
		if (k > 0 && buf[k - 1] == '\r')
			k--;
		cr_assert_eq((size_t)m - 1, k, "accepted a line of another length: '%.*s'", (int)len, buf);
		cr_assert_eq(memcmp(again, buf, k), 0, "accepted a non-canonical line: '%.*s'", (int)len, buf);
	}
	/* both outcomes happened (the damage is not always fatal: a hex digit
	 * changed to another is a valid line with other bytes) */
	cr_assert_gt(accepted, 100);
	cr_assert_gt(refused, 100);
}

Test(witness_dump, anchor_line_round_trips_and_refuses_malformed)
{
	static const char *const bad[] = {
		"RVX-WITNESS-ANCHOR 5",
		"RVX-WITNESS-ANCHOR 5 ",
		"RVX-WITNESS-ANCHOR 05 00000000000000000000000000000000000000000000000000000000"
		"00000000",
		"RVX-WITNESS-ANCHOR 5 0000000000000000000000000000000000000000000000000000000000"
		"00000A",
		"RVX-WITNESS-ANCHOR 5 0000000000000000000000000000000000000000000000000000000000"
		"000000 ",
		"RVX-WITNESS-ANCHOR 5 0000000000000000000000000000000000000000000000000000000000"
		"00000",
		"RVX-WITNESS-ANCHOR 5  000000000000000000000000000000000000000000000000000000000"
		"0000000",
	};
	char b[RVX_WITNESS_DUMP_LINE_MAX], before[sizeof(b)];
	struct rvx_witness_dump_item it, keep;
	struct rvx_witness_anchor a;
	long n;

	a.sequence = UINT64_MAX;
	for (int i = 0; i < 32; i++)
		a.state[i] = (uint8_t)(0xc0 + i);
	n = rvx_witness_dump_anchor(b, sizeof(b), &a);
	cr_assert_str_eq(b, "RVX-WITNESS-ANCHOR 18446744073709551615 "
			    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf\n");
	cr_assert_eq(n, (long)strlen(b));
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_ANCHOR);
	cr_assert_eq(it.anchor.sequence, a.sequence);
	cr_assert_eq(memcmp(it.anchor.state, a.state, 32), 0);
	/* too small a buffer, NULL: nothing written */
	memset(b, 'x', sizeof(b));
	memcpy(before, b, sizeof(b));
	cr_assert_eq(rvx_witness_dump_anchor(b, (size_t)n, &a), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_witness_dump_anchor(b, sizeof(b), NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_dump_anchor(NULL, sizeof(b), &a), -RVX_EINVAL);
	cr_assert_eq(memcmp(b, before, sizeof(b)), 0);
	memset(&keep, 0x5a, sizeof(keep));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		it = keep;
		cr_assert_eq(rvx_witness_dump_parse(bad[i], strlen(bad[i]), &it), -RVX_EBADDESC,
			     "accepted: %s", bad[i]);
		cr_assert_eq(memcmp(&it, &keep, sizeof(it)), 0);
	}
}

/* A keep whose oldest records gave way: BEGIN, ANCHOR, its records, END
 * parse back and verify from the anchor; without it they do not. */
Test(witness_dump, keep_dump_verifies_from_its_anchor)
{
	static uint8_t store[16 * 64], recs[16 * 64];
	struct rvx_witness_keep keep;
	struct rvx_witness_sink sink;
	struct rvx_witness_log log;
	struct rvx_witness_event ev = {1, RVX_WITNESS_KIND_USER, 0, 0, 3, 0};
	struct rvx_witness_head h;
	struct rvx_witness_report rep;
	struct rvx_witness_dump_item it;
	struct rvx_witness_anchor at;
	char b[RVX_WITNESS_DUMP_LINE_MAX];
	uint64_t first = 0, count = 0;
	long n;

	cr_assert_eq(rvx_witness_keep_init(&keep, store, 16), 0);
	sink = rvx_witness_keep_sink(&keep);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (uint64_t i = 0; i < 50; i++) {
		ev.target = i;
		cr_assert_eq(rvx_witness_append(&log, &ev, &i, sizeof(i), NULL), 0);
		if (log.sequence > 3u)
			cr_assert_eq(rvx_witness_keep_release(&keep, log.sequence - 3u), 0);
	}
	cr_assert_gt(keep.start.sequence, 0);
	cr_assert_eq(keep.start.sequence + keep.count, 50);
	rvx_witness_head(&log, &h);
	n = rvx_witness_dump_begin(b, sizeof(b), keep.count, keep.start.sequence);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_BEGIN);
	first = it.first_sequence;
	n = rvx_witness_dump_anchor(b, sizeof(b), &keep.start);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_ANCHOR);
	at = it.anchor;
	for (uint32_t i = 0; i < keep.count; i++) {
		n = rvx_witness_dump_line(b, sizeof(b), store + (size_t)i * 64);
		cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_RECORD);
		memcpy(recs + count++ * 64, it.record, 64);
	}
	n = rvx_witness_dump_end(b, sizeof(b), h.head);
	cr_assert_eq(rvx_witness_dump_parse(b, (size_t)n, &it), RVX_WITNESS_DUMP_END);
	cr_assert_eq(at.sequence, first);
	cr_assert_eq(rvx_witness_verify(recs, count, &at, NULL, &h, &rep), 0);
	cr_assert_eq(rep.checked, count);
	/* from the origin instead, or from an altered anchor: refused */
	cr_assert_eq(rvx_witness_verify(recs, count, NULL, NULL, &h, &rep), -RVX_EBADSIG);
	at.state[0] ^= 1;
	cr_assert_eq(rvx_witness_verify(recs, count, &at, NULL, &h, &rep), -RVX_EBADSIG);
	cr_assert_eq(rep.fault, RVX_WITNESS_F_EDITED);
}
