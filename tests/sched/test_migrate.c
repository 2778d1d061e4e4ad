/* SPDX-License-Identifier: Apache-2.0 */
#include "sched_fixture.h"

TestSuite(sched_migrate, .init = fx_setup, .fini = fx_check_invariants);

Test(sched_migrate, ready_task_moves_cpu)
{
	rvx_handle_t a = fx_ready(0, 0, 100, 0), id;

	/* before: ready on CPU 0 */
	cr_assert_eq(rvx_sched_task_migrate(S, a, 1, 2), 0);
	/* after: ready on CPU 1, partition 2, same deadline */
	cr_assert_eq(rvx_sched_ready_count(S, 0), 0);
	cr_assert_eq(rvx_sched_ready_count(S, 1), 1);
	cr_assert_eq(fx_info(a).cpu, 1);
	cr_assert_eq(fx_info(a).partition, 2);
	cr_assert_eq(fx_info(a).deadline, 100);
	cr_assert_eq(rvx_sched_pick(S, 0, 0, &id, NULL), -RVX_EEMPTY);
	cr_assert(fx_same(fx_pick(1, 0, NULL), a));
}

Test(sched_migrate, blocked_task_wakes_on_new_cpu)
{
	rvx_handle_t a = fx_task(0, 0, 100);

	cr_assert_eq(rvx_sched_task_migrate(S, a, 1, 0), 0);
	cr_assert_eq(rvx_sched_task_wake(S, a, 0), 0);
	cr_assert_eq(rvx_sched_ready_count(S, 1), 1);
	cr_assert(fx_same(fx_pick(1, 0, NULL), a));
}

Test(sched_migrate, order_kept_on_target)
{
	rvx_handle_t a = fx_ready(1, 0, 300, 0), b = fx_ready(0, 0, 200, 0);
	rvx_handle_t c = fx_ready(1, 0, 100, 0);

	cr_assert_eq(rvx_sched_task_migrate(S, b, 1, 0), 0);
	cr_assert(fx_same(fx_pick(1, 0, NULL), c));
	cr_assert_eq(rvx_sched_task_exit(S, c, 0, 0), 0);
	cr_assert(fx_same(fx_pick(1, 0, NULL), b));
	cr_assert_eq(rvx_sched_task_exit(S, b, 0, 0), 0);
	cr_assert(fx_same(fx_pick(1, 0, NULL), a));
}

Test(sched_migrate, same_place_is_a_no_op)
{
	struct fx_snap snap;
	rvx_handle_t a = fx_ready(0, 1, 100, 0);

	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_migrate(S, a, 0, 1), 0);
	fx_snap_assert_same(&snap, "migrate to the same place");
}

Test(sched_migrate, errors_change_nothing)
{
	struct fx_snap snap;
	rvx_handle_t run = fx_ready(0, 0, 100, 0), dead = fx_task(0, 0, 10), a = fx_task(0, 0, 10);

	cr_assert_eq(rvx_sched_task_exit(S, dead, 0, 0), 0);
	fx_pick(0, 0, NULL);
	fx_snap_take(&snap);
	cr_assert_eq(rvx_sched_task_migrate(S, rvx_handle_make(FX_TASKS, 1), 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_migrate(S, a, FX_CPUS, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_migrate(S, a, 1, FX_PARTS), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_task_migrate(S, rvx_handle_make(rvx_handle_index(a), 7), 1, 0),
		     -RVX_ESTALE);
	cr_assert_eq(rvx_sched_task_migrate(S, run, 1, 0), -RVX_EBUSY);
	cr_assert_eq(rvx_sched_task_migrate(S, dead, 1, 0), -RVX_EBUSY);
	fx_snap_assert_same(&snap, "failed migrate");
}

Test(sched_migrate, full_target_is_elimit)
{
	static alignas(64) uint8_t buf[RVX_SCHED_STORAGE_SIZE(8, 2, 1, 2)];
	static uint8_t before[sizeof(buf)];
	struct rvx_sched s, s0;
	rvx_handle_t a, b, c;

	cr_assert_eq(rvx_sched_init(&s, buf, sizeof(buf), 8, 2, 1, 2, 100), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 1, 0, 10, 0, &a), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 1, 0, 10, 0, &b), 0);
	cr_assert_eq(rvx_sched_task_create(&s, 0, 0, 10, 0, &c), 0);
	cr_assert_eq(rvx_sched_task_wake(&s, c, 0), 0);
	s0 = s;
	memcpy(before, buf, sizeof(buf));
	cr_assert_eq(rvx_sched_task_migrate(&s, c, 1, 0), -RVX_ELIMIT);
	cr_assert(memcmp(&s, &s0, sizeof(s)) == 0 && memcmp(buf, before, sizeof(buf)) == 0);
	cr_assert_eq(rvx_sched_task_exit(&s, a, 0, 0), 0);
	cr_assert_eq(rvx_sched_task_migrate(&s, c, 1, 0), 0);
}
