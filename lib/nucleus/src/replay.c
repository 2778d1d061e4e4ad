/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Journal replay on top of a restored checkpoint. Each entry's call is
 * re-issued through rvx_syscall() with the call context in replay mode:
 * every handler runs its ordinary checks and commit, prove() re-makes the
 * journaled decision instead of verifying the token again, and the witness
 * path refuses to append a record that differs from the journal's copy.
 */
#include "nucleus_internal.h"

/* Scratch a re-issued call writes its outputs to (handles, task slots). */
#define OUT_WORDS (RVX_KERNEL_TASKS + RVX_KERNEL_SLOTS)

/* Replay context for a journal entry that is not a syscall: the witness path
 * compares what it is about to append with @p e, byte for byte. */
static void replay_begin(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	memset(&k->call, 0, sizeof(k->call));
	k->call.replay = 1;
	k->call.expect = e;
	k->now = e->record.time;
}

static int replay_end(struct rvx_kernel *k, int ret)
{
	if (ret == 0 && !k->call.matched)
		ret = -RVX_EBADSIG;
	memset(&k->call, 0, sizeof(k->call));
	return ret;
}

/* Re-append a record whose effect is the record itself (post-boot stages,
 * epoch summaries, port records), checked against the chain like any
 * rebuilt record. The caller checked the entry's shape. */
static int replay_append(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	struct rvx_witness_record rec;

	replay_begin(k, e);
	return replay_end(k, rvx_kernel_witness_(k, e->record.kind, 0, e->record.actor,
						 e->record.target,
						 e->args_len != 0 ? e->args : NULL, e->args_len,
						 &rec));
}

/* A post-boot stage record (rvx_kernel_boot_stage()). */
static int replay_stage(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	/* Stages up to OBJECTS_READY belong to boot itself, which is not
	 * replayed (a checkpoint taken after boot is the starting point). */
	if (e->record.target <= (uint64_t)RVX_KERNEL_BOOT_OBJECTS_READY)
		return -RVX_ENOTSUP;
	if ((e->args_len != 0 && e->args_len != 32) || e->record.time < k->now ||
	    e->record.target >= (uint64_t)RVX_KERNEL_BOOT_STAGE_COUNT)
		return -RVX_EBADSIG;
	return replay_append(k, e);
}

/* An epoch summary (rvx_kernel_epoch_close()). Traffic is not journaled, so
 * the journaled summary is appended as it stands and the next epoch begins
 * after it. */
static int replay_summary(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	int ret;

	if (e->args_len != RVX_WITNESS_EPOCH_PAYLOAD_SIZE || e->record.time < k->now ||
	    e->record.actor != (uint32_t)k->log.epoch)
		return -RVX_EBADSIG;
	ret = replay_append(k, e);
	if (ret == 0) {
		rvx_witness_epoch_begin(&k->log, k->log.epoch + 1u);
		rvx_kernel_epoch_reset_(k);
	}
	return ret;
}

/* A port's record (rvx_kernel_port_record()). */
static int replay_port(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	if (e->args_len > RVX_KERNEL_PORT_RECORD_MAX || e->record.time < k->now ||
	    e->record.tier != 0)
		return -RVX_EBADSIG;
	return replay_append(k, e);
}

/* A task exit (rvx_kernel_task_exit()): re-applied, its record rebuilt and
 * compared with the journal's. */
static int replay_exit(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	int32_t code;

	if (e->args_len != 8 || e->record.time < k->now || e->record.actor >= RVX_KERNEL_TASKS)
		return -RVX_EBADSIG;
	memcpy(&code, e->args, 4);
	replay_begin(k, e);
	return replay_end(k, rvx_kernel_task_exit_(k, e->record.actor, code));
}

/* A port call (port_calls.c): re-made through the same function, its record
 * rebuilt and compared with the journal's. */
static int replay_port_call(struct rvx_kernel *k, const struct rvx_witness_entry *e)
{
	uint32_t task = e->record.actor;
	int ret;

	if (e->record.time < k->now || e->record.tier != 0 || task >= RVX_KERNEL_TASKS)
		return -RVX_EBADSIG;
	switch (e->record.kind) {
	case RVX_WITNESS_TASK_HOLD:
	case RVX_WITNESS_TASK_RELEASE:
		if (e->args_len != 0)
			return -RVX_EBADSIG;
		break;
	case RVX_WITNESS_TASK_MIGRATE:
		if (e->args_len != 8)
			return -RVX_EBADSIG;
		break;
	default: /* RVX_WITNESS_REGION_APPEND */
		if (e->args_len <= 8 || e->args_len > 8u + RVX_KERNEL_REGION_APPEND_MAX)
			return -RVX_EBADSIG;
		break;
	}
	replay_begin(k, e);
	if (e->record.kind == RVX_WITNESS_TASK_HOLD)
		ret = rvx_kernel_task_hold(k, task);
	else if (e->record.kind == RVX_WITNESS_TASK_RELEASE)
		ret = rvx_kernel_task_release(k, task);
	else if (e->record.kind == RVX_WITNESS_TASK_MIGRATE)
		ret = rvx_kernel_task_migrate(k, task, rvx_le_get32(e->args));
	else
		ret = rvx_kernel_region_append(k, task, (rvx_handle_t){rvx_le_get64(e->args)},
					       e->args + 8, e->args_len - 8u, NULL);
	return replay_end(k, ret);
}

/* Re-apply one entry. The caller checked its sequence. */
static int replay_one(struct rvx_kernel *k, const struct rvx_witness_entry *e,
		      rvx_kernel_package_fn package, void *ctx, uint64_t *out_words)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_kernel_call_header h;
	size_t need;
	int ret;

	if (e->record.kind == RVX_WITNESS_BOOT_STAGE)
		return replay_stage(k, e);
	if (e->record.kind == RVX_WITNESS_EPOCH_SUMMARY)
		return replay_summary(k, e);
	if (rvx_kernel_port_kind_(e->record.kind))
		return replay_port(k, e);
	if (e->record.kind == RVX_WITNESS_TASK_EXIT)
		return replay_exit(k, e);
	if (e->record.kind >= RVX_WITNESS_TASK_HOLD && e->record.kind <= RVX_WITNESS_REGION_APPEND)
		return replay_port_call(k, e);
	ret = rvx_kernel_call_header_decode(e->args, e->args_len, &h);
	if (ret != 0)
		return ret;
	need = RVX_KERNEL_CALL_HEADER_BYTES;
	if (h.has_issuer > 1 || h.in_len > RVX_WITNESS_ARGS_MAX ||
	    h.nr >= RVX_SYS_COUNT || (h.has_issuer && h.issuer_slot >= RVX_ARRAY_COUNT(k->issuers)))
		return -RVX_EBADSIG;
	if (h.has_issuer)
		need += RVX_KERNEL_ISSUER_JOURNAL_BYTES;
	need += (size_t)h.in_len;
	if (need > e->args_len || e->record.time < k->now)
		return -RVX_EBADSIG;

	memset(&a, 0, sizeof(a));
	a.version = RVX_SYSCALL_VERSION;
	a.flags = h.flags;
	a.cap = h.cap;
	a.cap2 = h.cap2;
	memcpy(a.arg, h.arg, sizeof(a.arg));
	a.in_len = h.in_len;
	if (h.in_len != 0)
		a.in = (uint64_t)(uintptr_t)(e->args + need - h.in_len);
	if (h.nr == RVX_SYS_RVF_MOUNT) {
		const uint8_t *pkg = NULL;
		size_t len = 0;

		/* The MOUNT record's arguments open with the package hash; the
		 * journaled input is the required-capability handles. */
		if (e->args_len - need < 32 || h.in_len != h.aux_len)
			return -RVX_EBADSIG;
		if (package == NULL)
			return -RVX_ENOENT;
		ret = package(ctx, e->args + need, &pkg, &len);
		if (ret != 0)
			return ret;
		if (pkg == NULL || len == 0)
			return -RVX_ENOENT;
		a.in = (uint64_t)(uintptr_t)pkg;
		a.in_len = len;
	}
	/* Outputs go to scratch; the proof token is not read in replay. */
	a.out = (uint64_t)(uintptr_t)out_words;
	a.out_len = OUT_WORDS * 8u;
	a.aux = (uint64_t)(uintptr_t)out_words;
	a.aux_len = h.aux_len;
	if (h.nr == RVX_SYS_RVF_MOUNT)
		a.aux = h.in_len != 0 ? (uint64_t)(uintptr_t)(e->args + need - h.in_len) : 0;

	memset(&k->call, 0, sizeof(k->call));
	k->call.active = 1;
	k->call.replay = 1;
	k->call.nr = h.nr;
	k->call.task = h.task;
	k->call.args = &a;
	k->call.expect = e;
	k->call.in_journaled = (uint32_t)h.in_len;
	k->call.has_issuer = h.has_issuer;
	k->call.issuer_slot = h.has_issuer ? h.issuer_slot : 0;
	if (h.has_issuer)
		memcpy(k->call.issuer, e->args + RVX_KERNEL_CALL_HEADER_BYTES,
		       RVX_KERNEL_ISSUER_JOURNAL_BYTES);
	k->now = e->record.time;
	ret = rvx_syscall(k, h.task, h.nr, &a, &r);
	if (k->call.matched && k->log.sequence == e->record.sequence + 1u)
		ret = 0; /* A journaled rejection fails the call, as it did. */
	else if (ret == 0)
		ret = -RVX_EBADSIG;
	memset(&k->call, 0, sizeof(k->call));
	return ret;
}

/*
 * The next frame of the journal (format in ruvix/witness.h). The frame's own
 * digest is not recomputed: replay checks more than it does, at no extra
 * cost: every field of the record against the rebuilt one, its link against
 * the chain, and the payload against the record's args digest (computed
 * once, by the append). Bounds are checked here.
 */
static int next_frame(const struct rvx_witness_journal *j, size_t *cursor,
		      struct rvx_witness_entry *e)
{
	const uint8_t *p;
	uint32_t magic, len;
	size_t at = *cursor;

	if (at >= j->used)
		return -RVX_ENOENT;
	if (j->used - at < RVX_WITNESS_FRAME_OVERHEAD)
		return -RVX_EBADSIG;
	p = j->base + at;
	magic = rvx_le_get32(p);
	len = rvx_le_get32(p + 4);
	if (magic != RVX_WITNESS_FRAME_MAGIC || len > RVX_WITNESS_ARGS_MAX ||
	    j->used - at < RVX_WITNESS_FRAME_SIZE(len))
		return -RVX_EBADSIG;
	e->wire = p + 8;
	rvx_witness_record_decode(e->wire, &e->record);
	e->args = p + 8 + RVX_WITNESS_RECORD_SIZE;
	e->args_len = len;
	*cursor = at + RVX_WITNESS_FRAME_SIZE(len);
	return 0;
}

/*
 * Check the tag that closes the entry's payload (rvx_kernel_witness_()) in
 * constant time and leave @p e's payload as the part before it: an entry
 * this kernel's secret did not write is never acted on.
 */
static int tag_check(const struct rvx_kernel *k, struct rvx_witness_entry *e)
{
	struct rvx_witness_piece body;
	uint8_t tag[RVX_KERNEL_JOURNAL_TAG_BYTES];
	uint8_t diff = 0;

	if (e->args_len < RVX_KERNEL_JOURNAL_TAG_BYTES)
		return -RVX_EBADSIG;
	body.data = e->args;
	body.len = e->args_len - RVX_KERNEL_JOURNAL_TAG_BYTES;
	rvx_kernel_journal_tag_(k, e->wire, &body, 1, tag);
	for (size_t i = 0; i < sizeof(tag); i++)
		diff |= (uint8_t)(tag[i] ^ e->args[body.len + i]);
	if (diff != 0)
		return -RVX_EBADSIG;
	e->args_len = (uint32_t)body.len;
	return 0;
}

int rvx_kernel_replay(struct rvx_kernel *k, const struct rvx_witness_journal *journal,
		      uint64_t from_seq, const uint8_t *ckpt, size_t ckpt_len,
		      rvx_kernel_package_fn package, void *ctx, uint64_t *replayed)
{
	uint64_t out_words[OUT_WORDS];
	struct rvx_witness_entry e;
	uint64_t done = 0;
	size_t cursor = 0;
	int ret;

	if (replayed != NULL)
		*replayed = 0;
	if (k == NULL || journal == NULL || !k->booted ||
	    (k->has_journal && journal->base == k->journal.base))
		return -RVX_EINVAL;
	if (ckpt != NULL) {
		ret = rvx_kernel_restore(k, ckpt, ckpt_len);
		if (ret != 0)
			return ret;
	}
	if (k->log.sequence != from_seq)
		return -RVX_EINVAL;
	for (;;) {
		ret = next_frame(journal, &cursor, &e);
		if (ret == -RVX_ENOENT) {
			ret = 0;
			break;
		}
		if (ret != 0)
			break;
		if (e.record.sequence < from_seq)
			continue;
		if (e.record.sequence != k->log.sequence) {
			ret = -RVX_EINVAL;
			break;
		}
		ret = tag_check(k, &e);
		if (ret != 0)
			break;
		ret = replay_one(k, &e, package, ctx, out_words);
		if (ret != 0)
			break;
		done++;
	}
	if (ret != 0 && ckpt != NULL) {
		/* Validated above: restoring it again cannot fail. */
		RVX_CHECK(rvx_kernel_restore(k, ckpt, ckpt_len) == 0);
	}
	if (replayed != NULL)
		*replayed = done;
	return ret;
}
