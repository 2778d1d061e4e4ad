/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crash-safe stream: superblock pair, self-describing blocks, entries
 * written then flushed before they count, and recovery that tells a torn
 * tail from a damaged middle. Formats are described in ruvix/persist.h and
 * docs/persist.md; the offsets are the constants below.
 */
#include "ruvix/endian.h"
#include "ruvix/persist.h"
#include "ruvix/sha256.h"

/* Block header. */
#define BLOCK_MAGIC UINT32_C(0x42585652) /* "RVXB" */
#define B_MAGIC 0
#define B_VERSION 4
#define B_TYPE 5
#define B_RESERVED 6
#define B_VOLUME 8
#define B_EPOCH 16
#define B_INDEX 24
#define B_ENTRY 32
#define B_SEQ 40
#define B_ENTRY_LEN 48
#define B_PART 56
#define B_LEN 60
#define B_SUM 64
#define B_SUM_SIZE 16u
_Static_assert(B_SUM + B_SUM_SIZE == RVX_PERSIST_HEADER_SIZE, "header layout");

/* Superblock. */
#define SB_MAGIC UINT64_C(0x5250555350585652) /* "RVXPSUPR" */
#define S_MAGIC 0
#define S_VERSION 8
#define S_BLOCK_SIZE 12
#define S_BLOCK_COUNT 16
#define S_VOLUME 24
#define S_GENERATION 32
#define S_EPOCH 40
#define S_START_LBA 48
#define S_START_INDEX 56
#define S_START_SEQ 64
#define S_HAS_CKPT 72
#define S_RESERVED 76
#define S_CKPT_LEN 80
#define S_CKPT_HASH 88
#define S_RESERVED2 120
#define S_SUM 128
#define S_SIZE 160u

struct block_hdr {
	uint32_t type;
	uint64_t volume, epoch, index, entry, seq, entry_len;
	uint32_t part, len;
};

struct superblock {
	uint64_t generation, epoch, volume, start_lba, start_index, start_seq, ckpt_len;
	uint32_t has_ckpt;
	uint8_t ckpt_hash[32];
};

static const uint8_t zeros[32];

static bool geometry_ok(const struct rvx_persist_dev *dev)
{
	uint32_t bs = dev->block_size;

	return dev->read != NULL && dev->write != NULL && dev->flush != NULL &&
	       bs >= RVX_PERSIST_BLOCK_MIN && bs <= RVX_PERSIST_BLOCK_MAX && (bs & (bs - 1u)) == 0 &&
	       dev->block_count >= 4 && dev->block_count < (UINT64_C(1) << 48);
}

static uint64_t blocks_for(uint32_t block_size, uint64_t len)
{
	uint32_t pl = rvx_persist_payload(block_size);

	return (len + pl - 1u) / pl;
}

/* Constant-time equality (the sums are not secrets, but it costs nothing). */
static bool same(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= p[i];
	return d == 0;
}

static void block_sum(const uint8_t *b, uint32_t bs, uint8_t out[B_SUM_SIZE])
{
	struct rvx_sha256 c;
	uint8_t h[32];

	rvx_sha256_init(&c);
	rvx_sha256_update(&c, b, B_SUM);
	rvx_sha256_update(&c, zeros, B_SUM_SIZE);
	rvx_sha256_update(&c, b + RVX_PERSIST_HEADER_SIZE, bs - RVX_PERSIST_HEADER_SIZE);
	rvx_sha256_out(&c, h);
	memcpy(out, h, B_SUM_SIZE);
}

static void super_sum(const uint8_t *b, uint32_t bs, uint8_t out[32])
{
	struct rvx_sha256 c;

	rvx_sha256_init(&c);
	rvx_sha256_update(&c, b, S_SUM);
	rvx_sha256_update(&c, zeros, 32);
	rvx_sha256_update(&c, b + S_SIZE, bs - S_SIZE);
	rvx_sha256_out(&c, out);
}

/* Parse a data block: everything that the block says about itself must be
 * consistent; which stream it belongs to is the caller's check. */
static bool block_parse(const uint8_t *b, uint32_t bs, uint64_t volume, struct block_hdr *h)
{
	uint32_t pl = rvx_persist_payload(bs);
	uint8_t sum[B_SUM_SIZE];
	uint64_t nblocks, want;

	if (rvx_le_get32(b + B_MAGIC) != BLOCK_MAGIC || b[B_VERSION] != RVX_PERSIST_VERSION ||
	    rvx_le_get16(b + B_RESERVED) != 0)
		return false;
	block_sum(b, bs, sum);
	if (!same(sum, b + B_SUM, B_SUM_SIZE))
		return false;
	h->type = b[B_TYPE];
	h->volume = rvx_le_get64(b + B_VOLUME);
	h->epoch = rvx_le_get64(b + B_EPOCH);
	h->index = rvx_le_get64(b + B_INDEX);
	h->entry = rvx_le_get64(b + B_ENTRY);
	h->seq = rvx_le_get64(b + B_SEQ);
	h->entry_len = rvx_le_get64(b + B_ENTRY_LEN);
	h->part = rvx_le_get32(b + B_PART);
	h->len = rvx_le_get32(b + B_LEN);
	if (h->volume != volume || (h->type != RVX_PERSIST_FRAME && h->type != RVX_PERSIST_CKPT) ||
	    h->entry_len == 0 || h->entry_len > RVX_PERSIST_ENTRY_MAX)
		return false;
	nblocks = blocks_for(bs, h->entry_len);
	if (h->part >= nblocks || h->index < h->entry || h->index - h->entry != h->part)
		return false;
	want = h->part + 1u < nblocks ? pl : h->entry_len - (uint64_t)h->part * pl;
	if (h->len != want)
		return false;
	return all_zero(b + RVX_PERSIST_HEADER_SIZE + h->len, pl - h->len);
}

static bool super_parse(const uint8_t *b, const struct rvx_persist_dev *dev, struct superblock *s)
{
	uint8_t sum[32];
	uint64_t n;

	if (rvx_le_get64(b + S_MAGIC) != SB_MAGIC || rvx_le_get32(b + S_VERSION) != RVX_PERSIST_VERSION)
		return false;
	super_sum(b, dev->block_size, sum);
	if (!same(sum, b + S_SUM, 32) || !all_zero(b + S_SIZE, dev->block_size - S_SIZE) ||
	    rvx_le_get32(b + S_RESERVED) != 0 || !all_zero(b + S_RESERVED2, 8))
		return false;
	if (rvx_le_get32(b + S_BLOCK_SIZE) != dev->block_size ||
	    rvx_le_get64(b + S_BLOCK_COUNT) != dev->block_count)
		return false;
	s->volume = rvx_le_get64(b + S_VOLUME);
	s->generation = rvx_le_get64(b + S_GENERATION);
	s->epoch = rvx_le_get64(b + S_EPOCH);
	s->start_lba = rvx_le_get64(b + S_START_LBA);
	s->start_index = rvx_le_get64(b + S_START_INDEX);
	s->start_seq = rvx_le_get64(b + S_START_SEQ);
	s->has_ckpt = rvx_le_get32(b + S_HAS_CKPT);
	s->ckpt_len = rvx_le_get64(b + S_CKPT_LEN);
	memcpy(s->ckpt_hash, b + S_CKPT_HASH, 32);
	if (s->volume == 0 || s->has_ckpt > 1 || s->start_lba < RVX_PERSIST_DATA_START ||
	    s->start_lba >= dev->block_count || s->start_index > (UINT64_C(1) << 62))
		return false;
	if (s->has_ckpt) {
		if (s->ckpt_len == 0 || s->ckpt_len > RVX_PERSIST_ENTRY_MAX)
			return false;
		n = blocks_for(dev->block_size, s->ckpt_len);
		if (n > dev->block_count - s->start_lba)
			return false;
	} else if (s->ckpt_len != 0 || !all_zero(s->ckpt_hash, 32)) {
		return false;
	}
	return true;
}

static void super_build(const struct rvx_persist *p, const struct superblock *s, uint8_t *b)
{
	uint32_t bs = p->dev.block_size;

	memset(b, 0, bs);
	rvx_le_put64(b + S_MAGIC, SB_MAGIC);
	rvx_le_put32(b + S_VERSION, RVX_PERSIST_VERSION);
	rvx_le_put32(b + S_BLOCK_SIZE, bs);
	rvx_le_put64(b + S_BLOCK_COUNT, p->dev.block_count);
	rvx_le_put64(b + S_VOLUME, s->volume);
	rvx_le_put64(b + S_GENERATION, s->generation);
	rvx_le_put64(b + S_EPOCH, s->epoch);
	rvx_le_put64(b + S_START_LBA, s->start_lba);
	rvx_le_put64(b + S_START_INDEX, s->start_index);
	rvx_le_put64(b + S_START_SEQ, s->start_seq);
	rvx_le_put32(b + S_HAS_CKPT, s->has_ckpt);
	rvx_le_put64(b + S_CKPT_LEN, s->ckpt_len);
	memcpy(b + S_CKPT_HASH, s->ckpt_hash, 32);
	super_sum(b, bs, b + S_SUM);
}

/* Write the blocks of one entry from (lba, index); no flush. */
static int entry_write(struct rvx_persist *p, uint64_t lba, uint64_t index, uint64_t epoch,
		       uint32_t type, uint64_t seq, const uint8_t *data, uint64_t len)
{
	uint32_t bs = p->dev.block_size, pl = rvx_persist_payload(bs);
	uint64_t n = blocks_for(bs, len);
	uint8_t *b = p->buf;

	for (uint64_t k = 0; k < n; k++) {
		uint32_t part_len = (uint32_t)(k + 1u < n ? pl : len - k * pl);
		int rc;

		memset(b, 0, bs);
		rvx_le_put32(b + B_MAGIC, BLOCK_MAGIC);
		b[B_VERSION] = RVX_PERSIST_VERSION;
		b[B_TYPE] = (uint8_t)type;
		rvx_le_put64(b + B_VOLUME, p->volume);
		rvx_le_put64(b + B_EPOCH, epoch);
		rvx_le_put64(b + B_INDEX, index + k);
		rvx_le_put64(b + B_ENTRY, index);
		rvx_le_put64(b + B_SEQ, seq);
		rvx_le_put64(b + B_ENTRY_LEN, len);
		rvx_le_put32(b + B_PART, (uint32_t)k);
		rvx_le_put32(b + B_LEN, part_len);
		memcpy(b + RVX_PERSIST_HEADER_SIZE, data + k * pl, part_len);
		block_sum(b, bs, b + B_SUM);
		rc = p->dev.write(p->dev.ctx, lba + k, b);
		if (rc != 0)
			return rc < 0 ? rc : -RVX_EINVAL;
	}
	return 0;
}

static int dev_flush(struct rvx_persist *p)
{
	int rc = p->dev.flush(p->dev.ctx);

	return rc > 0 ? -RVX_EINVAL : rc;
}

/* Read and parse both superblocks; the newer valid one wins. */
static int super_choose(struct rvx_persist *p, struct superblock *out, uint32_t *valid,
			bool *magic_seen)
{
	struct superblock s[2];
	bool ok[2];

	*magic_seen = false;
	for (int i = 0; i < 2; i++) {
		int rc = p->dev.read(p->dev.ctx, (uint64_t)i, p->buf);

		if (rc != 0)
			return rc < 0 ? rc : -RVX_EINVAL;
		if (rvx_le_get64(p->buf) == SB_MAGIC)
			*magic_seen = true;
		ok[i] = super_parse(p->buf, &p->dev, &s[i]);
	}
	/* Two valid superblocks of different volumes: not ours to guess. */
	if (ok[0] && ok[1] && s[0].volume != s[1].volume)
		ok[0] = ok[1] = false;
	*valid = (uint32_t)ok[0] + (uint32_t)ok[1];
	if (!ok[0] && !ok[1])
		return -RVX_ENOENT;
	if (ok[0] && (!ok[1] || s[0].generation > s[1].generation))
		*out = s[0];
	else
		*out = s[1];
	return 0;
}

int rvx_persist_format(struct rvx_persist *p, const struct rvx_persist_dev *dev, void *scratch,
		       uint64_t volume, const void *ckpt, size_t ckpt_len, uint64_t ckpt_seq)
{
	struct rvx_persist t;
	struct superblock s, old;
	uint32_t valid;
	bool magic;
	int rc;

	/* Check. */
	if (p == NULL || dev == NULL || scratch == NULL || !geometry_ok(dev) || volume == 0 ||
	    (ckpt == NULL) != (ckpt_len == 0) || ckpt_len > RVX_PERSIST_ENTRY_MAX)
		return -RVX_EINVAL;
	if (ckpt_len > 0 &&
	    blocks_for(dev->block_size, ckpt_len) > dev->block_count - RVX_PERSIST_DATA_START)
		return -RVX_EFULL;
	memset(&t, 0, sizeof(t));
	t.dev = *dev;
	t.buf = scratch;
	t.volume = volume;
	memset(&s, 0, sizeof(s));
	s.volume = volume;
	s.generation = 1;
	s.epoch = 1;
	/* Reformatting our own volume: stay ahead of its epochs and generations,
	 * so none of its blocks can pass for the new stream's. */
	if (super_choose(&t, &old, &valid, &magic) == 0 && old.volume == volume) {
		s.generation = old.generation + 2u;
		s.epoch = old.epoch + 2u;
	}
	s.start_lba = RVX_PERSIST_DATA_START;
	s.start_index = 0;
	s.start_seq = ckpt_seq;
	s.has_ckpt = ckpt_len > 0;
	s.ckpt_len = ckpt_len;
	if (ckpt_len > 0) {
		struct rvx_sha256 c;

		rvx_sha256_init(&c);
		rvx_sha256_update(&c, ckpt, ckpt_len);
		rvx_sha256_out(&c, s.ckpt_hash);
		rc = entry_write(&t, s.start_lba, 0, s.epoch, RVX_PERSIST_CKPT, ckpt_seq, ckpt,
				 ckpt_len);
		if (rc == 0)
			rc = dev_flush(&t);
		if (rc != 0)
			return rc;
	}
	/* The older generation goes to slot 0 first; both then flushed. */
	for (uint32_t i = 0; i < 2; i++) {
		struct superblock si = s;

		si.generation = s.generation + i;
		super_build(&t, &si, t.buf);
		rc = t.dev.write(t.dev.ctx, si.generation & 1u, t.buf);
		if (rc != 0)
			return rc < 0 ? rc : -RVX_EINVAL;
	}
	rc = dev_flush(&t);
	if (rc != 0)
		return rc;

	/* Commit. */
	t.generation = s.generation + 1u;
	t.epoch = s.epoch;
	t.start_lba = s.start_lba;
	t.start_index = 0;
	t.tail_index = ckpt_len > 0 ? blocks_for(dev->block_size, ckpt_len) : 0;
	t.tail_lba = s.start_lba + t.tail_index;
	t.next_seq = ckpt_seq;
	t.has_ckpt = s.has_ckpt;
	t.ckpt_seq = ckpt_seq;
	t.ckpt_len = ckpt_len;
	memcpy(t.ckpt_hash, s.ckpt_hash, 32);
	*p = t;
	return 0;
}

/* Read the checkpoint the superblock names; every block must be whole. */
static int ckpt_read(struct rvx_persist *p, const struct superblock *s, uint8_t *out,
		     struct rvx_persist_report *r)
{
	uint32_t pl = rvx_persist_payload(p->dev.block_size);
	uint64_t n = blocks_for(p->dev.block_size, s->ckpt_len);
	struct rvx_sha256 c;
	struct block_hdr h;
	uint8_t hash[32];

	rvx_sha256_init(&c);
	for (uint64_t k = 0; k < n; k++) {
		int rc = p->dev.read(p->dev.ctx, s->start_lba + k, p->buf);

		if (rc != 0)
			return rc < 0 ? rc : -RVX_EINVAL;
		r->scanned++;
		if (!block_parse(p->buf, p->dev.block_size, s->volume, &h) || h.epoch != s->epoch ||
		    h.type != RVX_PERSIST_CKPT || h.index != s->start_index + k ||
		    h.entry != s->start_index || h.seq != s->start_seq ||
		    h.entry_len != s->ckpt_len) {
			r->bad_lba = s->start_lba + k;
			return -RVX_EBADSIG;
		}
		rvx_sha256_update(&c, p->buf + RVX_PERSIST_HEADER_SIZE, h.len);
		if (out != NULL)
			memcpy(out + k * pl, p->buf + RVX_PERSIST_HEADER_SIZE, h.len);
	}
	rvx_sha256_out(&c, hash);
	if (!same(hash, s->ckpt_hash, 32)) {
		r->bad_lba = s->start_lba;
		return -RVX_EBADSIG;
	}
	return 0;
}

/* The stream read so far: the entry being assembled and what is whole. */
struct scan {
	uint64_t index, lba;       /* next block expected */
	uint64_t entry, entry_len; /* the entry being assembled (entry_len 0: none) */
	uint64_t seq;
	uint32_t type, parts;
	uint64_t frames_len;
};

int rvx_persist_open(struct rvx_persist *p, const struct rvx_persist_dev *dev, void *scratch,
		     void *ckpt, size_t ckpt_cap, void *frames, size_t frames_cap,
		     struct rvx_persist_report *report)
{
	struct rvx_persist_report r;
	struct rvx_persist t;
	struct superblock s;
	struct scan sc;
	uint8_t *fr = frames;
	uint32_t pl;
	uint64_t stop_entry;
	bool magic;
	int rc;

	memset(&r, 0, sizeof(r));
	if (report != NULL)
		*report = r;
	if (p == NULL || dev == NULL || scratch == NULL || !geometry_ok(dev) ||
	    (frames == NULL && frames_cap > 0))
		return -RVX_EINVAL;
	memset(&t, 0, sizeof(t));
	t.dev = *dev;
	t.buf = scratch;
	pl = rvx_persist_payload(dev->block_size);

	rc = super_choose(&t, &s, &r.superblocks, &magic);
	if (rc == -RVX_ENOENT && magic)
		rc = -RVX_EBADSIG;
	if (rc != 0)
		goto out;
	r.generation = s.generation;
	t.volume = s.volume;
	t.generation = s.generation;
	t.epoch = s.epoch;
	t.start_lba = s.start_lba;
	t.start_index = s.start_index;
	t.has_ckpt = s.has_ckpt;
	t.ckpt_seq = s.start_seq;
	t.ckpt_len = s.ckpt_len;
	memcpy(t.ckpt_hash, s.ckpt_hash, 32);
	t.next_seq = s.start_seq;
	memset(&sc, 0, sizeof(sc));
	sc.index = s.start_index;
	sc.lba = s.start_lba;
	if (s.has_ckpt) {
		if (ckpt != NULL && ckpt_cap < s.ckpt_len) {
			rc = -RVX_EBUFSMALL;
			goto out;
		}
		rc = ckpt_read(&t, &s, ckpt, &r);
		if (rc != 0)
			goto out;
		r.has_ckpt = 1;
		r.ckpt_seq = s.start_seq;
		r.ckpt_len = s.ckpt_len;
		sc.index += blocks_for(dev->block_size, s.ckpt_len);
		sc.lba += blocks_for(dev->block_size, s.ckpt_len);
	}
	r.first_seq = t.next_seq;
	t.tail_lba = sc.lba;
	t.tail_index = sc.index;

	/* The longest prefix of whole entries. */
	for (; sc.lba < dev->block_count; sc.lba++, sc.index++) {
		struct block_hdr h;

		rc = dev->read(dev->ctx, sc.lba, t.buf);
		if (rc != 0) {
			rc = rc < 0 ? rc : -RVX_EINVAL;
			goto out;
		}
		r.scanned++;
		if (!block_parse(t.buf, dev->block_size, t.volume, &h) || h.epoch != t.epoch ||
		    h.index != sc.index)
			break;
		if (sc.entry_len == 0) {
			if (h.part != 0 || h.seq != t.next_seq)
				break;
			if (h.type == RVX_PERSIST_FRAME && fr != NULL &&
			    h.entry_len > frames_cap - sc.frames_len) {
				rc = -RVX_EBUFSMALL;
				goto out;
			}
			sc.entry = h.index;
			sc.entry_len = h.entry_len;
			sc.seq = h.seq;
			sc.type = h.type;
			sc.parts = 0;
		} else if (h.entry != sc.entry || h.entry_len != sc.entry_len || h.seq != sc.seq ||
			   h.type != sc.type) {
			break;
		}
		if (sc.type == RVX_PERSIST_FRAME && fr != NULL)
			memcpy(fr + sc.frames_len + (uint64_t)h.part * pl,
			       t.buf + RVX_PERSIST_HEADER_SIZE, h.len);
		sc.parts++;
		if (sc.parts < blocks_for(dev->block_size, sc.entry_len))
			continue;
		/* A whole entry. */
		if (sc.type == RVX_PERSIST_FRAME) {
			sc.frames_len += sc.entry_len;
			r.frames++;
			t.next_seq++;
		} else {
			r.stale_ckpts++;
		}
		sc.entry_len = 0;
		t.tail_lba = sc.lba + 1u;
		t.tail_index = sc.index + 1u;
	}
	if (sc.entry_len == 0) {
		t.tail_lba = sc.lba;
		t.tail_index = sc.index;
	}
	r.bad_lba = sc.lba;
	r.blocks = t.tail_index - s.start_index;
	r.next_seq = t.next_seq;
	r.frames_len = sc.frames_len;

	/* Torn tail or damaged middle: a valid block of this stream from a later
	 * entry, anywhere after the stop, proves a flush happened after the bad
	 * block was written. */
	stop_entry = sc.entry_len != 0 ? sc.entry : sc.index;
	if (sc.entry_len != 0) {
		r.torn_entries = 1;
		r.torn_blocks = sc.parts;
	} else if (sc.lba < dev->block_count && rvx_le_get32(t.buf + B_MAGIC) == BLOCK_MAGIC &&
		   rvx_le_get64(t.buf + B_VOLUME) == t.volume &&
		   rvx_le_get64(t.buf + B_EPOCH) == t.epoch &&
		   rvx_le_get64(t.buf + B_INDEX) == sc.index &&
		   rvx_le_get64(t.buf + B_SEQ) == t.next_seq) {
		struct block_hdr h;

		/* The next entry's first block, its header intact but the block
		 * not: an entry torn in its first block (a leftover of an older
		 * tear names an older sequence). */
		if (!block_parse(t.buf, dev->block_size, t.volume, &h))
			r.torn_entries = 1;
	}
	for (uint64_t lba = sc.lba; lba < dev->block_count; lba++) {
		struct block_hdr h;

		rc = dev->read(dev->ctx, lba, t.buf);
		if (rc != 0) {
			rc = rc < 0 ? rc : -RVX_EINVAL;
			goto out;
		}
		r.scanned++;
		if (!block_parse(t.buf, dev->block_size, t.volume, &h) || h.epoch != t.epoch ||
		    h.index != lba - s.start_lba + s.start_index)
			continue;
		if (h.entry > stop_entry) {
			r.bad_lba = sc.lba;
			rc = -RVX_EBADSIG;
			goto out;
		}
		if (h.entry == stop_entry && lba > sc.lba) {
			if (r.torn_entries == 0)
				r.torn_entries = 1;
			r.torn_blocks++;
		}
	}
	rc = 0;
	*p = t;
out:
	if (report != NULL)
		*report = r;
	return rc;
}

static int check_write(const struct rvx_persist *p, const void *data, size_t len, uint64_t seq)
{
	if (p == NULL || p->buf == NULL || data == NULL || len == 0 || len > RVX_PERSIST_ENTRY_MAX ||
	    seq != p->next_seq)
		return -RVX_EINVAL;
	if (p->failed)
		return -RVX_EBUSY;
	return 0;
}

int rvx_persist_append(struct rvx_persist *p, uint64_t seq, const void *frame, size_t len)
{
	uint64_t n;
	int rc = check_write(p, frame, len, seq);

	if (rc != 0)
		return rc;
	n = blocks_for(p->dev.block_size, len);
	if (n > p->dev.block_count - p->tail_lba)
		return -RVX_EFULL;
	rc = entry_write(p, p->tail_lba, p->tail_index, p->epoch, RVX_PERSIST_FRAME, seq, frame, len);
	if (rc == 0)
		rc = dev_flush(p);
	if (rc != 0) {
		p->failed = 1;
		return rc;
	}
	/* Commit. */
	p->tail_lba += n;
	p->tail_index += n;
	p->next_seq++;
	return 0;
}

int rvx_persist_checkpoint(struct rvx_persist *p, const void *ckpt, size_t len, uint64_t seq)
{
	struct superblock s;
	struct rvx_sha256 c;
	uint64_t n, lba, index, epoch, area;
	bool at_tail, wrap;
	int rc = check_write(p, ckpt, len, seq);

	if (rc != 0)
		return rc;
	n = blocks_for(p->dev.block_size, len);
	area = p->dev.block_count - RVX_PERSIST_DATA_START;
	at_tail = n <= p->dev.block_count - p->tail_lba;
	wrap = n <= p->start_lba - RVX_PERSIST_DATA_START;
	/* Past half way, go back to the start while the old stream leaves room
	 * there; the next checkpoint then fits at the tail again. */
	if (wrap && (p->tail_lba - RVX_PERSIST_DATA_START > area / 2u || !at_tail)) {
		lba = RVX_PERSIST_DATA_START;
		index = 0;
		epoch = p->epoch + 1u;
	} else if (at_tail) {
		lba = p->tail_lba;
		index = p->tail_index;
		epoch = p->epoch;
	} else {
		return -RVX_EFULL;
	}
	memset(&s, 0, sizeof(s));
	s.volume = p->volume;
	s.generation = p->generation + 1u;
	s.epoch = epoch;
	s.start_lba = lba;
	s.start_index = index;
	s.start_seq = seq;
	s.has_ckpt = 1;
	s.ckpt_len = len;
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, ckpt, len);
	rvx_sha256_out(&c, s.ckpt_hash);

	rc = entry_write(p, lba, index, epoch, RVX_PERSIST_CKPT, seq, ckpt, len);
	if (rc == 0)
		rc = dev_flush(p);
	if (rc == 0) {
		super_build(p, &s, p->buf);
		rc = p->dev.write(p->dev.ctx, s.generation & 1u, p->buf);
		if (rc > 0)
			rc = -RVX_EINVAL;
	}
	if (rc == 0)
		rc = dev_flush(p);
	if (rc != 0) {
		p->failed = 1;
		return rc;
	}
	/* Commit. */
	p->generation = s.generation;
	p->epoch = epoch;
	p->start_lba = lba;
	p->start_index = index;
	p->tail_lba = lba + n;
	p->tail_index = index + n;
	p->has_ckpt = 1;
	p->ckpt_seq = seq;
	p->ckpt_len = len;
	memcpy(p->ckpt_hash, s.ckpt_hash, 32);
	return 0;
}
