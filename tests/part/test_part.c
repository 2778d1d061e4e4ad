/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/part's policy through the fake architecture: set-up and its journals,
 * isolation decisions on the trap path, leases, the recovery ladder with
 * reconstruction and roll back, suspend and resume, the switch, placement
 * and migration over CPUs, cross-CPU kicks, and
 * that a refused call changes nothing.
 */
#include "fake_arch.h"

#include "ruvix/witness.h"

static struct rvx_part before;

/* before: a copy of the layer; after: the same bytes. */
#define SNAP() memcpy(&before, &pl, sizeof(pl))
#define UNCHANGED() cr_assert_eq(memcmp(&before, &pl, sizeof(pl)), 0, "state changed")

TestSuite(part, .init = fk_setup);

static struct rvx_part_verdict trap(uint32_t task)
{
	struct rvx_part_verdict v;

	cr_assert_eq(rvx_part_trap(&pl, 0, task, &v), 0);
	return v;
}

/* Args at offset 0x100 and result at 0x200 of partition @p part. */
static void put_args(uint32_t part, const struct rvx_syscall_args *a)
{
	fk_put(part, 0x100, a, sizeof(*a));
	fk_trap_syscall(part, RVX_SYS_QUEUE_SEND, FK_MEM_BASE(part) + 0x100,
			FK_MEM_BASE(part) + 0x200);
}

static struct rvx_syscall_args args(uint64_t cap)
{
	struct rvx_syscall_args a;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.cap = cap;
	return a;
}

Test(part, init_refuses_bad_config_and_changes_nothing)
{
	struct rvx_part_config cfg = pl.cfg;
	struct rvx_part_kernel_ops k = fk_kern;

	SNAP();
	cfg.epoch_ns = 0;
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS),
		     -RVX_EINVAL);
	cfg = pl.cfg;
	cfg.devices[0].id = 40;
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS),
		     -RVX_EINVAL);
	k.hold_task = NULL;
	cr_assert_eq(rvx_part_init(&pl, &pl.cfg, &fk_arch, &k, &fk, fk_tasks, FK_TASKS),
		     -RVX_EINVAL);
	cfg = pl.cfg;
	cfg.policy.window = 0; /* lib/hyp's refusal */
	cr_assert_eq(rvx_part_init(&pl, &cfg, &fk_arch, &fk_kern, &fk, fk_tasks, FK_TASKS),
		     -RVX_EINVAL);
	UNCHANGED();
}

Test(part, create_maps_text_and_memory_and_witnesses)
{
	uint32_t index;

	cr_assert_eq(rvx_part_create(&pl, 1, FK_MEM_BASE(0), FK_MEM, 0, &index), 0);
	cr_assert_eq(index, 0);
	cr_assert_not_null(fk_map_at(0, FK_TEXT));
	cr_assert_eq(fk_map_at(0, FK_TEXT)->m.perms, 5u);
	cr_assert_not_null(fk_map_at(0, FK_MEM_BASE(0) + FK_MEM - 1));
	cr_assert_null(fk_map_at(0, FK_KERNEL));
	cr_assert_eq(pl.parts[0].map_count, 2);
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_CREATE), 1);
}

Test(part, create_refusals_change_nothing)
{
	uint32_t index;

	fk_parts(1);
	fk_clear();
	SNAP();
	/* before: partition 0 at FK_MEM_BASE(0), VMID 1 */
	cr_assert_eq(rvx_part_create(&pl, 2, FK_MEM_BASE(0) + 0x1000, FK_MEM, 0, &index), -RVX_EINVAL);
	cr_assert_eq(rvx_part_create(&pl, 2, FK_TEXT, FK_MEM, 0, &index), -RVX_EINVAL);
	cr_assert_eq(rvx_part_create(&pl, 2, FK_MEM_BASE(1) + 1, FK_MEM, 0, &index), -RVX_EINVAL);
	cr_assert_eq(rvx_part_create(&pl, 1, FK_MEM_BASE(1), FK_MEM, 0, &index), -RVX_EEXIST);
	cr_assert_eq(rvx_part_create(&pl, 0, FK_MEM_BASE(1), FK_MEM, 0, &index), -RVX_EINVAL);
	fk.s2_map_rc = -RVX_ENOMEM;
	cr_assert_eq(rvx_part_create(&pl, 2, FK_MEM_BASE(1), FK_MEM, 0, &index), -RVX_ENOMEM);
	/* after: nothing recorded, the same state */
	cr_assert_eq(fk_count(FK_RECORD), 0);
	UNCHANGED();
}

Test(part, spawn_journals_and_publishes)
{
	uint32_t t;

	fk_parts(1);
	t = fk_spawn(0, 7);
	cr_assert_eq(rvx_part_of(&pl, t), 0);
	cr_assert_eq(pl.parts[0].journal_count, 1);
	cr_assert_eq(pl.parts[0].journal[0].kind, RVX_PART_J_SPAWN);
	cr_assert_eq(pl.parts[0].journal[0].role, 7);
	cr_assert_eq(fk.published[0][1], pl.parts[0].journal[0].child[0]);
	cr_assert_eq(fk.calls[fk.ncalls - 2].op, FK_SYSCALL);
	cr_assert_eq(fk.calls[fk.ncalls - 2].c, 0x77, "spawned with the root's TASK capability");
}

Test(part, spawn_refusals_change_nothing)
{
	struct rvx_syscall_capxfer x[1] = {{0x55, RVX_RIGHT_WRITE, 0}};
	uint16_t where[1] = {8};
	uint64_t child[1];
	uint32_t task;

	fk_parts(1);
	SNAP();
	fk.spawn_rc = -RVX_ERIGHTS;
	cr_assert_eq(rvx_part_spawn(&pl, 0, 1, x, 1, where, child, &task), -RVX_ERIGHTS);
	UNCHANGED();
	fk.spawn_rc = 0;
	cr_assert_eq(rvx_part_spawn(&pl, 1, 1, x, 1, where, child, &task), -RVX_ENOENT);
	cr_assert_eq(rvx_part_spawn(&pl, 0, 1, x, RVX_PART_SPAWN_CAPS + 1, where, child, &task),
		     -RVX_EINVAL);
	fk.spawn_task_out_of_range = 1;
	cr_assert_eq(rvx_part_spawn(&pl, 0, 1, x, 1, where, child, &task), -RVX_ELIMIT);
	UNCHANGED();
	fk.spawn_task_out_of_range = 0;
	for (uint32_t i = 0; i < RVX_CONFIG_PART_TASKS; i++)
		fk_spawn(0, 1);
	SNAP();
	cr_assert_eq(rvx_part_spawn(&pl, 0, 1, x, 1, where, child, &task), -RVX_ELIMIT);
	UNCHANGED();
}

Test(part, syscall_pointer_outside_partition_is_refused_and_witnessed)
{
	struct rvx_syscall_args a = args(0x200);
	struct rvx_part_verdict v;
	uint32_t t;

	fk_parts(2);
	t = fk_spawn(0, 1);
	fk_clear();
	/* The buffer lies in partition B's memory. */
	a.in = FK_MEM_BASE(1);
	a.in_len = 8;
	put_args(0, &a);
	v = trap(t);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_BAD_POINTER);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESTART);
	cr_assert_eq(fk_count(FK_SYSCALL), 0, "the kernel never saw the call");
	cr_assert_eq(fk_records(RVX_WITNESS_FAULT), 1);
	cr_assert_eq(fk_records(RVX_WITNESS_RECOVERY), 1);
	cr_assert_eq(fk_count(FK_TASK_RESTART), 1);
	/* The structures themselves in the kernel's memory. */
	fk.now += 100; /* out of the failure window */
	fk_trap_syscall(0, RVX_SYS_QUEUE_SEND, FK_KERNEL, FK_MEM_BASE(0) + 0x200);
	v = trap(t);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_BAD_POINTER);
	cr_assert_eq(fk_count(FK_SYSCALL), 0);
	cr_assert_eq(pl.parts[0].cause_seen[RVX_PART_CAUSE_BAD_POINTER], 2);
}

Test(part, syscall_inside_bounds_reaches_the_kernel_and_counts_traffic)
{
	struct rvx_syscall_args a = args(0x300);
	struct rvx_syscall_result r;
	struct rvx_hyp_edge_info ei;
	struct rvx_part_verdict v;
	uint32_t t, e;

	fk_parts(2);
	t = fk_spawn(0, 1);
	fk_alias(0x300, 0x42); /* the task's handle and the root's name one queue */
	/* traffic on the queue before the edge existed is not the edge's */
	a.in = FK_MEM_BASE(0) + 0x400;
	a.in_len = 16;
	put_args(0, &a);
	(void)trap(t);
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 1, 0x42, t, 0x300, &e), 0);
	put_args(0, &a);
	v = trap(t);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESUME);
	cr_assert_eq(v.set_ret, 1);
	cr_assert_eq(v.ret, 0);
	memcpy(&r, &fk.mem[0][0x200], sizeof(r));
	cr_assert_eq(r.version, RVX_SYSCALL_VERSION, "the result was written back");
	/* the edge reads the kernel's count, once: not before a sync */
	cr_assert_eq(rvx_hyp_edge_info(&pl.hyp, pl.edges[e].h, &ei), 0);
	cr_assert_eq(ei.messages, 0);
	cr_assert_eq(rvx_part_traffic_sync(&pl), 0);
	cr_assert_eq(rvx_hyp_edge_info(&pl.hyp, pl.edges[e].h, &ei), 0);
	cr_assert_eq(ei.messages, 1);
	cr_assert_eq(ei.bytes, 16);
	/* a second sync counts nothing again */
	cr_assert_eq(rvx_part_traffic_sync(&pl), 0);
	cr_assert_eq(rvx_hyp_edge_info(&pl.hyp, pl.edges[e].h, &ei), 0);
	cr_assert_eq(ei.messages, 1);
	/* A send on another queue is not the edge's traffic. */
	a.cap = 0x301;
	put_args(0, &a);
	(void)trap(t);
	cr_assert_eq(rvx_part_traffic_sync(&pl), 0);
	cr_assert_eq(rvx_hyp_edge_info(&pl.hyp, pl.edges[e].h, &ei), 0);
	cr_assert_eq(ei.messages, 1);
}

Test(part, task_creation_from_a_partition_is_refused)
{
	struct rvx_syscall_args a = args(0x1);
	struct rvx_part_verdict v;
	uint32_t t;

	fk_parts(1);
	t = fk_spawn(0, 1);
	fk_clear();
	put_args(0, &a);
	fk.trap.nr = RVX_SYS_TASK_SPAWN;
	v = trap(t);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESUME);
	cr_assert_eq((int64_t)v.ret, -RVX_EPERM);
	cr_assert_eq(fk_count(FK_SYSCALL), 0);
}

Test(part, capability_refusal_is_a_fault)
{
	struct rvx_syscall_args a = args(0x999);
	struct rvx_part_verdict v;
	uint32_t t;

	fk_parts(1);
	t = fk_spawn(0, 1);
	put_args(0, &a);
	fk.guest_rc = -RVX_EBADCAP;
	v = trap(t);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_CAPABILITY);
	/* Any other error is the task's to handle. */
	fk.now += 100;
	put_args(0, &a);
	fk.guest_rc = -RVX_EFULL;
	v = trap(t);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_NONE);
	cr_assert_eq((int64_t)v.ret, -RVX_EFULL);
}

Test(part, aborts_are_classified_by_whose_memory)
{
	struct rvx_part_verdict v;
	uint32_t t;

	fk_parts(2);
	t = fk_spawn(0, 1);
	fk_trap_abort(FK_MEM_BASE(1) + 8, false);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_OTHER_PARTITION);
	fk.now += 100;
	fk_trap_abort(FK_KERNEL + 0x1000, true);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_KERNEL_MEMORY);
	fk.now += 100;
	fk_trap_abort(FK_GIC, false);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_NO_LEASE);
	fk.now += 100;
	fk_trap_abort(UINT64_C(0x70000000), false);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_UNMAPPED);
	fk.now += 100;
	fk_trap_abort(FK_TEXT, true);
	fk.trap.permission = 1;
	v = trap(t);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_PERMISSION);
	cr_assert_eq(pl.parts[0].faults, 5);
	cr_assert_eq(fk_records(RVX_WITNESS_FAULT), 5);
}

Test(part, lease_grant_maps_and_expiry_unmaps)
{
	uint32_t t;

	fk_parts(1);
	t = fk_spawn(0, 1);
	cr_assert_eq(rvx_part_lease_grant(&pl, 0, FK_DEV_UART, RVX_HYP_LEASE_R | RVX_HYP_LEASE_W, 50),
		     0);
	cr_assert_not_null(fk_map_at(0, FK_UART));
	cr_assert_eq(fk_map_at(0, FK_UART)->m.memtype, 2);
	cr_assert_eq(fk_records(RVX_WITNESS_LEASE_GRANT), 1);
	/* Expired but not ticked: the fault path sees it ended. */
	fk.now += 60;
	fk_trap_abort(FK_UART, true);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_LEASE_ENDED);
	cr_assert_eq(rvx_part_tick(&pl, fk.now), 1);
	cr_assert_null(fk_map_at(0, FK_UART), "unmapped at expiry");
	cr_assert_eq(fk_count(FK_S2_SYNC) > 0, 1);
	cr_assert_eq(fk_records(RVX_WITNESS_LEASE_EXPIRE), 1);
	cr_assert_eq(pl.parts[0].maps[2].live, 0, "the mapping journal forgets it");
	fk.now += 100;
	fk_trap_abort(FK_UART, false);
	cr_assert_eq(trap(t).cause, RVX_PART_CAUSE_LEASE_ENDED);
}

Test(part, lease_revoke_unmaps_and_refusals_change_nothing)
{
	fk_parts(2);
	cr_assert_eq(rvx_part_lease_grant(&pl, 0, FK_DEV_UART, RVX_HYP_LEASE_W, 1000), 0);
	SNAP();
	/* before: A holds the UART */
	cr_assert_eq(rvx_part_lease_grant(&pl, 1, FK_DEV_UART, RVX_HYP_LEASE_W, 1000), -RVX_EBUSY);
	cr_assert_eq(rvx_part_lease_grant(&pl, 1, 9, RVX_HYP_LEASE_W, 1000), -RVX_ENOENT);
	cr_assert_eq(rvx_part_lease_grant(&pl, 1, FK_DEV_GIC, 0, 1000), -RVX_EINVAL);
	cr_assert_eq(rvx_part_lease_revoke(&pl, 1), -RVX_ESTALE);
	UNCHANGED();
	cr_assert_eq(rvx_part_lease_revoke(&pl, 0), 0);
	cr_assert_null(fk_map_at(0, FK_UART));
	cr_assert_eq(fk_records(RVX_WITNESS_LEASE_REVOKE), 1);
	SNAP();
	cr_assert_eq(rvx_part_lease_revoke(&pl, 0), -RVX_ESTALE);
	UNCHANGED();
	/* A map the port refuses: the grant is taken back. */
	fk.s2_map_rc = -RVX_ENOMEM;
	cr_assert_eq(rvx_part_lease_grant(&pl, 1, FK_DEV_UART, RVX_HYP_LEASE_W, 1000), -RVX_ENOMEM);
	cr_assert_eq(pl.hyp.active_leases, 0);
}

/* Two partitions; B has a listener that mapped a region by trap and got a
 * grant from A's talker; B is checkpointed. */
static void scene(uint32_t *talk, uint32_t *listen)
{
	struct rvx_syscall_args a;
	uint32_t e;

	fk_parts(2);
	*talk = fk_spawn(0, 1);
	*listen = fk_spawn(1, 2);
	cr_assert_eq(rvx_part_edge_create(&pl, 1, 0, 0x42, RVX_HYP_NONE, 0, &e), 0);
	cr_assert_eq(rvx_part_edge_set_grant(&pl, e, *talk, 0x321, 24), 0);
	/* The listener maps a region with its spawn capability. */
	a = args(pl.parts[1].journal[0].child[0]);
	a.arg[1] = 4096;
	fk_put(1, 0x100, &a, sizeof(a));
	fk_trap_syscall(1, RVX_SYS_REGION_MAP, FK_MEM_BASE(1) + 0x100, FK_MEM_BASE(1) + 0x200);
	cr_assert_eq(trap(*listen).ret, 0);
	/* The talker grants the listener its handle on B->A. */
	a = args(0x321);
	a.arg[0] = *listen;
	a.arg[1] = RVX_RIGHT_WRITE;
	fk_put(0, 0x100, &a, sizeof(a));
	fk_trap_syscall(0, RVX_SYS_CAP_GRANT, FK_MEM_BASE(0) + 0x100, FK_MEM_BASE(0) + 0x200);
	cr_assert_eq(trap(*talk).ret, 0);
	cr_assert_eq(pl.parts[1].journal_count, 3, "spawn, region, grant");
	cr_assert_eq(pl.edges[e].send_count, 1, "the listener became a sender");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_CAP_GRANT), 1);
	memset(&fk.mem[1][0x1000], 0x11, 0x1000);
	cr_assert_eq(rvx_part_checkpoint(&pl, 1), 0);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_CHECKPOINT), 1);
}

Test(part, ladder_restarts_then_reconstructs_from_the_journal)
{
	uint32_t talk, listen, region_old, grant_old, child_old;
	uint8_t a_caps[32];
	struct rvx_part_verdict v;

	scene(&talk, &listen);
	region_old = (uint32_t)pl.parts[1].journal[1].handle;
	grant_old = (uint32_t)pl.parts[1].journal[2].handle;
	child_old = (uint32_t)pl.parts[1].journal[0].child[0];
	memcpy(a_caps, &fk.cap_gen[talk], sizeof(fk.cap_gen[talk]));
	memset(&fk.mem[1][0x1000], 0x99, 0x100); /* the failed incarnation's state */
	fk.queued = 3;                            /* it left messages in flight */
	fk_clear();
	fk_trap_abort(UINT64_C(0x70000000), false);
	v = trap(listen);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESTART);
	v = trap(listen);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESTART);
	cr_assert_eq(fk_count(FK_TASK_RESTART), 2);
	v = trap(listen);
	/* after: the third failure in the window rebuilt B */
	cr_assert_eq(v.next, RVX_PART_NEXT_EXITED);
	cr_assert_eq(pl.parts[1].reconstructs, 1);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 1);
	cr_assert_eq(fk_count(FK_S2_RESET), 1);
	cr_assert_eq(fk.queued, 0, "its outbound messages were drained");
	cr_assert_eq(pl.parts[1].rebuild.drained, 3);
	cr_assert_eq(memcmp(fk.mem[1], fk.ckpt[1], FK_MEM), 0, "memory restored");
	cr_assert_not_null(fk_map_at(1, FK_MEM_BASE(1)), "stage 2 rebuilt");
	cr_assert_not_null(fk_map_at(1, FK_TEXT));
	cr_assert_eq(rvx_part_of(&pl, listen), 1, "respawned as the same task id");
	cr_assert_eq(fk.alive[listen], 1);
	cr_assert_neq(pl.parts[1].journal[0].child[0], child_old, "fresh capabilities");
	cr_assert_neq(pl.parts[1].journal[1].handle, region_old, "region mapped again");
	cr_assert_neq(pl.parts[1].journal[2].handle, grant_old, "grant re-made");
	cr_assert_eq(fk.published[1][16 / 8], pl.parts[1].journal[1].handle);
	cr_assert_eq(fk.published[1][24 / 8], pl.parts[1].journal[2].handle);
	cr_assert_eq(pl.parts[1].rebuild.ended, 1);
	cr_assert_eq(pl.parts[1].rebuild.spawned, 1);
	cr_assert_eq(pl.parts[1].rebuild.regions, 1);
	cr_assert_eq(pl.parts[1].rebuild.grants, 1);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_REBUILD), 1);
	cr_assert_eq(memcmp(a_caps, &fk.cap_gen[talk], sizeof(fk.cap_gen[talk])), 0,
		     "A's capabilities untouched");
	cr_assert_eq(pl.parts[1].stale_count, 3, "old child, region and grant handles");
	cr_assert_eq(pl.hyp_parts[1].state, RVX_HYP_STATE_RUNNING, "back in service");
}

Test(part, reconstruction_refused_without_a_faithful_journal)
{
	uint32_t talk, listen;
	struct rvx_part_verdict v;

	scene(&talk, &listen);
	pl.parts[1].journal_lost = 1;
	fk_clear();
	fk_trap_abort(UINT64_C(0x70000000), false);
	(void)trap(listen);
	(void)trap(listen);
	v = trap(listen);
	/* No rebuild, no region: roll back is skipped, reboot is asked for. */
	cr_assert_eq(pl.parts[1].reconstructs, 0);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 0);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
	cr_assert_eq(pl.hyp_parts[1].state, RVX_HYP_STATE_FAILED);
	/* A FAILED partition's further traps change nothing in the ladder. */
	v = trap(listen);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
}

Test(part, reconstruction_refused_while_another_task_of_it_runs_on_another_cpu)
{
	uint32_t talk, listen, other;
	struct rvx_part_verdict v;

	scene(&talk, &listen);
	other = fk_spawn(1, 3);
	cr_assert_eq(rvx_part_switch(&pl, 1, other), 1); /* its registers are CPU 1's */
	fk_clear();
	fk_trap_abort(UINT64_C(0x70000000), false);
	(void)trap(listen);
	(void)trap(listen);
	v = trap(listen);
	/* The rebuild would end `other` under CPU 1 and reuse its index at
	 * once: refused before it acts (no stage 2 reset, no task ended). */
	cr_assert_eq(pl.parts[1].reconstructs, 0);
	cr_assert_eq(fk_count(FK_S2_RESET), 0);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 0);
	cr_assert_eq(fk.alive[other], 1);
	cr_assert_eq(fk.alive[listen], 1);
	cr_assert_eq(pl.loaded_task[1], other);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
	cr_assert_eq(v.next, RVX_PART_NEXT_HALTED);
}

Test(part, tampered_checkpoint_is_not_restored)
{
	uint32_t talk, listen;

	scene(&talk, &listen);
	fk.ckpt[1][5] ^= 1; /* not what the log witnessed */
	fk_clear();
	fk_trap_abort(UINT64_C(0x70000000), false);
	(void)trap(listen);
	(void)trap(listen);
	(void)trap(listen);
	cr_assert_eq(pl.parts[1].reconstructs, 0);
	cr_assert_eq(fk_count(FK_SNAP_RESTORE), 0);
	cr_assert_eq(fk_count(FK_REBOOT), 1);
}

Test(part, region_check_rolls_back)
{
	uint32_t talk, listen;
	struct rvx_part_verdict v;

	scene(&talk, &listen);
	cr_assert_eq(rvx_part_region_check(&pl, listen, 1, 0x1000, 0x1000, &v), 0);
	cr_assert_eq(v.ret, 0, "intact");
	cr_assert_eq(fk_count(FK_RECORD), 0 + fk_count(FK_RECORD));
	fk.mem[1][0x1800] = 0;
	fk_clear();
	cr_assert_eq(rvx_part_region_check(&pl, listen, 1, 0x1000, 0x1000, &v), 0);
	cr_assert_eq(v.ret, 1);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_STATE_REGION);
	cr_assert_eq(fk.mem[1][0x1800], 0x11, "rolled back");
	cr_assert_eq(pl.parts[1].rollbacks, 1);
	cr_assert_eq(fk_records(RVX_WITNESS_FAULT), 1);
	cr_assert_eq(fk_records(RVX_WITNESS_RECOVERY), 1);
	SNAP();
	cr_assert_eq(rvx_part_region_check(&pl, listen, 1, 0x1000, FK_MEM, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_part_region_check(&pl, 31, 1, 0, 8, &v), -RVX_ENOENT);
	UNCHANGED();
}

Test(part, suspend_holds_and_resume_releases)
{
	uint32_t t0, t1, tb;

	fk_parts(2);
	t0 = fk_spawn(0, 1);
	t1 = fk_spawn(0, 2);
	tb = fk_spawn(1, 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, t0), 1);
	fk_clear();
	cr_assert_eq(rvx_part_suspend(&pl, 0, 0), 0);
	cr_assert_eq(fk.held[t0] && fk.held[t1], 1);
	cr_assert_eq(fk.held[tb], 0);
	cr_assert_eq(fk_count(FK_CPU_SAVE), 1, "its loaded state saved");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_SUSPEND), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, t0), -RVX_EPERM, "a suspended partition never runs");
	cr_assert_eq(rvx_part_hold(&pl, tb), 0);
	SNAP();
	cr_assert_eq(rvx_part_suspend(&pl, 0, 0), -RVX_EPERM);
	cr_assert_eq(rvx_part_suspend(&pl, 2, 0), -RVX_ENOENT);
	cr_assert_eq(rvx_part_suspend(&pl, 1, 2), -RVX_EINVAL);
	UNCHANGED();
	fk_clear();
	cr_assert_eq(rvx_part_resume(&pl, 0, 0), 0);
	cr_assert_eq(fk.held[t0] || fk.held[t1], 0);
	cr_assert_eq(fk_count(FK_RELEASE), 2);
	cr_assert_eq(fk_count(FK_KICK), 1, "the other CPU is kicked");
	cr_assert_eq(fk.calls[fk.ncalls - 1].a, 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, t0), 1);
	SNAP();
	cr_assert_eq(rvx_part_resume(&pl, 0, 0), -RVX_EPERM);
	UNCHANGED();
}

Test(part, switch_loads_only_what_changed_and_saves_on_leaving)
{
	uint32_t a0, a1, b0;

	fk_parts(2);
	a0 = fk_spawn(0, 1);
	a1 = fk_spawn(0, 1);
	b0 = fk_spawn(1, 1);
	fk_clear();
	cr_assert_eq(rvx_part_switch(&pl, 0, a0), 1);
	cr_assert_eq(fk_count(FK_VM_LOAD), 1);
	cr_assert_eq(fk_count(FK_CPU_LOAD), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, a0), 1);
	cr_assert_eq(fk_count(FK_CPU_LOAD), 1, "the same task again: nothing loaded");
	/* before: a0 live in CPU 0; after a kernel task: saved, stage 2 kept */
	cr_assert_eq(rvx_part_switch(&pl, 0, 0), 0);
	cr_assert_eq(fk_count(FK_CPU_SAVE), 1, "a0 saved when CPU 0 left it");
	cr_assert_eq(pl.loaded_task[0], RVX_HYP_NONE);
	cr_assert_eq(rvx_part_switch(&pl, 0, RVX_HYP_NONE), 0, "idle: nothing more to save");
	cr_assert_eq(fk_count(FK_CPU_SAVE), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, a0), 1);
	cr_assert_eq(fk.calls[fk.ncalls - 1].op, FK_CPU_LOAD);
	cr_assert_eq(fk.calls[fk.ncalls - 1].b, a0, "loaded over what the registers still hold");
	cr_assert_eq(fk_count(FK_VM_LOAD), 1, "the stage 2 stayed loaded");
	cr_assert_eq(rvx_part_switch(&pl, 0, a1), 1);
	cr_assert_eq(fk_count(FK_VM_LOAD), 1, "the same partition: stage 2 stays");
	cr_assert_eq(fk_count(FK_CPU_SAVE), 2);
	cr_assert_eq(rvx_part_switch(&pl, 0, b0), 1);
	cr_assert_eq(fk_count(FK_VM_LOAD), 2);
	cr_assert_eq(pl.hyp.epoch_switches, 2);
	cr_assert_eq(rvx_part_switch(&pl, 7, a0), -RVX_EINVAL);
}

Test(part, registers_of_a_task_that_ran_elsewhere_are_not_trusted)
{
	uint32_t a0, b0;

	fk_parts(2);
	a0 = fk_spawn(0, 1);
	b0 = fk_spawn(1, 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, a0), 1);
	cr_assert_eq(rvx_part_switch(&pl, 0, 0), 0);
	/* before: CPU 0's registers equal a0's saved state. a0 moves to CPU 1
	 * and runs there, so its saved state moves on. */
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), 0);
	cr_assert_eq(rvx_part_switch(&pl, 1, a0), 1);
	fk_clear();
	cr_assert_eq(rvx_part_switch(&pl, 0, b0), 1);
	/* after: b0 is loaded in full on CPU 0 (no stale comparison). */
	cr_assert_eq(fk_count(FK_CPU_LOAD), 1);
	cr_assert_eq(fk.calls[fk.ncalls - 1].op, FK_CPU_LOAD);
	cr_assert_eq(fk.calls[fk.ncalls - 1].b, RVX_HYP_NONE);
}

Test(part, placement_sends_spawns_to_the_home_cpu_witnessed)
{
	uint32_t t;

	fk_parts(2);
	fk_clear();
	cr_assert_eq(rvx_part_migrate(&pl, 1, 1, 0), 0);
	cr_assert_eq(pl.parts[1].cpu, 1);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE), 1);
	cr_assert_eq(fk_count(FK_MIGRATE), 0, "no task to move");
	cr_assert_eq(fk_count(FK_KICK), 0, "nothing to run there");
	cr_assert_eq(pl.parts[1].migrations, 0);
	t = fk_spawn(1, 1);
	cr_assert_eq(fk.cpu_of[t], 1, "spawned on its partition's CPU");
	t = fk_spawn(0, 1);
	cr_assert_eq(fk.cpu_of[t], 0);
}

Test(part, migration_moves_every_task_witnessed_and_kicks)
{
	uint32_t a0, a1, a2;

	fk_parts(2);
	a0 = fk_spawn(0, 1);
	a1 = fk_spawn(0, 1);
	a2 = fk_spawn(0, 1);
	cr_assert_eq(rvx_part_task_end(&pl, a2, 0), 0);
	fk_clear();
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), 0);
	cr_assert_eq(fk_count(FK_MIGRATE), 2, "its two live tasks moved");
	cr_assert_eq(fk.cpu_of[a0], 1);
	cr_assert_eq(fk.cpu_of[a1], 1);
	cr_assert_eq(pl.parts[0].cpu, 1);
	cr_assert_eq(pl.parts[0].migrations, 1);
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE), 1);
	cr_assert_eq(fk_count(FK_KICK), 1);
	cr_assert_eq(fk.calls[fk.ncalls - 1].op, FK_KICK);
	cr_assert_eq(fk.calls[fk.ncalls - 1].a, 1, "the new CPU is kicked");
	/* Already home: nothing, no record. */
	fk_clear();
	SNAP();
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), 0);
	UNCHANGED();
	cr_assert_eq(fk.ncalls, 0);
	/* Reconstruction respawns on the home CPU (the spawn path). */
	cr_assert_eq(fk_spawn(0, 2) < FK_TASKS, 1);
	cr_assert_eq(fk.cpu_of[fk.next_task - 1u], 1);
}

Test(part, migration_refusals_change_nothing)
{
	uint32_t a0, a1;

	fk_parts(2);
	a0 = fk_spawn(0, 1);
	a1 = fk_spawn(0, 1);
	fk_clear();
	SNAP();
	cr_assert_eq(rvx_part_migrate(NULL, 0, 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_part_migrate(&pl, 0, 2, 0), -RVX_EINVAL, "no CPU 2");
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 2), -RVX_EINVAL);
	cr_assert_eq(rvx_part_migrate(&pl, 3, 1, 0), -RVX_ENOENT);
	fk.running[a1] = 1;
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), -RVX_EBUSY, "the kernel runs a1");
	fk.running[a1] = 0;
	fk.migrate_rc = -RVX_ELIMIT;
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), -RVX_ELIMIT);
	fk.migrate_rc = 0;
	UNCHANGED();
	cr_assert_eq(fk_count(FK_MIGRATE), 0, "no task moved");
	cr_assert_eq(fk_records(RVX_PART_WITNESS_MIGRATE), 0);
	/* A task whose state is live on a CPU (it runs there) cannot move. */
	cr_assert_eq(rvx_part_switch(&pl, 0, a0), 1);
	SNAP();
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 1), -RVX_EBUSY);
	UNCHANGED();
	cr_assert_eq(rvx_part_switch(&pl, 0, RVX_HYP_NONE), 0);
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 1), 0, "once its CPU left it, it moves");
}

Test(part, suspend_leaves_a_task_running_elsewhere_to_its_cpu)
{
	uint32_t a0, a1;

	fk_parts(2);
	a0 = fk_spawn(0, 1);
	a1 = fk_spawn(0, 1);
	cr_assert_eq(rvx_part_migrate(&pl, 0, 1, 0), 0);
	cr_assert_eq(rvx_part_switch(&pl, 1, a0), 1);
	fk_clear();
	/* CPU 0 suspends A while a0 runs on CPU 1. */
	cr_assert_eq(rvx_part_suspend(&pl, 0, 0), 0);
	cr_assert_eq(fk_count(FK_CPU_SAVE), 0, "CPU 0 cannot save CPU 1's registers");
	cr_assert_eq(fk_count(FK_KICK), 1, "CPU 1 is kicked");
	cr_assert_eq(fk.held[a0], 0, "a0 runs: held when picked again");
	cr_assert_eq(fk.held[a1], 1);
	cr_assert_eq(pl.loaded_task[1], a0);
	/* CPU 1 leaves it and picks it again: saved there, then held. */
	cr_assert_eq(rvx_part_switch(&pl, 1, RVX_HYP_NONE), 0);
	cr_assert_eq(fk_count(FK_CPU_SAVE), 1);
	cr_assert_eq(rvx_part_hold(&pl, a0), 1);
	cr_assert_eq(fk.held[a0], 1);
	cr_assert_eq(rvx_part_resume(&pl, 0, 0), 0);
	cr_assert_eq(fk.held[a0] || fk.held[a1], 0);
}

Test(part, cross_cpu_edge_send_kicks_the_receiver_cpu)
{
	struct rvx_syscall_args a = args(0x300);
	uint32_t t, e;

	fk_parts(2);
	t = fk_spawn(0, 1);
	cr_assert_eq(rvx_part_edge_create(&pl, 0, 1, 0x42, t, 0x300, &e), 0);
	a.in = FK_MEM_BASE(0) + 0x400;
	a.in_len = 8;
	fk_clear();
	put_args(0, &a);
	(void)trap(t);
	cr_assert_eq(fk_count(FK_KICK), 0, "B on the same CPU: no kick");
	cr_assert_eq(rvx_part_migrate(&pl, 1, 1, 0), 0);
	fk_clear();
	put_args(0, &a);
	(void)trap(t);
	cr_assert_eq(fk_count(FK_KICK), 1, "B on CPU 1: kicked");
	cr_assert_eq(fk.calls[fk.ncalls - 1].a, 1);
	cr_assert_eq(pl.kicks, 1);
	/* A send that is not on an edge kicks nobody. */
	a.cap = 0x301;
	fk_clear();
	put_args(0, &a);
	(void)trap(t);
	cr_assert_eq(fk_count(FK_KICK), 0);
}

Test(part, teardown_ends_everything_witnessed)
{
	uint32_t talk, listen;

	scene(&talk, &listen);
	fk_clear();
	cr_assert_eq(rvx_part_teardown(&pl, 2), -RVX_EINVAL);
	cr_assert_eq(rvx_part_teardown(&pl, 0), 0);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 2);
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_DESTROY), 2);
	cr_assert_eq(fk_records(RVX_HYP_WITNESS_KIND_BASE + RVX_HYP_EV_EDGE_DESTROY), 1);
	cr_assert_eq(rvx_part_of(&pl, talk), -RVX_ENOENT);
	cr_assert_eq(rvx_part_switch(&pl, 0, talk), 0);
	cr_assert_eq(rvx_part_teardown(&pl, 0), -RVX_EPERM);
}

Test(part, teardown_waits_until_no_task_runs_on_another_cpu)
{
	uint32_t talk, listen;

	scene(&talk, &listen);
	cr_assert_eq(rvx_part_migrate(&pl, 1, 1, 0), 0);
	cr_assert_eq(rvx_part_switch(&pl, 1, listen), 1); /* the listener runs on CPU 1 */
	fk_clear();
	SNAP();
	cr_assert_eq(rvx_part_teardown_check(&pl, 0), -RVX_EBUSY);
	cr_assert_eq(rvx_part_teardown_check(&pl, 1), 0, "CPU 1 itself may");
	cr_assert_eq(rvx_part_teardown_check(&pl, 2), -RVX_EINVAL);
	cr_assert_eq(rvx_part_teardown_check(NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_part_teardown(&pl, 0), -RVX_EBUSY);
	UNCHANGED();
	cr_assert_eq(fk.ncalls, 0, "nothing asked of the port");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_DESTROY), 0);
	/* The caller suspends B: CPU 1 is kicked; until it has left the
	 * listener the teardown still waits. */
	cr_assert_eq(rvx_part_suspend(&pl, 1, 0), 0);
	cr_assert_eq(fk_count(FK_KICK), 1);
	cr_assert_eq(rvx_part_teardown(&pl, 0), -RVX_EBUSY);
	cr_assert_eq(fk.alive[listen], 1);
	/* CPU 1 leaves it (saved there) and holds it when it picks it again. */
	cr_assert_eq(rvx_part_switch(&pl, 1, RVX_HYP_NONE), 0);
	cr_assert_eq(rvx_part_hold(&pl, listen), 1);
	fk_clear();
	cr_assert_eq(rvx_part_teardown_check(&pl, 0), 0);
	cr_assert_eq(rvx_part_teardown(&pl, 0), 0);
	cr_assert_eq(rvx_part_teardown_check(&pl, 0), -RVX_EPERM);
	cr_assert_eq(fk_count(FK_TASK_EXIT), 2);
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_SUSPEND), 1, "A only: B was suspended");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_RESUME), 2);
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_DESTROY), 2);
	cr_assert_eq(fk.alive[listen], 0);
}

Test(part, witness_kind_map)
{
	cr_assert_eq(rvx_part_witness_kind(RVX_HYP_EV_FAULT), RVX_WITNESS_FAULT);
	cr_assert_eq(rvx_part_witness_kind(RVX_HYP_EV_EPOCH_SUMMARY), RVX_WITNESS_SWITCH_SUMMARY);
	cr_assert_eq(rvx_part_witness_kind(RVX_HYP_EV_EDGE_CREATE),
		     RVX_HYP_WITNESS_KIND_BASE + RVX_HYP_EV_EDGE_CREATE);
	cr_assert_str_eq(rvx_part_cause_name(RVX_PART_CAUSE_BAD_POINTER), "bad-pointer");
	cr_assert_str_eq(rvx_part_cause_name(99), "?");
}

/* ---- partitions with their own layout (components) ---- */

/* Text (read + execute) and data (read + write) at the start of partition
 * 0's window, backed by physical pages elsewhere. */
static void layout_maps(struct rvx_part_map m[2])
{
	m[0] = (struct rvx_part_map){FK_MEM_BASE(0), 0x1000, 5, 1, 1, 0, {0}, 0x900000};
	m[1] = (struct rvx_part_map){FK_MEM_BASE(0) + 0x1000, 0x1000, 3, 1, 1, 0, {0}, 0x901000};
}

Test(part, create_layout_maps_only_its_own_and_witnesses)
{
	struct rvx_part_map m[2];
	uint32_t index;

	layout_maps(m);
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 2, 0, &index), 0);
	cr_assert_eq(index, 0);
	cr_assert_eq(pl.parts[0].layout, 1);
	cr_assert_eq(pl.parts[0].map_count, 2);
	cr_assert_eq(pl.parts[0].maps[1].pa, 0x901000);
	cr_assert_null(fk_map_at(0, FK_TEXT), "the shared text is not mapped");
	cr_assert_not_null(fk_map_at(0, FK_MEM_BASE(0) + 0x1000));
	cr_assert_null(fk_map_at(0, FK_MEM_BASE(0) + 0x2000), "the rest of the window is not");
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_CREATE), 1);
}

Test(part, create_layout_refusals_change_nothing)
{
	struct rvx_part_map m[2], bad[2];
	uint32_t index = 99;

	layout_maps(m);
	memcpy(bad, m, sizeof(bad));
	bad[1].ipa += 0x10; /* unaligned */
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, bad, 2, 0, &index),
		     -RVX_EINVAL);
	memcpy(bad, m, sizeof(bad));
	bad[1].ipa = FK_MEM_BASE(0) + FK_MEM; /* outside the window */
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, bad, 2, 0, &index),
		     -RVX_EINVAL);
	memcpy(bad, m, sizeof(bad));
	bad[0].lease = 1;
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, bad, 2, 0, &index),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 0, 0, &index),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m,
					    RVX_CONFIG_PART_MAPS, 0, &index), -RVX_EINVAL);
	cr_assert_eq(rvx_part_create_layout(&pl, 0, FK_MEM_BASE(0), FK_MEM, m, 2, 0, &index),
		     -RVX_EINVAL);
	fk.s2_map_rc = -RVX_ENOMEM;
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 2, 0, &index),
		     -RVX_ENOMEM);
	cr_assert_eq(pl.part_count, 0);
	cr_assert_eq(index, 99);
	cr_assert_eq(fk_records(RVX_WITNESS_PARTITION_CREATE), 0);
}

static uint32_t layout_with_task(uint32_t task)
{
	struct rvx_part_map m[2];
	uint32_t index;

	layout_maps(m);
	cr_assert_eq(rvx_part_create_layout(&pl, 1, FK_MEM_BASE(0), FK_MEM, m, 2, 0, &index), 0);
	cr_assert_eq(rvx_part_resume(&pl, index, 0), 0);
	cr_assert_eq(rvx_part_adopt(&pl, index, task, 7), 0);
	return index;
}

Test(part, adopt_makes_a_partition_task_and_refusals_change_nothing)
{
	uint32_t part = layout_with_task(5), mem, role;
	uint64_t base;

	cr_assert_eq(pl.tasks[5].part, part + 1u);
	cr_assert_eq(pl.tasks[5].slot, 0);
	cr_assert_eq(pl.parts[part].adopted, 1);
	cr_assert_eq(pl.parts[part].journal_lost, 1, "no spawn entry: not rebuildable");
	cr_assert_eq(rvx_part_task_start(&pl, 5, &base, &role), 1);
	cr_assert_eq(role, 7);
	cr_assert_eq(rvx_part_adopt(&pl, part, 5, 1), -RVX_EEXIST);
	cr_assert_eq(rvx_part_adopt(&pl, part, FK_TASKS, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_part_adopt(&pl, part + 1u, 6, 1), -RVX_ENOENT);
	for (mem = 1; mem < RVX_CONFIG_PART_TASKS; mem++)
		cr_assert_eq(rvx_part_adopt(&pl, part, 5 + mem, 1), 0);
	cr_assert_eq(rvx_part_adopt(&pl, part, 20, 1), -RVX_ELIMIT);
	cr_assert_eq(pl.tasks[20].part, 0);
	cr_assert_eq(pl.parts[part].task_count, RVX_CONFIG_PART_TASKS);
}

Test(part, layout_syscall_pointers_are_checked_by_the_port)
{
	struct rvx_syscall_args a = args(0x200);
	struct rvx_part_verdict v;
	uint32_t part = layout_with_task(5);

	fk_clear();
	a.in = FK_MEM_BASE(0) + 0x300;
	a.in_len = 8;
	put_args(part, &a);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_NONE);
	cr_assert_eq(fk_count(FK_SYSCALL), 1);
	cr_assert_gt(fk.checks, 0, "the port's stage-2 check was asked");
	/* The port says the page is not mapped (or not writable): refused. */
	fk.check_refuse = 1;
	fk.now += 100;
	put_args(part, &a);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_BAD_POINTER);
	cr_assert_eq(fk_count(FK_SYSCALL), 1, "the kernel never saw the second call");
	/* Outside the window: refused whatever the port says. */
	fk.check_refuse = 0;
	fk.now += 100;
	fk_trap_syscall(part, RVX_SYS_QUEUE_SEND, FK_TEXT, FK_MEM_BASE(0) + 0x200);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_BAD_POINTER);
}

Test(part, layout_syscall_buffer_in_a_mapped_region_reaches_the_kernel)
{
	struct rvx_syscall_args a = args(0x200);
	struct rvx_part_map m = {FK_MEM_BASE(0) + FK_MEM + 0x10000, 0x2000, 3, 1, 1, 0, {0},
				 0x980000};
	struct rvx_part_verdict v;
	uint32_t part = layout_with_task(5);

	cr_assert_eq(rvx_part_map_add(&pl, part, &m), 0);
	fk_clear();
	/* Wholly inside the region mapped into it: to the kernel. */
	a.in = m.ipa + 0x10;
	a.in_len = 64;
	put_args(part, &a);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_NONE);
	cr_assert_eq(fk_count(FK_SYSCALL), 1);
	/* Running off its end: refused, the kernel never sees it. */
	fk.now += 100;
	a.in = m.ipa + m.size - 8u;
	a.in_len = 16;
	put_args(part, &a);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_BAD_POINTER);
	cr_assert_eq(fk_count(FK_SYSCALL), 1);
}

Test(part, layout_abort_is_unmapped_whoever_uses_the_address_elsewhere)
{
	struct rvx_part_verdict v;
	uint32_t part = layout_with_task(5);

	(void)part;
	fk_trap_abort(FK_KERNEL + 0x10, false);
	v = trap(5);
	cr_assert_eq(v.cause, RVX_PART_CAUSE_UNMAPPED);
}

Test(part, map_add_journals_and_refusals_change_nothing)
{
	uint32_t part = layout_with_task(5);
	struct rvx_part_map m = {0x20000000, 0x2000, 1, 1, 1, 0, {0}, 0x980000};
	struct rvx_part_map bad = m;

	cr_assert_eq(rvx_part_map_add(&pl, part, &m), 0);
	cr_assert_eq(pl.parts[part].map_count, 3);
	cr_assert_not_null(fk_map_at(part, 0x20001000));
	bad.pa += 8;
	cr_assert_eq(rvx_part_map_add(&pl, part, &bad), -RVX_EINVAL);
	bad = m;
	bad.lease = 1;
	cr_assert_eq(rvx_part_map_add(&pl, part, &bad), -RVX_EINVAL);
	cr_assert_eq(rvx_part_map_add(&pl, part + 1u, &m), -RVX_ENOENT);
	fk.s2_map_rc = -RVX_ENOMEM;
	cr_assert_eq(rvx_part_map_add(&pl, part, &m), -RVX_ENOMEM);
	cr_assert_eq(pl.parts[part].map_count, 3);
	fk.s2_map_rc = 0;
	while (pl.parts[part].map_count < RVX_CONFIG_PART_MAPS)
		cr_assert_eq(rvx_part_map_add(&pl, part, &m), 0);
	cr_assert_eq(rvx_part_map_add(&pl, part, &m), -RVX_ELIMIT);
}

static uint32_t creates;

static int k_create(void *ctx, uint32_t task, uint32_t nr, struct rvx_syscall_args *a,
		    struct rvx_syscall_result *r)
{
	(void)ctx;
	(void)task;
	(void)a;
	creates++;
	memset(r, 0, sizeof(*r));
	r->value[0] = nr;
	return 0;
}

Test(part, task_creation_goes_to_the_port_when_it_can)
{
	static struct rvx_part_kernel_ops kern;
	struct rvx_syscall_args a = args(0x1);
	struct rvx_part_verdict v;
	uint32_t t;

	kern = fk_kern;
	kern.create = k_create;
	pl.kern = &kern;
	fk_parts(1);
	t = fk_spawn(0, 1);
	fk_clear();
	put_args(0, &a);
	fk.trap.nr = RVX_SYS_RVF_MOUNT;
	v = trap(t);
	cr_assert_eq(v.next, RVX_PART_NEXT_RESUME);
	cr_assert_eq((int64_t)v.ret, 0);
	cr_assert_eq(creates, 1);
	cr_assert_eq(fk_count(FK_SYSCALL), 0, "not the plain dispatcher");
}
