/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Witness self-tests (lib/witness): the chain head of an empty log against
 * the published SHA-256 of the empty string, the head as the plain SHA-256
 * of the records' wire bytes (computed here independently), record
 * encoding, the verifier on an intact log and on edited, dropped,
 * reordered and truncated copies, journal arguments, and a full ring that
 * refuses a record without advancing the log.
 */
#include "bearssl.h"

#include "ruvix/witness.h"
#include "st_internal.h"

#define RING 8u
#define COUNT 5u

static struct {
	struct rvx_witness_log log;
	struct rvx_witness_ring ring;
	struct rvx_witness_journal journal;
	uint8_t records[RING * RVX_WITNESS_RECORD_SIZE];
	uint8_t jbuf[2048];
} w, snap;

static uint8_t copy[(COUNT + 1) * RVX_WITNESS_RECORD_SIZE];
static struct rvx_witness_report rep;

static void take(void)
{
	memcpy(&snap, &w, sizeof(w));
}

/* SHA-256 of the empty string (FIPS 180-4). */
static const uint8_t sha256_empty[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

static bool setup(bool overwrite)
{
	struct rvx_witness_sink sink;

	memset(&w, 0, sizeof(w));
	if (rvx_witness_ring_init(&w.ring, w.records, RING, overwrite) != 0 ||
	    rvx_witness_journal_init(&w.journal, w.jbuf, sizeof(w.jbuf)) != 0)
		return false;
	sink = rvx_witness_ring_sink(&w.ring);
	return rvx_witness_log_init(&w.log, &sink) == 0;
}

/* Commit COUNT boot-stage-like records with their journal entries. */
static bool fill(void)
{
	for (uint32_t i = 0; i < COUNT; i++) {
		struct rvx_witness_event ev = {1000u * (i + 1), RVX_WITNESS_BOOT_STAGE, 0, 0, 0,
					       (uint64_t)(i + 1)};
		uint8_t args[8] = {'s', 't', 'a', 'g', 'e', (uint8_t)('0' + i), 0, 0};
		if (rvx_witness_commit(&w.log, &w.journal, &ev, args, sizeof(args), NULL) != 0)
			return false;
	}
	return true;
}

static void empty_head_kat(void)
{
	struct rvx_witness_head h;

	ST_TRUE(setup(false));
	rvx_witness_head(&w.log, &h);
	ST_EQ(h.count, 0);
	ST_MEM_EQ(h.head, sha256_empty, 32);
}

static void head_is_sha256_of_records(void)
{
	static br_sha256_context sc;
	struct rvx_witness_head h;
	uint8_t want[32];

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	ST_EQ(w.ring.count, COUNT);
	rvx_witness_head(&w.log, &h);
	ST_EQ(h.count, COUNT);
	br_sha256_init(&sc);
	for (uint32_t i = 0; i < COUNT; i++)
		br_sha256_update(&sc, rvx_witness_ring_at(&w.ring, i), RVX_WITNESS_RECORD_SIZE);
	br_sha256_out(&sc, want);
	ST_MEM_EQ(h.head, want, 32);
}

static void record_encoding(void)
{
	struct rvx_witness_record rec, back;
	const uint8_t *wire;

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	wire = rvx_witness_ring_at(&w.ring, 2);
	rvx_witness_record_decode(wire, &rec);
	ST_EQ(rec.sequence, 2);
	ST_EQ(rec.kind, RVX_WITNESS_BOOT_STAGE);
	ST_EQ(rec.time, 3000);
	ST_EQ(rec.target, 3);
	/* Little-endian on the wire whatever the CPU. */
	ST_EQ(wire[0], 2);
	ST_EQ(wire[16], RVX_WITNESS_BOOT_STAGE);
	/* The first record links to SHA-256's initial state (H0 = 6a09e667). */
	ST_EQ(rvx_witness_ring_at(&w.ring, 0)[48], 0x6a);
	ST_EQ(rvx_witness_ring_at(&w.ring, 0)[49], 0x09);
	rvx_witness_record_encode(&rec, copy);
	ST_MEM_EQ(copy, wire, RVX_WITNESS_RECORD_SIZE);
	rvx_witness_record_decode(copy, &back);
	ST_MEM_EQ(&back, &rec, sizeof(rec));
}

static bool gather(void)
{
	for (uint32_t i = 0; i < COUNT; i++) {
		const uint8_t *r = rvx_witness_ring_at(&w.ring, i);
		if (r == NULL)
			return false;
		memcpy(copy + i * RVX_WITNESS_RECORD_SIZE, r, RVX_WITNESS_RECORD_SIZE);
	}
	return true;
}

static void verify_intact(void)
{
	struct rvx_witness_head h;

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	ST_TRUE(gather());
	rvx_witness_head(&w.log, &h);
	ST_EQ(rvx_witness_verify(copy, COUNT, NULL, &w.journal, &h, &rep), 0);
	ST_EQ(rep.fault, RVX_WITNESS_OK);
	ST_EQ(rep.checked, COUNT);
	ST_MEM_EQ(rep.head.head, h.head, 32);
}

static void detects_edit(void)
{
	struct rvx_witness_head h;

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	ST_TRUE(gather());
	rvx_witness_head(&w.log, &h);
	/* One bit of record 3's target. */
	copy[3 * RVX_WITNESS_RECORD_SIZE + 24] ^= 0x01;
	ST_EQ(rvx_witness_verify(copy, COUNT, NULL, NULL, &h, &rep), -RVX_EBADSIG);
	ST_EQ(rep.fault, RVX_WITNESS_F_EDITED);
	ST_EQ(rep.index, 3);
	ST_EQ(rep.checked, 3);
}

static void detects_drop_reorder_truncation(void)
{
	struct rvx_witness_head h;

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	rvx_witness_head(&w.log, &h);
	/* Record 1 dropped. */
	ST_TRUE(gather());
	memmove(copy + 64, copy + 128, (COUNT - 2) * 64);
	ST_EQ(rvx_witness_verify(copy, COUNT - 1, NULL, NULL, &h, &rep), -RVX_EBADSIG);
	ST_EQ(rep.fault, RVX_WITNESS_F_GAP);
	ST_EQ(rep.index, 1);
	/* Records 2 and 3 swapped. */
	ST_TRUE(gather());
	memcpy(copy + COUNT * 64, copy + 2 * 64, 64);
	memcpy(copy + 2 * 64, copy + 3 * 64, 64);
	memcpy(copy + 3 * 64, copy + COUNT * 64, 64);
	ST_EQ(rvx_witness_verify(copy, COUNT, NULL, NULL, &h, &rep), -RVX_EBADSIG);
	ST_EQ(rep.fault, RVX_WITNESS_F_REORDER);
	ST_EQ(rep.index, 2);
	/* The last record cut off, against the trusted head. */
	ST_TRUE(gather());
	ST_EQ(rvx_witness_verify(copy, COUNT - 1, NULL, NULL, &h, &rep), -RVX_EBADSIG);
	ST_EQ(rep.fault, RVX_WITNESS_F_TRUNCATED);
}

static void journal_arguments(void)
{
	struct rvx_witness_entry e;
	size_t cur = 0;
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];

	ST_TRUE(setup(false));
	ST_TRUE(fill());
	ST_EQ(w.journal.count, COUNT);
	ST_EQ(rvx_witness_journal_next(&w.journal, &cur, &e), 0);
	ST_EQ(rvx_witness_journal_next(&w.journal, &cur, &e), 0);
	ST_EQ(e.record.sequence, 1);
	ST_EQ(e.args_len, 8);
	ST_MEM_EQ(e.args, "stage1", 6);
	rvx_witness_args_digest(e.args, e.args_len, digest);
	ST_MEM_EQ(e.record.args_digest, digest, sizeof(digest));
	ST_MEM_EQ(e.wire, rvx_witness_ring_at(&w.ring, 1), RVX_WITNESS_RECORD_SIZE);
	/* Forged arguments in the journal (frame digest left stale) are
	 * caught by the verifier. */
	ST_TRUE(gather());
	((uint8_t *)e.args)[0] ^= 0x20;
	ST_EQ(rvx_witness_verify(copy, COUNT, NULL, &w.journal, NULL, &rep), -RVX_EBADSIG);
	ST_TRUE(rep.fault == RVX_WITNESS_F_JOURNAL || rep.fault == RVX_WITNESS_F_ARGS);
	ST_EQ(rep.index, 1);
}

static void full_ring_refuses(void)
{
	struct rvx_witness_event ev = {1, RVX_WITNESS_ATTEST, 0, 0, 2, 3};

	ST_TRUE(setup(false));
	for (uint32_t i = 0; i < RING; i++)
		ST_EQ(rvx_witness_append(&w.log, &ev, "a", 1, NULL), 0);
	take();
	ST_EQ(rvx_witness_append(&w.log, &ev, "a", 1, NULL), -RVX_EFULL);
	ST_MEM_EQ(&snap, &w, sizeof(w));
	ST_EQ(w.log.sequence, RING);
	/* A kind of NONE is refused too. */
	ev.kind = RVX_WITNESS_NONE;
	ST_TRUE(setup(false));
	take();
	ST_EQ(rvx_witness_append(&w.log, &ev, NULL, 0, NULL), -RVX_EINVAL);
	ST_MEM_EQ(&snap, &w, sizeof(w));
}

const struct st_case st_witness_cases[] = {
	{"witness", "empty_head_kat", empty_head_kat},
	{"witness", "head_is_sha256_of_records", head_is_sha256_of_records},
	{"witness", "record_encoding", record_encoding},
	{"witness", "verify_intact", verify_intact},
	{"witness", "detects_edit", detects_edit},
	{"witness", "detects_drop_reorder_truncation", detects_drop_reorder_truncation},
	{"witness", "journal_arguments", journal_arguments},
	{"witness", "full_ring_refuses", full_ring_refuses},
};
const uint32_t st_witness_case_count = RVX_ARRAY_COUNT(st_witness_cases);
