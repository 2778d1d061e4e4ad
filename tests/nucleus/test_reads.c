/* SPDX-License-Identifier: Apache-2.0 */
/* VectorGet and TimerWait change no kept state but are witness-logged all
 * the same: counted per vector store and on the clock, and folded into the
 * epoch's EPOCH_SUMMARY as VECTOR_GET and TIMER_WAIT descriptors. A failed
 * call counts nothing; the counts are not state (a checkpoint holds none);
 * replay of a log whose summaries cover reads verifies and reproduces the
 * state and the head. */
#include "nk_fixture.h"

TestSuite(nucleus_reads, .init = nk_setup);

static struct nk_world W2;
static uint8_t ck_mid[1u << 20], ck_end[1u << 20], ck2[1u << 20];
static struct rvx_proof_token tok;
static uint64_t nonce = 1;

static const float v1[NK_DIM] = {1, 0, 0, 0}, v2[NK_DIM] = {0, 5, 0, 0};

static void put(uint64_t key, const float *v)
{
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);

	a.arg[0] = key;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = NK_DIM * sizeof(float);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), key, v, 0, nonce++);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
}

/* A lookup of @p key into @p out (NK_DIM floats). */
static struct rvx_syscall_args lookup_args(uint64_t key, float *out)
{
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);

	a.arg[0] = key;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = NK_DIM * sizeof(float);
	return a;
}

/* A k-NN query for @p q with @p k hits into @p hits. */
static struct rvx_syscall_args query_args(const float *q, uint64_t k, struct rvx_vec_hit *hits)
{
	struct rvx_syscall_args a = nk_args(nk_vstore.raw);

	a.flags = RVX_SYSCALL_F_QUERY;
	a.in = (uint64_t)(uintptr_t)q;
	a.in_len = NK_DIM * sizeof(float);
	a.arg[0] = k;
	a.arg[1] = 16;
	a.out = (uint64_t)(uintptr_t)hits;
	a.out_len = k * sizeof(struct rvx_vec_hit);
	return a;
}

/* A TimerWait for a deadline already past: done at once. */
static struct rvx_syscall_args past_wait_args(void)
{
	struct rvx_syscall_args a = nk_args(nk_root.clock.raw);

	a.arg[0] = NK_NOW - 1;
	return a;
}

/* Two lookups, one query (2 hits) and one wait, all succeeding: the store
 * returned 2 vectors and 2 hits. */
static void reads(void)
{
	float out[NK_DIM];
	struct rvx_vec_hit hits[2];
	struct rvx_syscall_args a;

	a = lookup_args(1, out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	a = lookup_args(2, out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	a = query_args(v2, 2, hits);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert_eq(nk_res.value[0], 2);
	a = past_wait_args();
	NK_OK(0, RVX_SYS_TIMER_WAIT, a);
}

#define READ_BYTES (2u * NK_DIM * sizeof(float) + 2u * sizeof(struct rvx_vec_hit))

/* The summary payload of an epoch with these descriptors, in the kernel's
 * order: the store's reads, then the clock's waits (either may be 0: none). */
static void expected_summary(uint64_t epoch, uint32_t gets, uint32_t get_bytes, uint32_t waits,
			     uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE])
{
	static uint8_t ring_mem[4 * 64];
	struct rvx_witness_ring ring;
	struct rvx_witness_sink sink;
	struct rvx_witness_log log;

	cr_assert_eq(rvx_witness_ring_init(&ring, ring_mem, 4, true), 0);
	sink = rvx_witness_ring_sink(&ring);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	rvx_witness_epoch_begin(&log, epoch);
	if (gets != 0)
		rvx_witness_note_traffic(&log, RVX_WITNESS_VECTOR_GET, gets,
					 nk_target(0, nk_vstore), get_bytes);
	if (waits != 0)
		rvx_witness_note_traffic(&log, RVX_WITNESS_TIMER_WAIT, waits,
					 nk_target(0, nk_root.clock), 0);
	cr_assert_eq(rvx_witness_epoch_close(&log, NULL, 0, want), 0);
}

/* The last journal entry of @p w is the summary @p want (then its tag), and
 * the last record is its EPOCH_SUMMARY with @p descriptors events. */
static void summary_is(const struct nk_world *w, const uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE],
		       uint64_t descriptors)
{
	struct rvx_witness_entry e, last;
	struct rvx_witness_record rec;
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];
	size_t cursor = 0;

	memset(&last, 0, sizeof(last));
	while (rvx_witness_journal_next(&w->k.journal, &cursor, &e) == 0)
		last = e;
	cr_assert_eq(last.record.kind, RVX_WITNESS_EPOCH_SUMMARY);
	cr_assert_eq(last.args_len, RVX_WITNESS_EPOCH_PAYLOAD_SIZE + RVX_KERNEL_JOURNAL_TAG_BYTES);
	cr_assert(memcmp(last.args, want, RVX_WITNESS_EPOCH_PAYLOAD_SIZE) == 0, "summary differs");
	rvx_witness_args_digest(last.args, last.args_len, digest);
	cr_assert(memcmp(digest, last.record.args_digest, sizeof(digest)) == 0);
	rvx_witness_record_decode(rvx_witness_ring_at(&w->k.ring, w->k.ring.count - 1u), &rec);
	cr_assert_eq(rec.kind, RVX_WITNESS_EPOCH_SUMMARY);
	cr_assert_eq(rec.target, descriptors);
}

Test(nucleus_reads, an_epoch_of_reads_and_waits_closes_with_their_summary)
{
	uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
	uint64_t before;

	put(1, v1);
	put(2, v2);
	before = nk_records();
	reads();
	/* no record per read or wait: counted for the epoch */
	cr_assert_eq(nk_records(), before);
	cr_assert_eq(W.k.reads.gets[0].calls, 3);
	cr_assert_eq(W.k.reads.gets[0].bytes, READ_BYTES);
	cr_assert_eq(W.k.reads.waits, 1);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(nk_records(), before + 1);
	expected_summary(0, 3, READ_BYTES, 1, want);
	summary_is(&W, want, 2);
	/* the counts start again from zero */
	cr_assert_eq(W.k.reads.gets[0].calls, 0);
	cr_assert_eq(W.k.reads.gets[0].bytes, 0);
	cr_assert_eq(W.k.reads.waits, 0);
	/* an epoch of waits alone: one descriptor, the clock's */
	{
		struct rvx_syscall_args a = past_wait_args();

		NK_OK(0, RVX_SYS_TIMER_WAIT, a);
		NK_OK(0, RVX_SYS_TIMER_WAIT, a);
	}
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	expected_summary(1, 0, 0, 2, want);
	summary_is(&W, want, 1);
}

Test(nucleus_reads, tick_closes_an_epoch_that_only_read)
{
	float out[NK_DIM];
	struct rvx_syscall_args a = lookup_args(1, out);
	uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
	uint64_t before;

	put(1, v1);
	W.k.epoch_ns = 1000;
	before = nk_records();
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5000), 0); /* nothing: no record */
	cr_assert_eq(nk_records(), before);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5999), 0); /* epoch not over */
	cr_assert_eq(nk_records(), before);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 6000), 0);
	cr_assert_eq(nk_records(), before + 1);
	expected_summary(0, 1, NK_DIM * sizeof(float), 0, want);
	summary_is(&W, want, 1);
	/* and one that only waited */
	a = past_wait_args();
	NK_OK(0, RVX_SYS_TIMER_WAIT, a);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 7000), 0);
	cr_assert_eq(nk_records(), before + 2);
	expected_summary(1, 0, 0, 1, want);
	summary_is(&W, want, 1);
}

Test(nucleus_reads, failed_reads_and_waits_count_nothing)
{
	float out[NK_DIM];
	struct rvx_vec_hit hits[2];
	struct rvx_syscall_args a;
	struct rvx_syscall_capxfer x = {nk_vstore.raw, RVX_RIGHT_WRITE, 0};
	uint64_t h, before;
	uint32_t child;

	put(1, v1);
	child = nk_spawn(&x, 1, &h);
	W.k.epoch_ns = 1000;
	before = nk_records();
	/* each failure leaves every byte as it was, the counts included */
	a = lookup_args(9, out);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_ENOENT);
	a = lookup_args(1, out);
	a.out_len = 4;
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EBUFSMALL);
	a = lookup_args(1, out);
	a.flags = 0x1000;
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EINVAL);
	a = lookup_args(1, out);
	a.cap = h; /* WRITE only */
	NK_FAIL(child, RVX_SYS_VECTOR_GET, a, -RVX_ERIGHTS);
	a = query_args(v1, RVX_KERNEL_KNN_MAX + 1u, hits);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EINVAL);
	a = query_args(v1, 2, hits);
	a.out_len = sizeof(hits[0]);
	NK_FAIL(0, RVX_SYS_VECTOR_GET, a, -RVX_EBUFSMALL);
	a = past_wait_args();
	a.cap = nk_queue.raw;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_ETYPE);
	a = past_wait_args();
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = UINT64_MAX;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);
	a = past_wait_args();
	a.cap = h; /* a capability of another type */
	NK_FAIL(child, RVX_SYS_TIMER_WAIT, a, -RVX_ETYPE);
	/* an epoch whose only reads and waits failed leaves no record */
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5000), 0);
	cr_assert_eq(nk_records(), before);
	/* a blocking wait counts once, when issued; a task already waiting
	 * cannot wait again, and that failure is not counted */
	a = past_wait_args();
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = 100;
	NK_OK(0, RVX_SYS_TIMER_WAIT, a);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(W.k.reads.waits, 1);
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EBUSY);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5100), 1); /* woken: not counted again */
	cr_assert_eq(W.k.reads.waits, 1);
	cr_assert_eq(W.k.reads.gets[0].calls, 0);
	cr_assert_eq(nk_records(), before);
}

/* The checkpoint image's offset of kernel field @p f (header and section
 * header come before the kernel's bytes, as in test_ckpt_forge.c). */
#define IMG 48u
#define KOFF(f) (IMG + offsetof(struct rvx_kernel, f))

/* A copy of @p ck (@p n bytes) with the u64 at @p off set to @p v, resealed
 * (trailer and MAC), refused by the restore into W2, which stays as it was. */
static void forged_refused(const uint8_t *ck, size_t n, size_t off, uint64_t v)
{
	static struct nk_world before;

	memcpy(ck2, ck, n);
	memcpy(ck2 + off, &v, sizeof(v));
	nk_ckpt_reseal(ck2, n, true);
	memcpy(&before, &W2, sizeof(W2));
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck2, n), -RVX_EINVAL);
	cr_assert(memcmp(&before, &W2, sizeof(W2)) == 0, "a refused restore changed the kernel");
}

Test(nucleus_reads, counts_are_not_state_a_checkpoint_holds_none)
{
	uint8_t h0[32], h1[32];
	size_t n0, n;

	put(1, v1);
	put(2, v2);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_end, sizeof(ck_end), &n0, h0), 0);
	reads();
	/* before: reads counted in the open epoch */
	cr_assert_eq(W.k.reads.gets[0].calls, 3);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_mid, sizeof(ck_mid), &n, h1), 0);
	/* after: the same bytes and state hash as before the reads, and the
	 * counts still there for the kernel's own next close */
	cr_assert_eq(n, n0);
	cr_assert(memcmp(h0, h1, 32) == 0, "a read changed the state hash");
	cr_assert(memcmp(ck_mid, ck_end, n) == 0);
	cr_assert_eq(W.k.reads.gets[0].calls, 3);
	cr_assert_eq(W.k.reads.waits, 1);
	/* a restored kernel starts them at zero, its own reads dropped with
	 * the rest of the state it had */
	nk_setup_world(&W2);
	{
		struct rvx_syscall_args a = past_wait_args();

		cr_assert_eq(rvx_syscall(&W2.k, 0, RVX_SYS_TIMER_WAIT, &a, &nk_res), 0);
		cr_assert_eq(W2.k.reads.waits, 1);
	}
	/* a checkpoint holding counts (forged, resealed) is refused */
	forged_refused(ck_mid, n, KOFF(reads.gets[0].calls), 3);
	forged_refused(ck_mid, n, KOFF(reads.gets[0].bytes), 16);
	forged_refused(ck_mid, n, KOFF(reads.gets[1].calls), 1); /* a store not in use */
	forged_refused(ck_mid, n, KOFF(reads.waits), 1);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_mid, n), 0);
	cr_assert_eq(W2.k.reads.gets[0].calls, 0);
	cr_assert_eq(W2.k.reads.gets[0].bytes, 0);
	cr_assert_eq(W2.k.reads.waits, 0);
}

Test(nucleus_reads, replay_of_summaries_with_reads_reproduces_state_and_head)
{
	const float v3[NK_DIM] = {0, 0, 3, 0};
	struct rvx_witness_head head1, head2;
	struct rvx_witness_report rep;
	uint8_t h_end[32], h2[32];
	size_t n_mid, n_end, n2;
	uint64_t seq_mid, replayed;

	/* the original run: reads in the epoch open at the checkpoint, more
	 * after it, a close; a put and reads in a second epoch, a close */
	put(1, v1);
	put(2, v2);
	reads();
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_mid, sizeof(ck_mid), &n_mid, NULL), 0);
	seq_mid = W.k.log.sequence;
	reads();
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 1000), 0);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	put(3, v3);
	reads();
	reads();
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 2000), 0);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck_end, sizeof(ck_end), &n_end, h_end), 0);
	rvx_kernel_witness_head(&W.k, &head1);
	/* the original log verifies against its journal and head */
	cr_assert_eq(W.k.ring.count, head1.count);
	cr_assert_eq(rvx_witness_verify(rvx_witness_ring_at(&W.k.ring, 0), W.k.ring.count, NULL,
					&W.k.journal, &head1, &rep), 0);
	/* before: a fresh kernel restored mid-run */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck_mid, n_mid), 0);
	cr_assert_eq(rvx_kernel_replay(&W2.k, &W.k.journal, seq_mid, NULL, 0, NULL, NULL,
				       &replayed), 0);
	/* after: two summaries and a put replayed; the same state and head */
	cr_assert_eq(replayed, 3);
	cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck2, sizeof(ck2), &n2, h2), 0);
	cr_assert_eq(n2, n_end);
	cr_assert(memcmp(h2, h_end, 32) == 0, "state hash differs after replay");
	cr_assert(memcmp(ck2, ck_end, n2) == 0);
	rvx_kernel_witness_head(&W2.k, &head2);
	cr_assert(memcmp(&head1, &head2, sizeof(head1)) == 0, "chain head differs");
	/* the replayed summaries are the original records, byte for byte */
	for (uint64_t i = 0; i < replayed; i++)
		cr_assert(memcmp(rvx_witness_ring_at(&W2.k.ring,
						     (uint32_t)(W2.k.ring.count - replayed + i)),
				 rvx_witness_ring_at(&W.k.ring, (uint32_t)(seq_mid + i)), 64) == 0);
}
