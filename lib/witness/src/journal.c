/* SPDX-License-Identifier: Apache-2.0 */
/* The memory journal: whole frames back to back in caller storage. */
#include "witness_internal.h"

int rvx_witness_journal_init(struct rvx_witness_journal *j, void *storage, size_t capacity)
{
	if (j == NULL || storage == NULL)
		return -RVX_EINVAL;
	j->base = storage;
	j->capacity = capacity;
	j->used = 0;
	j->count = 0;
	j->first_seq = 0;
	j->next_seq = 0;
	return 0;
}

int rvx_witness_journal_load(struct rvx_witness_journal *j, void *storage, size_t capacity,
			     size_t len, size_t *valid_len)
{
	struct rvx_witness_journal t;
	struct rvx_witness_entry e;
	const uint8_t *p = storage;
	size_t off = 0;

	if (j == NULL || storage == NULL || len > capacity)
		return -RVX_EINVAL;
	(void)rvx_witness_journal_init(&t, storage, capacity);
	while (off < len) {
		long n = rvx_witness_frame_parse(p + off, len - off, &e);

		if (n < 0)
			break;
		if (t.count > 0 && e.record.sequence != t.next_seq)
			break;
		if (t.count == 0)
			t.first_seq = e.record.sequence;
		t.next_seq = e.record.sequence + 1u;
		t.count++;
		off += (size_t)n;
	}
	t.used = off;
	*j = t;
	if (valid_len != NULL)
		*valid_len = off;
	return off == len ? 0 : -RVX_EBADDESC;
}

int rvx_witness_journal_check_(const struct rvx_witness_journal *j, uint64_t sequence,
			       uint32_t args_len)
{
	if (args_len > RVX_WITNESS_ARGS_MAX || (j->count > 0 && sequence != j->next_seq))
		return -RVX_EINVAL;
	if (j->capacity - j->used < RVX_WITNESS_FRAME_SIZE(args_len))
		return -RVX_EFULL;
	return 0;
}

uint8_t *rvx_witness_journal_stage_(struct rvx_witness_journal *j,
				    const struct rvx_witness_piece *pieces, uint32_t count)
{
	uint8_t *payload = j->base + j->used + 8u + RVX_WITNESS_RECORD_SIZE;
	size_t off = 0;

	for (uint32_t i = 0; i < count; i++) {
		if (pieces[i].len > 0)
			memmove(payload + off, pieces[i].data, pieces[i].len);
		off += pieces[i].len;
	}
	return payload;
}

void rvx_witness_journal_seal_(struct rvx_witness_journal *j, const uint8_t wire[64],
			       uint32_t args_len)
{
	uint64_t seq = rvx_le_get64(wire);

	rvx_witness_frame_seal_(j->base + j->used, wire, args_len);
	if (j->count == 0)
		j->first_seq = seq;
	j->next_seq = seq + 1u;
	j->count++;
	j->used += RVX_WITNESS_FRAME_SIZE(args_len);
}

int rvx_witness_journal_append(struct rvx_witness_journal *j, const uint8_t wire[64],
			       const void *args, uint32_t args_len)
{
	int rc;

	if (j == NULL || wire == NULL || (args == NULL && args_len > 0))
		return -RVX_EINVAL;
	rc = rvx_witness_journal_check_(j, rvx_le_get64(wire), args_len);
	if (rc != 0)
		return rc;
	{
		struct rvx_witness_piece one = {args, args_len};

		(void)rvx_witness_journal_stage_(j, &one, 1);
	}
	rvx_witness_journal_seal_(j, wire, args_len);
	return 0;
}

int rvx_witness_journal_next(const struct rvx_witness_journal *j, size_t *cursor,
			     struct rvx_witness_entry *out)
{
	long n;

	if (j == NULL || cursor == NULL || out == NULL || *cursor > j->used)
		return -RVX_EINVAL;
	if (*cursor == j->used)
		return -RVX_ENOENT;
	n = rvx_witness_frame_parse(j->base + *cursor, j->used - *cursor, out);
	if (n < 0)
		return -RVX_EINVAL;
	*cursor += (size_t)n;
	return 0;
}

int rvx_witness_journal_trim(struct rvx_witness_journal *j, uint64_t sequence)
{
	struct rvx_witness_entry e;
	size_t cursor = 0, keep_from = 0;
	uint64_t dropped = 0;

	if (j == NULL)
		return -RVX_EINVAL;
	while (rvx_witness_journal_next(j, &cursor, &e) == 0 && e.record.sequence < sequence) {
		keep_from = cursor;
		dropped++;
	}
	if (dropped == 0)
		return 0;
	memmove(j->base, j->base + keep_from, j->used - keep_from);
	j->used -= keep_from;
	j->count -= dropped;
	j->first_seq += dropped;
	return 0;
}
