/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The witness log: one SHA-256 stream of 64-byte records. The log keeps the
 * chaining value and the sequence only; appending resumes the stream at that
 * point (a block boundary, so nothing is buffered): exactly one compression
 * of the record into the chaining value (rvx_sha256_blocks(), on the CPU's
 * SHA instructions when it has them).
 */
#include "witness_internal.h"

/* count * 64 must fit the SHA-256 length counter (and a u64). */
#define SEQUENCE_LIMIT (UINT64_MAX / (2u * RVX_WITNESS_RECORD_SIZE))

void rvx_witness_head_at_(const uint8_t state[32], uint64_t sequence, uint8_t out[32])
{
	struct rvx_sha256 c;

	rvx_wit_resume_(&c, state, sequence);
	rvx_sha256_out(&c, out);
}

static void epoch_reset(struct rvx_witness_log *log)
{
	memcpy(log->epoch_state, rvx_witness_iv_, 32);
	memset(log->epoch_pending, 0, sizeof(log->epoch_pending));
	log->epoch_events = 0;
	log->epoch_bytes = 0;
}

int rvx_witness_log_init(struct rvx_witness_log *log, const struct rvx_witness_sink *sink)
{
	if (log == NULL || sink == NULL || sink->write == NULL)
		return -RVX_EINVAL;
	memset(log, 0, sizeof(*log));
	memcpy(log->state, rvx_witness_iv_, 32);
	log->sink = *sink;
	epoch_reset(log);
	return 0;
}

void rvx_witness_build_(const struct rvx_witness_log *log, const struct rvx_witness_event *ev,
			const uint8_t digest[RVX_WITNESS_DIGEST_SIZE], uint8_t wire[64])
{
	rvx_le_put64(wire + 0, log->sequence);
	rvx_le_put64(wire + 8, ev->time);
	rvx_le_put16(wire + 16, ev->kind);
	wire[18] = ev->tier;
	wire[19] = ev->flags;
	rvx_le_put32(wire + 20, ev->actor);
	rvx_le_put64(wire + 24, ev->target);
	memcpy(wire + 32, digest, RVX_WITNESS_DIGEST_SIZE);
	memcpy(wire + 48, log->state, RVX_WITNESS_LINK_SIZE);
}

/* Commit a record already stored by the sink: advance the chain. */
static void chain_advance(struct rvx_witness_log *log, const uint8_t wire[64])
{
	rvx_sha256_blocks(log->state, wire, 1);
	log->sequence++;
}

static int check_event(const struct rvx_witness_log *log, const struct rvx_witness_event *ev)
{
	if (log == NULL || ev == NULL || ev->kind == RVX_WITNESS_NONE)
		return -RVX_EINVAL;
	if (log->sequence >= SEQUENCE_LIMIT)
		return -RVX_ELIMIT;
	return 0;
}

int rvx_witness_append_digest(struct rvx_witness_log *log, const struct rvx_witness_event *ev,
			      const uint8_t digest[RVX_WITNESS_DIGEST_SIZE],
			      struct rvx_witness_record *out)
{
	uint8_t wire[RVX_WITNESS_RECORD_SIZE];
	int rc = check_event(log, ev);

	if (rc != 0)
		return rc;
	if (digest == NULL)
		return -RVX_EINVAL;
	rvx_witness_build_(log, ev, digest, wire);
	rc = log->sink.write(log->sink.ctx, wire);
	if (rc != 0)
		return rc;
	chain_advance(log, wire);
	if (out != NULL)
		rvx_witness_record_decode(wire, out);
	return 0;
}

int rvx_witness_append(struct rvx_witness_log *log, const struct rvx_witness_event *ev,
		       const void *args, size_t args_len, struct rvx_witness_record *out)
{
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];

	if (args == NULL && args_len > 0)
		return -RVX_EINVAL;
	rvx_witness_args_digest(args, args_len, digest);
	return rvx_witness_append_digest(log, ev, digest, out);
}

int rvx_witness_commit(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
		       const struct rvx_witness_event *ev, const void *args, size_t args_len,
		       struct rvx_witness_record *out)
{
	struct rvx_witness_piece one = {args, args_len};

	return rvx_witness_commitv(log, journal, ev, &one, 1, out);
}

int rvx_witness_commitv(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
			const struct rvx_witness_event *ev, const struct rvx_witness_piece *pieces,
			uint32_t count, struct rvx_witness_record *out)
{
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];
	uint8_t wire[RVX_WITNESS_RECORD_SIZE];
	const uint8_t *payload;
	size_t total = 0;
	int rc = check_event(log, ev);

	if (rc != 0)
		return rc;
	if (journal == NULL || (pieces == NULL && count > 0))
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		if ((pieces[i].data == NULL && pieces[i].len > 0) ||
		    pieces[i].len > RVX_WITNESS_ARGS_MAX - total)
			return -RVX_EINVAL;
		total += pieces[i].len;
	}
	rc = rvx_witness_journal_check_(journal, log->sequence, (uint32_t)total);
	if (rc != 0)
		return rc;
	/* Each piece is read once, into the journal; the digest is the copy's. */
	payload = rvx_witness_journal_stage_(journal, pieces, count);
	rvx_witness_args_digest(payload, total, digest);
	rvx_witness_build_(log, ev, digest, wire);
	rc = log->sink.write(log->sink.ctx, wire);
	if (rc != 0)
		return rc;
	/* From here nothing can fail. */
	rvx_witness_journal_seal_(journal, wire, (uint32_t)total);
	chain_advance(log, wire);
	if (out != NULL)
		rvx_witness_record_decode(wire, out);
	return 0;
}

void rvx_witness_head(const struct rvx_witness_log *log, struct rvx_witness_head *out)
{
	out->count = log->sequence;
	rvx_witness_head_at_(log->state, log->sequence, out->head);
}

void rvx_witness_anchor(const struct rvx_witness_log *log, struct rvx_witness_anchor *out)
{
	out->sequence = log->sequence;
	memcpy(out->state, log->state, 32);
}

void rvx_witness_note_traffic(struct rvx_witness_log *log, uint16_t kind, uint32_t actor,
			      uint64_t target, uint32_t bytes)
{
	uint8_t block[64];
	uint8_t *d = (log->epoch_events & 1u) ? block + 32 : log->epoch_pending;

	/* Descriptor: kind, 0, actor, target, bytes, 0, ordinal (32 bytes). */
	rvx_le_put16(d + 0, kind);
	rvx_le_put16(d + 2, 0);
	rvx_le_put32(d + 4, actor);
	rvx_le_put64(d + 8, target);
	rvx_le_put32(d + 16, bytes);
	rvx_le_put32(d + 20, 0);
	rvx_le_put64(d + 24, log->epoch_events);
	if (log->epoch_events & 1u) {
		/* A whole block of two descriptors: one compression. */
		memcpy(block, log->epoch_pending, 32);
		rvx_sha256_blocks(log->epoch_state, block, 1);
	}
	log->epoch_events++;
	log->epoch_bytes += bytes;
}

void rvx_witness_epoch_begin(struct rvx_witness_log *log, uint64_t epoch)
{
	epoch_reset(log);
	log->epoch = epoch;
}

void rvx_witness_epoch_summary(const struct rvx_witness_log *log,
			       uint8_t payload[RVX_WITNESS_EPOCH_PAYLOAD_SIZE])
{
	struct rvx_sha256 c;

	rvx_le_put64(payload + 0, log->epoch);
	rvx_le_put64(payload + 8, log->epoch_events);
	rvx_le_put64(payload + 16, log->epoch_bytes);
	rvx_sha256_set_state(&c, log->epoch_state, (log->epoch_events & ~(uint64_t)1) * 32u);
	if (log->epoch_events & 1u)
		rvx_sha256_update(&c, log->epoch_pending, 32);
	rvx_sha256_out(&c, payload + 24);
}

int rvx_witness_epoch_close(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
			    uint64_t now, uint8_t payload[RVX_WITNESS_EPOCH_PAYLOAD_SIZE])
{
	uint8_t summary[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
	struct rvx_witness_event ev;
	int rc;

	if (log == NULL)
		return -RVX_EINVAL;
	rvx_witness_epoch_summary(log, summary);

	ev.time = now;
	ev.kind = RVX_WITNESS_EPOCH_SUMMARY;
	ev.tier = 0;
	ev.flags = 0;
	ev.actor = (uint32_t)log->epoch;
	ev.target = log->epoch_events;
	if (journal != NULL)
		rc = rvx_witness_commit(log, journal, &ev, summary, sizeof(summary), NULL);
	else
		rc = rvx_witness_append(log, &ev, summary, sizeof(summary), NULL);
	if (rc != 0)
		return rc;
	epoch_reset(log);
	log->epoch++;
	if (payload != NULL)
		memcpy(payload, summary, sizeof(summary));
	return 0;
}

static int ring_write(void *ctx, const uint8_t rec[64])
{
	struct rvx_witness_ring *ring = ctx;

	if (ring->count == ring->capacity) {
		if (!ring->overwrite)
			return -RVX_EFULL;
		ring->dropped++;
	} else {
		ring->count++;
	}
	memcpy(ring->base + (size_t)ring->next * RVX_WITNESS_RECORD_SIZE, rec,
	       RVX_WITNESS_RECORD_SIZE);
	ring->next = ring->next + 1u == ring->capacity ? 0u : ring->next + 1u;
	return 0;
}

int rvx_witness_ring_init(struct rvx_witness_ring *ring, void *storage, uint32_t capacity,
			  bool overwrite)
{
	if (ring == NULL || storage == NULL || capacity == 0)
		return -RVX_EINVAL;
	ring->base = storage;
	ring->capacity = capacity;
	ring->count = 0;
	ring->next = 0;
	ring->overwrite = overwrite ? 1u : 0u;
	ring->dropped = 0;
	return 0;
}

struct rvx_witness_sink rvx_witness_ring_sink(struct rvx_witness_ring *ring)
{
	struct rvx_witness_sink s = {ring_write, ring};

	return s;
}

const uint8_t *rvx_witness_ring_at(const struct rvx_witness_ring *ring, uint32_t i)
{
	uint32_t oldest;

	if (ring == NULL || i >= ring->count)
		return NULL;
	oldest = (ring->next + ring->capacity - ring->count) % ring->capacity;
	return ring->base + (size_t)((oldest + i) % ring->capacity) * RVX_WITNESS_RECORD_SIZE;
}

int rvx_witness_keep_init(struct rvx_witness_keep *keep, void *storage, uint32_t capacity)
{
	if (keep == NULL || storage == NULL || capacity == 0)
		return -RVX_EINVAL;
	memset(keep, 0, sizeof(*keep));
	keep->base = storage;
	keep->capacity = capacity;
	memcpy(keep->start.state, rvx_witness_iv_, 32);
	return 0;
}

static int keep_write(void *ctx, const uint8_t rec[64])
{
	struct rvx_witness_keep *keep = ctx;
	uint64_t next = keep->start.sequence + keep->count;

	if (rvx_le_get64(rec) != next)
		return -RVX_EINVAL;
	if (keep->count == keep->capacity) {
		/* The released records at the front give way, all at once:
		 * `start` moves past them (one compression each). */
		uint64_t n = keep->released > keep->start.sequence
				     ? keep->released - keep->start.sequence
				     : 0;

		if (n == 0)
			return -RVX_EFULL;
		rvx_sha256_blocks(keep->start.state, keep->base, (size_t)n);
		memmove(keep->base, keep->base + (size_t)n * RVX_WITNESS_RECORD_SIZE,
			(size_t)(keep->count - n) * RVX_WITNESS_RECORD_SIZE);
		keep->count -= (uint32_t)n;
		keep->start.sequence += n;
		keep->gave_way += n;
	}
	memcpy(keep->base + (size_t)keep->count * RVX_WITNESS_RECORD_SIZE, rec,
	       RVX_WITNESS_RECORD_SIZE);
	keep->count++;
	return 0;
}

struct rvx_witness_sink rvx_witness_keep_sink(struct rvx_witness_keep *keep)
{
	struct rvx_witness_sink s = {keep_write, keep};

	return s;
}

int rvx_witness_keep_restart(struct rvx_witness_keep *keep, const struct rvx_witness_anchor *at)
{
	if (keep == NULL || at == NULL)
		return -RVX_EINVAL;
	keep->start = *at;
	keep->count = 0;
	keep->released = at->sequence;
	return 0;
}

int rvx_witness_keep_release(struct rvx_witness_keep *keep, uint64_t sequence)
{
	if (keep == NULL || sequence > keep->start.sequence + keep->count)
		return -RVX_EINVAL;
	if (sequence > keep->released)
		keep->released = sequence;
	return 0;
}

int rvx_witness_replay(struct rvx_witness_log *log, const struct rvx_witness_journal *journal,
		       uint64_t from_sequence, rvx_witness_apply_fn apply, void *ctx,
		       uint64_t *replayed)
{
	struct rvx_witness_entry e;
	size_t cursor = 0;
	uint64_t done = 0;
	int rc = 0;

	if (replayed != NULL)
		*replayed = 0;
	if (log == NULL || journal == NULL || apply == NULL || log->sequence != from_sequence)
		return -RVX_EINVAL;
	while ((rc = rvx_witness_journal_next(journal, &cursor, &e)) == 0) {
		uint8_t digest[RVX_WITNESS_DIGEST_SIZE];
		uint8_t wire[RVX_WITNESS_RECORD_SIZE];
		struct rvx_witness_event ev;

		if (e.record.sequence < from_sequence)
			continue;
		if (e.record.sequence != log->sequence)
			return -RVX_EINVAL;
		if (log->sequence >= SEQUENCE_LIMIT)
			return -RVX_ELIMIT;
		rvx_witness_args_digest(e.args, e.args_len, digest);
		if (!rvx_wit_eq_(digest, e.record.args_digest, RVX_WITNESS_DIGEST_SIZE) ||
		    e.record.kind == RVX_WITNESS_NONE)
			return -RVX_EBADSIG;
		ev.time = e.record.time;
		ev.kind = e.record.kind;
		ev.tier = e.record.tier;
		ev.flags = e.record.flags;
		ev.actor = e.record.actor;
		ev.target = e.record.target;
		rvx_witness_build_(log, &ev, digest, wire);
		/* The link in the rebuilt record is this log's state: if the
		 * restored state had diverged, this is where it shows. */
		if (memcmp(wire, e.wire, RVX_WITNESS_RECORD_SIZE) != 0)
			return -RVX_EBADSIG;
		rc = apply(ctx, &e.record, e.args, e.args_len);
		if (rc < 0)
			return rc;
		rc = log->sink.write(log->sink.ctx, wire);
		if (rc != 0)
			return rc;
		chain_advance(log, wire);
		done++;
		if (replayed != NULL)
			*replayed = done;
	}
	return rc == -RVX_ENOENT ? 0 : rc;
}
