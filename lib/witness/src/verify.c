/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verifier. It recomputes the SHA-256 stream over the records as given
 * and checks, per record: the sequence, the link (the first 16 bytes of the
 * chaining value before the record), and, with a journal, the identical
 * record and the args digest of its payload; then the head at the trusted
 * count.
 *
 * Locating an edit: a byte changed in record i's link field shows at record
 * i; a byte changed anywhere else in record i shows at record i + 1, whose
 * link no longer matches. When record k's link fails, the verifier tests the
 * hypothesis "only k's link was altered" by restoring it and checking the
 * next link (or the trusted head); if that holds the culprit is k, else k-1.
 * Without a successor or a trusted head it cannot tell and reports k-1.
 */
#include "witness_internal.h"

/* The chaining value after one more record: one compression. */
static void step(uint8_t state[32], const uint8_t *rec)
{
	rvx_sha256_blocks(state, rec, 1);
}

static bool head_matches(const uint8_t state[32], uint64_t sequence, const uint8_t want[32])
{
	uint8_t head[32];

	rvx_witness_head_at_(state, sequence, head);
	return rvx_wit_eq_(head, want, 32);
}

/* Record k's link failed: is k's link field the only thing altered? */
static bool only_link_altered(const uint8_t *records, size_t count, size_t k,
			      const uint8_t state[32], uint64_t sequence,
			      const struct rvx_witness_head *trusted)
{
	uint8_t patched[RVX_WITNESS_RECORD_SIZE];
	uint8_t next[32];

	memcpy(patched, records + k * RVX_WITNESS_RECORD_SIZE, RVX_WITNESS_RECORD_SIZE);
	memcpy(patched + 48, state, RVX_WITNESS_LINK_SIZE);
	memcpy(next, state, 32);
	step(next, patched);
	if (k + 1 < count)
		return rvx_wit_eq_(records + (k + 1) * RVX_WITNESS_RECORD_SIZE + 48, next,
				   RVX_WITNESS_LINK_SIZE);
	if (trusted != NULL && trusted->count == sequence + 1u)
		return head_matches(next, sequence + 1u, trusted->head);
	return false;
}

static enum rvx_witness_fault sequence_fault(const uint8_t *records, size_t count, size_t i,
					     uint64_t got, uint64_t expected)
{
	if (got > expected) {
		for (size_t j = i + 1; j < count; j++)
			if (rvx_le_get64(records + j * RVX_WITNESS_RECORD_SIZE) == expected)
				return RVX_WITNESS_F_REORDER;
		return RVX_WITNESS_F_GAP;
	}
	if (i > 0 && got == expected - 1u)
		return RVX_WITNESS_F_DUPLICATE;
	return RVX_WITNESS_F_REORDER;
}

/* Journal check for one record; *cursor walks the journal in step. */
static enum rvx_witness_fault journal_fault(const struct rvx_witness_journal *j, size_t *cursor,
					    const uint8_t *rec, uint64_t sequence)
{
	struct rvx_witness_entry e;
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];

	if (j->count == 0 || sequence < j->first_seq)
		return RVX_WITNESS_OK;
	do {
		if (rvx_witness_journal_next(j, cursor, &e) != 0)
			return RVX_WITNESS_F_JOURNAL;
	} while (e.record.sequence < sequence);
	if (e.record.sequence != sequence || memcmp(e.wire, rec, RVX_WITNESS_RECORD_SIZE) != 0)
		return RVX_WITNESS_F_JOURNAL;
	rvx_witness_args_digest(e.args, e.args_len, digest);
	if (!rvx_wit_eq_(digest, rec + 32, RVX_WITNESS_DIGEST_SIZE))
		return RVX_WITNESS_F_ARGS;
	return RVX_WITNESS_OK;
}

int rvx_witness_verify(const uint8_t *records, size_t count,
		       const struct rvx_witness_anchor *start,
		       const struct rvx_witness_journal *journal,
		       const struct rvx_witness_head *trusted, struct rvx_witness_report *report)
{
	uint8_t state[32];
	uint64_t base = start != NULL ? start->sequence : 0u;
	enum rvx_witness_fault fault = RVX_WITNESS_OK;
	size_t i, jcursor = 0, bad = 0;

	if (report == NULL || (records == NULL && count > 0) ||
	    (trusted != NULL && trusted->count < base))
		return -RVX_EINVAL;
	memcpy(state, start != NULL ? start->state : rvx_witness_iv_, 32);

	for (i = 0; i < count; i++) {
		const uint8_t *rec = records + i * RVX_WITNESS_RECORD_SIZE;
		uint64_t expected = base + i;
		uint64_t got = rvx_le_get64(rec);

		if (trusted != NULL && trusted->count == expected &&
		    !head_matches(state, expected, trusted->head)) {
			fault = RVX_WITNESS_F_HEAD;
			bad = i > 0 ? i - 1u : 0u;
			break;
		}
		if (got != expected) {
			fault = sequence_fault(records, count, i, got, expected);
			bad = i;
			break;
		}
		if (rvx_le_get16(rec + 16) == RVX_WITNESS_NONE) {
			fault = RVX_WITNESS_F_KIND;
			bad = i;
			break;
		}
		if (!rvx_wit_eq_(rec + 48, state, RVX_WITNESS_LINK_SIZE)) {
			fault = RVX_WITNESS_F_EDITED;
			bad = (i == 0 || only_link_altered(records, count, i, state, expected,
							   trusted))
				      ? i
				      : i - 1u;
			break;
		}
		if (journal != NULL) {
			fault = journal_fault(journal, &jcursor, rec, expected);
			if (fault != RVX_WITNESS_OK) {
				bad = i;
				break;
			}
		}
		step(state, rec);
	}
	if (fault == RVX_WITNESS_OK && trusted != NULL) {
		if (trusted->count > base + count) {
			fault = RVX_WITNESS_F_TRUNCATED;
			bad = count;
		} else if (trusted->count == base + count &&
			   !head_matches(state, base + count, trusted->head)) {
			fault = RVX_WITNESS_F_HEAD;
			bad = count > 0 ? count - 1u : 0u;
		}
	}
	/* Records before the bad one passed; "checked" counts those. */
	if (fault != RVX_WITNESS_OK && bad < i) {
		/* The fault was pinned on an earlier record than the one being
		 * examined (k-1 for a link, or the last for a head): rewind is
		 * not possible on a stream, so recompute the good prefix. */
		memcpy(state, start != NULL ? start->state : rvx_witness_iv_, 32);
		for (size_t k = 0; k < bad; k++)
			step(state, records + k * RVX_WITNESS_RECORD_SIZE);
		i = bad;
	}
	report->fault = fault;
	report->index = fault == RVX_WITNESS_OK ? count : bad;
	report->expected_sequence = base + report->index;
	report->checked = fault == RVX_WITNESS_OK ? count : (bad < i ? bad : i);
	report->head.count = base + report->checked;
	rvx_witness_head_at_(state, report->head.count, report->head.head);
	return fault == RVX_WITNESS_OK ? 0 : -RVX_EBADSIG;
}
