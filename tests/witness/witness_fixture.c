/* SPDX-License-Identifier: Apache-2.0 */
#include <criterion/criterion.h>
#include <string.h>

#include "witness_fixture.h"

void wfix_init(struct wfix *f)
{
	struct rvx_witness_sink s;

	memset(f, 0, sizeof(*f));
	cr_assert_eq(rvx_witness_ring_init(&f->ring, f->records, WFIX_RECORDS, false), 0);
	s = rvx_witness_ring_sink(&f->ring);
	cr_assert_eq(rvx_witness_log_init(&f->log, &s), 0);
	cr_assert_eq(rvx_witness_journal_init(&f->journal, f->jbuf, sizeof(f->jbuf)), 0);
}

void wfix_fill(struct wfix *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t args[24];
		struct rvx_witness_event ev = {
			.time = 1000u + 17u * i,
			.kind = (uint16_t)(1u + i % (RVX_WITNESS_KIND_COUNT - 1u)),
			.tier = (uint8_t)(i % 3u),
			.actor = i % 5u,
			.target = 0x100000000u + i,
		};

		for (unsigned k = 0; k < sizeof(args); k++)
			args[k] = (uint8_t)(i * 31u + k);
		cr_assert_eq(rvx_witness_commit(&f->log, &f->journal, &ev, args, 8u + i % 16u,
						NULL),
			     0);
	}
}
