/* SPDX-License-Identifier: Apache-2.0 */
/* rvsh against a kernel with known state: each of the sixteen commands,
 * what the two that change something witness, and hostile lines (overlong,
 * binary, unknown, bad numbers) that get one error line and change nothing. */
#include <stdio.h>

#include "../nucleus/nk_fixture.h"
#include "ruvix/nucleus_query.h"
#include "ruvix/sha256.h"
#include "ruvix/shell.h"

TestSuite(shell, .init = nk_setup);

static char outbuf[65536];
static size_t outlen;
static struct rvx_shell sh;
static char line[64];
static uint32_t shell_task;
static uint32_t reboots;

static void capture(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	cr_assert(outlen + n < sizeof(outbuf));
	memcpy(outbuf + outlen, s, n);
	outlen += n;
	outbuf[outlen] = '\0';
}

static void clear(void)
{
	outlen = 0;
	outbuf[0] = '\0';
}

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return NK_NOW + UINT64_C(2500000000);
}

static int fake_cpu(void *ctx, uint32_t cpu, struct rvx_shell_cpu *o)
{
	(void)ctx;
	if (cpu >= 1)
		return -RVX_ENOENT;
	o->online = 1;
	o->current = RVX_CAP_NIL;
	o->dispatches = 42;
	o->kicks = 7;
	return 0;
}

static int fake_irq(void *ctx, uint32_t i, struct rvx_shell_irq *o)
{
	(void)ctx;
	if (i >= 2)
		return -RVX_ENOENT;
	o->name = i == 0 ? "timer" : "uart";
	o->intid = i == 0 ? 26 : 33;
	o->count = i == 0 ? 1000 : 12;
	return 0;
}

static int fake_counter(void *ctx, uint32_t i, struct rvx_shell_counter *o)
{
	(void)ctx;
	if (i >= 1)
		return -RVX_ENOENT;
	o->name = "port.ticks";
	o->value = 31337;
	return 0;
}

static int fake_reboot(void *ctx)
{
	(void)ctx;
	reboots++;
	return 0;
}

static const struct rvx_shell_port port = {
	.board = "test-board",
	.cpu_model = "test-cpu",
	.ram_bytes = 256u << 20,
	.boot_ns = NK_NOW,
	.now_ns = fake_now,
	.cpu = fake_cpu,
	.irq = fake_irq,
	.counter = fake_counter,
	.reboot = fake_reboot,
};

/* The shell's task holds a read capability to the fixture's queue. */
static void shell_up(const struct rvx_shell_port *p)
{
	struct rvx_syscall_capxfer x[2] = {{nk_queue.raw, RVX_RIGHT_READ, 0},
					   {nk_root.clock.raw, RVX_RIGHT_READ, 0}};
	uint64_t h[2];

	shell_task = nk_spawn(x, 2, h);
	cr_assert_eq(rvx_shell_init(&sh, &W.k, shell_task, line, sizeof(line), capture, NULL, p, 0),
		     0);
	clear();
	reboots = 0;
}

static int run(const char *cmd)
{
	clear();
	return rvx_shell_exec(&sh, cmd, strlen(cmd));
}

/* A command that only reads: it succeeds and the kernel is unchanged. */
static void run_read(const char *cmd)
{
	int ret;

	nk_snap();
	ret = run(cmd);
	cr_assert_eq(ret, 0, "`%s` returned %d:\n%s", cmd, ret, outbuf);
	cr_assert(nk_unchanged(), "`%s` changed the kernel", cmd);
	cr_assert(strstr(outbuf, "rvsh:") == NULL, "`%s` printed an error:\n%s", cmd, outbuf);
}

/* A refused line: one error line, its code, nothing changed. */
static void run_bad(const char *cmd, int err, const char *says)
{
	int ret;

	nk_snap();
	ret = run(cmd);
	cr_assert_eq(ret, err, "`%s` returned %d, expected %d:\n%s", cmd, ret, err, outbuf);
	cr_assert(nk_unchanged(), "`%s` changed the kernel", cmd);
	cr_assert(strncmp(outbuf, "rvsh: ", 6) == 0, "`%s` printed:\n%s", cmd, outbuf);
	cr_assert(strchr(outbuf, '\n') == outbuf + outlen - 1, "more than one line:\n%s", outbuf);
	if (says != NULL)
		cr_assert(strstr(outbuf, says) != NULL, "`%s` printed:\n%s", cmd, outbuf);
}

static uint16_t last_kind(void)
{
	return nk_last_kind();
}

Test(shell, init_refuses_bad_arguments)
{
	struct rvx_shell s2;
	char small[8];

	cr_assert_eq(rvx_shell_init(NULL, &W.k, 0, line, sizeof(line), capture, NULL, NULL, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_shell_init(&s2, NULL, 0, line, sizeof(line), capture, NULL, NULL, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_shell_init(&s2, &W.k, 0, small, sizeof(small), capture, NULL, NULL, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_shell_init(&s2, &W.k, 0, line, sizeof(line), NULL, NULL, NULL, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_shell_init(&s2, &W.k, 5, line, sizeof(line), capture, NULL, NULL, 0),
		     -RVX_EINVAL, "task 5 does not exist");
	cr_assert_eq(rvx_shell_init(&s2, &W.k, 0, line, sizeof(line), capture, NULL, NULL, 2),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_shell_init(&s2, &W.k, 0, line, sizeof(line), capture, NULL, NULL, 1), 0);
}

Test(shell, help_lists_sixteen_commands)
{
	static const char *const names[] = {"help",    "info",   "mem",	  "tasks",
					    "caps",    "queues", "vectors", "graphs",
					    "proofs",  "irq",    "cpu",	  "witness",
					    "trace",   "perf",   "panic",   "reboot"};
	uint32_t lines = 0;

	shell_up(&port);
	run_read("help");
	for (size_t i = 0; i < outlen; i++)
		lines += outbuf[i] == '\n';
	cr_assert_eq(lines, 16);
	for (size_t i = 0; i < 16; i++) {
		char want[16];

		snprintf(want, sizeof(want), "%s ", names[i]);
		cr_assert(strstr(outbuf, want) != NULL, "help lacks %s", names[i]);
	}
}

Test(shell, info_reports_board_cpu_ram_and_uptime)
{
	struct rvx_kernel_stats st;
	char want[96];

	shell_up(&port);
	run_read("info");
	cr_assert(strstr(outbuf, "RuVix 0.1.0 on test-board\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "cpu: test-cpu x1\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "ram: 262144 KiB\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "up 2.500 s") != NULL, "%s", outbuf);
	cr_assert_eq(rvx_kernel_stats(&W.k, &st), 0);
	snprintf(want, sizeof(want), "kernel: %u tasks, %u objects, %llu witness records\n",
		 st.tasks, st.objects, (unsigned long long)st.witness_records);
	cr_assert(strstr(outbuf, want) != NULL, "%s\nwanted %s", outbuf, want);
}

Test(shell, mem_reports_pools_and_regions)
{
	struct rvx_kernel_mem_info m;
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);
	char want[128];

	shell_up(&port);
	/* A 256-byte immutable region (RegionMap from the root). */
	a.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	a.arg[1] = 256;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	cr_assert_eq(rvx_kernel_mem_info(&W.k, &m), 0);
	cr_assert_eq(m.regions[RVX_REGION_POLICY_IMMUTABLE], 1);
	cr_assert_eq(m.region_bytes[RVX_REGION_POLICY_IMMUTABLE], 256);
	cr_assert_eq(m.queue_pool.size, sizeof(W.queue_pool));
	cr_assert(m.queue_pool.used > 0, "the fixture's queue is in the pool");
	cr_assert_eq(m.kernel_bytes, sizeof(struct rvx_kernel));
	run_read("mem");
	snprintf(want, sizeof(want), "kernel tables: %zu bytes\n", sizeof(struct rvx_kernel));
	cr_assert(strstr(outbuf, want) != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "immutable 1 (256 bytes)") != NULL, "%s", outbuf);
	snprintf(want, sizeof(want), "%10llu of %10llu bytes used", (unsigned long long)m.queue_pool.used,
		 (unsigned long long)m.queue_pool.size);
	cr_assert(strstr(outbuf, want) != NULL, "%s\nwanted %s", outbuf, want);
	cr_assert_eq(rvx_kernel_mem_info(NULL, &m), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_mem_info(&W.k, NULL), -RVX_EINVAL);
}

Test(shell, tasks_lists_each_live_task)
{
	char want[96];

	shell_up(&port);
	run_read("tasks");
	cr_assert(strncmp(outbuf, "id   name", 9) == 0, "%s", outbuf);
	/* The root holds its task and clock capabilities and the fixture's
	 * four objects; the shell holds two. */
	cr_assert(strstr(outbuf, "\n0    -            ready       6    0   0\n") != NULL, "%s",
		  outbuf);
	snprintf(want, sizeof(want), "\n%-4u rvsh         ready       2    0   0 (this shell)\n",
		 shell_task);
	cr_assert(strstr(outbuf, want) != NULL, "%s\nwanted %s", outbuf, want);
}

Test(shell, caps_shows_a_tasks_table)
{
	char cmd[32];

	shell_up(&port);
	snprintf(cmd, sizeof(cmd), "caps %u", shell_task);
	run_read(cmd);
	cr_assert(strstr(outbuf, "capabilities\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, ": 2 capabilities") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "queue      ") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "timer      ") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "r------     1") != NULL, "read only, depth 1:\n%s", outbuf);
	run_read("caps 0x0");
	cr_assert(strstr(outbuf, "task 0: 6 capabilities") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "rwgRxpo     0") != NULL, "all rights, a root:\n%s", outbuf);
	run_bad("caps", -RVX_EINVAL, "usage: caps TASK");
	run_bad("caps 1 2", -RVX_EINVAL, "usage");
	run_bad("caps x1", -RVX_EINVAL, "task number");
	run_bad("caps -1", -RVX_EINVAL, "task number");
	run_bad("caps 99999999999999999999999", -RVX_EINVAL, "task number");
	run_bad("caps 64", -RVX_EINVAL, "task number");
	run_bad("caps 9", -RVX_ENOENT, "no such task");
}

Test(shell, queues_show_depth_and_traffic)
{
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	struct rvx_queue_msg_hdr hdr;
	uint8_t payload[5] = "hello";

	shell_up(&port);
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(payload);
	a.in = (uint64_t)(uintptr_t)payload;
	a.in_len = sizeof(payload);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	run_read("queues");
	cr_assert(strstr(outbuf, "1/4") != NULL, "depth 1 of 4:\n%s", outbuf);
	cr_assert(strstr(outbuf, "          1            5          0            0       0\n") !=
			  NULL,
		  "one message of 5 bytes sent:\n%s", outbuf);
}

Test(shell, vectors_graphs_and_proofs_follow_proved_mutations)
{
	const float v[NK_DIM] = {1, 2, 3, 4};
	struct rvx_proof_token tok;
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);
	struct rvx_kernel_proof_counts c;

	shell_up(&port);
	run_read("proofs");
	cr_assert(strstr(outbuf, "reflex             0          0\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "no rejections\n") != NULL, "%s", outbuf);
	a.arg[0] = 9;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 9, v, RVX_VEC_COHERENCE_ONE, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	/* The same token again: a replayed nonce, rejected. */
	cr_assert_eq(nk_call(0, RVX_SYS_VECTOR_PUT_PROVED, &a), -RVX_EPROOF);
	cr_assert_eq(rvx_kernel_proof_counts(&W.k, &c), 0);
	cr_assert_eq(c.accepted[RVX_PROOF_TIER_REFLEX], 1);
	cr_assert_eq(c.rejected[RVX_PROOF_TIER_REFLEX], 1);
	cr_assert_eq(c.reasons[RVX_PROOF_REJECT_NONCE_REPLAY], 1);
	run_read("proofs");
	cr_assert(strstr(outbuf, "reflex             1          1\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "rejected nonce-replay  1\n") != NULL, "%s", outbuf);
	run_read("vectors");
	cr_assert(strstr(outbuf, "   4        1       16 l2      reflex") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "embedder") != NULL, "%s", outbuf);
	run_read("graphs");
	cr_assert(strstr(outbuf, "       0       16        0       32 reflex   embedder\n") != NULL,
		  "%s", outbuf);
}

Test(shell, proof_counts_are_not_state)
{
	static uint8_t ck[1 << 20];
	const float v[NK_DIM] = {1, 2, 3, 4};
	struct rvx_proof_token tok;
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);
	uint8_t h1[32], h2[32];
	size_t n;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, h1), 0);
	a.arg[0] = 9;
	a.arg[1] = RVX_VEC_COHERENCE_ONE;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 9, v, RVX_VEC_COHERENCE_ONE, 0);
	cr_assert_eq(nk_call(0, RVX_SYS_VECTOR_PUT_PROVED, &a), -RVX_EPROOF);
	/* The rejection record moved the log on; the count itself is not in
	 * the checkpoint: restore the first one and the state hash matches. */
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, h2), 0);
	cr_assert_eq(memcmp(h1, h2, 32), 0);
}

Test(shell, irq_cpu_perf_use_the_port)
{
	shell_up(&port);
	run_read("irq");
	cr_assert(strstr(outbuf, "26     timer              1000\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "33     uart                 12\n") != NULL, "%s", outbuf);
	run_read("cpu");
	/* The root and the shell are READY on CPU 0. */
	cr_assert(strstr(outbuf, "0   yes     idle             2       0           42        7\n") !=
			  NULL,
		  "%s", outbuf);
	run_read("perf");
	cr_assert(strstr(outbuf, "port.ticks               31337\n") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "shell.lines              3\n") != NULL, "%s", outbuf);
}

Test(shell, without_port_hooks_commands_say_so)
{
	shell_up(NULL);
	run_bad("irq", -RVX_ENOTSUP, "no interrupt counts");
	run_bad("reboot", -RVX_ENOTSUP, "cannot reboot");
	run_read("cpu");
	cr_assert(strstr(outbuf, "0   yes     idle") != NULL, "%s", outbuf);
	run_read("info");
	cr_assert(strstr(outbuf, "unknown board") != NULL, "%s", outbuf);
}

Test(shell, witness_tail_decodes_the_newest_records)
{
	char want[64];
	uint32_t lines = 0;

	shell_up(&port);
	run_read("witness tail 3");
	for (size_t i = 0; i < outlen; i++)
		lines += outbuf[i] == '\n';
	cr_assert_eq(lines, 4, "a header and three records:\n%s", outbuf);
	/* The newest record is the shell task's spawn. */
	snprintf(want, sizeof(want), "%6llu ", (unsigned long long)(nk_records() - 1u));
	cr_assert(strstr(outbuf, want) != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, "task_spawn") != NULL, "%s", outbuf);
	run_read("witness tail 4096");
	run_bad("witness tail 0", -RVX_EINVAL, "usage");
	run_bad("witness tail", -RVX_EINVAL, "usage");
	run_bad("witness tail abc", -RVX_EINVAL, "usage");
	run_bad("witness tail 4097", -RVX_EINVAL, "usage");
	run_bad("witness tail 18446744073709551616", -RVX_EINVAL, "usage");
	run_bad("witness", -RVX_EINVAL, "usage");
	run_bad("witness verify now", -RVX_EINVAL, "usage");
}

Test(shell, witness_verify_checks_the_chain_against_the_head)
{
	char want[64];

	shell_up(&port);
	run_read("witness verify");
	snprintf(want, sizeof(want), "witness: %llu records verified from the origin",
		 (unsigned long long)nk_records());
	cr_assert(strstr(outbuf, want) != NULL, "%s", outbuf);
	/* One bit of an early record flipped in the ring: found. */
	W.k.ring.base[2 * 64 + 20] ^= 1u;
	nk_snap();
	cr_assert_eq(run("witness verify"), -RVX_EBADSIG);
	cr_assert(nk_unchanged());
	cr_assert(strstr(outbuf, "rvsh: witness verify: FAILED at record 2") != NULL, "%s", outbuf);
}

/* A port whose sink holds the records from `anchor_skip` on (the older
 * ones gave way, kept on a disk) and says the chain point before them. */
static uint64_t anchor_skip;
static uint8_t anchor_flip;

static int held_from_skip(void *ctx, const uint8_t **records, uint64_t *first, uint64_t *count)
{
	const uint8_t *all;
	uint64_t n;

	(void)ctx;
	if (rvx_kernel_witness_span(&W.k, &all, &n) != 0 || n < anchor_skip)
		return -RVX_ENOENT;
	*records = all + anchor_skip * RVX_WITNESS_RECORD_SIZE;
	*first = anchor_skip;
	*count = n - anchor_skip;
	return 0;
}

static int no_write(void *ctx, const uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	(void)ctx;
	(void)rec;
	return 0;
}

static int anchor_at_skip(void *ctx, struct rvx_witness_anchor *out)
{
	struct rvx_witness_sink sink = {no_write, NULL};
	struct rvx_witness_log origin;
	const uint8_t *all;
	uint64_t n;

	(void)ctx;
	if (rvx_kernel_witness_span(&W.k, &all, &n) != 0 || n < anchor_skip ||
	    rvx_witness_log_init(&origin, &sink) != 0)
		return -RVX_ENOENT;
	rvx_witness_anchor(&origin, out);
	rvx_sha256_blocks(out->state, all, (size_t)anchor_skip);
	out->sequence = anchor_skip;
	out->state[0] ^= anchor_flip;
	return 0;
}

Test(shell, witness_verify_from_the_ports_anchor)
{
	struct rvx_shell_port p = port, bare = port;
	char want[96];

	p.witness = held_from_skip;
	p.witness_anchor = anchor_at_skip;
	bare.witness = held_from_skip;
	anchor_skip = 5;
	anchor_flip = 0;
	shell_up(&p);
	run_read("witness verify");
	snprintf(want, sizeof(want), "witness: %llu records verified from the anchor at sequence 5",
		 (unsigned long long)(nk_records() - 5u));
	cr_assert(strstr(outbuf, want) != NULL, "%s", outbuf);
	/* An anchor that is not the chain's: the first record does not fit. */
	anchor_flip = 1;
	nk_snap();
	cr_assert_eq(run("witness verify"), -RVX_EBADSIG);
	cr_assert(nk_unchanged());
	cr_assert(strstr(outbuf, "rvsh: witness verify: FAILED at record 0") != NULL, "%s", outbuf);
	/* No anchor from the port: not verified. */
	anchor_flip = 0;
	sh.port = &bare;
	run_bad("witness verify", -RVX_ENOTSUP, "whole log");
}

Test(shell, witness_verify_refuses_a_ring_that_dropped_records)
{
	struct rvx_syscall_args a = nk_args(nk_root.task.raw);

	shell_up(&port);
	/* The fixture's ring holds 512 records: grant and revoke until it wraps. */
	while (nk_records() < 600) {
		a = nk_args(nk_queue.raw);
		a.arg[0] = shell_task;
		a.arg[1] = RVX_RIGHT_READ;
		NK_OK(0, RVX_SYS_CAP_GRANT, a);
		a = nk_args(nk_queue.raw);
		a.flags = RVX_SYSCALL_F_REVOKE;
		NK_OK(0, RVX_SYS_CAP_GRANT, a);
	}
	run_bad("witness verify", -RVX_ENOTSUP, "overwritten");
	run_read("witness tail 2");
	cr_assert(strstr(outbuf, "cap_revoke") != NULL, "%s", outbuf);
}

Test(shell, trace_switch_is_witnessed_and_traces_syscalls)
{
	uint64_t before;
	uint32_t on;
	int rc;
	struct rvx_syscall_args a = nk_args(nk_queue.raw);

	shell_up(&port);
	run_read("trace");
	cr_assert(strstr(outbuf, "trace: off, 0 calls traced\n") != NULL, "%s", outbuf);
	before = nk_records();
	cr_assert_eq(run("trace on"), 0, "%s", outbuf);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(last_kind(), RVX_SHELL_WITNESS_TRACE);
	cr_assert_eq(rvx_kernel_trace_state(&W.k, &on, NULL), 0);
	cr_assert_eq(on, 1);
	/* A failing QueueRecv (empty queue) is traced with its error. */
	rc = nk_call(shell_task, RVX_SYS_QUEUE_RECV, &a);
	cr_assert(rc < 0);
	run_read("trace");
	cr_assert(strstr(outbuf, "trace: on, 1 calls traced\n") != NULL, "%s", outbuf);
	{
		char want[64];

		snprintf(want, sizeof(want), "task %-3u syscall 4  -> %d\n", shell_task, rc);
		cr_assert(strstr(outbuf, want) != NULL, "%s\nwanted %s", outbuf, want);
	}
	cr_assert_eq(run("trace off"), 0);
	cr_assert_eq(last_kind(), RVX_SHELL_WITNESS_TRACE);
	cr_assert_eq(nk_records(), before + 2);
	run_bad("trace maybe", -RVX_EINVAL, "usage");
	run_bad("trace on off", -RVX_EINVAL, "usage");
	cr_assert_eq(rvx_kernel_trace_set(&W.k, 2), -RVX_EINVAL);
}

Test(shell, trace_read_order_and_errors)
{
	struct rvx_kernel_trace_entry e;
	struct rvx_syscall_args a = nk_args(nk_root.clock.raw);

	cr_assert_eq(rvx_kernel_trace_read(&W.k, 0, &e), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_trace_set(&W.k, 1), 0);
	for (uint32_t i = 0; i < RVX_KERNEL_TRACE_ENTRIES + 3u; i++) {
		a.arg[0] = i; /* a TimerWait in the past: returns at once */
		(void)nk_call(0, RVX_SYS_TIMER_WAIT, &a);
	}
	cr_assert_eq(rvx_kernel_trace_read(&W.k, 0, &e), 0);
	cr_assert_eq(e.nr, RVX_SYS_TIMER_WAIT);
	cr_assert_eq(rvx_kernel_trace_read(&W.k, RVX_KERNEL_TRACE_ENTRIES - 1u, &e), 0);
	cr_assert_eq(rvx_kernel_trace_read(&W.k, RVX_KERNEL_TRACE_ENTRIES, &e), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_trace_read(&W.k, 0, NULL), -RVX_EINVAL);
}

Test(shell, panic_lists_contained_faults)
{
	uint8_t args[4] = {1, 2, 3, 4};

	shell_up(&port);
	run_read("panic");
	cr_assert(strstr(outbuf, "no panics or contained faults since boot\n") != NULL, "%s", outbuf);
	cr_assert_eq(rvx_kernel_port_record(&W.k, RVX_WITNESS_FAULT, 3, 0x55, args, sizeof(args)),
		     0);
	run_read("panic");
	cr_assert(strstr(outbuf, "fault") != NULL, "%s", outbuf);
	cr_assert(strstr(outbuf, " 55\n") != NULL, "%s", outbuf);
}

Test(shell, reboot_is_witnessed_before_the_port_acts)
{
	uint64_t before;

	shell_up(&port);
	before = nk_records();
	cr_assert_eq(run("reboot"), RVX_SHELL_STOP, "%s", outbuf);
	cr_assert_eq(reboots, 1);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(last_kind(), RVX_SHELL_WITNESS_REBOOT);
}

Test(shell, hostile_lines_get_one_error_and_change_nothing)
{
	static const char bin[] = {'t', 'a', 's', 'k', 's', (char)0xff};
	static const char nul[] = {'h', 'e', 'l', 'p', '\0'};
	int ret;

	shell_up(&port);
	run_bad("frobnicate", -RVX_ENOENT, "frobnicate: unknown command");
	run_bad("TASKS", -RVX_ENOENT, "unknown command");
	run_bad("a b c d e f g h i", -RVX_EINVAL, "too many words");
	nk_snap();
	clear();
	ret = rvx_shell_exec(&sh, bin, sizeof(bin));
	cr_assert_eq(ret, -RVX_EINVAL);
	cr_assert(strstr(outbuf, "not text") != NULL, "%s", outbuf);
	clear();
	ret = rvx_shell_exec(&sh, nul, sizeof(nul));
	cr_assert_eq(ret, -RVX_EINVAL);
	cr_assert(nk_unchanged());
	cr_assert_eq(rvx_shell_exec(&sh, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(run("   "), 0);
	cr_assert_eq(outlen, 0);
}

Test(shell, line_editing_bounds_and_controls)
{
	char big[300];
	int ret;

	shell_up(&port);
	/* Overlong: refused whole at its end, the next line works. */
	memset(big, 'x', sizeof(big));
	nk_snap();
	clear();
	cr_assert_eq(rvx_shell_input(&sh, big, sizeof(big)), 0);
	cr_assert_eq(outlen, 0, "nothing runs before the line ends");
	cr_assert_eq(rvx_shell_input(&sh, "\n", 1), 0);
	cr_assert(strstr(outbuf, "rvsh: input: line too long; dropped\nrvsh> ") == outbuf, "%s",
		  outbuf);
	cr_assert(nk_unchanged());
	/* Backspace and DEL edit; CR LF ends one line, not two. */
	clear();
	{
		static const char typed[] = "tasks\x7f\x7f\x7f\x7f\x7fhelp\b\bl" "p\r\n";

		ret = rvx_shell_input(&sh, typed, sizeof(typed) - 1u);
	}
	cr_assert_eq(ret, 0);
	cr_assert(strstr(outbuf, "help     this list\n") != NULL, "%s", outbuf);
	cr_assert_eq(strstr(outbuf, "rvsh> "), outbuf + outlen - 6, "one prompt:\n%s", outbuf);
	/* Ctrl-U clears, Ctrl-C abandons. */
	clear();
	cr_assert_eq(rvx_shell_input(&sh, "reboot\x15" "help\x03\n", 13), 0);
	cr_assert(strstr(outbuf, "rvsh> rvsh> rvsh> ") == outbuf, "%s", outbuf);
	cr_assert_eq(reboots, 0);
	cr_assert(strstr(outbuf, "this list") == NULL, "%s", outbuf);
	/* Binary bytes in a typed line: refused at its end. */
	clear();
	cr_assert_eq(rvx_shell_input(&sh, "he\x01lp\n", 6), 0);
	cr_assert(strstr(outbuf, "rvsh: input: the line holds a byte that is not text\n") == outbuf,
		  "%s", outbuf);
	/* A line exactly as long as the buffer holds (63 bytes) still runs. */
	{
		char fit[64];

		memset(fit, ' ', 63);
		memcpy(fit, "help", 4);
		fit[63] = '\n';
		clear();
		cr_assert_eq(rvx_shell_input(&sh, fit, 64), 0);
		cr_assert(strstr(outbuf, "this list") != NULL, "%s", outbuf);
	}
	/* Input that asks for a reboot stops the feeding. */
	clear();
	cr_assert_eq(rvx_shell_input(&sh, "reboot\nhelp\n", 12), RVX_SHELL_STOP);
	cr_assert(strstr(outbuf, "this list") == NULL, "%s", outbuf);
	cr_assert_eq(rvx_shell_input(NULL, "x", 1), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_input(&sh, NULL, 1), -RVX_EINVAL);
}

Test(shell, echo_mirrors_typing)
{
	struct rvx_shell e;

	shell_up(&port);
	cr_assert_eq(rvx_shell_init(&e, &W.k, shell_task, line, sizeof(line), capture, NULL, &port,
				    1),
		     0);
	clear();
	cr_assert_eq(rvx_shell_input(&e, "hx\x7f" "elp\r", 7), 0);
	cr_assert(strncmp(outbuf, "hx\b \belp\nhelp ", 14) == 0, "%s", outbuf);
}

Test(shell, numbers_parse_whole)
{
	uint64_t v;

	cr_assert_eq(rvx_shell_parse_u64("42", 2, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(rvx_shell_parse_u64("0x2A", 4, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(rvx_shell_parse_u64("18446744073709551615", 20, UINT64_MAX, &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(rvx_shell_parse_u64("18446744073709551616", 20, UINT64_MAX, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_parse_u64("101", 3, 100, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_parse_u64("0x", 2, 100, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_parse_u64("", 0, 100, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_parse_u64("4 2", 3, 100, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_shell_parse_u64("+4", 2, 100, &v), -RVX_EINVAL);
}

Test(shell, store_and_queue_queries_refuse_bad_indices)
{
	struct rvx_kernel_queue_info q;
	struct rvx_kernel_vstore_info v;
	struct rvx_kernel_gstore_info g;
	const uint8_t *recs;
	uint64_t first, count;
	uint8_t rec[64];

	cr_assert_eq(rvx_kernel_queue_info(&W.k, 0, &q), 0);
	cr_assert_eq(rvx_kernel_queue_info(&W.k, 1, &q), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_queue_info(&W.k, RVX_KERNEL_QUEUES, &q), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_vstore_info(&W.k, 1, &v), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_vstore_info(&W.k, RVX_KERNEL_VECTOR_STORES, &v), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_gstore_info(&W.k, 1, &g), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_gstore_info(&W.k, RVX_KERNEL_GRAPH_STORES, &g), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_witness_held(&W.k, &first, &count), 0);
	cr_assert_eq(first, 0);
	cr_assert_eq(count, nk_records());
	cr_assert_eq(rvx_kernel_witness_read(&W.k, count, rec), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_witness_read(&W.k, count - 1u, rec), 0);
	cr_assert_eq(memcmp(rec, W.k.ring.base + (count - 1u) * 64u, 64), 0);
	cr_assert_eq(rvx_kernel_witness_span(&W.k, &recs, &count), 0);
	cr_assert_eq(recs, W.k.ring.base);
	cr_assert_eq(rvx_kernel_witness_span(&W.k, NULL, &count), -RVX_EINVAL);
}

Test(shell, witness_queries_after_a_restore_to_an_earlier_point)
{
	static uint8_t ck[1 << 20];
	const uint8_t *recs;
	uint64_t first, count;
	uint8_t rec[64];
	size_t n;

	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &n, NULL), 0);
	shell_up(&port); /* a spawn: the log and the ring move on */
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, n), 0);
	/* The ring now holds a record the restored log never had. */
	cr_assert_eq(rvx_kernel_witness_held(&W.k, &first, &count), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_witness_read(&W.k, 0, rec), -RVX_ENOENT);
	cr_assert_eq(rvx_kernel_witness_span(&W.k, &recs, &count), -RVX_ENOENT);
	run_bad("witness verify", -RVX_ENOTSUP, "overwritten");
}

/* Random typing (a fixed seed): words of the commands, digits, spaces,
 * line ends, editing keys, control and non-ASCII bytes. Nothing crashes,
 * the line stays in its buffer, and the only records written are trace
 * switches (the port has no reboot). */
Test(shell, random_typing_is_survived)
{
	static const char *const words[] = {"help", "info", "mem", "tasks", "caps", "queues",
					    "vectors", "graphs", "proofs", "irq", "cpu", "witness",
					    "tail", "verify", "trace", "on", "off", "perf", "panic",
					    "reboot", "0", "1", "7", "4096", "0x10", "-1", "99999999999"};
	static const char extra[] = {' ', ' ', '\n', '\r', '\b', 0x7f, 0x15, 0x03, 0x01, 0x1b,
				     (char)0xff, (char)0x80, '\t', 'x'};
	struct rvx_shell_port no_reboot = port;
	uint64_t state = 0x9e3779b97f4a7c15u, seq;
	char chunk[96];

	no_reboot.reboot = NULL;
	shell_up(&no_reboot);
	seq = nk_records();
	for (uint32_t round = 0; round < 3000; round++) {
		size_t n = 0;

		while (n < sizeof(chunk) - 16u) {
			uint32_t r;

			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			r = (uint32_t)(state >> 32);
			if (r % 3u == 0) {
				const char *w = words[r / 3u % RVX_ARRAY_COUNT(words)];
				size_t len = strlen(w);

				if (n + len > sizeof(chunk) - 16u)
					break;
				memcpy(chunk + n, w, len);
				n += len;
			} else {
				chunk[n++] = extra[r / 3u % sizeof(extra)];
			}
			if (r % 7u == 0)
				break;
		}
		clear();
		cr_assert_eq(rvx_shell_input(&sh, chunk, n), 0);
		cr_assert(sh.len < sizeof(line));
		while (seq < nk_records()) {
			struct rvx_witness_record rec;
			uint8_t wire[64];

			cr_assert_eq(rvx_kernel_witness_read(&W.k, seq, wire), 0);
			rvx_witness_record_decode(wire, &rec);
			cr_assert_eq(rec.kind, RVX_SHELL_WITNESS_TRACE, "record %llu of kind %u",
				     (unsigned long long)seq, rec.kind);
			seq++;
		}
	}
	cr_assert(sh.lines > 100, "the typing ran lines (%llu)", (unsigned long long)sh.lines);
}
