/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader component: the pipeline's housekeeping, and the calls the
 * others do not make. It maps a small immutable region with its
 * configuration (RegionMap), starts a helper task of its own image
 * (TaskSpawn) handing it the clock, shares the region with it (CapGrant),
 * and mounts the small second package it carries in its own read-only data
 * (RvfMount), passing the clock and its `done` queue on as that package's
 * required capabilities. It ends only once both the helper and the mounted
 * task said they are done: a task's capabilities, and every capability
 * derived from them, go when it ends, and both were handed theirs by it.
 *
 * Capabilities (wire order): 0 its own task (read, write, execute, grant),
 * 1 the clock (read, grant), 2 `done` (read, write, grant).
 */
#include "pipeline.h"

/* The second package (payload.S puts its bytes here at build time). */
extern const uint8_t rvx_payload_pkg[];
extern const uint8_t rvx_payload_pkg_end[];

static const uint8_t config[16] = "pipeline cfg v1";

/* The helper: waits a moment on the clock it was handed, says so, ends.
 * Capabilities: 0 the clock, 1 `done` (write), 2 the loader's region. */
static void helper_main(const struct rvx_user_start *s)
{
	uint64_t who = 1;

	rvx_user_init(s);
	(void)rvx_sys_timer_sleep(pipe_cap(s, 0), 1000000u);
	(void)rvx_sys_queue_send(pipe_cap(s, 1), PIPE_MSG_END, 0, 0, &who, sizeof(who));
}

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t self = pipe_cap(s, 0), clock = pipe_cap(s, 1), done = pipe_cap(s, 2), granted;
	struct rvx_syscall_capxfer xfer[2] = {{0, RVX_RIGHT_READ, 0}, {0, RVX_RIGHT_WRITE, 0}};
	struct rvx_user_spawn sp;
	struct rvx_user_region reg;
	struct rvx_user_mount mnt;
	uint64_t child_caps[2], required[2];
	uint32_t child = 0, tasks[4], waiting = 0;

	rvx_user_init(s);
	if (rvx_sys_region_map(self, RVX_REGION_POLICY_IMMUTABLE, 64, 0, config, sizeof(config),
			       &reg) != 0)
		return;
	/* Where the port maps it, the region holds the configuration. */
	if (reg.base != NULL && memcmp(reg.base, config, sizeof(config)) != 0)
		return;
	memset(&sp, 0, sizeof(sp));
	sp.entry = (uint64_t)(uintptr_t)helper_main;
	sp.priority = 5;
	sp.cpu = s->cpu;
	xfer[0].handle = clock.raw;
	xfer[1].handle = done.raw;
	if (rvx_sys_task_spawn(self, &sp, xfer, 2, child_caps, &child) != 0)
		return;
	waiting++;
	if (rvx_sys_cap_grant(reg.cap, child, RVX_RIGHT_READ, 0, &granted) == 0) {
		required[0] = clock.raw;
		required[1] = done.raw;
		if (rvx_sys_rvf_mount(self, rvx_payload_pkg,
				      (uint64_t)(rvx_payload_pkg_end - rvx_payload_pkg), required, 2,
				      tasks, 4, &mnt) == 0)
			waiting += mnt.task_count;
	}
	while (waiting > 0) {
		uint64_t who, len;

		if (rvx_sys_queue_recv(done, &who, sizeof(who), NULL, &len,
				       UINT64_C(5000) * 1000000u) != 0)
			break;
		waiting--;
	}
}
