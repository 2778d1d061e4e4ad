/* SPDX-License-Identifier: Apache-2.0 */
/* A log on a memory ring and a journal, shared by the witness tests. */
#ifndef WITNESS_FIXTURE_H
#define WITNESS_FIXTURE_H

#include "ruvix/witness.h"

#define WFIX_RECORDS 512u
#define WFIX_JOURNAL (256u * 1024u)

struct wfix {
	struct rvx_witness_log log;
	struct rvx_witness_ring ring;
	struct rvx_witness_journal journal;
	uint8_t records[WFIX_RECORDS * 64u];
	uint8_t jbuf[WFIX_JOURNAL];
};

void wfix_init(struct wfix *f);
/* Commit n varied mutations (with journal entries). */
void wfix_fill(struct wfix *f, unsigned n);

#endif
