/* SPDX-License-Identifier: Apache-2.0 */
/* CapGrant: narrowing, no amplification, revocation that takes effect at once. */
#include "nk_fixture.h"

TestSuite(nucleus_caps, .init = nk_setup);

Test(nucleus_caps, grant_narrows_and_is_witnessed)
{
	uint32_t child = nk_spawn(NULL, 0, NULL);
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	uint64_t before = nk_records();
	struct rvx_cap_info info;
	rvx_handle_t h;

	a.arg[0] = child;
	a.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_GRANT_ONCE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	h.raw = nk_res.value[0];
	cr_assert_eq(rvx_cap_lookup(&W.k.caps, child, h, &info), 0);
	cr_assert_eq(info.rights, RVX_RIGHT_READ | RVX_RIGHT_GRANT_ONCE);
	cr_assert_eq(info.depth, 1);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_CAP_GRANT);
}

Test(nucleus_caps, amplification_impossible)
{
	uint32_t child = nk_spawn(NULL, 0, NULL);
	uint32_t grandchild = nk_spawn(NULL, 0, NULL);
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	rvx_handle_t h;

	a.arg[0] = child;
	a.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	h.raw = nk_res.value[0];
	/* The child tries to hand itself or another task more than it holds. */
	a = nk_args(h.raw);
	a.arg[0] = grandchild;
	a.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE;
	NK_FAIL(child, RVX_SYS_CAP_GRANT, a, -RVX_ERIGHTS);
	a.arg[0] = child;
	a.arg[1] = RVX_RIGHTS_ALL;
	NK_FAIL(child, RVX_SYS_CAP_GRANT, a, -RVX_ERIGHTS);
	/* A READ-only copy cannot be granted further at all. */
	a.arg[0] = grandchild;
	a.arg[1] = RVX_RIGHT_READ;
	NK_OK(child, RVX_SYS_CAP_GRANT, a);
	h.raw = nk_res.value[0];
	a = nk_args(h.raw);
	a.arg[0] = child;
	a.arg[1] = RVX_RIGHT_READ;
	NK_FAIL(grandchild, RVX_SYS_CAP_GRANT, a, -RVX_ECANTGRANT);
	/* Spawning with a copy wider than the source is refused too. */
	{
		struct rvx_syscall_capxfer x = {h.raw, RVX_RIGHT_READ | RVX_RIGHT_WRITE, 0};
		uint64_t out;
		struct rvx_syscall_args s = nk_args(nk_root.task.raw);

		s.in = (uint64_t)(uintptr_t)&x;
		s.in_len = sizeof(x);
		s.out = (uint64_t)(uintptr_t)&out;
		s.out_len = 8;
		x.handle = nk_queue.raw;
		x.rights = 0x7f;
		NK_OK(0, RVX_SYS_TASK_SPAWN, s); /* root holds all: fine */
		/* the grandchild has no task capability: it cannot spawn at all
		 * (slot 0 of its table holds the queue copy) */
		NK_FAIL(grandchild, RVX_SYS_TASK_SPAWN, s, -RVX_ETYPE);
	}
}

Test(nucleus_caps, grant_errors)
{
	struct rvx_syscall_args a = nk_args(nk_queue.raw);

	a.arg[0] = 5; /* no such task */
	a.arg[1] = RVX_RIGHT_READ;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a.arg[0] = 0;
	a.arg[1] = 0x80;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a.arg[1] = RVX_RIGHT_READ;
	a.flags = 0x100;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EINVAL);
	a.flags = 0;
	a.cap = rvx_handle_make(13, 1).raw;
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EBADCAP);
	/* fill the root's table, then a grant into it has no room */
	a.cap = nk_queue.raw;
	while (rvx_cap_table_used(&W.k.caps, 0) < (int)RVX_KERNEL_SLOTS)
		NK_OK(0, RVX_SYS_CAP_GRANT, a);
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_ELIMIT);
}

Test(nucleus_caps, delegation_depth_limited)
{
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	uint32_t d;

	a.arg[1] = RVX_RIGHTS_ALL;
	for (d = 1; d <= RVX_CONFIG_CAP_MAX_DEPTH; d++) {
		NK_OK(0, RVX_SYS_CAP_GRANT, a);
		a.cap = nk_res.value[0];
	}
	NK_FAIL(0, RVX_SYS_CAP_GRANT, a, -RVX_EDEPTH);
}

Test(nucleus_caps, revoke_takes_effect_at_once)
{
	uint32_t child = nk_spawn(NULL, 0, NULL);
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	struct rvx_syscall_args s;
	uint8_t msg[8] = "revoked";
	uint64_t before;
	rvx_handle_t h;

	a.arg[0] = child;
	a.arg[1] = RVX_RIGHT_WRITE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	h.raw = nk_res.value[0];
	s = nk_args(h.raw);
	s.in = (uint64_t)(uintptr_t)msg;
	s.in_len = sizeof(msg);
	NK_OK(child, RVX_SYS_QUEUE_SEND, s);
	/* the child cannot revoke (no REVOKE right) */
	a = nk_args(h.raw);
	a.flags = RVX_SYSCALL_F_REVOKE;
	NK_FAIL(child, RVX_SYS_CAP_GRANT, a, -RVX_ERIGHTS);
	/* the root revokes the subtree of its queue capability */
	before = nk_records();
	a = nk_args(nk_queue.raw);
	a.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	cr_assert_eq(nk_res.value[0], 1);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_CAP_REVOKE);
	NK_FAIL(child, RVX_SYS_QUEUE_SEND, s, -RVX_ESTALE);
	/* the root's own capability still works */
	s.cap = nk_queue.raw;
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
}

/* before: two children of the root hold a queue copy each; both end.
 * after: TaskSpawn with arg[5] puts a new task at the requested index (not
 * the lowest free one), where every handle the ended task held is stale. */
Test(nucleus_caps, spawn_into_requested_index)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	uint64_t h1 = 0, h2 = 0, hn = 0, buf[8];
	struct rvx_queue_msg_hdr hdr;
	uint32_t c1 = nk_spawn(&x, 1, &h1);
	uint32_t c2 = nk_spawn(&x, 1, &h2);
	struct rvx_syscall_args s = nk_args(nk_root.task.raw);
	struct rvx_syscall_args r;

	cr_assert_lt(c1, c2);
	s.arg[0] = 0x1000;
	s.in = (uint64_t)(uintptr_t)&x;
	s.in_len = sizeof(x);
	s.out = (uint64_t)(uintptr_t)&hn;
	s.out_len = 8;
	/* A live index, the root's, or one out of range: refused, nothing changes. */
	s.arg[5] = c2 + 1u;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, s, -RVX_EBUSY);
	s.arg[5] = 1;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, s, -RVX_EBUSY);
	s.arg[5] = RVX_KERNEL_TASKS + 1u;
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, s, -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, c1, 0), 0);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, c2, 0), 0);
	/* c1 is the lowest free index; ask for c2. */
	s.arg[5] = c2 + 1u;
	NK_OK(0, RVX_SYS_TASK_SPAWN, s);
	cr_assert_eq(nk_res.value[0], c2);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_SPAWN);
	cr_assert_neq(hn, h2, "the new task's handle aliases the ended task's");
	/* The ended task's handle is stale in the new task's table... */
	r = nk_args(h2);
	r.out = (uint64_t)(uintptr_t)buf;
	r.out_len = sizeof(buf);
	r.aux = (uint64_t)(uintptr_t)&hdr;
	r.aux_len = sizeof(hdr);
	NK_FAIL(c2, RVX_SYS_QUEUE_RECV, r, -RVX_ESTALE);
	/* ...and its own handle works (the queue is empty). */
	r.cap = hn;
	NK_FAIL(c2, RVX_SYS_QUEUE_RECV, r, -RVX_EEMPTY);
}
