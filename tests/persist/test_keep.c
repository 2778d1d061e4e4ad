/* SPDX-License-Identifier: Apache-2.0 */
/* A persisted kernel whose witness sink refuses rather than lose a record
 * (an rvx_witness_keep, as on the virt image): without releases it stops
 * at the keep's capacity in one boot although every record is durable; with
 * the store's acknowledgements released, boot after boot writes many times
 * the keep's capacity, and what the keep holds verifies from its anchor to
 * the kernel's chain head at every step and after every recovery. */
#include <criterion/criterion.h>
#include <string.h>

#include "pdev.h"
#include "pk.h"

#define BS 4096u
#define KEEP 64u
#define BOOTS 5u
#define PER_BOOT 300u
#define CKPT_EVERY 50u

static struct pk_world W[2];

/* The keep holds the newest records without a gap up to the kernel's head,
 * and they verify from its anchor to that head. */
static void check_keep(struct pk_world *w)
{
	struct rvx_witness_head h;
	struct rvx_witness_report rep;

	cr_assert_eq(rvx_kernel_witness_head(&w->k, &h), 0);
	cr_assert_leq(w->keep.count, KEEP);
	cr_assert_eq(w->keep.start.sequence + w->keep.count, h.count);
	cr_assert_eq(rvx_witness_verify(w->keep.base, w->keep.count, &w->keep.start, NULL, &h,
					&rep),
		     0, "keep from %lu: fault %d at %lu", w->keep.start.sequence, (int)rep.fault,
		     rep.index);
	cr_assert_eq(rep.checked, w->keep.count);
}

static void keep_mode(bool release)
{
	for (unsigned i = 0; i < 2; i++) {
		W[i].keep_records = KEEP;
		W[i].keep_release = release;
	}
}

TestSuite(persist_keep);

Test(persist_keep, durable_records_give_way_across_boots)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct rvx_witness_head h, h2;
	struct mdev m;
	struct pk_world *cur = &W[0];
	uint64_t i = 0, replayed, gave_way = 0;
	uint8_t hash[32], hash2[32];

	keep_mode(true);
	mdev_init(&m, BS, 4096);
	d = mdev_dev(&m);
	cr_assert_eq(pk_format(cur, &p, &d, 0x6b656570), 0);
	cr_assert_eq(pk_sync(cur, &p, NULL, NULL), 0);
	for (unsigned b = 0; b < BOOTS; b++) {
		struct pk_world *next = &W[(b + 1u) % 2u];

		for (unsigned s = 0; s < PER_BOOT; s++, i++) {
			cr_assert_eq(pk_step(cur, i), 0, "boot %u step %u", b, s);
			cr_assert_eq(pk_sync(cur, &p, NULL, NULL), 0);
			if ((s + 1u) % CKPT_EVERY == 0)
				cr_assert_eq(pk_checkpoint(cur, &p), 0);
			check_keep(cur);
		}
		gave_way += cur->keep.gave_way;
		cr_assert_eq(pk_state(cur, &h, hash), 0);
		cr_assert_eq(p.next_seq, h.count);
		/* The next boot: a fresh kernel recovers from the device. */
		cr_assert_eq(pk_recover(next, &p, &d, &r, &replayed), 0, "boot %u", b + 1u);
		cr_assert_eq(pk_state(next, &h2, hash2), 0);
		cr_assert(memcmp(&h, &h2, sizeof(h)) == 0, "chain head after boot %u", b + 1u);
		cr_assert(memcmp(hash, hash2, 32) == 0, "state hash after boot %u", b + 1u);
		/* Only the records after the checkpoint are held again. */
		cr_assert_eq(next->keep.start.sequence, r.ckpt_seq);
		cr_assert_eq(next->keep.count, replayed);
		check_keep(next);
		cur = next;
	}
	cr_assert_geq(h.count, BOOTS * PER_BOOT);
	cr_assert_geq(gave_way, BOOTS * (PER_BOOT - KEEP));
	mdev_free(&m);
}

Test(persist_keep, without_release_a_full_keep_refuses_and_nothing_changes)
{
	static uint8_t held[KEEP * RVX_WITNESS_RECORD_SIZE];
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct rvx_witness_head h, h2;
	struct rvx_witness_journal j, j2;
	struct rvx_witness_keep before;
	struct pk_world *w = &W[0];
	struct mdev m;
	uint8_t args[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint64_t i = 0;
	int rc = 0;

	keep_mode(false);
	mdev_init(&m, BS, 4096);
	d = mdev_dev(&m);
	cr_assert_eq(pk_format(w, &p, &d, 0x6b656571), 0);
	cr_assert_eq(pk_sync(w, &p, NULL, NULL), 0);
	/* Every record is acknowledged by the store, yet none gives way. */
	while (w->keep.count < KEEP) {
		rc = rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, i++, args,
					    sizeof(args));
		cr_assert_eq(rc, 0);
		cr_assert_eq(pk_sync(w, &p, NULL, NULL), 0);
	}
	cr_assert_eq(p.next_seq, KEEP);
	before = w->keep;
	memcpy(held, w->keep_mem, sizeof(held));
	cr_assert_eq(rvx_kernel_witness_head(&w->k, &h), 0);
	cr_assert_eq(rvx_kernel_journal_view(&w->k, &j), 0);
	rc = rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, i, args, sizeof(args));
	cr_assert_eq(rc, -RVX_EFULL);
	cr_assert_eq(rvx_kernel_witness_head(&w->k, &h2), 0);
	cr_assert_eq(rvx_kernel_journal_view(&w->k, &j2), 0);
	cr_assert(memcmp(&h, &h2, sizeof(h)) == 0);
	cr_assert_eq(j.used, j2.used);
	cr_assert_eq(j.count, j2.count);
	cr_assert(memcmp(&before, &w->keep, sizeof(before)) == 0);
	cr_assert(memcmp(held, w->keep_mem, sizeof(held)) == 0);

	/* Releasing beyond what is held is refused and changes nothing. */
	cr_assert_eq(rvx_witness_keep_release(&w->keep, KEEP + 1u), -RVX_EINVAL);
	cr_assert_eq(rvx_witness_keep_release(NULL, 0), -RVX_EINVAL);
	cr_assert(memcmp(&before, &w->keep, sizeof(before)) == 0);
	/* The acknowledged records released: the record goes in, the anchor
	 * moves past the released ones, and the held records still verify. */
	cr_assert_eq(rvx_witness_keep_release(&w->keep, 10), 0);
	cr_assert_eq(rvx_witness_keep_release(&w->keep, 5), 0); /* lower: no change */
	cr_assert_eq(w->keep.released, 10);
	cr_assert_eq(rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, i, args,
					    sizeof(args)),
		     0);
	cr_assert_eq(w->keep.start.sequence, 10);
	cr_assert_eq(w->keep.gave_way, 10);
	cr_assert(memcmp(w->keep_mem, held + 10u * RVX_WITNESS_RECORD_SIZE,
			 (KEEP - 10u) * RVX_WITNESS_RECORD_SIZE) == 0);
	check_keep(w);
	mdev_free(&m);
}

Test(persist_keep, a_restore_without_restart_is_refused_by_the_keep)
{
	static uint8_t ck[PK_CKPT_CAP];
	struct rvx_witness_anchor at;
	struct rvx_witness_keep before;
	struct rvx_witness_head h, h2;
	struct pk_world *w = &W[0];
	uint8_t args[4] = {9, 8, 7, 6};
	size_t ck_len;

	keep_mode(true);
	cr_assert_eq(pk_boot(w), 0);
	cr_assert_eq(rvx_kernel_witness_anchor(NULL, &at), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_witness_anchor(&w->k, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_checkpoint(&w->k, ck, sizeof(ck), &ck_len, NULL), 0);
	for (unsigned n = 0; n < 5; n++)
		cr_assert_eq(rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, n, args,
						    sizeof(args)),
			     0);
	/* Back to the checkpoint: the keep holds another history's records,
	 * so it takes no record until it is started at the restored anchor. */
	cr_assert_eq(rvx_kernel_restore(&w->k, ck, ck_len), 0);
	before = w->keep;
	cr_assert_eq(rvx_kernel_witness_head(&w->k, &h), 0);
	cr_assert_eq(rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, 7, args,
					    sizeof(args)),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_witness_head(&w->k, &h2), 0);
	cr_assert(memcmp(&h, &h2, sizeof(h)) == 0);
	cr_assert(memcmp(&before, &w->keep, sizeof(before)) == 0);
	cr_assert_eq(rvx_witness_keep_restart(&w->keep, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_witness_anchor(&w->k, &at), 0);
	cr_assert_eq(at.sequence, h.count);
	cr_assert_eq(rvx_witness_keep_restart(&w->keep, &at), 0);
	cr_assert_eq(rvx_kernel_port_record(&w->k, RVX_WITNESS_KIND_USER, 0, 7, args,
					    sizeof(args)),
		     0);
	cr_assert_eq(w->keep.count, 1);
	check_keep(w);
}
