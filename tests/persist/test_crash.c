/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's journal and checkpoints through lib/persist: recovery by the
 * nucleus's restore and replay reaches the acknowledged state hash and chain
 * head after a crash at every block write, and forged content (checksums
 * recomputed) is refused by the kernel's MACs. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pdev.h"
#include "pk.h"
#include "ruvix/sha256.h"

#define BS 4096u
#define STEPS 24u
#define CKPT_AT 12u

static struct pk_world A, B;

struct ref {
	uint64_t first;               /* sequence of the first step's record */
	struct rvx_witness_head head[STEPS + 1u];
	uint8_t hash[STEPS + 1u][32]; /* state after `i` steps */
};

static struct ref R;

struct acks {
	uint64_t next; /* frames below this acknowledged */
};

static void on_ack(void *ctx, uint64_t seq, const struct rvx_witness_head *h)
{
	struct acks *a = ctx;

	(void)h;
	a->next = seq + 1u;
}

/* The workload: steps, each persisted; a checkpoint after CKPT_AT. Stops at
 * the first error (the crash). With `ref`, records the state after each step. */
static int workload(struct pk_world *w, struct rvx_persist *p, const struct rvx_persist_dev *d,
		    struct acks *a, struct ref *ref)
{
	int rc = pk_format(w, p, d, 0x5151);

	if (rc != 0)
		return rc;
	a->next = p->next_seq;
	if (ref != NULL) {
		ref->first = p->next_seq;
		cr_assert_eq(pk_state(w, &ref->head[0], ref->hash[0]), 0);
	}
	for (uint64_t i = 0; i < STEPS; i++) {
		if (i == CKPT_AT) {
			rc = pk_checkpoint(w, p);
			if (rc != 0)
				return rc;
		}
		cr_assert_eq(pk_step(w, i), 0);
		rc = pk_sync(w, p, on_ack, a);
		if (rc != 0)
			return rc;
		if (ref != NULL)
			cr_assert_eq(pk_state(w, &ref->head[i + 1u], ref->hash[i + 1u]), 0);
	}
	return 0;
}

TestSuite(persist_kernel);

Test(persist_kernel, recovery_reaches_the_same_state_hash_and_chain_head)
{
	struct rvx_persist p, q;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct rvx_witness_head h;
	struct mdev m;
	struct acks a;
	uint64_t replayed;
	uint8_t hash[32];

	mdev_init(&m, BS, 512);
	d = mdev_dev(&m);
	cr_assert_eq(workload(&A, &p, &d, &a, &R), 0);
	cr_assert_eq(pk_recover(&B, &q, &d, &r, &replayed), 0);
	cr_assert_eq(replayed, STEPS - CKPT_AT);
	cr_assert_eq(r.frames, STEPS - CKPT_AT);
	cr_assert_eq(pk_state(&B, &h, hash), 0);
	cr_assert(memcmp(&h, &R.head[STEPS], sizeof(h)) == 0, "chain head");
	cr_assert(memcmp(hash, R.hash[STEPS], 32) == 0, "state hash");
	/* the recovered kernel goes on where the first stopped */
	cr_assert_eq(pk_step(&B, STEPS), 0);
	cr_assert_eq(pk_sync(&B, &q, NULL, NULL), 0);
	cr_assert_eq(q.next_seq, R.head[STEPS].count + 1u);
	cr_assert_eq(pk_recover(&A, &p, &d, &r, &replayed), 0);
	cr_assert_eq(replayed, STEPS - CKPT_AT + 1u);
	mdev_free(&m);
}

static void kernel_crash_everywhere(enum mdev_fault f)
{
	struct rvx_persist p, q;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct rvx_witness_head h;
	struct mdev m;
	struct acks a;
	uint64_t writes, replayed, points = 0, torn = 0;
	uint8_t hash[32];

	mdev_init(&m, BS, 512);
	d = mdev_dev(&m);
	cr_assert_eq(workload(&A, &p, &d, &a, &R), 0);
	writes = m.writes;
	mdev_free(&m);
	for (uint64_t n = 0; n < writes; n++) {
		uint64_t steps;
		int rc;

		mdev_init(&m, BS, 512);
		d = mdev_dev(&m);
		mdev_arm(&m, n, f);
		memset(&a, 0, sizeof(a));
		rc = workload(&A, &p, &d, &a, NULL);
		cr_assert_neq(rc, 0);
		mdev_crash(&m);
		rc = pk_recover(&B, &q, &d, &r, &replayed);
		if (a.next == 0) {
			/* the format was cut: nothing was acknowledged */
			cr_assert(rc == -RVX_ENOENT || rc == -RVX_EBADSIG || rc == 0);
			mdev_free(&m);
			continue;
		}
		cr_assert_eq(rc, 0, "crash at write %llu: recovery %d", (unsigned long long)n, rc);
		cr_assert_geq(r.next_seq, a.next, "write %llu: an acknowledged frame was lost",
			      (unsigned long long)n);
		cr_assert_leq(r.next_seq, a.next + 1u);
		steps = r.next_seq - R.first;
		cr_assert_eq(pk_state(&B, &h, hash), 0);
		cr_assert(memcmp(&h, &R.head[steps], sizeof(h)) == 0, "write %llu: chain head",
			  (unsigned long long)n);
		cr_assert(memcmp(hash, R.hash[steps], 32) == 0, "write %llu: state hash",
			  (unsigned long long)n);
		points++;
		torn += r.torn_entries;
		mdev_free(&m);
	}
	cr_assert_gt(points, STEPS);
	cr_log_info("kernel, fault %d: %llu writes, %llu recoveries checked, %llu torn tails",
		    (int)f, (unsigned long long)writes, (unsigned long long)points,
		    (unsigned long long)torn);
}

Test(persist_kernel, crash_at_every_write_stop, .timeout = 120)
{
	kernel_crash_everywhere(MDEV_STOP);
}

Test(persist_kernel, crash_at_every_write_torn_block, .timeout = 120)
{
	kernel_crash_everywhere(MDEV_TEAR);
}

Test(persist_kernel, crash_at_every_write_reordered_cache, .timeout = 120)
{
	kernel_crash_everywhere(MDEV_REORDER);
}

/* Reseal a data block's checksum, as an attacker who knows the format can. */
static void reseal(uint8_t *b)
{
	struct rvx_sha256 c;
	uint8_t s[32];

	memset(b + 64, 0, 16);
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, b, BS);
	rvx_sha256_out(&c, s);
	memcpy(b + 64, s, 16);
}

Test(persist_kernel, forged_frame_with_every_checksum_recomputed_is_refused)
{
	struct rvx_persist p, q;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct rvx_witness_entry e;
	struct mdev m;
	struct acks a;
	uint64_t replayed, lba;
	uint8_t *b, args[RVX_WITNESS_ARGS_MAX], wire[64];
	long n;

	mdev_init(&m, BS, 512);
	d = mdev_dev(&m);
	cr_assert_eq(workload(&A, &p, &d, &a, NULL), 0);
	/* the last frame (one block): its payload edited, the record's args
	 * digest, the frame's digest and the block's checksum recomputed */
	lba = p.tail_lba - 1u;
	b = m.img + lba * BS;
	n = rvx_witness_frame_parse(b + RVX_PERSIST_HEADER_SIZE, BS - RVX_PERSIST_HEADER_SIZE, &e);
	cr_assert_gt(n, 0);
	memcpy(args, e.args, e.args_len);
	memcpy(wire, e.wire, 64);
	args[e.args_len / 2u] ^= 0x01;
	rvx_witness_args_digest(args, e.args_len, wire + 32);
	cr_assert_eq(rvx_witness_frame_encode(b + RVX_PERSIST_HEADER_SIZE,
					      BS - RVX_PERSIST_HEADER_SIZE, wire, args,
					      e.args_len), n);
	reseal(b);
	/* the store and the journal format accept it; the kernel's tag does not */
	cr_assert_eq(rvx_persist_open(&q, &d, B.block, NULL, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.frames, STEPS - CKPT_AT);
	cr_assert_eq(pk_recover(&B, &q, &d, &r, &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, STEPS - CKPT_AT - 1u);
	mdev_free(&m);
}

Test(persist_kernel, forged_checkpoint_with_every_checksum_recomputed_is_refused)
{
	struct rvx_persist p, q;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct rvx_sha256 c;
	struct mdev m;
	struct acks a;
	uint64_t replayed, nblk;
	const uint32_t pl = BS - RVX_PERSIST_HEADER_SIZE;
	static uint8_t ck[PK_CKPT_CAP];
	size_t len;
	uint8_t *sb;

	mdev_init(&m, BS, 512);
	d = mdev_dev(&m);
	cr_assert_eq(workload(&A, &p, &d, &a, NULL), 0);
	cr_assert_eq(rvx_persist_open(&q, &d, B.block, ck, sizeof(ck), NULL, 0, &r), 0);
	len = r.ckpt_len;
	/* edit the state, recompute the checkpoint's SHA-256 trailer (not its
	 * MAC: the key is the kernel's), every block's checksum, the
	 * superblock's hash of the checkpoint and its checksum */
	ck[100] ^= 1;
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, ck, len - 64u);
	rvx_sha256_out(&c, ck + len - 64u);
	nblk = (len + pl - 1u) / pl;
	for (uint64_t k = 0; k < nblk; k++) {
		uint8_t *b = m.img + (q.start_lba + k) * BS;
		size_t part = k + 1u < nblk ? pl : len - k * pl;

		memcpy(b + RVX_PERSIST_HEADER_SIZE, ck + k * pl, part);
		reseal(b);
	}
	sb = m.img + (q.generation & 1u) * BS;
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, ck, len);
	rvx_sha256_out(&c, sb + 88);
	memset(sb + 128, 0, 32);
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, sb, BS);
	rvx_sha256_out(&c, sb + 128);
	cr_assert_eq(rvx_persist_open(&q, &d, B.block, NULL, 0, NULL, 0, &r), 0,
		     "the store's checks are not MACs");
	cr_assert_eq(pk_recover(&B, &q, &d, &r, &replayed), -RVX_EINVAL,
		     "the kernel's checkpoint MAC refuses it");
	mdev_free(&m);
}

Test(persist_kernel, journal_view_and_append_journal_refusals)
{
	struct rvx_witness_journal j;
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct mdev m;

	cr_assert_eq(pk_boot(&A), 0);
	cr_assert_eq(rvx_kernel_journal_view(NULL, &j), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_journal_view(&A.k, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_journal_view(&A.k, &j), 0);
	cr_assert_gt(j.count, 0, "boot's records are journaled");
	mdev_init(&m, BS, 512);
	d = mdev_dev(&m);
	/* a store that expects a later sequence skips the earlier frames */
	cr_assert_eq(rvx_persist_format(&p, &d, A.block, 3, NULL, 0, j.next_seq), 0);
	cr_assert_eq(rvx_persist_append_journal(&p, &j, NULL, NULL), 0);
	cr_assert_eq(rvx_persist_append_journal(NULL, &j, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append_journal(&p, NULL, NULL, NULL), -RVX_EINVAL);
	/* one that expects an earlier sequence than the journal holds is missing frames */
	cr_assert_eq(rvx_persist_format(&p, &d, A.block, 3, NULL, 0, 0), 0);
	cr_assert_eq(pk_step(&A, 0), 0);
	cr_assert_eq(rvx_kernel_checkpoint(&A.k, A.ck, sizeof(A.ck), &A.ck_len, NULL), 0);
	cr_assert_eq(rvx_kernel_restore(&A.k, A.ck, A.ck_len), 0);
	cr_assert_eq(pk_step(&A, 1), 0);
	cr_assert_eq(rvx_kernel_journal_view(&A.k, &j), 0);
	cr_assert_gt(j.first_seq, 0);
	cr_assert_eq(rvx_persist_append_journal(&p, &j, NULL, NULL), -RVX_EINVAL);
	mdev_free(&m);
}
