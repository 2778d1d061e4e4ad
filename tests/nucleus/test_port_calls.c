/* SPDX-License-Identifier: Apache-2.0 */
/* The calls a port makes instead of writing kernel fields: task hold and
 * release, task migration, region append and read for a task, capability
 * lookup and digest. Each change is witnessed, journaled and replayed; each
 * refusal changes nothing. */
#include <bearssl.h>

#include "nk_fixture.h"
#include "ruvix/endian.h"

static void two_cpus(void)
{
	nk_cpus = 2;
	nk_setup_world(&W);
	nk_cpus = 1;
}

TestSuite(nucleus_port_calls, .init = two_cpus);

static struct nk_world W2;
static uint8_t ck[1u << 20];

/* An append-only region of @p size bytes for the root; its capability. */
static rvx_handle_t append_region(uint64_t size)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	a.arg[0] = RVX_REGION_POLICY_APPEND_ONLY;
	a.arg[1] = size;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	return (rvx_handle_t){nk_res.value[0]};
}

static struct rvx_task sched_info(uint32_t task)
{
	struct rvx_task info;

	cr_assert_eq(rvx_sched_task_info(&W.k.sched, W.k.tasks[task].sched, &info), 0);
	return info;
}

#define FAILS_UNCHANGED(call, err)                                             \
	do {                                                                   \
		int r_;                                                        \
		nk_snap();                                                     \
		r_ = (call);                                                   \
		cr_assert_eq(r_, (err), "%s returned %d, expected %d", #call, r_, (int)(err)); \
		cr_assert(nk_unchanged(), "%s changed state", #call);          \
	} while (0)

Test(nucleus_port_calls, hold_and_release)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	uint64_t h, n = nk_records();
	uint32_t child = nk_spawn(&x, 1, &h);

	/* before: the child is READY */
	cr_assert_eq(sched_info(child).state, RVX_TASK_READY);
	FAILS_UNCHANGED(rvx_kernel_task_release(&W.k, child), -RVX_EBUSY);
	FAILS_UNCHANGED(rvx_kernel_task_hold(&W.k, RVX_KERNEL_TASKS), -RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_task_hold(NULL, child), -RVX_EINVAL);
	n = nk_records();
	cr_assert_eq(rvx_kernel_task_hold(&W.k, child), 0);
	/* after: blocked, one TASK_HOLD record naming it */
	cr_assert_eq(sched_info(child).state, RVX_TASK_BLOCKED);
	cr_assert_eq(nk_records(), n + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_HOLD);
	FAILS_UNCHANGED(rvx_kernel_task_hold(&W.k, child), -RVX_EBUSY);
	cr_assert_eq(rvx_kernel_task_release(&W.k, child), 0);
	cr_assert_eq(sched_info(child).state, RVX_TASK_READY);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_RELEASE);
	FAILS_UNCHANGED(rvx_kernel_task_release(&W.k, child), -RVX_EBUSY);
}

Test(nucleus_port_calls, migrate)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	uint64_t h;
	uint32_t child = nk_spawn(&x, 1, &h);
	uint32_t from = sched_info(child).cpu;

	FAILS_UNCHANGED(rvx_kernel_task_migrate(&W.k, child, 2), -RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_task_migrate(&W.k, 77, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_task_migrate(&W.k, child, 1u - from), 0);
	cr_assert_eq(sched_info(child).cpu, 1u - from);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_MIGRATE);
}

Test(nucleus_port_calls, scores_reach_the_scheduler_unwitnessed)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	struct rvx_kernel_task_info ti;
	uint64_t h, n;
	uint32_t child = nk_spawn(&x, 1, &h);

	FAILS_UNCHANGED(rvx_kernel_task_set_scores(NULL, child, 1, 1), -RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_task_set_scores(&W.k, 77, 1, 1), -RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_task_set_scores(&W.k, child, RVX_SCHED_Q16_ONE + 1u, 0),
			-RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_task_set_scores(&W.k, child, 0, RVX_SCHED_Q16_ONE + 1u),
			-RVX_EINVAL);
	n = nk_records();
	cr_assert_eq(rvx_kernel_task_set_scores(&W.k, child, 0x8000u, RVX_SCHED_Q16_ONE), 0);
	cr_assert_eq(nk_records(), n, "a scheduling input, not a record");
	cr_assert_eq(sched_info(child).cut_pressure, 0x8000u);
	cr_assert_eq(sched_info(child).risk, RVX_SCHED_Q16_ONE);
	cr_assert_eq(rvx_kernel_task_info(&W.k, child, &ti), 0);
	cr_assert_eq(ti.cut_pressure, 0x8000u, "read back through the nucleus");
	cr_assert_eq(ti.risk, RVX_SCHED_Q16_ONE);
	cr_assert_eq(ti.rel_deadline, sched_info(child).rel_deadline, "the class's deadline");
	cr_assert_neq(ti.rel_deadline, 0);
}

Test(nucleus_port_calls, region_append_and_read)
{
	rvx_handle_t reg = append_region(64);
	struct rvx_syscall_capxfer x = {reg.raw, RVX_RIGHT_READ, 0};
	uint8_t data[40], back[40], big[RVX_KERNEL_REGION_APPEND_MAX + 1];
	uint64_t off = 99, h;
	uint32_t reader;

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7u + 1u);
	memset(big, 1, sizeof(big));
	cr_assert_eq(rvx_kernel_region_append(&W.k, 0, reg, data, sizeof(data), &off), 0);
	cr_assert_eq(off, 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_REGION_APPEND);
	cr_assert_eq(rvx_kernel_region_read(&W.k, 0, reg, 0, back, sizeof(back)), 0);
	cr_assert(memcmp(back, data, sizeof(data)) == 0);
	/* refusals: full, too long, no data, a stale handle, no WRITE right */
	FAILS_UNCHANGED(rvx_kernel_region_append(&W.k, 0, reg, data, sizeof(data), NULL),
			-RVX_EREGIONFULL);
	FAILS_UNCHANGED(rvx_kernel_region_append(&W.k, 0, reg, big, sizeof(big), NULL),
			-RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_region_append(&W.k, 0, reg, NULL, 4, NULL), -RVX_EINVAL);
	FAILS_UNCHANGED(rvx_kernel_region_append(&W.k, 0, (rvx_handle_t){reg.raw + (1ull << 32)},
						 data, 4, NULL),
			-RVX_ESTALE);
	reader = nk_spawn(&x, 1, &h);
	FAILS_UNCHANGED(rvx_kernel_region_append(&W.k, reader, (rvx_handle_t){h}, data, 4, NULL),
			-RVX_ERIGHTS);
	cr_assert_eq(rvx_kernel_region_read(&W.k, reader, (rvx_handle_t){h}, 0, back, 8), 0);
	cr_assert(memcmp(back, data, 8) == 0);
	cr_assert_eq(rvx_kernel_region_read(&W.k, reader, (rvx_handle_t){h}, 60, back, 8),
		     -RVX_EINVAL);
}

Test(nucleus_port_calls, task_exit_check)
{
	uint32_t t[3], dup[2];
	size_t cap = W.k.journal.capacity, frame;

	t[0] = nk_spawn(NULL, 0, NULL);
	t[1] = nk_spawn(NULL, 0, NULL);
	t[2] = nk_spawn(NULL, 0, NULL);
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, t, 3), 0);
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, t, 0), 0);
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, NULL, 1), -RVX_EINVAL);
	dup[0] = dup[1] = t[1];
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, dup, 2), -RVX_EINVAL, "a task twice");
	dup[0] = 0;
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, dup, 2), -RVX_EPERM, "the root");
	dup[0] = RVX_KERNEL_TASKS - 1u;
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, dup, 1), -RVX_EINVAL, "not live");
	/* Room for two exits, not three: the check says so, and the two
	 * exits it allows then succeed. */
	frame = RVX_WITNESS_FRAME_SIZE(8u + RVX_KERNEL_JOURNAL_TAG_BYTES);
	W.k.journal.capacity = W.k.journal.used + 2u * frame + frame / 2u;
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, t, 3), -RVX_EFULL);
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, t, 2), 0);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, t[0], 3), 0);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, t[1], 3), 0);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, t[2], 3), -RVX_EFULL);
	W.k.journal.capacity = cap;
	cr_assert_eq(rvx_kernel_task_exit_check(&W.k, t, 1), -RVX_EINVAL, "ended");
}

Test(nucleus_port_calls, vector_digest)
{
	static const float v[2][NK_DIM] = {{1.0f, 2.0f, 3.0f, 4.0f}, {-1.5f, 0.25f, 8.0f, 0.0f}};
	static const uint64_t keys[2] = {7, 9};
	struct rvx_proof_token tok;
	struct rvx_syscall_capxfer x = {nk_vstore.raw, RVX_RIGHT_WRITE, 0};
	br_sha256_context sc;
	uint8_t want[32], got[32], empty[32];
	uint32_t found = 99, writer;
	uint64_t h;

	for (int i = 0; i < 2; i++) {
		struct rvx_syscall_args a = nk_args(nk_vstore.raw);

		a.arg[0] = keys[i];
		a.arg[1] = RVX_VEC_COHERENCE_ONE;
		a.in = (uint64_t)(uintptr_t)v[i];
		a.in_len = sizeof(v[i]);
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), keys[i], v[i],
			     RVX_VEC_COHERENCE_ONE, (uint64_t)i + 1u);
		NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	}
	/* The documented encoding, computed here: keys 5..10, two present. */
	br_sha256_init(&sc);
	for (int i = 0; i < 2; i++) {
		uint8_t b[12];

		rvx_le_put64(b, keys[i]);
		rvx_le_put32(b + 8, NK_DIM);
		br_sha256_update(&sc, b, 12);
		for (uint32_t d = 0; d < NK_DIM; d++) {
			uint32_t bits;

			memcpy(&bits, &v[i][d], 4);
			rvx_le_put32(b, bits);
			br_sha256_update(&sc, b, 4);
		}
	}
	br_sha256_out(&sc, want);
	nk_snap();
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, 0, nk_vstore, 5, 6, got, &found), 0);
	cr_assert_eq(found, 2);
	cr_assert(memcmp(got, want, 32) == 0, "the digest is the documented encoding");
	cr_assert(nk_unchanged(), "a digest changes nothing");
	/* An empty range is the digest of nothing. */
	br_sha256_init(&sc);
	br_sha256_out(&sc, empty);
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, 0, nk_vstore, 100, 4, got, &found), 0);
	cr_assert_eq(found, 0);
	cr_assert(memcmp(got, empty, 32) == 0);
	/* Refusals. */
	writer = nk_spawn(&x, 1, &h);
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, writer, (rvx_handle_t){h}, 5, 6, got, NULL),
		     -RVX_ERIGHTS, "READ is needed");
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, 0, nk_queue, 5, 6, got, NULL), -RVX_ETYPE);
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, 0, nk_vstore, UINT64_MAX, 2, got, NULL),
		     -RVX_EINVAL, "a range that wraps");
	cr_assert_eq(rvx_kernel_vector_digest(&W.k, 0, nk_vstore, 5, 6, NULL, NULL), -RVX_EINVAL);
}

Test(nucleus_port_calls, region_memory)
{
	rvx_handle_t reg = append_region(64);
	struct rvx_syscall_capxfer x = {reg.raw, RVX_RIGHT_READ, 0};
	struct rvx_kernel_region_memory m, m2;
	uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint32_t reader;
	uint64_t h;

	cr_assert_eq(rvx_kernel_region_memory(&W.k, 0, reg, &m), 0);
	cr_assert_eq(m.size, 64);
	cr_assert_eq(m.policy, RVX_REGION_POLICY_APPEND_ONLY);
	cr_assert_neq(m.base, NULL);
	cr_assert_eq(rvx_kernel_region_append(&W.k, 0, reg, data, sizeof(data), NULL), 0);
	cr_assert(memcmp(m.base, data, sizeof(data)) == 0, "base is where the bytes are");
	reader = nk_spawn(&x, 1, &h);
	cr_assert_eq(rvx_kernel_region_memory(&W.k, reader, (rvx_handle_t){h}, &m2), 0);
	cr_assert_eq(m2.base, m.base);
	cr_assert_eq(m2.rights, RVX_RIGHT_READ, "the rights of the capability asked through");
	cr_assert_eq(rvx_kernel_region_memory(&W.k, reader, nk_queue, &m2), -RVX_EBADCAP);
	cr_assert_eq(rvx_kernel_region_memory(&W.k, 0, nk_queue, &m2), -RVX_ETYPE);
	cr_assert_eq(rvx_kernel_region_memory(&W.k, 0, reg, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_region_memory(&W.k, RVX_KERNEL_TASKS, reg, &m2), -RVX_EINVAL);
}

Test(nucleus_port_calls, cap_info_and_digest)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	struct rvx_cap_info info;
	uint8_t d0[32], d1[32], d2[32];
	uint32_t tasks[1];
	uint64_t h;

	tasks[0] = nk_spawn(&x, 1, &h);
	cr_assert_eq(rvx_kernel_cap_info(&W.k, tasks[0], (rvx_handle_t){h}, &info), 0);
	cr_assert_eq(info.type, RVX_OBJ_QUEUE);
	cr_assert_eq(info.rights, RVX_RIGHT_READ);
	cr_assert_eq(rvx_kernel_caps_digest(&W.k, tasks, 1, d0), 0);
	cr_assert_eq(rvx_kernel_caps_digest(&W.k, tasks, 1, d1), 0);
	cr_assert(memcmp(d0, d1, 32) == 0, "the digest is a function of the capabilities");
	/* another capability in the table changes it */
	{
		struct rvx_syscall_args g = nk_args(nk_queue.raw);

		g.arg[0] = tasks[0];
		g.arg[1] = RVX_RIGHT_WRITE;
		NK_OK(0, RVX_SYS_CAP_GRANT, g);
	}
	cr_assert_eq(rvx_kernel_caps_digest(&W.k, tasks, 1, d2), 0);
	cr_assert(memcmp(d0, d2, 32) != 0);
	tasks[0] = RVX_KERNEL_TASKS;
	cr_assert_eq(rvx_kernel_caps_digest(&W.k, tasks, 1, d2), -RVX_EINVAL);
}

/* before: a checkpoint, then a hold, a migration, a release and an append.
 * after: a second kernel restored from the checkpoint replays them to the
 * same state hash and chain head. */
Test(nucleus_port_calls, replay_rebuilds_every_port_call)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	struct rvx_witness_head h1, h2;
	rvx_handle_t reg = append_region(64);
	uint8_t data[12] = "port append", s1[32], s2[32];
	uint64_t seq, replayed, hd;
	uint32_t child = nk_spawn(&x, 1, &hd);
	size_t n, n1, n2;
	static uint8_t ck1[1u << 20], ck2[1u << 20];

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	cr_assert_eq(rvx_kernel_task_hold(&W.k, child), 0);
	cr_assert_eq(rvx_kernel_task_migrate(&W.k, child, 1u - sched_info(child).cpu), 0);
	cr_assert_eq(rvx_kernel_task_release(&W.k, child), 0);
	cr_assert_eq(rvx_kernel_region_append(&W.k, 0, reg, data, sizeof(data), NULL), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, s1), 0);
	rvx_kernel_witness_head(&W.k, &h1);

	nk_cpus = 2;
	nk_setup_world(&W2);
	nk_cpus = 1;
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, n), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq, NULL, 0, NULL, NULL, &replayed),
		     0);
	cr_assert_eq(replayed, 4);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, s2), 0);
	cr_assert(memcmp(s1, s2, 32) == 0, "state hash differs after replay");
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
}

/* A checkpoint of a kernel holding a task restores (the held task is a
 * consistent state), and the task can be released afterwards. */
Test(nucleus_port_calls, held_task_survives_checkpoint_and_restore)
{
	struct rvx_syscall_capxfer x = {nk_queue.raw, RVX_RIGHT_READ, 0};
	uint64_t h;
	uint32_t child = nk_spawn(&x, 1, &h);
	size_t n;

	cr_assert_eq(rvx_kernel_task_hold(&W.k, child), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	cr_assert_eq(rvx_kernel_task_release(&W.k, child), 0);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	cr_assert_eq(sched_info(child).state, RVX_TASK_BLOCKED);
	cr_assert_eq(rvx_kernel_task_release(&W.k, child), 0);
	cr_assert_eq(sched_info(child).state, RVX_TASK_READY);
}
