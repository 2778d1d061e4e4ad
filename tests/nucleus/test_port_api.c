/* SPDX-License-Identifier: Apache-2.0 */
/* The embedder calls a port needs: early boot stages recorded at boot,
 * post-boot stages (journaled and replayed), and pick/put for a port's own
 * task runtime. */
#include "nk_fixture.h"

TestSuite(nucleus_port_api, .init = nk_setup);

static struct nk_world W2;
static uint8_t ck[1u << 20];

static void record_at(const struct rvx_kernel *k, uint32_t i, struct rvx_witness_record *r)
{
	rvx_witness_record_decode(rvx_witness_ring_at(&k->ring, i), r);
}

/* A fresh world booted with the given early stages; returns boot's result. */
static int boot_with(struct nk_world *w, const struct rvx_kernel_early_stage *es, uint32_t n,
		     const struct rvx_kernel_early_stage *ptr_override)
{
	static const uint8_t secret[32] = "port api test kernel secret 32b";
	struct rvx_kernel_config cfg;

	memset(w, 0, sizeof(*w));
	memset(&cfg, 0, sizeof(cfg));
	cfg.witness_ring = w->ring;
	cfg.witness_records = 512;
	cfg.journal = w->journal;
	cfg.journal_size = sizeof(w->journal);
	cfg.cpu_count = 1;
	cfg.period_ns = 1000000;
	cfg.early_stages = ptr_override != NULL ? ptr_override : es;
	cfg.early_stage_count = n;
	return rvx_kernel_boot(&w->k, &cfg, secret, sizeof(secret), NK_NOW, NULL);
}

Test(nucleus_port_api, early_stages_are_the_first_records_in_order)
{
	struct rvx_kernel_early_stage es[4];
	struct rvx_witness_record r;

	memset(es, 0, sizeof(es));
	for (uint32_t i = 0; i < 4; i++) {
		es[i].stage = RVX_KERNEL_BOOT_RESET + i;
		es[i].time_ns = 100u * (i + 1u);
	}
	es[1].has_digest = 1;
	memset(es[1].digest, 0xd7, 32);
	cr_assert_eq(boot_with(&W2, es, 4, NULL), 0);
	for (uint32_t i = 0; i < 4; i++) {
		record_at(&W2.k, i, &r);
		cr_assert_eq(r.sequence, i);
		cr_assert_eq(r.kind, RVX_WITNESS_BOOT_STAGE);
		cr_assert_eq(r.target, RVX_KERNEL_BOOT_RESET + i);
		cr_assert_eq(r.time, 100u * (i + 1u));
	}
	record_at(&W2.k, 4, &r);
	cr_assert_eq(r.kind, RVX_WITNESS_BOOT_STAGE);
	cr_assert_eq(r.target, RVX_KERNEL_BOOT_OBJECTS_READY);
	cr_assert_eq(r.time, NK_NOW);
	cr_assert_eq(W2.k.now, NK_NOW);
	/* the digest is part of the record: a different digest, a different record */
	{
		struct rvx_witness_record r2;

		record_at(&W2.k, 1, &r);
		es[1].digest[0] ^= 1;
		cr_assert_eq(boot_with(&W2, es, 4, NULL), 0);
		record_at(&W2.k, 1, &r2);
		cr_assert(memcmp(r.args_digest, r2.args_digest, sizeof(r.args_digest)) != 0);
	}
}

Test(nucleus_port_api, bad_early_stages_refuse_to_boot)
{
	struct rvx_kernel_early_stage es[5], bad[4];

	memset(es, 0, sizeof(es));
	for (uint32_t i = 0; i < 4; i++) {
		es[i].stage = RVX_KERNEL_BOOT_RESET + i;
		es[i].time_ns = 10u * i;
	}
	memcpy(bad, es, sizeof(bad));
	bad[2].stage = bad[1].stage;                  /* not increasing */
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	cr_assert_eq(W2.k.booted, 0);
	memcpy(bad, es, sizeof(bad));
	bad[3].stage = RVX_KERNEL_BOOT_OBJECTS_READY;  /* the kernel's own stage */
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	memcpy(bad, es, sizeof(bad));
	bad[0].stage = 0;                              /* not a stage */
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	memcpy(bad, es, sizeof(bad));
	bad[2].time_ns = 1;                            /* time runs backwards */
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	memcpy(bad, es, sizeof(bad));
	bad[3].time_ns = NK_NOW + 1;                   /* after the boot time */
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	memcpy(bad, es, sizeof(bad));
	bad[0].has_digest = 2;
	cr_assert_eq(boot_with(&W2, bad, 4, NULL), -RVX_EINVAL);
	es[4] = es[3];
	es[4].stage = 4;
	cr_assert_eq(boot_with(&W2, es, 5, NULL), -RVX_EINVAL); /* too many */
	cr_assert_eq(boot_with(&W2, NULL, 2, NULL), -RVX_EINVAL);
	cr_assert_eq(boot_with(&W2, es, 4, NULL), 0);
}

Test(nucleus_port_api, post_boot_stages_are_recorded_and_checked)
{
	uint8_t digest[32];
	uint64_t before = nk_records();

	memset(digest, 0x5a, sizeof(digest));
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_PACKAGE, digest), 0);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_BOOT_STAGE);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_FIRST_TASK, NULL), 0);
	cr_assert_eq(nk_records(), before + 2);
	/* before: a snapshot; after: each refused stage changed nothing */
	nk_snap();
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_OBJECTS_READY, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_RESET, digest), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_STAGE_COUNT, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_boot_stage(NULL, RVX_KERNEL_BOOT_PACKAGE, NULL), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	/* a full journal refuses the record and changes nothing */
	{
		size_t used = W.k.journal.used, cap = W.k.journal.capacity;

		W.k.journal.capacity = used + 8;
		nk_snap();
		cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_PACKAGE, digest),
			     -RVX_EFULL);
		cr_assert(nk_unchanged());
		W.k.journal.capacity = cap;
	}
}

Test(nucleus_port_api, replay_rebuilds_post_boot_stages)
{
	struct rvx_witness_head h1, h2;
	uint8_t digest[32], hash1[32], hash2[32];
	uint64_t seq, replayed;
	size_t n, n1, n2;
	static uint8_t ck1[1u << 20], ck2[1u << 20];
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	memset(digest, 0x33, sizeof(digest));
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 10), 0);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_PACKAGE, digest), 0);
	a.arg[0] = RVX_REGION_POLICY_APPEND_ONLY;
	a.arg[1] = 128;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 20), 0);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_FIRST_TASK, NULL), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck1, sizeof(ck1), &n1, hash1), 0);
	rvx_kernel_witness_head(&W.k, &h1);

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq, ck, n, NULL, NULL, &replayed), 0);
	cr_assert_eq(replayed, 3);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, hash2), 0);
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
	cr_assert(memcmp(hash1, hash2, 32) == 0, "state hash differs after replay");
}

Test(nucleus_port_api, replay_refuses_a_forged_stage_record)
{
	static uint8_t jcopy[sizeof(W.journal)];
	struct rvx_witness_journal j;
	uint8_t digest[32];
	uint64_t seq, replayed;
	size_t n, at;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	at = W.k.journal.used;
	memset(digest, 0x44, sizeof(digest));
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_PACKAGE, digest), 0);
	memcpy(jcopy, W.k.journal.base, W.k.journal.used);
	j = W.k.journal;
	j.base = jcopy;
	/* the digest argument is changed: the payload no longer matches */
	jcopy[at + 8 + RVX_WITNESS_RECORD_SIZE] ^= 1;
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &j, seq, ck, n, NULL, NULL, &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, 0);
}

Test(nucleus_port_api, pick_and_put_drive_a_ports_runtime)
{
	struct rvx_syscall_capxfer x[1] = {{nk_queue.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[1], entry = 99;
	uint32_t task = 77, child, seen[2] = {0, 0};

	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, &entry), 0);
	cr_assert_eq(task, 0);
	cr_assert_eq(entry, 0);
	/* before: task 0 runs on CPU 0; after each refusal, nothing changed */
	nk_snap();
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, NULL), -RVX_EBUSY);
	cr_assert_eq(rvx_kernel_pick(&W.k, 1, &task, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put(&W.k, 1, 0, 10, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put(&W.k, 0, 5, 10, 0), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	child = nk_spawn(x, 1, h);
	cr_assert_eq(rvx_kernel_put(&W.k, 0, child, 10, 0), -RVX_EINVAL); /* not running */
	cr_assert_eq(rvx_kernel_put(&W.k, 0, 0, 10, 1), 0);
	/* two ready tasks that yield alternate */
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, &entry), 0);
		cr_assert(task == 0 || task == child);
		cr_assert_eq(entry, task == child ? 0x1000u : 0u);
		seen[task == child]++;
		cr_assert_eq(rvx_kernel_put(&W.k, 0, task, 10, 1), 0);
	}
	cr_assert_eq(seen[0], 2);
	cr_assert_eq(seen[1], 2);
}

Test(nucleus_port_api, put_pick_refusals_change_nothing)
{
	struct rvx_syscall_capxfer x[1] = {{nk_queue.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[1], entry = 99;
	uint32_t task = 77, child;

	child = nk_spawn(x, 1, h);
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, &entry), 0);
	cr_assert_eq(task, 0);
	/* before: task 0 runs on CPU 0, child is READY; after each refusal,
	 * nothing changed */
	nk_snap();
	task = 77;
	cr_assert_eq(rvx_kernel_put_pick(NULL, 0, 0, 10, 1, &task, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, 0, 10, 1, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 1, 0, 10, 1, &task, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, RVX_KERNEL_TASKS, 10, 1, &task, NULL),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, 5, 10, 1, &task, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, child, 10, 0, &task, &entry), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	cr_assert_eq(task, 77);
	/* the root yields: the child, of the same deadline and enqueued
	 * earlier, runs, with the entry it was spawned with */
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, 0, 10, 1, &task, &entry), 0);
	cr_assert_eq(task, child);
	cr_assert_eq(entry, 0x1000u);
	/* preempted at once, the child keeps its place and the CPU */
	cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, child, 0, 0, &task, &entry), 0);
	cr_assert_eq(task, child);
}

/* One run of a random sequence of ticks and hand-backs on a world with
 * three children: through put then pick (`combined` false) or put_pick.
 * Records each next task and entry. */
static void hand_back_run(uint64_t seed, bool combined, uint32_t *next, uint64_t *entries,
			  int steps)
{
	struct rvx_syscall_capxfer x[1] = {{nk_queue.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[1], now = NK_NOW, rng = seed * 0x9e3779b97f4a7c15ull + 1;
	uint32_t task;

	nk_setup();
	for (int i = 0; i < 3; i++)
		(void)nk_spawn(x, 1, h);
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, NULL), 0);
	for (int step = 0; step < steps; step++) {
		uint64_t ran, entry = 0;
		int yield;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		if (rng % 3 == 0) {
			now += (rng >> 8) % 400000u;
			cr_assert_eq(rvx_kernel_tick(&W.k, now), 0);
		}
		ran = (rng >> 24) % 300000u;
		yield = (int)((rng >> 40) % 4u != 0);
		if (combined) {
			cr_assert_eq(rvx_kernel_put_pick(&W.k, 0, task, ran, yield, &task, &entry), 0);
		} else {
			cr_assert_eq(rvx_kernel_put(&W.k, 0, task, ran, yield), 0);
			cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, &entry), 0);
		}
		next[step] = task;
		entries[step] = entry;
	}
}

Test(nucleus_port_api, put_pick_chooses_as_put_then_pick)
{
	enum { STEPS = 400 };
	static uint32_t next_a[STEPS], next_b[STEPS];
	static uint64_t entry_a[STEPS], entry_b[STEPS];
	static uint8_t tasks_a[sizeof(struct rvx_task) * RVX_KERNEL_TASKS];
	size_t tasks_len = sizeof(struct rvx_task) * W.k.sched.task_count;
	int same = 0, other = 0;

	cr_assert_leq(tasks_len, sizeof(tasks_a));
	for (uint64_t seed = 1; seed <= 8; seed++) {
		hand_back_run(seed, false, next_a, entry_a, STEPS);
		memcpy(tasks_a, W.k.sched.tasks, tasks_len);
		hand_back_run(seed, true, next_b, entry_b, STEPS);
		for (int i = 0; i < STEPS; i++) {
			cr_assert_eq(next_a[i], next_b[i], "seed %llu step %d",
				     (unsigned long long)seed, i);
			cr_assert_eq(entry_a[i], entry_b[i]);
			if (i > 0 && next_a[i] == next_a[i - 1])
				same++;
			else if (i > 0)
				other++;
		}
		cr_assert(memcmp(tasks_a, W.k.sched.tasks, tasks_len) == 0,
			  "seed %llu: the scheduler's control blocks differ",
			  (unsigned long long)seed);
	}
	/* Both ways through the call were taken. */
	cr_assert_gt(same, 100);
	cr_assert_gt(other, 100);
}

Test(nucleus_port_api, replay_carries_epoch_summaries)
{
	struct rvx_witness_head h1, h2;
	uint8_t msg[8] = "8 bytes!", buf[16];
	struct rvx_queue_msg_hdr hdr;
	uint64_t seq, replayed;
	size_t n;
	struct rvx_syscall_args s = nk_args(nk_queue.raw), r = nk_args(nk_queue.raw);

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	s.in = (uint64_t)(uintptr_t)msg;
	s.in_len = sizeof(msg);
	r.out = (uint64_t)(uintptr_t)buf;
	r.out_len = sizeof(buf);
	r.aux = (uint64_t)(uintptr_t)&hdr;
	r.aux_len = sizeof(hdr);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 100), 0);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(rvx_kernel_boot_stage(&W.k, RVX_KERNEL_BOOT_FIRST_TASK, NULL), 0);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0); /* an empty epoch may be closed too */
	rvx_kernel_witness_head(&W.k, &h1);

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq, ck, n, NULL, NULL, &replayed), 0);
	cr_assert_eq(replayed, 3);
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
	cr_assert_eq(W2.k.log.epoch, 2);
}

Test(nucleus_port_api, port_records_are_checked_journaled_and_replayed)
{
	static uint8_t jcopy[sizeof(W.journal)];
	struct rvx_witness_journal j;
	struct rvx_witness_head h1, h2;
	uint8_t args[RVX_KERNEL_PORT_RECORD_MAX + 1];
	uint64_t seq, replayed, before;
	size_t n, at;

	memset(args, 0x21, sizeof(args));
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	before = nk_records();
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_PARTITION_CREATE, 1, 7, args, 16), 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_PARTITION_CREATE);
	at = W.k.journal.used;
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_FAULT, 2, 0x40000000u, args,
					    RVX_KERNEL_PORT_RECORD_MAX), 0);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_KIND_USER + 3u, 0, 0, NULL, 0), 0);
	cr_assert_eq(nk_records(), before + 3);
	/* before: a snapshot; after each refusal: nothing changed */
	nk_snap();
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_VECTOR_PUT, 0, 0, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_CHECKPOINT, 0, 0, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_SWITCH_SUMMARY + 1u, 0, 0, NULL, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_FAULT, 0, 0, args, sizeof(args)),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_FAULT, 0, 0, NULL, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_port_record(NULL, RVX_WITNESS_FAULT, 0, 0, NULL, 0), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	{
		size_t cap = W.k.journal.capacity;

		W.k.journal.capacity = W.k.journal.used + 8;
		nk_snap();
		cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_FAULT, 0, 0, NULL, 0),
			     -RVX_EFULL);
		cr_assert(nk_unchanged());
		W.k.journal.capacity = cap;
	}
	rvx_kernel_witness_head(&W.k, &h1);

	/* replay rebuilds them */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq, ck, n, NULL, NULL, &replayed), 0);
	cr_assert_eq(replayed, 3);
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
	/* a journal whose port record was edited is refused at that record */
	memcpy(jcopy, W.k.journal.base, W.k.journal.used);
	j = W.k.journal;
	j.base = jcopy;
	jcopy[at + 8 + RVX_WITNESS_RECORD_SIZE + 5] ^= 1;
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &j, seq, ck, n, NULL, NULL, &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, 1); /* the first record, then the edited second one refused */
	cr_assert_eq(W2.k.log.sequence, seq); /* and the kernel put back as restored */
}

Test(nucleus_port_api, task_exit_releases_everything_and_replays)
{
	struct rvx_syscall_capxfer x[1] = {{nk_queue.raw, RVX_RIGHT_READ | RVX_RIGHT_GRANT, 0}};
	struct rvx_kernel_stats st0, st1;
	struct rvx_witness_head h1, h2;
	struct rvx_queue_msg_hdr hdr;
	uint8_t buf[64];
	uint64_t hq[1], seq, replayed;
	uint32_t child, again;
	size_t n;
	struct rvx_syscall_args a;

	cr_assert_eq(rvx_kernel_stats(&W.k, &st0), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	seq = W.k.log.sequence;
	child = nk_spawn(x, 1, hq);
	/* the child blocks receiving on the empty queue, with a timeout */
	a = nk_args(hq[0]);
	a.flags = RVX_SYSCALL_F_BLOCK;
	a.arg[0] = 1000000;
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	NK_OK(child, RVX_SYS_QUEUE_RECV, a);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(W.k.queues[0].waiter, child);

	/* before: refusals change nothing */
	nk_snap();
	cr_assert_eq(rvx_kernel_task_exit(&W.k, 0, 0), -RVX_EPERM);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, child + 1u, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, RVX_KERNEL_TASKS, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_task_exit(NULL, child, 0), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	{
		size_t cap = W.k.journal.capacity;

		W.k.journal.capacity = W.k.journal.used + 8;
		nk_snap();
		cr_assert_eq(rvx_kernel_task_exit(&W.k, child, 3), -RVX_EFULL);
		cr_assert(nk_unchanged());
		W.k.journal.capacity = cap;
	}
	/* after: the exit is witnessed and releases the task's every resource */
	cr_assert_eq(rvx_kernel_task_exit(&W.k, child, 3), 0);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_TASK_EXIT);
	cr_assert_eq(W.k.queues[0].waiter, RVX_CAP_NIL);
	cr_assert_eq(rvx_cap_table_used(&W.k.caps, child), 0);
	cr_assert_eq(rvx_kernel_stats(&W.k, &st1), 0);
	cr_assert_eq(st1.tasks, st0.tasks);
	cr_assert_eq(st1.objects, st0.objects);
	cr_assert_eq(st1.blocked, 0);
	cr_assert_eq(nk_call(child, RVX_SYS_QUEUE_RECV, &a), -RVX_EINVAL); /* no such task */
	/* the timer it armed no longer wakes anything */
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 2000000), 0);
	/* its index is free for the next spawn */
	again = nk_spawn(x, 1, hq);
	cr_assert_eq(again, child);
	cr_assert_eq(rvx_kernel_task_exit(&W.k, again, 0), 0);
	rvx_kernel_witness_head(&W.k, &h1);

	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq, ck, n, NULL, NULL, &replayed), 0);
	cr_assert_eq(replayed, W.k.log.sequence - seq);
	rvx_kernel_witness_head(&W2.k, &h2);
	cr_assert(memcmp(&h1, &h2, sizeof(h1)) == 0, "chain head differs after replay");
	cr_assert_eq(W2.k.tasks[child].live, 0);
}

Test(nucleus_port_api, spawn_priority_orders_the_scheduler)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);
	uint32_t low, high, task;

	/* root runs first and steps aside for the children */
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, NULL), 0);
	cr_assert_eq(task, 0);
	a.arg[0] = 0x2000;
	a.arg[1] = 256; /* above the range: refused, nothing changed */
	NK_FAIL(0, RVX_SYS_TASK_SPAWN, a, -RVX_EINVAL);
	a.arg[1] = 200; /* spawned first, less urgent */
	NK_OK(0, RVX_SYS_TASK_SPAWN, a);
	low = (uint32_t)nk_res.value[0];
	a.arg[1] = 0;   /* spawned second, most urgent */
	NK_OK(0, RVX_SYS_TASK_SPAWN, a);
	high = (uint32_t)nk_res.value[0];
	cr_assert_eq(rvx_kernel_put(&W.k, 0, 0, 0, 1), 0); /* the root's next job is later */
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, NULL), 0);
	cr_assert_eq(task, high, "picked %u, expected the urgent task %u", task, high);
	cr_assert_eq(rvx_kernel_put(&W.k, 0, task, 0, 0), 0);
	cr_assert_eq(rvx_kernel_pick(&W.k, 0, &task, NULL), 0);
	cr_assert_eq(task, high); /* still first: a put keeps its job */
	cr_assert_neq(low, high);
}
