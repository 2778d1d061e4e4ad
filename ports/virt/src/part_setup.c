/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virt board's partition set-up: the policy lib/part runs them with
 * (the recovery ladder's limits, the epoch), their layout (two partitions
 * of GUEST_MEM_SIZE bytes from the buddy allocator, the guests' text
 * mapped into both, the devices they may lease: the PL011 and the GIC),
 * the audit that reads each partition's stage-2 tables back, and the root
 * task's run of a program (part_demo.c or part_bench.c) between set-up and
 * teardown. part.c gives lib/part its operations; this file only chooses.
 *
 * Locks: lib/part calls under the kernel lock (rvx_a64_rt_lock()).
 */
#include "ruvix/nucleus.h"
#include "ruvix/stage2.h"
#include "part.h"

/* The guests' own hypercalls, which the core passes to part.c's trap hook
 * (rvx_virt_part_guest_call() handles them). */
/* Stage-2 table pages of each partition beyond A and B (as part.c's pools). */
#define NUMA_POOL_PAGES 16u
/* Teardowns tried, 1 ms apart, while another CPU still runs a partition
 * task (a slow host may leave a vCPU unscheduled for a while). */
#define TEARDOWN_TRIES 5000u

#define BOARD_CALLS                                                            \
	((1u << GUEST_HVC_PRINT) | (1u << GUEST_HVC_REPORT) | (1u << GUEST_HVC_CHECK_STATE))

/* Read the partition's stage 2 back: the kernel's image is unmapped but for
 * .guest (read + execute, never write), its memory is read + write (never
 * execute), the other partitions' memory is unmapped. */
static void s2_audit(uint32_t part)
{
	const struct rvx_part *pl = &rvx_virt_pl;
	uint64_t img = (uint64_t)(uintptr_t)__image_start, end = (uint64_t)(uintptr_t)__image_end;
	uint64_t g0 = (uint64_t)(uintptr_t)__guest_start, g1 = (uint64_t)(uintptr_t)__guest_end;
	const uint32_t rx = RVX_STAGE2_R | RVX_STAGE2_X, rw = RVX_STAGE2_R | RVX_STAGE2_W;
	const struct rvx_stage2 *s2 = rvx_virt_part_s2(part);
	uint32_t bad;

	/* virt.ld puts .guest on pages of its own inside the image. */
	bad = rvx_a64_vm_check(s2, img, g0 - img, 0) +
	      rvx_a64_vm_check(s2, g0, g1 - g0, rx) +
	      rvx_a64_vm_check(s2, g1, end - g1, 0) +
	      rvx_a64_vm_check(s2, pl->parts[part].mem, GUEST_MEM_SIZE, rw);
	for (uint32_t i = 0; i < pl->part_count; i++)
		if (i != part)
			bad += rvx_a64_vm_check(s2, pl->parts[i].mem, GUEST_MEM_SIZE, 0);
	rvx_a64_printf("RVX-S2 part=%c image pages: %u unmapped (kernel), %u guest text R-X; "
			"own memory %u pages RW-; %s\n",
			(char)('A' + part), (uint32_t)((g0 - img + end - g1) / 4096u),
			(uint32_t)((g1 - g0) / 4096u), GUEST_MEM_SIZE / 4096u,
			bad == 0 ? "as intended" : "WRONG");
	if (bad != 0)
		rvx_a64_fail("a partition's stage-2 tables map more than they should", -RVX_EINVAL);
}

/* The DTB's NUMA nodes of the CPUs that came up, numbered densely for
 * lib/part (a node all of whose CPUs stayed down is left out); one node
 * leaves the map empty. */
static void node_map(struct rvx_part_config *cfg)
{
	const struct rvx_a64_numa *n = &rvx_a64_board.numa;
	uint32_t dense[RVX_A64_NUMA_MAX_NODES], count = 0;

	for (uint32_t d = 0; d < RVX_A64_NUMA_MAX_NODES; d++)
		dense[d] = RVX_HYP_NONE;
	for (uint32_t c = 0; c < cfg->cpu_count; c++) {
		uint32_t d = n->cpu_node[c];

		if (dense[d] == RVX_HYP_NONE)
			dense[d] = count++;
		cfg->cpu_node[c] = (uint8_t)dense[d];
	}
	cfg->node_count = count;
	if (count <= 1u) {
		cfg->node_count = 0;
		memset(cfg->cpu_node, 0, sizeof(cfg->cpu_node));
	}
}

static void setup(uint32_t mode, uint32_t parts)
{
	const struct rvx_a64_board *b = &rvx_a64_board;
	struct rvx_part_config cfg;
	uint64_t t = (uint64_t)(uintptr_t)__guest_start, daif;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	rvx_a64_hvc_board_calls = BOARD_CALLS;
	cfg.cpu_count = rvx_a64_cpus_up();
	node_map(&cfg);
	/* Failures within 50 ms count together: two task restarts, then a
	 * reconstruction, then roll back. (The probers space their attempts
	 * wider than that, so each of theirs is a first failure.) */
	cfg.policy.window = RVX_VIRT_WINDOW_NS;
	cfg.policy.restart_limit = 2;
	cfg.policy.reconstruct_limit = 1;
	cfg.epoch_ns = 100u * RVX_VIRT_MS;
	cfg.text_base = t;
	cfg.text_size = (uint64_t)(uintptr_t)__guest_end - t;
	cfg.text_perms = RVX_STAGE2_R | RVX_STAGE2_X;
	cfg.mem_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.normal_memtype = RVX_STAGE2_NORMAL_WB;
	cfg.device_memtype = RVX_STAGE2_DEVICE;
	cfg.device_perms = RVX_STAGE2_R | RVX_STAGE2_W;
	cfg.region_where = (uint16_t)offsetof(struct guest_boot, region);
	cfg.spawn_cap = rvx_virt_root_caps()->task.raw;
	cfg.kernel_base = b->mem.base;
	cfg.kernel_size = b->mem.size;
	cfg.device_count = 3;
	cfg.devices[0] = (struct rvx_part_device){RVX_VIRT_DEV_UART, 0, b->uart.base, 4096};
	cfg.devices[1] = (struct rvx_part_device){RVX_VIRT_DEV_GICD, 0, b->gicd.base, b->gicd.size};
	cfg.devices[2] = (struct rvx_part_device){RVX_VIRT_DEV_GICC, 0, b->gicc.base, b->gicc.size};
	daif = rvx_a64_rt_lock();
	rc = rvx_virt_part_init(&cfg);
	for (uint32_t i = 0; rc == 0 && i < parts; i++) {
		uint64_t mem = (uint64_t)(uintptr_t)rvx_a64_alloc(GUEST_MEM_SIZE, GUEST_MEM_SIZE);
		uint32_t index;

		if (mem == 0)
			rvx_a64_fail("memory for a partition", -RVX_ENOMEM);
		/* A and B have static stage-2 pools (part.c); the others get theirs here. */
		if (i >= RVX_VIRT_PARTS) {
			void *pool = rvx_a64_alloc(NUMA_POOL_PAGES * 4096u, 4096u);

			if (pool == NULL)
				rvx_a64_fail("stage-2 tables for a partition", -RVX_ENOMEM);
			rvx_virt_part_set_pool(i, pool, NUMA_POOL_PAGES);
		}
		memset((void *)(uintptr_t)mem, 0, GUEST_MEM_SIZE);
		rvx_a64_printf("RVX-ACT partition-create part=%c vmid=%u mem=0x%lx+0x%x\n",
				(char)('A' + i), i + 1u, mem, GUEST_MEM_SIZE);
		rc = rvx_part_create(&rvx_virt_pl, i + 1u, mem, GUEST_MEM_SIZE, 0, &index);
	}
	rvx_virt_part_set_mode(mode);
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("creating the partitions", rc);
	for (uint32_t i = 0; i < parts; i++)
		s2_audit(i);
	/* Every partition has the same IPA and PA sizes: one VTCR_EL2, set with
	 * the other EL2 controls on each CPU's first partition switch (vm.c). */
	if (rvx_stage2_vtcr(rvx_virt_part_s2(1)) != rvx_stage2_vtcr(rvx_virt_part_s2(0)))
		rvx_a64_fail("partitions with different VTCR_EL2", -RVX_EINVAL);
}

/* rvx.test=teardown-reuse: A's talker is made to spin at EL1 (it never
 * traps by itself again) on a CPU other than the root's; the task and its
 * CPU once it is seen running there. */
static void spin_talker(uint32_t *task, uint32_t *cpu)
{
	struct guest_boot *ba = rvx_virt_part_boot(0);
	uint32_t me = rvx_a64_cpu_index(), t = rvx_virt_pl.parts[0].tasks[0];
	uint64_t until = rvx_virt_part_now() + 5000u * RVX_VIRT_MS;

	ba->spin = 1;
	for (;;) {
		uint64_t daif = rvx_a64_rt_lock();

		for (uint32_t c = 0; c < rvx_virt_pl.cfg.cpu_count; c++) {
			if (c != me && ba->spinning && rvx_virt_pl.loaded_task[c] == t &&
			    rvx_a64_rt_current(c) == t) {
				rvx_a64_rt_unlock(daif);
				*task = t;
				*cpu = c;
				rvx_a64_printf("RVX-TEST teardown-reuse: task %u spins at EL1 "
					       "on CPU %u\n",
					       t, c);
				return;
			}
		}
		rvx_a64_rt_unlock(daif);
		if (rvx_virt_part_now() > until) {
			rvx_a64_puts("RuVix: rvx.test=teardown-reuse: partition A's talker never "
				     "spun on another CPU\n");
			rvx_a64_exit(8);
		}
		rvx_virt_part_sleep_ms(1);
	}
}

/* Tear the partitions down from the root on CPU @p me. lib/part ends no
 * task that another CPU runs (that CPU is on the task's stack until it
 * next enters the kernel, and the index is free for a new task once the
 * task is ended): the teardown refuses while one does. So each partition
 * still running is suspended first (a task running elsewhere is held when
 * its CPU, kicked, next picks it) and the teardown is tried again until
 * no other CPU runs a partition task. Returns with the kernel lock held
 * (*daif), in the hold of the teardown that succeeded; *tries says how
 * many it took. */
static int teardown(uint32_t me, uint64_t *daif, uint32_t *tries)
{
	int rc = 0;

	*daif = rvx_a64_rt_lock();
	for (uint32_t i = 0; rc == 0 && i < rvx_virt_pl.part_count; i++) {
		const struct rvx_part_partition *p = &rvx_virt_pl.parts[i];

		if (p->live && !p->stopped && !p->suspended) {
			rc = rvx_part_suspend(&rvx_virt_pl, i, me);
			if (rc == -RVX_EPERM)
				rc = 0; /* not RUNNING: the teardown says what it is */
		}
	}
	*tries = 0;
	while (rc == 0) {
		rc = rvx_virt_part_teardown(me);
		if (rc != -RVX_EBUSY || ++*tries >= TEARDOWN_TRIES)
			break;
		rvx_a64_rt_unlock(*daif);
		rvx_virt_part_sleep_ms(1);
		*daif = rvx_a64_rt_lock();
		rc = 0;
	}
	if (rc == 0)
		++*tries;
	return rc;
}

void rvx_virt_part_main(uint32_t mode)
{
	static const char *const names[] = {"demo", "bench", "smp", "smp-shared", "numa"};
	uint32_t parts = mode == RVX_VIRT_PART_NUMA ? RVX_VIRT_PARTS_MAX : RVX_VIRT_PARTS;
	bool reuse = mode == RVX_VIRT_PART_SMP && rvx_virt_bootarg("rvx.test=teardown-reuse");
	uint32_t me = rvx_a64_cpu_index(), spun = 0, spun_on = 0, to = 0, tries;
	uint64_t daif, el1_loads_at_teardown;
	int rc;

	rvx_a64_printf("RVX-PARTITIONS %s: %u partitions at EL1 under stage 2, syscalls by HVC, "
			"%u CPU(s)\n",
			names[mode % 5u], parts, rvx_a64_cpus_up());
	setup(mode == RVX_VIRT_PART_BENCH ? 2u : 1u, parts);
	if (mode == RVX_VIRT_PART_BENCH)
		rvx_virt_part_bench();
	else if (mode == RVX_VIRT_PART_NUMA)
		rvx_virt_part_numa();
	else
		rvx_virt_part_demo(mode);
	if (reuse) {
		spin_talker(&spun, &spun_on);
		/* A third CPU: neither the root's nor the talker's. */
		while (to == me || to == spun_on)
			to++;
		if (to >= rvx_a64_cpus_up()) {
			rvx_a64_puts("RuVix: rvx.test=teardown-reuse needs three CPUs\n");
			rvx_a64_exit(8);
		}
	}
	rc = teardown(me, &daif, &tries);
	/* rvx.test=teardown-reuse: the talker's index taken at once, in the
	 * same hold of the lock, by a task on the third CPU. */
	if (rc == 0 && reuse)
		rc = rvx_virt_test_teardown_reuse_spawn(spun, to);
	el1_loads_at_teardown = rvx_virt_pl.cpu_loads;
	rvx_a64_rt_unlock(daif);
	if (rc != 0)
		rvx_a64_fail("tearing the partitions down", rc);
	if (reuse) {
		rvx_a64_printf("RVX-TEST teardown-reuse: the teardown ended task %u after CPU %u "
			       "left it (%u tries)\n",
			       spun, spun_on, tries);
		rvx_virt_test_teardown_reuse_check(spun, to, spun_on);
	}
	/* Nothing of the partitions runs any more: a while for the proof. */
	rvx_virt_part_sleep_ms(20);
	rvx_a64_printf("RVX-PARTITIONS done: %lu EL1 loads after the teardown\n",
			rvx_virt_pl.cpu_loads - el1_loads_at_teardown);
}
