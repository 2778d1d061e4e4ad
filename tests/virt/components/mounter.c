/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TaskSpawn and RvfMount from a component. It mounts a damaged package
 * (a package header whose lengths are wrong) from its own memory, which
 * must be refused with nothing mounted, then a signed package its image
 * carries (hello.txt, payload.S), whose component must run; spawns a child
 * at an entry outside
 * its text, which must be refused; and spawns a child at child_main, which
 * runs in the same partition and hands back over a queue it was given.
 * Capabilities: 0 its TASK (EXECUTE, WRITE), 1 queue `back` (READ, WRITE,
 * GRANT).
 */
#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

/* A package header ("RVXPKG", version 1) claiming more bytes than there
 * are: refused by the format check before anything else. */
extern const uint8_t rvx_payload_pkg[], rvx_payload_pkg_end[];

static uint8_t damaged[256] = {'R', 'V', 'X', 'P', 'K', 'G', 0, 0, 1, 0, 64, 0, 0, 0, 0, 0,
			       1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};

void child_main(const struct rvx_user_start *s)
{
	rvx_handle_t q = {s->caps[0]};
	uint32_t me = s->task;

	rvx_user_init(s);
	rvx_user_a64_printf("RVX-CHILD task=%u started by TaskSpawn from a component, %u cap(s)",
			    s->task, s->cap_count);
	(void)rvx_sys_queue_send(q, 7, 0, 0, &me, sizeof(me));
}

void mounter_main(const struct rvx_user_start *s)
{
	rvx_handle_t task = {s->caps[0]}, q = {s->caps[1]};
	struct rvx_user_mount m;
	struct rvx_user_spawn sp;
	struct rvx_syscall_capxfer x;
	struct rvx_queue_msg_hdr hdr;
	uint32_t ids[4], child = 0, got = 0;
	uint64_t child_cap, len;
	int rc;

	rvx_user_init(s);
	rc = rvx_sys_rvf_mount(task, damaged, sizeof(damaged), NULL, 0, ids, 4, &m);
	rvx_user_a64_printf("RVX-MOUNTER damaged package: %s (%d)", rc == 0 ? "MOUNTED" : "refused",
			    rc);
	rc = rvx_sys_rvf_mount(task, rvx_payload_pkg,
			       (uint64_t)(rvx_payload_pkg_end - rvx_payload_pkg), NULL, 0, ids, 4, &m);
	rvx_user_a64_printf("RVX-MOUNTER signed package from its image: %s (%d), %u task(s)",
			    rc == 0 ? "mounted" : "FAILED", rc, rc == 0 ? m.task_count : 0);
	memset(&sp, 0, sizeof(sp));
	sp.priority = 2;
	sp.entry = (uint64_t)(uintptr_t)&damaged[0]; /* data, not text */
	memset(&x, 0, sizeof(x));
	x.handle = q.raw;
	x.rights = RVX_RIGHT_WRITE;
	rc = rvx_sys_task_spawn(task, &sp, &x, 1, &child_cap, &child);
	rvx_user_a64_printf("RVX-MOUNTER spawn at a data address: %s (%d)",
			    rc == 0 ? "STARTED" : "refused", rc);
	sp.entry = (uint64_t)(uintptr_t)&child_main;
	rc = rvx_sys_task_spawn(task, &sp, &x, 1, &child_cap, &child);
	if (rc == 0)
		rc = rvx_sys_queue_recv(q, &got, sizeof(got), &hdr, &len, 1000000000u);
	rvx_user_a64_printf("RVX-MOUNTER spawn at child_main: child %u %s (%d)", child,
			    rc == 0 && got == child ? "ran" : "FAILED", rc);
}
