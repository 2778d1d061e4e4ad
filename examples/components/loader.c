/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader component: the pipeline's housekeeping, and the calls the
 * others do not make. It maps a small immutable region with its
 * configuration (RegionMap), starts a helper task of its own image
 * (TaskSpawn) handing it the clock, shares the region with it (CapGrant),
 * and mounts the small second package it carries in its own read-only data
 * (RvfMount), passing the clock on as that package's required capability.
 *
 * Capabilities (wire order): 0 its own task (read, write, execute, grant),
 * 1 the clock (read, grant).
 */
#include "pipeline.h"

/* The second package (payload.S puts its bytes here at build time). */
extern const uint8_t rvx_payload_pkg[];
extern const uint8_t rvx_payload_pkg_end[];

static const uint8_t config[16] = "pipeline cfg v1";

/* The helper: waits a moment on the clock it was handed, then ends. */
static void helper_main(const struct rvx_user_start *s)
{
	rvx_user_init(s);
	(void)rvx_sys_timer_sleep(pipe_cap(s, 0), 1000000u);
}

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t self = pipe_cap(s, 0), clock = pipe_cap(s, 1), granted;
	struct rvx_syscall_capxfer xfer = {0, RVX_RIGHT_READ, 0};
	struct rvx_user_spawn sp;
	struct rvx_user_region reg;
	struct rvx_user_mount mnt;
	uint64_t child_caps[1], required[1];
	uint32_t child = 0, tasks[4];

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
	xfer.handle = clock.raw;
	if (rvx_sys_task_spawn(self, &sp, &xfer, 1, child_caps, &child) != 0)
		return;
	if (rvx_sys_cap_grant(reg.cap, child, RVX_RIGHT_READ, 0, &granted) != 0)
		return;
	required[0] = clock.raw;
	(void)rvx_sys_rvf_mount(self, rvx_payload_pkg,
				(uint64_t)(rvx_payload_pkg_end - rvx_payload_pkg), required, 1, tasks,
				4, &mnt);
}
