/* SPDX-License-Identifier: Apache-2.0 */
#include "sched_fixture.h"

RVX_SCHED_DEFINE(static_sched, 16, 1, 2, 16);

Test(sched_init, storage_size_matches_macro)
{
	cr_assert_eq(rvx_sched_storage_size(64, 2, 4, 64), RVX_SCHED_STORAGE_SIZE(64, 2, 4, 64));
	cr_assert_eq(rvx_sched_storage_size(4096, 1, 1, 4096),
		     RVX_SCHED_STORAGE_SIZE(4096, 1, 1, 4096));
	cr_assert_eq(rvx_sched_storage_size(3, 3, 3, 1), RVX_SCHED_STORAGE_SIZE(3, 3, 3, 1));
}

Test(sched_init, storage_size_rejects_out_of_range)
{
	cr_assert_eq(rvx_sched_storage_size(0, 1, 1, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(RVX_SCHED_TASKS_MAX + 1, 1, 1, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(4, 0, 1, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(4, RVX_SCHED_CPUS_MAX + 1, 1, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(4, 1, 0, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(4, 1, RVX_SCHED_PARTITIONS_MAX + 1, 1), 0);
	cr_assert_eq(rvx_sched_storage_size(4, 1, 1, 0), 0);
	cr_assert_eq(rvx_sched_storage_size(4, 1, 1, 5), 0);
	cr_assert_neq(rvx_sched_storage_size(RVX_SCHED_TASKS_MAX, RVX_SCHED_CPUS_MAX,
					     RVX_SCHED_PARTITIONS_MAX, 1), 0);
}

Test(sched_init, define_macro_storage_works)
{
	rvx_handle_t id;

	cr_assert_eq(rvx_sched_init(&static_sched, static_sched_storage,
				    sizeof(static_sched_storage), 16, 1, 2, 16, 1000),
		     0);
	cr_assert_eq(rvx_sched_task_create(&static_sched, 0, 1, 10, 0, &id), 0);
	cr_assert_eq(rvx_sched_task_wake(&static_sched, id, 0), 0);
	cr_assert_eq(rvx_sched_ready_count(&static_sched, 0), 1);
}

Test(sched_init, init_state, .init = fx_setup)
{
	struct rvx_sched_stats st;

	cr_assert_eq(rvx_sched_stats(S, &st), 0);
	cr_assert_eq(st.free, FX_TASKS);
	cr_assert_eq(st.ready + st.running + st.blocked + st.dead, 0);
	cr_assert_eq(st.picks + st.deadline_misses + st.refills, 0);
	for (uint32_t c = 0; c < FX_CPUS; c++) {
		rvx_handle_t id;

		cr_assert_eq(rvx_sched_ready_count(S, c), 0);
		cr_assert_eq(rvx_sched_running(S, c, &id), -RVX_EEMPTY);
	}
	fx_check_invariants();
}

Test(sched_init, init_errors)
{
	static alignas(64) uint8_t buf[RVX_SCHED_STORAGE_SIZE(8, 1, 1, 8) + 8];
	static uint8_t before[sizeof(buf)];
	struct rvx_sched s, s0;
	size_t need = RVX_SCHED_STORAGE_SIZE(8, 1, 1, 8);

	memset(buf, 0x5a, sizeof(buf));
	memcpy(before, buf, sizeof(buf));
	memset(&s, 0x33, sizeof(s));
	s0 = s;
	cr_assert_eq(rvx_sched_init(NULL, buf, need, 8, 1, 1, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, NULL, need, 8, 1, 1, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf + 4, need, 8, 1, 1, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need, 0, 1, 1, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need, 8, 0, 1, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need, 8, 1, 0, 8, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need, 8, 1, 1, 9, 10), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need, 8, 1, 1, 8, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_sched_init(&s, buf, need - 1, 8, 1, 1, 8, 10), -RVX_ENOMEM);
	cr_assert(memcmp(&s, &s0, sizeof(s)) == 0, "failed init wrote the object");
	cr_assert(memcmp(buf, before, sizeof(buf)) == 0, "failed init wrote the storage");
	cr_assert_eq(rvx_sched_init(&s, buf, need, 8, 1, 1, 8, 10), 0);
	cr_assert_eq(buf[need], 0x5a, "init wrote past its storage");
}

Test(sched_init, task_kernel_bytes)
{
	cr_assert_eq(sizeof(struct rvx_task), 232);
	cr_assert_eq(RVX_SCHED_TASK_KERNEL_BYTES, 232 + 16 * 32 + 4);
	cr_assert(RVX_SCHED_TASK_KERNEL_BYTES <= 1024);
}
