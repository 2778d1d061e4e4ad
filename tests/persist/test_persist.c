/* SPDX-License-Identifier: Apache-2.0 */
/* lib/persist on a memory device: the format, appends, checkpoints, each
 * documented error, torn tails, damaged middles, forged blocks, and a crash
 * at every block write of a run under three fault models. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pdev.h"
#include "ruvix/persist.h"
#include "ruvix/sha256.h"

#define BS 512u
#define PL (BS - RVX_PERSIST_HEADER_SIZE)

static uint8_t scratch[RVX_PERSIST_BLOCK_MAX];
static uint8_t ckbuf[1u << 16];
static uint8_t frbuf[1u << 20];
static uint8_t tmp[1u << 16];

/* Deterministic contents: frame `seq` and the checkpoint taken at `seq`. */
static size_t frame_len(uint64_t seq)
{
	return 1u + (size_t)((seq * 97u) % 1500u);
}

static const uint8_t *frame_of(uint64_t seq)
{
	for (size_t i = 0; i < frame_len(seq); i++)
		tmp[i] = (uint8_t)(seq * 13u + i);
	return tmp;
}

static size_t ckpt_len(uint64_t seq)
{
	return 900u + (size_t)(seq % 5u) * 400u;
}

static const uint8_t *ckpt_of(uint64_t seq)
{
	for (size_t i = 0; i < ckpt_len(seq); i++)
		tmp[i] = (uint8_t)(seq * 7u + i * 3u + 1u);
	return tmp;
}

static int put(struct rvx_persist *p, uint64_t seq)
{
	return rvx_persist_append(p, seq, frame_of(seq), frame_len(seq));
}

/* Check what recovery returned against the contents above. */
static void check_contents(const struct rvx_persist_report *r)
{
	size_t off = 0;

	cr_assert(r->has_ckpt);
	cr_assert_eq(r->ckpt_len, ckpt_len(r->ckpt_seq));
	cr_assert(memcmp(ckbuf, ckpt_of(r->ckpt_seq), r->ckpt_len) == 0, "checkpoint bytes");
	cr_assert_eq(r->first_seq, r->ckpt_seq);
	cr_assert_eq(r->next_seq, r->first_seq + r->frames);
	for (uint64_t s = r->first_seq; s < r->next_seq; s++) {
		cr_assert(memcmp(frbuf + off, frame_of(s), frame_len(s)) == 0, "frame %llu",
			  (unsigned long long)s);
		off += frame_len(s);
	}
	cr_assert_eq(off, r->frames_len);
}

static int reopen(struct mdev *m, struct rvx_persist *p, struct rvx_persist_report *r)
{
	struct rvx_persist_dev d = mdev_dev(m);

	return rvx_persist_open(p, &d, scratch, ckbuf, sizeof(ckbuf), frbuf, sizeof(frbuf), r);
}

/* A device formatted with the checkpoint at 0 and frames 0..n-1. */
static void make(struct mdev *m, struct rvx_persist *p, uint64_t count, uint64_t n)
{
	struct rvx_persist_dev d;

	mdev_init(m, BS, count);
	d = mdev_dev(m);
	cr_assert_eq(rvx_persist_format(p, &d, scratch, 0x1234, ckpt_of(0), ckpt_len(0), 0), 0);
	for (uint64_t s = 0; s < n; s++)
		cr_assert_eq(put(p, s), 0);
}

/* Recompute a data block's checksum (what an attacker with the format can do). */
static void reseal(uint8_t *b)
{
	struct rvx_sha256 c;
	uint8_t h[32];

	memset(b + 64, 0, 16);
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, b, BS);
	rvx_sha256_out(&c, h);
	memcpy(b + 64, h, 16);
}

static uint64_t lba_of_frame(uint64_t seq)
{
	uint64_t lba = RVX_PERSIST_DATA_START + (ckpt_len(0) + PL - 1u) / PL;

	for (uint64_t s = 0; s < seq; s++)
		lba += (frame_len(s) + PL - 1u) / PL;
	return lba;
}

TestSuite(persist);

Test(persist, format_append_open_round_trip)
{
	struct rvx_persist p, q;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 512, 20);
	cr_assert_eq(reopen(&m, &q, &r), 0);
	cr_assert_eq(r.superblocks, 2);
	cr_assert_eq(r.frames, 20);
	cr_assert_eq(r.torn_entries, 0);
	cr_assert_eq(r.stale_ckpts, 0);
	check_contents(&r);
	cr_assert_eq(q.tail_lba, p.tail_lba);
	cr_assert_eq(q.next_seq, 20);
	/* appends continue after the recovered prefix */
	cr_assert_eq(put(&q, 20), 0);
	cr_assert_eq(reopen(&m, &q, &r), 0);
	cr_assert_eq(r.frames, 21);
	check_contents(&r);
	mdev_free(&m);
}

Test(persist, format_refuses_bad_arguments_and_writes_nothing)
{
	struct rvx_persist p;
	struct rvx_persist_dev d;
	struct mdev m;

	mdev_init(&m, BS, 64);
	d = mdev_dev(&m);
	cr_assert_eq(rvx_persist_format(NULL, &d, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_format(&p, NULL, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_format(&p, &d, NULL, 1, NULL, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 0, NULL, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 5, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, tmp, 0, 0), -RVX_EINVAL);
	d.block_size = 1000;
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	d.block_size = 256;
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	d = mdev_dev(&m);
	d.block_count = 3;
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	d = mdev_dev(&m);
	d.flush = NULL;
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0), -RVX_EINVAL);
	d = mdev_dev(&m);
	/* 62 data blocks of 432 bytes: a 30000-byte checkpoint does not fit */
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, tmp, 30000, 0), -RVX_EFULL);
	cr_assert_eq(m.writes, 0, "a refused format wrote nothing");
	/* a device error fails the format */
	mdev_arm(&m, 0, MDEV_STOP);
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 1, NULL, 0, 0), -RVX_EBUSY);
	mdev_free(&m);
}

Test(persist, format_without_checkpoint)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct mdev m;

	mdev_init(&m, BS, 64);
	d = mdev_dev(&m);
	cr_assert_eq(rvx_persist_format(&p, &d, scratch, 9, NULL, 0, 5), 0);
	cr_assert_eq(put(&p, 5), 0);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.has_ckpt, 0);
	cr_assert_eq(r.first_seq, 5);
	cr_assert_eq(r.frames, 1);
	cr_assert(memcmp(frbuf, frame_of(5), frame_len(5)) == 0);
	mdev_free(&m);
}

Test(persist, append_refusals_change_nothing)
{
	struct rvx_persist p, before;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 24, 3);
	before = p;
	cr_assert_eq(rvx_persist_append(NULL, 3, tmp, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append(&p, 4, tmp, 1), -RVX_EINVAL);  /* not next */
	cr_assert_eq(rvx_persist_append(&p, 2, tmp, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append(&p, 3, tmp, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append(&p, 3, NULL, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append(&p, 3, tmp, (size_t)RVX_PERSIST_ENTRY_MAX + 1u),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_persist_append(&p, 3, tmp, 24u * BS), -RVX_EFULL);
	cr_assert(memcmp(&p, &before, sizeof(p)) == 0, "refused appends changed the store");
	/* a device error: not acknowledged, and the store refuses until reopened */
	mdev_arm(&m, m.writes, MDEV_STOP);
	cr_assert_eq(put(&p, 3), -RVX_EBUSY);
	cr_assert_eq(p.failed, 1);
	mdev_crash(&m);
	cr_assert_eq(put(&p, 3), -RVX_EBUSY);
	cr_assert_eq(rvx_persist_checkpoint(&p, tmp, 10, 3), -RVX_EBUSY);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, 3);
	cr_assert_eq(put(&p, 3), 0);
	mdev_free(&m);
}

Test(persist, open_refuses_bad_arguments_and_unformatted_devices)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct rvx_persist_dev d;
	struct mdev m;

	mdev_init(&m, BS, 64);
	d = mdev_dev(&m);
	cr_assert_eq(rvx_persist_open(NULL, &d, scratch, NULL, 0, NULL, 0, &r), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_open(&p, &d, NULL, NULL, 0, NULL, 0, &r), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, NULL, 0, NULL, 5, &r), -RVX_EINVAL);
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, NULL, 0, NULL, 0, &r), -RVX_ENOENT);
	mdev_free(&m);
	/* buffers too small for what is on the device */
	make(&m, &p, 128, 4);
	d = mdev_dev(&m);
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, ckbuf, 10, NULL, 0, &r), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, NULL, 0, frbuf, 10, &r), -RVX_EBUFSMALL);
	/* NULL buffers: checked and reported, nothing copied */
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, NULL, 0, NULL, 0, &r), 0);
	cr_assert_eq(r.frames, 4);
	/* a device of another geometry is not this volume */
	d.block_count = 127;
	cr_assert_eq(rvx_persist_open(&p, &d, scratch, NULL, 0, NULL, 0, &r), -RVX_EBADSIG);
	mdev_free(&m);
}

Test(persist, superblock_pair)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 128, 4);
	m.img[0 * BS + 40] ^= 1; /* slot 0 damaged: slot 1 serves */
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.superblocks, 1);
	check_contents(&r);
	m.img[1 * BS + 40] ^= 1; /* both: refused, not taken for unformatted */
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);
}

Test(persist, torn_tail_is_dropped_and_reported)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;
	uint64_t last;

	make(&m, &p, 512, 10);
	/* frame 9's last block torn */
	last = p.tail_lba - 1u;
	m.img[last * BS + 300] ^= 0x40;
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, 9);
	cr_assert_eq(r.torn_entries, 1);
	check_contents(&r);
	/* the next append overwrites the torn entry */
	cr_assert_eq(p.tail_lba, lba_of_frame(9));
	cr_assert_eq(put(&p, 9), 0);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, 10);
	cr_assert_eq(r.torn_entries, 0);
	mdev_free(&m);
}

Test(persist, torn_single_block_entry_is_reported)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 64, 1); /* frame 0: one block */
	m.img[lba_of_frame(0) * BS + BS - 1] ^= 1;
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, 0);
	cr_assert_eq(r.torn_entries, 1, "a block of ours that does not check out");
	/* a block never written is the end, not a tear */
	memset(m.img + lba_of_frame(0) * BS, 0, BS);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.torn_entries, 0);
	mdev_free(&m);
}

Test(persist, torn_entry_with_a_later_block_written_first_is_a_tail)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;
	uint64_t s = 0;

	/* find a frame of at least 3 blocks */
	while (frame_len(s) <= 2u * PL)
		s++;
	make(&m, &p, 512, s + 1u);
	/* its first block never reached the medium; its later ones did */
	memset(m.img + lba_of_frame(s) * BS, 0, BS);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, s);
	cr_assert_eq(r.torn_entries, 1);
	cr_assert_geq(r.torn_blocks, 2);
	check_contents(&r);
	mdev_free(&m);
}

Test(persist, damaged_middle_is_refused)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 512, 20);
	m.img[lba_of_frame(5) * BS + 100] ^= 1;
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	cr_assert_eq(r.bad_lba, lba_of_frame(5));
	cr_assert_eq(r.frames, 5, "the report says how far the good prefix went");
	m.img[lba_of_frame(5) * BS + 100] ^= 1;
	cr_assert_eq(reopen(&m, &p, &r), 0);
	/* a zeroed (never written) block in the middle is damage too */
	memset(m.img + lba_of_frame(12) * BS, 0, BS);
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);
}

Test(persist, damaged_checkpoint_is_refused)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;

	make(&m, &p, 512, 3);
	m.img[RVX_PERSIST_DATA_START * BS + 200] ^= 1;
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	/* resealed block: the superblock's hash of the checkpoint still refuses it */
	reseal(m.img + RVX_PERSIST_DATA_START * BS);
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);
}

Test(persist, forged_blocks_with_recomputed_checksums)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;
	uint8_t *b;

	make(&m, &p, 512, 20);
	/* a block moved to another place (its index no longer fits): refused
	 * as a damaged middle, although its checksum is right */
	memcpy(m.img + lba_of_frame(4) * BS, m.img + lba_of_frame(6) * BS, BS);
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);

	make(&m, &p, 512, 20);
	/* a header edited to claim another sequence, resealed */
	b = m.img + lba_of_frame(4) * BS;
	b[40] ^= 1;
	reseal(b);
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);

	make(&m, &p, 512, 20);
	/* another volume's block */
	b = m.img + lba_of_frame(4) * BS;
	b[8] ^= 1;
	reseal(b);
	cr_assert_eq(reopen(&m, &p, &r), -RVX_EBADSIG);
	mdev_free(&m);

	make(&m, &p, 512, 20);
	/* payload bytes edited and resealed: the store cannot tell (its
	 * checksums are not MACs); the content's own MACs must (see
	 * test_crash.c: the kernel's journal tags and checkpoint MAC) */
	b = m.img + lba_of_frame(4) * BS;
	b[RVX_PERSIST_HEADER_SIZE] ^= 1;
	reseal(b);
	cr_assert_eq(reopen(&m, &p, &r), 0);
	cr_assert_eq(r.frames, 20);
	{
		size_t off = 0;

		for (uint64_t s = 0; s < 4; s++)
			off += frame_len(s);
		cr_assert_eq(frbuf[off], (uint8_t)(frame_of(4)[0] ^ 1u), "the edit came through");
	}
	mdev_free(&m);
}

Test(persist, checkpoints_move_the_start_and_wrap)
{
	struct rvx_persist p;
	struct rvx_persist_report r;
	struct mdev m;
	uint64_t seq = 0, wraps = 0, epoch;

	make(&m, &p, 96, 0);
	epoch = p.epoch;
	for (int round = 0; round < 60; round++) {
		for (int i = 0; i < 3; i++, seq++)
			cr_assert_eq(put(&p, seq), 0, "round %d", round);
		cr_assert_eq(rvx_persist_checkpoint(&p, ckpt_of(seq), ckpt_len(seq), seq), 0,
			     "round %d", round);
		if (p.epoch != epoch)
			wraps++;
		epoch = p.epoch;
		cr_assert_eq(reopen(&m, &p, &r), 0);
		cr_assert_eq(r.ckpt_seq, seq);
		cr_assert_eq(r.frames, 0);
		check_contents(&r);
	}
	cr_assert_geq(wraps, 5, "the stream wrapped");
	/* refusals change nothing */
	{
		struct rvx_persist before = p;

		cr_assert_eq(rvx_persist_checkpoint(&p, tmp, 10, seq + 1), -RVX_EINVAL);
		cr_assert_eq(rvx_persist_checkpoint(&p, tmp, 0, seq), -RVX_EINVAL);
		cr_assert_eq(rvx_persist_checkpoint(&p, NULL, 10, seq), -RVX_EINVAL);
		cr_assert_eq(rvx_persist_checkpoint(&p, tmp, 90u * BS, seq), -RVX_EFULL);
		cr_assert(memcmp(&p, &before, sizeof(p)) == 0);
	}
	mdev_free(&m);
}

/* One run: frames and a checkpoint every 5 frames, until the device fails.
 * Returns what was acknowledged. */
struct acked {
	uint64_t frames;   /* frames 0..frames-1 acknowledged */
	uint64_t ckpt;     /* sequence of the last acknowledged checkpoint */
	uint64_t attempted; /* frames attempted (acknowledged or not) */
	uint64_t ckpt_attempted;
};

static void run(struct mdev *m, struct acked *a, uint64_t total)
{
	struct rvx_persist p;
	struct rvx_persist_dev d = mdev_dev(m);

	memset(a, 0, sizeof(*a));
	if (rvx_persist_format(&p, &d, scratch, 77, ckpt_of(0), ckpt_len(0), 0) != 0)
		return; /* the format itself was cut: nothing acknowledged */
	for (uint64_t s = 0; s < total; s++) {
		if (s > 0 && s % 5u == 0) {
			a->ckpt_attempted = s;
			if (rvx_persist_checkpoint(&p, ckpt_of(s), ckpt_len(s), s) != 0)
				return;
			a->ckpt = s;
		}
		a->attempted = s + 1u;
		if (put(&p, s) != 0)
			return;
		a->frames = s + 1u;
	}
}

static void crash_everywhere(enum mdev_fault f)
{
	struct rvx_persist_report r;
	struct rvx_persist p;
	struct mdev m;
	struct acked a;
	uint64_t writes, torn = 0, lost_unacked = 0;
	const uint64_t total = 40;

	/* a clean run counts the writes */
	mdev_init(&m, BS, 200);
	run(&m, &a, total);
	cr_assert_eq(a.frames, total);
	writes = m.writes;
	mdev_free(&m);
	for (uint64_t n = 0; n < writes; n++) {
		mdev_init(&m, BS, 200);
		mdev_arm(&m, n, f);
		run(&m, &a, total);
		mdev_crash(&m);
		if (n < 2u + (ckpt_len(0) + PL - 1u) / PL) {
			/* cut inside the format: never acknowledged; it reads as
			 * unformatted, formatted, or (a torn first superblock)
			 * damaged, and is formatted again */
			int rc = reopen(&m, &p, &r);

			cr_assert(rc == 0 || rc == -RVX_ENOENT || rc == -RVX_EBADSIG, "write %llu: %d",
				  (unsigned long long)n, rc);
			mdev_free(&m);
			continue;
		}
		cr_assert_eq(reopen(&m, &p, &r), 0, "crash at write %llu: open %d",
			     (unsigned long long)n, reopen(&m, &p, &r));
		check_contents(&r);
		/* nothing acknowledged is lost; at most the one in flight is extra */
		cr_assert_geq(r.next_seq, a.frames, "write %llu: acked %llu, recovered %llu",
			      (unsigned long long)n, (unsigned long long)a.frames,
			      (unsigned long long)r.next_seq);
		cr_assert_leq(r.next_seq, a.attempted);
		cr_assert(r.ckpt_seq == a.ckpt || r.ckpt_seq == a.ckpt_attempted);
		torn += r.torn_entries;
		lost_unacked += a.attempted - r.next_seq;
		/* and the store continues from there */
		cr_assert_eq(put(&p, r.next_seq), 0);
		{
			int rc = reopen(&m, &p, &r);

			cr_assert_eq(rc, 0, "write %llu: reopen after an append: %d at lba %llu, frames %llu",
				     (unsigned long long)n, rc, (unsigned long long)r.bad_lba,
				     (unsigned long long)r.frames);
		}
		cr_assert_eq(r.torn_entries, 0);
		mdev_free(&m);
	}
	cr_log_info("fault %d: %llu crash points, %llu torn tails, %llu unacknowledged frames lost",
		    (int)f, (unsigned long long)writes, (unsigned long long)torn,
		    (unsigned long long)lost_unacked);
}

Test(persist, crash_at_every_write_stop)
{
	crash_everywhere(MDEV_STOP);
}

Test(persist, crash_at_every_write_torn_block)
{
	crash_everywhere(MDEV_TEAR);
}

Test(persist, crash_at_every_write_reordered_cache)
{
	crash_everywhere(MDEV_REORDER);
}
