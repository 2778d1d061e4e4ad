/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Witness log figures, all on one thread of one CPU, in one address space
 * and at user level (hosted): the library calls are plain function calls;
 * the Linux reference (write + fsync of one 64-byte record to a file in
 * /tmp) crosses into the kernel and to the storage device. The bare
 * SHA-256 compression is the floor a chained append can reach: BearSSL's
 * portable code and lib/sha256's compression on the CPU's SHA instructions
 * (SHA-NI here) are timed side by side, in alternating runs, and the
 * witness append once on each; the rows after those run on the automatic
 * choice.
 */
#include "bench_util.h" /* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <stdalign.h>
#include <unistd.h>

#include "bearssl_hash.h"
#include "ruvix/cap.h"
#include "ruvix/hosted_witness.h"
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "ruvix/sha256.h"
#include "ruvix/witness.h"
#include "ruvix/witness_ckpt.h"

#define RUNS 7
#define APPENDS 200000u

static uint8_t records[APPENDS * 64u];
static uint8_t jbuf[APPENDS * (RVX_WITNESS_FRAME_OVERHEAD + 32u)];

/* A sink that stores into a flat array (index by sequence). */
static int array_write(void *ctx, const uint8_t rec[64])
{
	uint64_t *n = ctx;

	memcpy(records + (*n % APPENDS) * 64u, rec, 64);
	(*n)++;
	return 0;
}

/* Realistic state: 64 tasks x 64 slots, 1024 objects, 1 MiB region,
 * a 256-slot queue with 256-byte payloads. */
#define TASKS 64u
#define SPT 64u
#define OBJS 1024u
#define REG (1u << 20)
#define QSLOTS 256u
#define QPAY 256u
struct state {
	struct rvx_cap_space cs;
	struct rvx_cap_slot slots[TASKS * SPT];
	struct rvx_cap_table tables[TASKS];
	struct rvx_cap_object objects[OBJS];
	struct rvx_region reg;
	alignas(16) uint8_t regmem[REG];
	struct rvx_queue q;
	alignas(64) uint8_t qmem[RVX_QUEUE_STORAGE_SIZE(QSLOTS, QPAY)];
	struct rvx_witness_log log;
	struct rvx_ckpt_item items[4];
};

static void state_init(struct state *s, int fill)
{
	static uint64_t sink_n;
	struct rvx_witness_sink sink = {array_write, &sink_n};
	static uint8_t chunk[4096];
	rvx_handle_t o, c;

	BENCH_REQUIRE(rvx_cap_space_init(&s->cs, s->slots, TASKS * SPT, s->tables, TASKS, SPT,
					 s->objects, OBJS) == 0, "cap init");
	BENCH_REQUIRE(rvx_region_init_append(&s->reg, s->regmem, REG) == 0, "region init");
	BENCH_REQUIRE(rvx_queue_init(&s->q, s->qmem, sizeof(s->qmem), QSLOTS, QPAY) == 0, "queue");
	BENCH_REQUIRE(rvx_witness_log_init(&s->log, &sink) == 0, "log init");
	s->items[0] = (struct rvx_ckpt_item){&rvx_ckpt_witness_ops, &s->log};
	s->items[1] = (struct rvx_ckpt_item){&rvx_cap_ckpt_ops, &s->cs};
	s->items[2] = (struct rvx_ckpt_item){&rvx_region_ckpt_ops, &s->reg};
	s->items[3] = (struct rvx_ckpt_item){&rvx_queue_ckpt_ops, &s->q};
	if (!fill)
		return;
	for (uint32_t t = 0; t < TASKS; t++) {
		BENCH_REQUIRE(rvx_cap_object_create(&s->cs, RVX_OBJ_QUEUE, t, &o) == 0, "object");
		for (uint32_t i = 0; i < SPT / 2; i++)
			BENCH_REQUIRE(rvx_cap_mint(&s->cs, t, o, RVX_RIGHTS_ALL, i, &c) == 0, "mint");
	}
	for (uint32_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)(i * 7u);
	for (uint32_t i = 0; i < REG / 2 / sizeof(chunk); i++)
		BENCH_REQUIRE(rvx_region_append(&s->reg, chunk, sizeof(chunk), NULL) == 0, "append");
	for (uint32_t i = 0; i < QSLOTS / 2; i++) {
		struct rvx_queue_msg_hdr h;

		memset(&h, 0, sizeof(h));
		h.length = 200;
		BENCH_REQUIRE(rvx_queue_send(&s->q, &h, chunk) == 0, "send");
	}
}

static const char *impl_name(enum rvx_sha256_impl impl)
{
	return impl == RVX_SHA256_IMPL_X86_SHANI ? "SHA-NI"
	       : impl == RVX_SHA256_IMPL_A64_SHA2 ? "ARMv8 SHA2"
						    : "BearSSL portable";
}

/* ns per block of rvx_sha256_blocks(), one block per call as the log
 * calls it; the final chaining value goes to @p st. */
static double time_blocks(enum rvx_sha256_impl impl, uint8_t st[32])
{
	uint8_t blk[64] = {1};
	uint64_t t0;

	BENCH_REQUIRE(rvx_sha256_select(impl) == 0, "select %d", (int)impl);
	memset(st, 0, 32);
	t0 = bench_now_ns();
	for (uint32_t i = 0; i < APPENDS; i++) {
		blk[0] = (uint8_t)i;
		rvx_sha256_blocks(st, blk, 1);
	}
	return (double)(bench_now_ns() - t0) / APPENDS;
}

/* ns per witness append with a precomputed digest (one compression); the
 * head goes to @p head. */
static double time_append(enum rvx_sha256_impl impl, struct rvx_witness_event *ev,
			  const uint8_t *digest, struct rvx_witness_head *head)
{
	struct rvx_witness_log log;
	uint64_t n = 0, t0;
	struct rvx_witness_sink sink = {array_write, &n};

	BENCH_REQUIRE(rvx_sha256_select(impl) == 0, "select %d", (int)impl);
	BENCH_REQUIRE(rvx_witness_log_init(&log, &sink) == 0, "init");
	t0 = bench_now_ns();
	for (uint32_t i = 0; i < APPENDS; i++) {
		ev->time = i;
		int rc = rvx_witness_append_digest(&log, ev, digest, NULL);
		BENCH_REQUIRE(rc == 0, "append %d", rc);
	}
	double ns = (double)(bench_now_ns() - t0) / APPENDS;
	BENCH_REQUIRE(log.sequence == APPENDS, "count");
	rvx_witness_head(&log, head);
	return ns;
}

int main(void)
{
	double step, rd, v[RUNS];
	static uint8_t digest[16];
	struct rvx_witness_event ev = {.kind = RVX_WITNESS_VECTOR_PUT, .actor = 3, .target = 42};
	static struct state s1, s2;
	static uint8_t ckpt[4u << 20];
	size_t ck_len = 0;

	bench_pin(0);
	bench_timer_floor(&step, &rd);
	printf("timer floor: step %.0f ns, read %.1f ns\n", step, rd);
	printf("%-52s %12s\n", "what (one thread, one CPU, user level)", "median");

	/* bare BearSSL block: resume/update 64/state, as the log did */
	for (int r = 0; r < RUNS; r++) {
		br_sha256_context c;
		uint8_t st[32] = {0}, blk[64] = {1};
		uint64_t t0 = bench_now_ns();

		br_sha256_init(&c);
		for (uint32_t i = 0; i < APPENDS; i++) {
			blk[0] = (uint8_t)i;
			br_sha256_update(&c, blk, 64);
		}
		(void)br_sha256_state(&c, st);
		v[r] = (double)(bench_now_ns() - t0) / APPENDS;
		bench_keep(st[0]);
	}
	printf("%-52s %9.1f ns\n", "br_sha256_update, one 64-byte block (reference)", bench_median(v, RUNS));

	/* the compression and the append, BearSSL portable against the CPU's
	 * SHA instructions, alternating run by run; both must give the same
	 * chaining values and chain heads */
	{
		enum rvx_sha256_impl hw = rvx_sha256_impl();
		bool have_hw = hw != RVX_SHA256_IMPL_PORTABLE;
		double bp[RUNS], bh[RUNS], ap[RUNS], ah[RUNS];
		uint8_t sp[32], sh[32];
		struct rvx_witness_head hp, hh;

		for (int r = 0; r < RUNS; r++) {
			bp[r] = time_blocks(RVX_SHA256_IMPL_PORTABLE, sp);
			ap[r] = time_append(RVX_SHA256_IMPL_PORTABLE, &ev, digest, &hp);
			if (have_hw) {
				bh[r] = time_blocks(hw, sh);
				ah[r] = time_append(hw, &ev, digest, &hh);
				BENCH_REQUIRE(memcmp(sp, sh, 32) == 0, "compressions differ");
				BENCH_REQUIRE(memcmp(hp.head, hh.head, 32) == 0, "chain heads differ");
			}
		}
		BENCH_REQUIRE(rvx_sha256_select(RVX_SHA256_IMPL_AUTO) == 0, "select auto");
		printf("%-52s %9.1f ns\n", "SHA-256 compression, BearSSL portable (rvx_sha256)",
		       bench_median(bp, RUNS));
		if (have_hw)
			printf("%-52s %9.1f ns  (%.1fx)\n", "SHA-256 compression, CPU SHA instructions",
			       bench_median(bh, RUNS), bench_median(bp, RUNS) / bench_median(bh, RUNS));
		else
			printf("%-52s %12s\n", "SHA-256 compression, CPU SHA instructions", "not on this CPU");
		printf("%-52s %9.1f ns\n", "witness append (digest given), BearSSL portable",
		       bench_median(ap, RUNS));
		if (have_hw)
			printf("%-52s %9.1f ns  (goal <= 100)\n", "witness append (digest given), SHA instructions",
			       bench_median(ah, RUNS));
		printf("rows below: SHA-256 on %s\n", impl_name(rvx_sha256_impl()));
	}

	/* witness append hashing 32 bytes of arguments */
	for (int r = 0; r < RUNS; r++) {
		struct rvx_witness_log log;
		uint64_t n = 0, t0;
		struct rvx_witness_sink sink = {array_write, &n};
		uint8_t args[32] = {5};

		BENCH_REQUIRE(rvx_witness_log_init(&log, &sink) == 0, "init");
		t0 = bench_now_ns();
		for (uint32_t i = 0; i < APPENDS; i++) {
			args[0] = (uint8_t)i;
			int rc = rvx_witness_append(&log, &ev, args, sizeof(args), NULL);
			BENCH_REQUIRE(rc == 0, "append %d", rc);
		}
		v[r] = (double)(bench_now_ns() - t0) / APPENDS;
	}
	printf("%-52s %9.1f ns\n", "witness append + args digest (32 B args)", bench_median(v, RUNS));

	/* commit = record + journal frame (32 B args) */
	for (int r = 0; r < RUNS; r++) {
		struct rvx_witness_log log;
		struct rvx_witness_journal j;
		uint64_t n = 0, t0;
		struct rvx_witness_sink sink = {array_write, &n};
		uint8_t args[32] = {5};

		BENCH_REQUIRE(rvx_witness_log_init(&log, &sink) == 0, "init");
		BENCH_REQUIRE(rvx_witness_journal_init(&j, jbuf, sizeof(jbuf)) == 0, "journal");
		t0 = bench_now_ns();
		for (uint32_t i = 0; i < APPENDS; i++) {
			args[0] = (uint8_t)i;
			int rc = rvx_witness_commit(&log, &j, &ev, args, sizeof(args), NULL);
			BENCH_REQUIRE(rc == 0, "commit %d", rc);
		}
		v[r] = (double)(bench_now_ns() - t0) / APPENDS;
	}
	printf("%-52s %9.1f ns\n", "witness commit: record + journal frame (32 B args)", bench_median(v, RUNS));

	/* traffic note */
	for (int r = 0; r < RUNS; r++) {
		struct rvx_witness_log log;
		uint64_t n = 0, t0;
		struct rvx_witness_sink sink = {array_write, &n};

		BENCH_REQUIRE(rvx_witness_log_init(&log, &sink) == 0, "init");
		t0 = bench_now_ns();
		for (uint32_t i = 0; i < APPENDS; i++)
			rvx_witness_note_traffic(&log, RVX_WITNESS_QUEUE_SEND, 1, i, 64);
		v[r] = (double)(bench_now_ns() - t0) / APPENDS;
		BENCH_REQUIRE(log.epoch_events == APPENDS, "events");
	}
	printf("%-52s %9.1f ns\n", "traffic note into the epoch hash", bench_median(v, RUNS));

	/* chain verification per record (the log built by the commit run) */
	{
		struct rvx_witness_log log;
		uint64_t n = 0;
		struct rvx_witness_sink sink = {array_write, &n};
		struct rvx_witness_head h;

		BENCH_REQUIRE(rvx_witness_log_init(&log, &sink) == 0, "init");
		for (uint32_t i = 0; i < APPENDS; i++)
			BENCH_REQUIRE(rvx_witness_append_digest(&log, &ev, digest, NULL) == 0, "a");
		rvx_witness_head(&log, &h);
		for (int r = 0; r < RUNS; r++) {
			struct rvx_witness_report rep;
			uint64_t t0 = bench_now_ns();
			int rc = rvx_witness_verify(records, APPENDS, NULL, NULL, &h, &rep);

			v[r] = (double)(bench_now_ns() - t0) / APPENDS;
			BENCH_REQUIRE(rc == 0 && rep.checked == APPENDS, "verify %d", rc);
		}
		printf("%-52s %9.1f ns\n", "verify, per record (chain + trusted head)", bench_median(v, RUNS));
	}

	/* checkpoint write and restore */
	state_init(&s1, 1);
	state_init(&s2, 0);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		int rc = rvx_ckpt_write(s1.items, 4, ckpt, sizeof(ckpt), &ck_len);

		v[r] = (double)(bench_now_ns() - t0);
		BENCH_REQUIRE(rc == 0, "ckpt write %d", rc);
	}
	double tw = bench_median(v, RUNS);
	for (int r = 0; r < RUNS; r++) {
		enum rvx_ckpt_reason why;
		uint64_t t0 = bench_now_ns();
		int rc = rvx_ckpt_restore(ckpt, ck_len, s2.items, 4, &why);

		v[r] = (double)(bench_now_ns() - t0);
		BENCH_REQUIRE(rc == 0, "restore %d reason %d", rc, why);
	}
	double tr = bench_median(v, RUNS);
	printf("%-52s %9.1f MB/s (%zu B in %.0f us)\n", "checkpoint write (4 sections + SHA-256)",
	       ck_len / tw * 1e3, ck_len, tw / 1e3);
	printf("%-52s %9.1f MB/s (%.0f us)\n", "checkpoint restore (validate all, then load)",
	       ck_len / tr * 1e3, tr / 1e3);

	/* the hosted port's journal file: one frame (32 B args) per append,
	 * without and with fdatasync */
	for (int sync = 0; sync < 2; sync++) {
		const uint32_t n = sync ? 200u : 20000u;
		uint8_t args[32] = {5};

		for (int r = 0; r < RUNS; r++) {
			char path[] = "/tmp/bench-hwfile-XXXXXX";
			int fd = mkstemp(path);
			struct rvx_hwfile f;
			uint64_t t0;

			BENCH_REQUIRE(fd >= 0, "mkstemp");
			close(fd);
			BENCH_REQUIRE(rvx_hwfile_open(&f, path, 0, NULL) == 0, "hwfile open");
			BENCH_REQUIRE(rvx_hwfile_set_sync(&f, sync ? RVX_HWFILE_SYNC_ALWAYS
								   : RVX_HWFILE_SYNC_NEVER, 0) == 0,
				      "sync policy");
			t0 = bench_now_ns();
			for (uint32_t i = 0; i < n; i++) {
				int rc = rvx_hwfile_append(&f, records + (size_t)i * 64u, args,
							   sizeof(args));
				BENCH_REQUIRE(rc == 0, "hwfile append %d", rc);
			}
			v[r] = (double)(bench_now_ns() - t0) / n;
			BENCH_REQUIRE(rvx_hwfile_close(&f) == 0, "hwfile close");
			unlink(path);
		}
		printf("%-52s %9.1f ns\n",
		       sync ? "file journal append (write+fdatasync), /tmp"
			    : "file journal append (write, no fsync), /tmp",
		       bench_median(v, RUNS));
	}

	/* Linux: write + fsync of one 64-byte record */
	{
		char path[] = "/tmp/bench-witness-XXXXXX";
		int fd = mkstemp(path);
		const int n = 200;

		BENCH_REQUIRE(fd >= 0, "mkstemp");
		for (int r = 0; r < RUNS; r++) {
			uint64_t t0 = bench_now_ns();

			for (int i = 0; i < n; i++) {
				BENCH_REQUIRE(write(fd, records, 64) == 64, "write");
				BENCH_REQUIRE(fsync(fd) == 0, "fsync");
			}
			v[r] = (double)(bench_now_ns() - t0) / n;
		}
		close(fd);
		unlink(path);
		printf("%-52s %9.1f ns  (Linux, crosses into the kernel + device)\n",
		       "write+fsync of a 64-byte record, /tmp", bench_median(v, RUNS));
	}
	return 0;
}
