/* SPDX-License-Identifier: Apache-2.0 */
/* Copying a memory journal's new frames to the store. */
#include "ruvix/persist.h"

long rvx_persist_append_journal(struct rvx_persist *p, const struct rvx_witness_journal *j,
				rvx_persist_ack_fn ack, void *ctx)
{
	struct rvx_witness_entry e;
	size_t cursor = 0, at = 0;
	long done = 0;
	int rc;

	if (p == NULL || j == NULL)
		return -RVX_EINVAL;
	while ((rc = rvx_witness_journal_next(j, &cursor, &e)) == 0) {
		if (e.record.sequence > p->next_seq)
			return -RVX_EINVAL; /* a frame the store never got is missing */
		if (e.record.sequence == p->next_seq) {
			rc = rvx_persist_append(p, e.record.sequence, j->base + at, cursor - at);
			if (rc != 0)
				return rc;
			done++;
			if (ack != NULL)
				ack(ctx, e.record.sequence);
		}
		at = cursor;
	}
	return rc == -RVX_ENOENT ? done : -RVX_EINVAL;
}
