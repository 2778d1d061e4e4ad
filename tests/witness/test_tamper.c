/* SPDX-License-Identifier: Apache-2.0 */
/* The verifier against every kind of tampering. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "witness_fixture.h"

#define N 12u

static struct wfix *setup(uint8_t *copy, struct rvx_witness_head *h)
{
	struct wfix *f = malloc(sizeof(*f));

	cr_assert(f);
	wfix_init(f);
	wfix_fill(f, N);
	rvx_witness_head(&f->log, h);
	memcpy(copy, f->records, N * 64u);
	return f;
}

static struct rvx_witness_report run(const uint8_t *recs, size_t n,
				     const struct rvx_witness_journal *j,
				     const struct rvx_witness_head *h, int expect)
{
	struct rvx_witness_report r;

	cr_assert_eq(rvx_witness_verify(recs, n, NULL, j, h, &r), expect);
	return r;
}

Test(witness_verify, intact_log_passes_with_and_without_journal)
{
	uint8_t recs[N * 64u];
	struct rvx_witness_head h;
	struct wfix *f = setup(recs, &h);
	struct rvx_witness_report r = run(recs, N, &f->journal, &h, 0);

	cr_assert_eq(r.fault, RVX_WITNESS_OK);
	cr_assert_eq(r.checked, N);
	cr_assert_eq(memcmp(r.head.head, h.head, 32), 0);
	r = run(recs, N, NULL, NULL, 0);
	cr_assert_eq(r.checked, N);
	/* a prefix verifies against an older trusted head */
	struct rvx_witness_report r2;
	cr_assert_eq(rvx_witness_verify(recs, 5, NULL, NULL, NULL, &r2), 0);
	cr_assert_eq(rvx_witness_verify(recs, N, NULL, NULL, &r2.head, &r), 0);
	free(f);
}

Test(witness_verify, every_edited_byte_is_found_at_its_record)
{
	uint8_t recs[N * 64u];
	struct rvx_witness_head h;
	struct wfix *f = setup(recs, &h);

	for (unsigned i = 0; i < N; i++)
		for (unsigned b = 0; b < 64; b++) {
			struct rvx_witness_report r;

			recs[i * 64u + b] ^= 0x01u;
			/* chain and trusted head only (no journal) */
			r = run(recs, N, NULL, &h, -RVX_EBADSIG);
			cr_assert_eq(r.index, i, "record %u byte %u: reported %llu (fault %d)", i, b,
				     (unsigned long long)r.index, r.fault);
			cr_assert_eq(r.checked, i);
			recs[i * 64u + b] ^= 0x01u;
		}
	free(f);
}

Test(witness_verify, drop_reorder_duplicate_truncate)
{
	uint8_t recs[N * 64u], t[(N + 1u) * 64u];
	struct rvx_witness_head h;
	struct wfix *f = setup(recs, &h);
	struct rvx_witness_report r;

	/* drop record 4 */
	memcpy(t, recs, 4 * 64);
	memcpy(t + 4 * 64, recs + 5 * 64, (N - 5) * 64);
	r = run(t, N - 1, NULL, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_GAP);
	cr_assert_eq(r.index, 4);
	/* swap 6 and 7 */
	memcpy(t, recs, N * 64);
	memcpy(t + 6 * 64, recs + 7 * 64, 64);
	memcpy(t + 7 * 64, recs + 6 * 64, 64);
	r = run(t, N, NULL, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_REORDER);
	cr_assert_eq(r.index, 6);
	/* duplicate 3 */
	memcpy(t, recs, 4 * 64);
	memcpy(t + 4 * 64, recs + 3 * 64, 64);
	memcpy(t + 5 * 64, recs + 4 * 64, (N - 4) * 64);
	r = run(t, N + 1, NULL, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_DUPLICATE);
	cr_assert_eq(r.index, 4);
	/* truncate: the last 2 records are gone */
	r = run(recs, N - 2, NULL, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_TRUNCATED);
	cr_assert_eq(r.index, N - 2);
	/* without a trusted head a truncated log is a valid shorter log */
	r = run(recs, N - 2, NULL, NULL, 0);
	free(f);
}

Test(witness_verify, forged_record_and_forged_args)
{
	uint8_t recs[N * 64u];
	struct rvx_witness_head h;
	struct wfix *f = setup(recs, &h);
	struct rvx_witness_report r;
	struct rvx_witness_record rec;
	size_t cur = 0;
	struct rvx_witness_entry e;

	/* Forged record 5: new target, args digest recomputed for new args,
	 * and the correct link (the attacker can compute it): only the chain
	 * (record 6's link) catches it. */
	rvx_witness_record_decode(recs + 5 * 64, &rec);
	rec.target = 0xdeadu;
	rvx_witness_args_digest("forged", 6, rec.args_digest);
	rvx_witness_record_encode(&rec, recs + 5 * 64);
	r = run(recs, N, NULL, NULL, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_EDITED);
	cr_assert_eq(r.index, 5);
	/* with the journal the record no longer matches its entry */
	r = run(recs, N, &f->journal, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_JOURNAL);
	cr_assert_eq(r.index, 5);
	memcpy(recs, f->records, N * 64u);

	/* Journal payload edited and its frame digest recomputed: the record's
	 * args digest catches it. */
	for (int i = 0; i <= 2; i++)
		cr_assert_eq(rvx_witness_journal_next(&f->journal, &cur, &e), 0);
	{
		uint8_t *frame = (uint8_t *)e.wire - 8;
		uint8_t wire[64], args[64];
		uint32_t len = e.args_len;

		memcpy(wire, e.wire, 64);
		memcpy(args, e.args, len);
		args[0] ^= 1u;
		cr_assert_gt(rvx_witness_frame_encode(frame, RVX_WITNESS_FRAME_SIZE(len), wire, args,
						      len),
			     0);
	}
	r = run(recs, N, &f->journal, &h, -RVX_EBADSIG);
	cr_assert_eq(r.fault, RVX_WITNESS_F_ARGS);
	cr_assert_eq(r.index, 2);
	free(f);
}

Test(witness_verify, bad_arguments)
{
	struct rvx_witness_report r;
	struct rvx_witness_head h = {.count = 0};
	struct rvx_witness_anchor a = {.sequence = 5};

	cr_assert_eq(rvx_witness_verify(NULL, 1, NULL, NULL, NULL, &r), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_verify(NULL, 0, NULL, NULL, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_verify(NULL, 0, &a, NULL, &h, &r), -RVX_EINVAL);
}

Test(witness_epoch, summary_carries_traffic_hash_and_counts)
{
	struct wfix *f = malloc(sizeof(*f));
	uint8_t payload[RVX_WITNESS_EPOCH_PAYLOAD_SIZE], d[16];
	struct rvx_witness_record rec;
	struct rvx_witness_head h0, h1;
	struct rvx_witness_report r;

	cr_assert(f);
	wfix_init(f);
	rvx_witness_head(&f->log, &h0);
	for (unsigned i = 0; i < 7; i++)
		rvx_witness_note_traffic(&f->log, RVX_WITNESS_QUEUE_SEND, 1, 42, 8 + i);
	/* traffic appends nothing */
	rvx_witness_head(&f->log, &h1);
	cr_assert_eq(memcmp(&h0, &h1, sizeof(h0)), 0);
	cr_assert_eq(rvx_witness_epoch_close(&f->log, &f->journal, 99, payload), 0);
	cr_assert_eq(f->log.sequence, 1);
	rvx_witness_record_decode(rvx_witness_ring_at(&f->ring, 0), &rec);
	cr_assert_eq(rec.kind, RVX_WITNESS_EPOCH_SUMMARY);
	cr_assert_eq(rec.target, 7);
	cr_assert_eq(rec.actor, 0);
	cr_assert_eq(payload[8], 7);              /* events */
	cr_assert_eq(payload[16], 7 * 8 + 21);    /* bytes */
	rvx_witness_args_digest(payload, sizeof(payload), d);
	cr_assert_eq(memcmp(d, rec.args_digest, 16), 0);
	cr_assert_eq(f->log.epoch, 1);
	cr_assert_eq(f->log.epoch_events, 0);
	/* a different traffic order gives a different summary */
	{
		struct wfix *g = malloc(sizeof(*g));
		uint8_t p2[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];

		cr_assert(g);
		wfix_init(g);
		for (unsigned i = 7; i-- > 0;)
			rvx_witness_note_traffic(&g->log, RVX_WITNESS_QUEUE_SEND, 1, 42, 8 + i);
		cr_assert_eq(rvx_witness_epoch_close(&g->log, NULL, 99, p2), 0);
		cr_assert_neq(memcmp(p2 + 24, payload + 24, 32), 0);
		free(g);
	}
	rvx_witness_head(&f->log, &h1);
	cr_assert_eq(rvx_witness_verify(f->records, 1, NULL, &f->journal, &h1, &r), 0);
	free(f);
}

Test(witness_log, failures_change_nothing)
{
	struct wfix *f = malloc(sizeof(*f));
	struct rvx_witness_log before;
	struct rvx_witness_journal jb;
	struct rvx_witness_event ev = {.kind = RVX_WITNESS_NONE};
	static uint8_t one[64];
	struct rvx_witness_ring ring;
	struct rvx_witness_sink s;
	uint8_t small[100];

	cr_assert(f);
	wfix_init(f);
	wfix_fill(f, 3);
	before = f->log;
	jb = f->journal;
	cr_assert_eq(rvx_witness_append(&f->log, &ev, NULL, 0, NULL), -RVX_EINVAL);
	ev.kind = RVX_WITNESS_MOUNT;
	cr_assert_eq(rvx_witness_commit(&f->log, &f->journal, &ev, NULL, RVX_WITNESS_ARGS_MAX + 1u,
					NULL),
		     -RVX_EINVAL);
	cr_assert_eq(memcmp(&before, &f->log, sizeof(before)), 0);
	cr_assert_eq(memcmp(&jb, &f->journal, sizeof(jb)), 0);
	/* a full journal refuses, and the log does not advance */
	cr_assert_eq(rvx_witness_journal_init(&f->journal, small, sizeof(small)), 0);
	jb = f->journal;
	cr_assert_eq(rvx_witness_commit(&f->log, &f->journal, &ev, small, 50, NULL), -RVX_EFULL);
	cr_assert_eq(memcmp(&before, &f->log, sizeof(before)), 0);
	cr_assert_eq(memcmp(&jb, &f->journal, sizeof(jb)), 0);
	/* a full refusing ring: the sink's error, and no advance */
	cr_assert_eq(rvx_witness_ring_init(&ring, one, 1, false), 0);
	s = rvx_witness_ring_sink(&ring);
	cr_assert_eq(rvx_witness_log_init(&f->log, &s), 0);
	cr_assert_eq(rvx_witness_append(&f->log, &ev, NULL, 0, NULL), 0);
	before = f->log;
	cr_assert_eq(rvx_witness_append(&f->log, &ev, NULL, 0, NULL), -RVX_EFULL);
	cr_assert_eq(memcmp(&before, &f->log, sizeof(before)), 0);
	free(f);
}

Test(witness_journal, load_accepts_longest_valid_prefix)
{
	struct wfix *f = malloc(sizeof(*f));
	struct rvx_witness_journal j;
	size_t valid, full;

	cr_assert(f);
	wfix_init(f);
	wfix_fill(f, 5);
	full = f->journal.used;
	cr_assert_eq(rvx_witness_journal_load(&j, f->jbuf, sizeof(f->jbuf), full, &valid), 0);
	cr_assert_eq(valid, full);
	cr_assert_eq(j.count, 5);
	/* every torn length leaves the whole frames before it */
	for (size_t cut = 0; cut < full; cut++) {
		cr_assert_eq(rvx_witness_journal_load(&j, f->jbuf, sizeof(f->jbuf), cut, &valid),
			     cut == 0 ? 0 : (valid == cut ? 0 : -RVX_EBADDESC));
		cr_assert_leq(valid, cut);
		cr_assert(cut - valid < RVX_WITNESS_FRAME_SIZE(24));
	}
	/* trim drops frames below a sequence */
	cr_assert_eq(rvx_witness_journal_load(&j, f->jbuf, sizeof(f->jbuf), full, NULL), 0);
	cr_assert_eq(rvx_witness_journal_trim(&j, 3), 0);
	cr_assert_eq(j.count, 2);
	cr_assert_eq(j.first_seq, 3);
	free(f);
}
