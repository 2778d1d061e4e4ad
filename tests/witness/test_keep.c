/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_witness_keep: the newest records from an anchor; released records
 * give way when it is full, nothing else does; every refusal changes
 * nothing. */
#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/witness.h"

#define CAP 8u

static uint8_t store[CAP * RVX_WITNESS_RECORD_SIZE];
static struct rvx_witness_keep keep;
static struct rvx_witness_sink sink;
static struct rvx_witness_log wlog;

static int add(uint64_t i)
{
	struct rvx_witness_event ev = {i, RVX_WITNESS_KIND_USER, 0, 0, 1, i};

	return rvx_witness_append(&wlog, &ev, &i, sizeof(i), NULL);
}

static void setup(void)
{
	cr_assert_eq(rvx_witness_keep_init(&keep, store, CAP), 0);
	sink = rvx_witness_keep_sink(&keep);
	cr_assert_eq(rvx_witness_log_init(&wlog, &sink), 0);
}

static void held_verify(void)
{
	struct rvx_witness_head h;
	struct rvx_witness_report rep;

	rvx_witness_head(&wlog, &h);
	cr_assert_eq(keep.start.sequence + keep.count, h.count);
	cr_assert_eq(rvx_witness_verify(store, keep.count, &keep.start, NULL, &h, &rep), 0);
}

Test(witness_keep, init_refuses_bad_arguments)
{
	struct rvx_witness_keep k;

	memset(&k, 0x33, sizeof(k));
	cr_assert_eq(rvx_witness_keep_init(NULL, store, CAP), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_keep_init(&k, NULL, CAP), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_keep_init(&k, store, 0), -RVX_EINVAL);
	cr_assert_eq(k.capacity, 0x33333333u);
}

Test(witness_keep, full_refuses_until_released_then_the_released_give_way, .init = setup)
{
	struct rvx_witness_keep before;
	struct rvx_witness_log lbefore;
	uint8_t held[sizeof(store)];

	for (uint64_t i = 0; i < CAP; i++)
		cr_assert_eq(add(i), 0);
	held_verify();
	before = keep;
	lbefore = wlog;
	memcpy(held, store, sizeof(store));
	cr_assert_eq(add(CAP), -RVX_EFULL);
	cr_assert_eq(memcmp(&before, &keep, sizeof(keep)), 0);
	cr_assert_eq(memcmp(&lbefore, &wlog, sizeof(wlog)), 0);
	cr_assert_eq(memcmp(held, store, sizeof(store)), 0);
	/* beyond the held records: refused, nothing changes */
	cr_assert_eq(rvx_witness_keep_release(&keep, CAP + 1u), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_keep_release(NULL, 1), -RVX_EINVAL);
	cr_assert_eq(memcmp(&before, &keep, sizeof(keep)), 0);
	/* three released: they give way at the next record, not before */
	cr_assert_eq(rvx_witness_keep_release(&keep, 3), 0);
	cr_assert_eq(keep.count, CAP);
	cr_assert_eq(add(CAP), 0);
	cr_assert_eq(keep.start.sequence, 3);
	cr_assert_eq(keep.count, CAP - 2u);
	cr_assert_eq(keep.gave_way, 3);
	cr_assert_eq(memcmp(store, held + 3u * 64u, (CAP - 3u) * 64u), 0);
	held_verify();
	/* everything released, over and over: the keep never refuses */
	for (uint64_t i = CAP + 1u; i < 100; i++) {
		cr_assert_eq(rvx_witness_keep_release(&keep, wlog.sequence), 0);
		cr_assert_eq(add(i), 0);
		held_verify();
	}
	cr_assert_eq(keep.gave_way + keep.count, 100);
}

Test(witness_keep, another_history_is_refused_until_restarted, .init = setup)
{
	struct rvx_witness_log earlier;
	struct rvx_witness_keep before;
	struct rvx_witness_anchor at;

	cr_assert_eq(add(0), 0);
	cr_assert_eq(add(1), 0);
	earlier = wlog; /* a "checkpoint" */
	cr_assert_eq(add(2), 0);
	cr_assert_eq(add(3), 0);
	/* the log goes back to the checkpoint: its next record is sequence 2 */
	wlog = earlier;
	before = keep;
	cr_assert_eq(add(9), -RVX_EINVAL);
	cr_assert_eq(memcmp(&before, &keep, sizeof(keep)), 0);
	cr_assert_eq(wlog.sequence, 2);
	cr_assert_eq(rvx_witness_keep_restart(&keep, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_keep_restart(NULL, &at), -RVX_EINVAL);
	cr_assert_eq(memcmp(&before, &keep, sizeof(keep)), 0);
	rvx_witness_anchor(&wlog, &at);
	cr_assert_eq(rvx_witness_keep_restart(&keep, &at), 0);
	cr_assert_eq(keep.count, 0);
	cr_assert_eq(keep.released, 2);
	cr_assert_eq(add(9), 0);
	held_verify();
}
