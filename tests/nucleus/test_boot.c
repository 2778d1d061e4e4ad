/* SPDX-License-Identifier: Apache-2.0 */
/* Boot, the dispatcher's number/version/task checks, TaskSpawn and RegionMap. */
#include "nk_fixture.h"

TestSuite(nucleus_boot, .init = nk_setup);

Test(nucleus_boot, boot_creates_root_and_witnesses)
{
	struct rvx_kernel_stats st;
	struct rvx_witness_head h;

	cr_assert_eq(rvx_kernel_stats(&W.k, &st), 0);
	cr_assert_eq(st.tasks, 1);
	cr_assert_eq(st.queues, 1);
	cr_assert_eq(st.vstores, 1);
	cr_assert_eq(st.gstores, 1);
	cr_assert_eq(st.sensors, 1);
	cr_assert_eq(st.caps, 6); /* task, clock, queue, vstore, gstore, sensor */
	/* boot stage, root spawn, four object creations */
	cr_assert_eq(st.witness_records, 6);
	cr_assert_eq(rvx_kernel_witness_head(&W.k, &h), 0);
	cr_assert_eq(h.count, 6);
	cr_assert_eq(rvx_kernel_storage_size(NULL), sizeof(struct rvx_kernel));
}

Test(nucleus_boot, boot_errors)
{
	static struct rvx_kernel k2;
	struct rvx_kernel_config cfg;
	static uint8_t ring[64 * 4];
	static const uint8_t s[32] = {1};

	memset(&cfg, 0, sizeof(cfg));
	cfg.witness_ring = ring;
	cfg.witness_records = 4;
	cfg.cpu_count = 1;
	cfg.period_ns = 1000;
	cr_assert_eq(rvx_kernel_boot(&k2, &cfg, s, 8, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_boot(NULL, &cfg, s, 32, 0, NULL), -RVX_EINVAL);
	cfg.cpu_count = 0;
	cr_assert_eq(rvx_kernel_boot(&k2, &cfg, s, 32, 0, NULL), -RVX_EINVAL);
	cfg.cpu_count = 1;
	cfg.region_pool_size = 10;
	cr_assert_eq(rvx_kernel_boot(&k2, &cfg, s, 32, 0, NULL), -RVX_EINVAL);
	cfg.region_pool_size = 0;
	cfg.witness_records = 0;
	cr_assert_eq(rvx_kernel_boot(&k2, &cfg, s, 32, 0, NULL), -RVX_ENOMEM);
	cfg.witness_records = 4;
	cr_assert_eq(rvx_kernel_boot(&k2, &cfg, s, 32, 0, NULL), 0);
	cr_assert_eq(k2.booted, 1);
}

Test(nucleus_boot, unknown_and_unimplemented_numbers)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	NK_FAIL(0, RVX_SYS_RVF_MOUNT, a, -RVX_EINVAL); /* no package */
	NK_FAIL(0, RVX_SYS_COUNT, a, -RVX_EINVAL);
	NK_FAIL(0, 0xFFFFFFFFu, a, -RVX_EINVAL);
	a.version = 2;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);
	a.version = RVX_SYSCALL_VERSION;
	NK_FAIL(1, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);  /* no such task */
	NK_FAIL(999, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);
	cr_assert_eq(rvx_syscall(&W.k, 0, RVX_SYS_TIMER_WAIT, NULL, &nk_res), -RVX_EINVAL);
}

Test(nucleus_boot, spawn_success_narrowed_caps)
{
	struct rvx_syscall_capxfer x[2] = {{nk_queue.raw, RVX_RIGHT_READ, 0},
					   {nk_vstore.raw, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0}};
	uint64_t h[2];
	uint64_t before = nk_records();
	struct rvx_cap_info info;
	uint32_t child = nk_spawn(x, 2, h);
	rvx_handle_t hh;
	struct rvx_task t;

	cr_assert_eq(child, 1);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_DONE);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_SPAWN);
	hh.raw = h[0];
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, child, hh, &info), 0);
	cr_assert_eq(info.rights, RVX_RIGHT_READ);
	cr_assert_eq(info.type, RVX_OBJ_QUEUE);
	hh.raw = h[1];
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, child, hh, &info), 0);
	cr_assert_eq(info.rights, RVX_RIGHT_READ | RVX_RIGHT_GRANT);
	cr_assert_eq(rvx_sched_task_info(&W.k.sched, W.k.tasks[child].sched, &t), 0);
	cr_assert_eq(t.state, RVX_TASK_READY);
	cr_assert_eq(t.cap_table, child);
}

Test(nucleus_boot, spawn_errors_change_nothing)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHTS_ALL, 0};
	uint64_t h[RVX_KERNEL_SLOTS + 1];
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.out = (uint64_t)(uintptr_t)h;
	a.out_len = sizeof(h);
	a.flags = 1;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	a.flags = 0;
	a.cap = nk_queue.raw; /* not a task capability */
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_ETYPE);
	a.cap = rvx_handle_make(15, 1).raw;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EBADCAP);
	a.cap = nk_root.task.raw;
	a.arg[3] = RVX_KERNEL_PARTITIONS;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	a.arg[3] = 0;
	a.arg[4] = 1; /* one CPU */
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	a.arg[4] = 0;
	a.in = (uint64_t)(uintptr_t)&x;
	a.in_len = 8;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	a.in_len = sizeof(x);
	a.out_len = 4;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EBUFSMALL);
	a.out_len = sizeof(h);
	x.rights = 0x80; /* not a right */
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	x.handle = rvx_handle_make(14, 1).raw;
	x.rights = RVX_RIGHT_READ;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EBADCAP);
}

Test(nucleus_boot, spawn_until_full)
{
	uint32_t i;
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	for (i = 1; i < RVX_KERNEL_TASKS; i++)
		NK_OK(0, RVX_SYS_TASK_SPAWN, a);
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_ELIMIT);
}

Test(nucleus_boot, region_map_policies)
{
	static const uint8_t init[32] = "immutable contents of a region";
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);
	uint64_t before = nk_records();
	struct rvx_cap_info info;
	rvx_handle_t h;
	uint8_t buf[32];

	a.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	a.arg[1] = 64;
	a.in = (uint64_t)(uintptr_t)init;
	a.in_len = sizeof(init);
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	h.raw = nk_res.value[0];
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, 0, h, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_REGION);
	cr_assert_eq(rvx_region_read(&W.k.regions[nk_res.value[1]].region, 0, buf, 32), 0);
	cr_assert(memcmp(buf, init, 32) == 0);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_REGION_MAP);
	a.in = 0;
	a.in_len = 0;
	a.arg[0] = RVX_REGION_POLICY_APPEND_ONLY;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	cr_assert_eq(rvx_region_policy(&W.k.regions[nk_res.value[1]].region),
		     RVX_REGION_POLICY_APPEND_ONLY);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 256;
	a.arg[2] = 32;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	cr_assert_eq(rvx_region_policy(&W.k.regions[nk_res.value[1]].region),
		     RVX_REGION_POLICY_SLAB);
}

Test(nucleus_boot, region_map_errors)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.arg[0] = 9;
	a.arg[1] = 64;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_EINVAL);
	a.arg[0] = RVX_REGION_POLICY_APPEND_ONLY;
	a.arg[1] = 0;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_EINVAL);
	a.arg[1] = sizeof(W.region_pool) + 1;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_ENOMEM);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 64;
	a.arg[2] = 0;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_EINVAL);
	a.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	a.in = (uint64_t)(uintptr_t)&a;
	a.in_len = 65;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_EINVAL);
	a.in_len = 0;
	a.cap = nk_root.clock.raw;
	NK_FAIL(0, RVX_SYS_REGION_MAP, a, -RVX_ETYPE);
}
