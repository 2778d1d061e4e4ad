/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel object: boot, time, embedder-created objects, introspection.
 * The syscalls are in syscall.c. Every mutating function checks everything
 * first and then commits with calls whose preconditions it has established
 * (RVX_CHECK guards those invariants).
 */
/* BearSSL first, its symbols hidden: its headers include <string.h> before
 * env.h, and its functions are then reached PC-relative, not through a GOT
 * a freestanding kernel would have to provide. Its HMAC runs over
 * rvx_sha256_vtable (lib/sha256). */
#pragma GCC visibility push(hidden)
#include "bearssl_hmac.h"
#pragma GCC visibility pop
#include "ruvix/sha256.h"

#include "nucleus_internal.h"

size_t rvx_kernel_storage_size(const struct rvx_kernel_config *cfg)
{
	(void)cfg;
	return sizeof(struct rvx_kernel);
}

/* Bytes the call context adds in front of a record's own arguments (the
 * issuer window is counted whether or not a proof follows: rooms are
 * checked before the proof). */
static size_t call_extra(const struct rvx_kernel *k)
{
	if (!k->call.active)
		return 0;
	return RVX_KERNEL_CALL_HEADER_BYTES + RVX_KERNEL_ISSUER_JOURNAL_BYTES +
	       (size_t)k->call.in_journaled;
}

int rvx_kernel_witness_room_(const struct rvx_kernel *k, size_t len)
{
	len += call_extra(k);
	if (k->has_journal)
		len += RVX_KERNEL_JOURNAL_TAG_BYTES;
	if (len > RVX_WITNESS_ARGS_MAX)
		return -RVX_EINVAL;
	if (k->has_journal && k->journal.capacity - k->journal.used < RVX_WITNESS_FRAME_SIZE(len))
		return -RVX_EFULL;
	return 0;
}

static int replay_commit(struct rvx_kernel *k, const struct rvx_witness_event *ev,
			 const void *args, size_t len, struct rvx_witness_record *out);

/* The replayed payload, given in pieces, equals the journal entry's. */
static bool pieces_equal(const struct rvx_witness_piece *p, uint32_t count,
			 const struct rvx_witness_entry *e)
{
	size_t off = 0;

	for (uint32_t i = 0; i < count; i++) {
		if (p[i].len > e->args_len - off ||
		    (p[i].len != 0 && memcmp(e->args + off, p[i].data, p[i].len) != 0))
			return false;
		off += p[i].len;
	}
	return off == e->args_len;
}

/* Offset of a call header field in its wire form (the struct's own layout). */
#define CH_OFF(field) offsetof(struct rvx_kernel_call_header, field)

void rvx_kernel_call_header_encode(const struct rvx_kernel_call_header *h, uint8_t *out)
{
	rvx_le_put32(out + CH_OFF(magic), h->magic);
	rvx_le_put32(out + CH_OFF(nr), h->nr);
	rvx_le_put32(out + CH_OFF(task), h->task);
	rvx_le_put32(out + CH_OFF(flags), h->flags);
	rvx_le_put64(out + CH_OFF(cap), h->cap);
	rvx_le_put64(out + CH_OFF(cap2), h->cap2);
	for (size_t i = 0; i < RVX_ARRAY_COUNT(h->arg); i++)
		rvx_le_put64(out + CH_OFF(arg) + 8u * i, h->arg[i]);
	rvx_le_put64(out + CH_OFF(in_len), h->in_len);
	rvx_le_put64(out + CH_OFF(aux_len), h->aux_len);
	rvx_le_put32(out + CH_OFF(issuer_slot), h->issuer_slot);
	rvx_le_put32(out + CH_OFF(has_issuer), h->has_issuer);
}

int rvx_kernel_call_header_decode(const uint8_t *in, size_t len,
				  struct rvx_kernel_call_header *h)
{
	if (in == NULL || h == NULL)
		return -RVX_EINVAL;
	if (len < RVX_KERNEL_CALL_HEADER_BYTES ||
	    rvx_le_get32(in + CH_OFF(magic)) != RVX_KERNEL_CALL_MAGIC)
		return -RVX_ENOTSUP;
	h->magic = RVX_KERNEL_CALL_MAGIC;
	h->nr = rvx_le_get32(in + CH_OFF(nr));
	h->task = rvx_le_get32(in + CH_OFF(task));
	h->flags = rvx_le_get32(in + CH_OFF(flags));
	h->cap = rvx_le_get64(in + CH_OFF(cap));
	h->cap2 = rvx_le_get64(in + CH_OFF(cap2));
	for (size_t i = 0; i < RVX_ARRAY_COUNT(h->arg); i++)
		h->arg[i] = rvx_le_get64(in + CH_OFF(arg) + 8u * i);
	h->in_len = rvx_le_get64(in + CH_OFF(in_len));
	h->aux_len = rvx_le_get64(in + CH_OFF(aux_len));
	h->issuer_slot = rvx_le_get32(in + CH_OFF(issuer_slot));
	h->has_issuer = rvx_le_get32(in + CH_OFF(has_issuer));
	return 0;
}

/* The journal call header of the syscall being dispatched. */
static void call_header(const struct rvx_kernel_call *c, uint8_t *out)
{
	const struct rvx_syscall_args *a = c->args;
	struct rvx_kernel_call_header h;

	h.magic = RVX_KERNEL_CALL_MAGIC;
	h.nr = c->nr;
	h.task = c->task;
	h.flags = a->flags;
	h.cap = a->cap;
	h.cap2 = a->cap2;
	_Static_assert(sizeof(h.arg) == sizeof(a->arg), "every argument is journaled");
	memcpy(h.arg, a->arg, sizeof(h.arg));
	h.in_len = c->in_journaled;
	h.aux_len = a->aux_len;
	h.issuer_slot = c->issuer_slot;
	h.has_issuer = c->has_issuer;
	rvx_kernel_call_header_encode(&h, out);
}

int rvx_kernel_witness_(struct rvx_kernel *k, uint16_t kind, uint8_t tier, uint32_t actor,
			uint64_t target, const void *args, size_t len,
			struct rvx_witness_record *out)
{
	struct rvx_witness_event ev;
	/* The payload goes to the journal in pieces (header, issuer window,
	 * input, the record's arguments), never assembled here: an entry may
	 * be far larger than a kernel stack should hold. */
	struct rvx_witness_piece pieces[5];
	uint8_t hdr[RVX_KERNEL_CALL_HEADER_BYTES];
	uint8_t tag[RVX_KERNEL_JOURNAL_TAG_BYTES];
	struct rvx_kernel_call *c = &k->call;
	uint32_t count = 0;
	size_t total = len;
	int ret;

	ev.time = k->now;
	ev.kind = kind;
	ev.tier = tier;
	ev.flags = 0;
	ev.actor = actor;
	ev.target = target;
	if (c->active) {
		/* The journal payload: call header, issuer window, input, then
		 * the record's own arguments (see rvx_kernel_replay()). */
		total += RVX_KERNEL_CALL_HEADER_BYTES + (size_t)c->in_journaled +
			 (c->has_issuer ? RVX_KERNEL_ISSUER_JOURNAL_BYTES : 0u);
		if (len > RVX_WITNESS_ARGS_MAX || total > RVX_WITNESS_ARGS_MAX)
			return -RVX_EINVAL;
		call_header(c, hdr);
		pieces[count++] = (struct rvx_witness_piece){hdr, sizeof(hdr)};
		if (c->has_issuer)
			pieces[count++] = (struct rvx_witness_piece){c->issuer,
								     RVX_KERNEL_ISSUER_JOURNAL_BYTES};
		if (c->in_journaled != 0) {
			uint64_t src = c->nr == RVX_SYS_RVF_MOUNT ? c->args->aux : c->args->in;

			/* The kernel's own copy when the call made one. */
			pieces[count++] = (struct rvx_witness_piece){
				c->in_staged != NULL ? c->in_staged : (const void *)(uintptr_t)src,
				c->in_journaled};
		}
	} else if (len > RVX_WITNESS_ARGS_MAX) {
		return -RVX_EINVAL;
	}
	if (len != 0)
		pieces[count++] = (struct rvx_witness_piece){args, len};
	if (c->replay) {
		/* The rebuilt record must be the journal's, byte for byte:
		 * every field but the digest is compared before the append,
		 * the digest by it (replay_commit()). */
		const struct rvx_witness_record *e = &c->expect->record;
		struct rvx_witness_anchor an;

		/* The entry's tag was verified before the entry was acted on
		 * (rvx_kernel_replay()); expect is the payload before it. */
		if (c->matched || !pieces_equal(pieces, count, c->expect))
			return -RVX_EBADSIG;
		rvx_witness_anchor(&k->log, &an);
		if (e->sequence != k->log.sequence || e->time != ev.time || e->kind != kind ||
		    e->tier != tier || e->flags != 0 || e->actor != actor || e->target != target ||
		    memcmp(e->link, an.state, RVX_WITNESS_LINK_SIZE) != 0)
			return -RVX_EBADSIG;
		return replay_commit(k, &ev, c->expect->args, total + RVX_KERNEL_JOURNAL_TAG_BYTES,
				     out);
	}
	if (k->has_journal) {
		/* The tag closes the payload: what only this kernel's secret
		 * can write (checked by replay). */
		struct rvx_witness_record pre;
		uint8_t wire[RVX_WITNESS_RECORD_SIZE];

		if (total > RVX_WITNESS_ARGS_MAX - RVX_KERNEL_JOURNAL_TAG_BYTES)
			return -RVX_EINVAL;
		memset(&pre, 0, sizeof(pre));
		pre.sequence = k->log.sequence;
		pre.time = ev.time;
		pre.kind = kind;
		pre.tier = tier;
		pre.actor = actor;
		pre.target = target;
		rvx_witness_record_encode(&pre, wire);
		rvx_kernel_journal_tag_(k, wire, pieces, count, tag);
		pieces[count++] = (struct rvx_witness_piece){tag, sizeof(tag)};
		ret = rvx_witness_commitv(&k->log, &k->journal, &ev, pieces, count, out);
	} else {
		uint8_t digest[RVX_WITNESS_DIGEST_SIZE];

		rvx_witness_args_digestv(pieces, count, digest);
		ret = rvx_witness_append_digest(&k->log, &ev, digest, out);
	}
	return ret;
}

/*
 * Replay's append: the args digest is computed once, by the append itself,
 * and compared with the journal record's afterwards (the arguments already
 * equal the journal entry's payload, so only a payload that does not match
 * its own record fails here). On a mismatch the log, journal and ring are
 * put back as they were: the record never happened (an embedder sink may
 * have seen it).
 */
static int replay_commit(struct rvx_kernel *k, const struct rvx_witness_event *ev,
			 const void *args, size_t len, struct rvx_witness_record *out)
{
	struct rvx_kernel_call *c = &k->call;
	struct rvx_witness_log log = k->log;
	struct rvx_witness_journal journal = k->journal;
	struct rvx_witness_ring ring = k->ring;
	struct rvx_witness_record rec;
	int ret;

	if (k->has_journal)
		ret = rvx_witness_commit(&k->log, &k->journal, ev, args, len, &rec);
	else
		ret = rvx_witness_append(&k->log, ev, args, len, &rec);
	if (ret != 0)
		return ret;
	if (memcmp(rec.args_digest, c->expect->record.args_digest, RVX_WITNESS_DIGEST_SIZE) != 0) {
		k->log = log;
		k->journal = journal;
		k->ring = ring;
		return -RVX_EBADSIG;
	}
	if (out != NULL)
		*out = rec;
	{
		c->matched = 1;
		/* The committed proof's effect on its issuer: the journaled
		 * nonce window (the key cache is rebuilt on demand). */
		if (c->has_issuer) {
			struct rvx_proof_issuer_state acc;

			memset(&acc, 0, sizeof(acc));
			memcpy(&acc, c->issuer, RVX_KERNEL_ISSUER_JOURNAL_BYTES);
			rvx_proof_issuer_reapply(&k->issuers[c->issuer_slot], &acc);
		}
	}
	return 0;
}

rvx_handle_t rvx_kernel_obj_handle_(const struct rvx_kernel *k, uint32_t object)
{
	return rvx_handle_make(object, k->cap_objects[object].gen);
}

bool rvx_kernel_task_ok_(const struct rvx_kernel *k, uint32_t task)
{
	return k->booted && task < RVX_KERNEL_TASKS && k->tasks[task].live;
}

bool rvx_kernel_slot_free_(const struct rvx_kernel *k, uint32_t task)
{
	return rvx_cap_table_used(&k->caps, task) < (int)RVX_KERNEL_SLOTS;
}

bool rvx_kernel_object_free_(const struct rvx_kernel *k, uint32_t count)
{
	return k->caps.object_count - k->caps.object_used >= count;
}

rvx_handle_t rvx_kernel_create_mint_(struct rvx_kernel *k, uint32_t task,
				     enum rvx_obj_type type, uint32_t ref,
				     rvx_rights_t rights, rvx_handle_t *object)
{
	rvx_handle_t obj, cap;

	RVX_CHECK(rvx_cap_object_create(&k->caps, type, ref, &obj) == 0);
	RVX_CHECK(rvx_cap_mint(&k->caps, task, obj, rights, 0, &cap) == 0);
	*object = obj;
	return cap;
}

void rvx_kernel_wake_(struct rvx_kernel *k, uint32_t task)
{
	struct rvx_kernel_task *t = &k->tasks[task];

	if (t->wait == RVX_KERNEL_WAIT_QUEUE)
		k->queues[t->wait_index].waiter = RVX_CAP_NIL;
	if (!rvx_handle_is_null(t->timer)) {
		/* The timer may have fired already (tick): then it is gone. */
		(void)rvx_timer_cancel(&k->timers, t->timer, NULL);
		t->timer = RVX_HANDLE_NULL;
	}
	t->wait = RVX_KERNEL_WAIT_NONE;
	RVX_CHECK(rvx_sched_task_wake(&k->sched, t->sched, k->now) == 0);
}

/* Early stages: strictly increasing, below OBJECTS_READY, times in order. */
static bool early_stages_ok(const struct rvx_kernel_config *cfg, uint64_t now)
{
	uint32_t i, last = 0;
	uint64_t t = 0;

	if (cfg->early_stage_count == 0)
		return true;
	if (cfg->early_stages == NULL ||
	    cfg->early_stage_count >= (uint32_t)RVX_KERNEL_BOOT_OBJECTS_READY)
		return false;
	for (i = 0; i < cfg->early_stage_count; i++) {
		const struct rvx_kernel_early_stage *es = &cfg->early_stages[i];

		if (es->stage <= last || es->stage >= (uint32_t)RVX_KERNEL_BOOT_OBJECTS_READY ||
		    es->has_digest > 1 || es->time_ns < t || es->time_ns > now)
			return false;
		last = es->stage;
		t = es->time_ns;
	}
	return true;
}

/* The checkpoint MAC key: derived from the secret under a label of its own,
 * so it is unrelated to every proof key. */
static void ckpt_key(const void *secret, size_t secret_len, uint8_t out[32])
{
	static const char label[] = "ruvix.ckpt.v1";
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &rvx_sha256_vtable, secret, secret_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, label, sizeof(label) - 1u);
	br_hmac_out(&hc, out);
}

/* The journal tag key: derived under its own label, kept as its HMAC
 * schedule (the SHA-256 states after key ^ ipad and key ^ opad), so a tag
 * costs the payload's blocks plus two. */
static void journal_key(const void *secret, size_t secret_len, uint8_t out[64])
{
	static const char label[] = "ruvix.journal.v1";
	br_hmac_key_context kc;
	br_hmac_context hc;
	struct rvx_sha256 sc;
	uint8_t key[32], pad[64];

	br_hmac_key_init(&kc, &rvx_sha256_vtable, secret, secret_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, label, sizeof(label) - 1u);
	br_hmac_out(&hc, key);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = (uint8_t)((i < sizeof(key) ? key[i] : 0u) ^ 0x36u);
	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, pad, sizeof(pad));
	(void)rvx_sha256_state(&sc, out);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36u ^ 0x5cu;
	rvx_sha256_init(&sc);
	rvx_sha256_update(&sc, pad, sizeof(pad));
	(void)rvx_sha256_state(&sc, out + 32);
	memset(key, 0, sizeof(key));
	memset(pad, 0, sizeof(pad));
}

void rvx_kernel_journal_tag_(const struct rvx_kernel *k, const uint8_t prefix[32],
			     const struct rvx_witness_piece *pieces, uint32_t count,
			     uint8_t tag[RVX_KERNEL_JOURNAL_TAG_BYTES])
{
	struct rvx_sha256 sc;
	uint8_t ih[32];

	rvx_sha256_init(&sc);
	rvx_sha256_set_state(&sc, k->journal_key, 64);
	rvx_sha256_update(&sc, prefix, 32);
	for (uint32_t i = 0; i < count; i++)
		if (pieces[i].len != 0)
			rvx_sha256_update(&sc, pieces[i].data, pieces[i].len);
	rvx_sha256_out(&sc, ih);
	rvx_sha256_set_state(&sc, k->journal_key + 32, 64);
	rvx_sha256_update(&sc, ih, sizeof(ih));
	rvx_sha256_out(&sc, tag);
}

int rvx_kernel_boot(struct rvx_kernel *k, const struct rvx_kernel_config *cfg,
		    const void *secret, size_t secret_len, uint64_t now,
		    struct rvx_kernel_root *root)
{
	struct rvx_witness_sink sink;
	struct rvx_witness_record rec;
	rvx_handle_t task_cap, clock_cap, obj;
	uint8_t args[16];
	uint32_t i;

	if (k == NULL || cfg == NULL || secret == NULL)
		return -RVX_EINVAL;
	if (secret_len < RVX_PROOF_SECRET_MIN || secret_len > RVX_PROOF_SECRET_MAX)
		return -RVX_EINVAL;
	if (cfg->cpu_count == 0 || cfg->cpu_count > RVX_KERNEL_CPUS || cfg->period_ns == 0)
		return -RVX_EINVAL;
	if ((cfg->region_pool == NULL && cfg->region_pool_size != 0) ||
	    (cfg->queue_pool == NULL && cfg->queue_pool_size != 0) ||
	    (cfg->journal == NULL && cfg->journal_size != 0) ||
	    (cfg->vec_scratch == NULL && cfg->vec_scratch_size != 0) ||
	    (cfg->store_pool == NULL && cfg->store_pool_size != 0) ||
	    ((uintptr_t)cfg->store_pool & (RVX_KERNEL_STORE_ALIGN - 1u)) != 0)
		return -RVX_EINVAL;
	if (cfg->region_align != 0 &&
	    (cfg->region_align < RVX_REGION_ALIGN || cfg->region_align > 65536u ||
	     (cfg->region_align & (cfg->region_align - 1u)) != 0))
		return -RVX_EINVAL;
	if (cfg->sink == NULL && (cfg->witness_ring == NULL || cfg->witness_records == 0))
		return -RVX_ENOMEM;
	if (!early_stages_ok(cfg, now))
		return -RVX_EINVAL;

	memset(k, 0, sizeof(*k));
	RVX_CHECK(rvx_cap_space_init(&k->caps, k->cap_slots, RVX_ARRAY_COUNT(k->cap_slots),
				     k->cap_tables, RVX_KERNEL_TASKS, RVX_KERNEL_SLOTS,
				     k->cap_objects, RVX_KERNEL_OBJECTS) == 0);
	RVX_CHECK(rvx_sched_init(&k->sched, k->sched_mem, sizeof(k->sched_mem), RVX_KERNEL_TASKS,
				 cfg->cpu_count, RVX_KERNEL_PARTITIONS, RVX_KERNEL_TASKS,
				 cfg->period_ns) == 0);
	RVX_CHECK(rvx_timer_init(&k->timers, k->timer_mem, sizeof(k->timer_mem),
				 RVX_KERNEL_TASKS) == 0);
	RVX_CHECK(rvx_proof_engine_init(&k->proof, secret, secret_len, k->issuers,
					RVX_ARRAY_COUNT(k->issuers)) == 0);
	ckpt_key(secret, secret_len, k->ckpt_key);
	journal_key(secret, secret_len, k->journal_key);
	rvx_proof_policy_open(&k->attest_policy, RVX_PROOF_TIER_REFLEX);
	if (cfg->sink != NULL) {
		sink = *cfg->sink;
	} else {
		RVX_CHECK(rvx_witness_ring_init(&k->ring, cfg->witness_ring, cfg->witness_records,
						true) == 0);
		sink = rvx_witness_ring_sink(&k->ring);
	}
	RVX_CHECK(rvx_witness_log_init(&k->log, &sink) == 0);
	if (cfg->journal != NULL) {
		if (rvx_witness_journal_init(&k->journal, cfg->journal, cfg->journal_size) != 0) {
			memset(k, 0, sizeof(*k));
			return -RVX_ENOMEM;
		}
		k->has_journal = 1;
	}
	if (cfg->vec_scratch != NULL) {
		if (rvx_vec_scratch_init(&k->scratch, cfg->vec_scratch, cfg->vec_scratch_size,
					 cfg->vec_scratch_capacity, cfg->vec_scratch_ef) != 0) {
			memset(k, 0, sizeof(*k));
			return -RVX_ENOMEM;
		}
		k->has_scratch = 1;
	}
	k->region_pool = cfg->region_pool;
	k->region_pool_size = cfg->region_pool_size;
	k->region_align = cfg->region_align != 0 ? cfg->region_align : RVX_REGION_ALIGN;
	k->queue_pool = cfg->queue_pool;
	k->queue_pool_size = cfg->queue_pool_size;
	k->store_pool = cfg->store_pool;
	k->store_pool_size = cfg->store_pool_size;
	k->witness_keep = cfg->witness_records;
	k->cpu_count = cfg->cpu_count;
	k->now = now;
	k->epoch_ns = cfg->epoch_ns;
	k->epoch_started = now;
	for (i = 0; i < RVX_KERNEL_QUEUES; i++)
		k->queues[i].waiter = RVX_CAP_NIL;
	k->booted = 1;

	/* The root task: task 0, on CPU 0 and partition 0, READY. */
	task_cap = rvx_kernel_create_mint_(k, 0, RVX_OBJ_TASK, 0, RVX_RIGHTS_ALL, &obj);
	k->tasks[0].object = obj;
	RVX_CHECK(rvx_sched_task_create(&k->sched, 0, 0, RVX_KERNEL_DEFAULT_DEADLINE_NS, 0,
					&k->tasks[0].sched) == 0);
	/* Priority 0, the most urgent, as a spawned task's default. */
	RVX_CHECK(rvx_sched_task_set_urgency(&k->sched, k->tasks[0].sched, RVX_SCHED_URGENCY_MAX) == 0);
	RVX_CHECK(rvx_sched_task_wake(&k->sched, k->tasks[0].sched, now) == 0);
	k->tasks[0].live = 1;
	clock_cap = rvx_kernel_create_mint_(k, 0, RVX_OBJ_TIMER, 0, RVX_RIGHTS_ALL, &obj);
	k->clock_object = obj;

	memcpy(args, &task_cap.raw, 8);
	memcpy(args + 8, &clock_cap.raw, 8);
	/* The port's early stages carry their own times; the log's clock
	 * never runs backwards because they were checked to be <= now. */
	for (i = 0; i < cfg->early_stage_count; i++) {
		const struct rvx_kernel_early_stage *es = &cfg->early_stages[i];

		k->now = es->time_ns;
		if (rvx_kernel_witness_(k, RVX_WITNESS_BOOT_STAGE, 0, 0, es->stage,
					es->has_digest ? es->digest : NULL,
					es->has_digest ? sizeof(es->digest) : 0, &rec) != 0) {
			memset(k, 0, sizeof(*k));
			return -RVX_ENOMEM;
		}
	}
	k->now = now;
	if (rvx_kernel_witness_(k, RVX_WITNESS_BOOT_STAGE, 0, 0, RVX_KERNEL_BOOT_OBJECTS_READY,
				NULL, 0, &rec) != 0 ||
	    rvx_kernel_witness_(k, RVX_WITNESS_TASK_SPAWN, 0, 0, k->tasks[0].object.raw, args,
				sizeof(args), &rec) != 0) {
		memset(k, 0, sizeof(*k));
		return -RVX_ENOMEM;
	}
	if (root != NULL) {
		root->task = task_cap;
		root->clock = clock_cap;
	}
	return 0;
}

/* Whether the open epoch has anything to summarise: queue traffic, reads
 * of a vector store or waits on the clock. */
static bool traffic(const struct rvx_kernel *k)
{
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++) {
		const struct rvx_kernel_queue *q = &k->queues[i];

		if (q->epoch_msgs[0] != 0 || q->epoch_msgs[1] != 0)
			return true;
	}
	for (uint32_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		if (k->reads.gets[i].calls != 0)
			return true;
	return k->reads.waits != 0;
}

static uint32_t sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void rvx_kernel_epoch_reset_(struct rvx_kernel *k)
{
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++) {
		struct rvx_kernel_queue *q = &k->queues[i];

		for (unsigned d = 0; d < 2; d++) {
			q->closed_msgs[d] += q->epoch_msgs[d];
			q->closed_bytes[d] += q->epoch_bytes[d];
			q->epoch_msgs[d] = 0;
			q->epoch_bytes[d] = 0;
			q->epoch_peer[d] = 0;
			q->epoch_shared[d] = 0;
		}
		memset(q->sender, 0, sizeof(q->sender));
		memset(q->sender_msgs, 0, sizeof(q->sender_msgs));
		memset(q->sender_bytes, 0, sizeof(q->sender_bytes));
		q->run_msgs = 0;
		q->run_bytes = 0;
		q->run_slot = RVX_KERNEL_QUEUE_SENDERS;
		q->last_sender = 0;
	}
	memset(&k->reads, 0, sizeof(k->reads));
	k->epoch_started = k->now;
}

int rvx_kernel_epoch_close(struct rvx_kernel *k)
{
	struct rvx_witness_log saved;
	int ret;

	if (k == NULL || !k->booted || k->call.active)
		return -RVX_EINVAL;
	ret = rvx_kernel_witness_room_(k, RVX_WITNESS_EPOCH_PAYLOAD_SIZE);
	if (ret != 0)
		return ret;
	/* The descriptors change only the log's epoch accumulator; it is put
	 * back if the append fails, so a failed close changes nothing. */
	saved = k->log;
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++) {
		const struct rvx_kernel_queue *q = &k->queues[i];
		uint64_t obj = q->object.raw;

		if (q->epoch_msgs[0] == 0 && q->epoch_msgs[1] == 0)
			continue;
		rvx_witness_note_traffic(&k->log, RVX_WITNESS_QUEUE_SEND, sat32(q->epoch_msgs[0]),
					 obj, sat32(q->epoch_bytes[0]));
		rvx_witness_note_traffic(&k->log, RVX_WITNESS_QUEUE_RECV, sat32(q->epoch_msgs[1]),
					 obj, sat32(q->epoch_bytes[1]));
	}
	/* Reads and waits change no kept state, but nothing escapes the log:
	 * each store read in the epoch, then the clock if waited on, leaves
	 * one descriptor like a queue's. */
	for (uint32_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		const struct rvx_kernel_gets *g = &k->reads.gets[i];

		if (g->calls == 0)
			continue;
		rvx_witness_note_traffic(&k->log, RVX_WITNESS_VECTOR_GET, sat32(g->calls),
					 k->vstores[i].object.raw, sat32(g->bytes));
	}
	if (k->reads.waits != 0)
		rvx_witness_note_traffic(&k->log, RVX_WITNESS_TIMER_WAIT, sat32(k->reads.waits),
					 k->clock_object.raw, 0);
	{
		/* Appended like every kernel record (journaled and tagged); the
		 * log's epoch moves on only once it is there. */
		uint8_t summary[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
		struct rvx_witness_record rec;

		rvx_witness_epoch_summary(&k->log, summary);
		ret = rvx_kernel_witness_(k, RVX_WITNESS_EPOCH_SUMMARY, 0, (uint32_t)k->log.epoch,
					  k->log.epoch_events, summary, sizeof(summary), &rec);
	}
	if (ret != 0) {
		k->log = saved;
		return ret;
	}
	rvx_witness_epoch_begin(&k->log, k->log.epoch + 1u);
	rvx_kernel_epoch_reset_(k);
	return 0;
}

int rvx_kernel_tick(struct rvx_kernel *k, uint64_t now)
{
	uint64_t cookies[RVX_KERNEL_TASKS];
	int n, woken = 0;

	if (k == NULL || !k->booted || now < k->now)
		return -RVX_EINVAL;
	k->now = now;
	/* One wait timer per task at most: one call drains every due timer. */
	n = rvx_timer_expire(&k->timers, now, cookies, RVX_KERNEL_TASKS);
	RVX_CHECK(n >= 0);
	for (int i = 0; i < n; i++) {
		uint32_t t = (uint32_t)cookies[i];
		struct rvx_kernel_task *task;

		RVX_CHECK(t < RVX_KERNEL_TASKS);
		task = &k->tasks[t];
		task->timer = RVX_HANDLE_NULL;
		if (task->wait == RVX_KERNEL_WAIT_QUEUE)
			task->timed_out = 1;
		rvx_kernel_wake_(k, t);
		woken++;
	}
	if (k->epoch_ns != 0 && now - k->epoch_started >= k->epoch_ns) {
		/* Only epochs with traffic (reads and waits included) leave a
		 * record; a full journal keeps the epoch open (its traffic is
		 * summarised by a later close). */
		if (!traffic(k))
			k->epoch_started = now;
		else
			(void)rvx_kernel_epoch_close(k);
	}
	return woken;
}

/*
 * Creating an object for the embedder (queue, vector store, graph store,
 * sensor) is one path: check_new_cap(), the object's own checks, a free
 * entry of its table (FREE_ENTRY()), then new_object_commit(), which checks
 * room for the record and commits the record and the capability; the caller
 * then sets up the entry with code that cannot fail.
 */
static int check_new_cap(const struct rvx_kernel *k, uint32_t task, rvx_rights_t rights,
			 const rvx_handle_t *cap)
{
	if (k == NULL || cap == NULL || !rvx_kernel_task_ok_(k, task) ||
	    !rvx_rights_subset(rights, RVX_RIGHTS_ALL))
		return -RVX_EINVAL;
	if (!rvx_kernel_slot_free_(k, task) || !rvx_kernel_object_free_(k, 1))
		return -RVX_ELIMIT;
	return 0;
}

/* check_new_cap() and a store's caller-provided parts: its configuration,
 * memory aligned to @p align, and its proof policy. */
static int check_new_store(const struct rvx_kernel *k, uint32_t task, rvx_rights_t rights,
			   const rvx_handle_t *cap, const void *cfg, const void *mem,
			   const struct rvx_proof_policy *policy, uintptr_t align)
{
	int ret;

	ret = check_new_cap(k, task, rights, cap);
	if (ret != 0)
		return ret;
	if (cfg == NULL || mem == NULL || policy == NULL || ((uintptr_t)mem & (align - 1u)) != 0)
		return -RVX_EINVAL;
	return 0;
}

/* Index of the first entry of @p table whose `live` word is 0, or the
 * table's length if every entry is in use. */
#define FREE_ENTRY(table)                                                      \
	free_entry(&(table)[0].live, sizeof((table)[0]), RVX_ARRAY_COUNT(table))

static uint32_t free_entry(const uint32_t *first_live, size_t stride, uint32_t count)
{
	const uint8_t *p = (const uint8_t *)first_live;
	uint32_t i;

	for (i = 0; i < count; i++, p += stride)
		if (*(const uint32_t *)(const void *)p == 0)
			break;
	return i;
}

/* An embedder-created object: who gets it, what it is, and its record. */
struct new_object {
	uint32_t task;          /* receives the capability */
	rvx_rights_t rights;    /* the capability's rights */
	enum rvx_obj_type type; /* the registry object's type */
	uint32_t index;         /* its entry in the kernel's table of that type */
	uint16_t kind;          /* the record's kind, target and arguments */
	uint64_t target;
	const void *args;
	size_t len;
};

/* The last check (room for the record) and the commit: the record, then the
 * registry object and the capability. */
static int new_object_commit(struct rvx_kernel *k, const struct new_object *n,
			     rvx_handle_t *object, rvx_handle_t *cap)
{
	int ret;

	ret = rvx_kernel_witness_room_(k, n->len);
	if (ret != 0)
		return ret;
	/* Commit. */
	ret = rvx_kernel_witness_(k, n->kind, 0, n->task, n->target, n->args, n->len, NULL);
	if (ret != 0)
		return ret;
	*cap = rvx_kernel_create_mint_(k, n->task, n->type, n->index, n->rights, object);
	return 0;
}

int rvx_kernel_queue_create(struct rvx_kernel *k, uint32_t task, uint32_t slot_count,
			    uint32_t max_payload, rvx_rights_t rights, rvx_handle_t *cap)
{
	uint32_t args[2] = {slot_count, max_payload};
	struct new_object n = {task, rights, RVX_OBJ_QUEUE, 0, RVX_WITNESS_QUEUE_CREATE, 0,
			       args, sizeof(args)};
	struct rvx_kernel_queue *q;
	size_t need, base;
	int ret;

	ret = check_new_cap(k, task, rights, cap);
	if (ret != 0)
		return ret;
	if (slot_count < 2 || slot_count > RVX_QUEUE_SLOTS_MAX ||
	    (slot_count & (slot_count - 1)) != 0 || max_payload > RVX_QUEUE_PAYLOAD_MAX)
		return -RVX_EINVAL;
	n.index = FREE_ENTRY(k->queues);
	if (n.index == RVX_KERNEL_QUEUES)
		return -RVX_ELIMIT;
	need = rvx_queue_storage_size(slot_count, max_payload);
	base = (k->queue_pool_used + RVX_QUEUE_STORAGE_ALIGN - 1u) &
	       ~(size_t)(RVX_QUEUE_STORAGE_ALIGN - 1u);
	if (k->queue_pool == NULL ||
	    ((uintptr_t)(k->queue_pool + base) & (RVX_QUEUE_STORAGE_ALIGN - 1u)) != 0 ||
	    base > k->queue_pool_size || k->queue_pool_size - base < need)
		return -RVX_ENOMEM;
	/* A queue's record names its table entry, not its type. */
	n.target = n.index;
	q = &k->queues[n.index];
	ret = new_object_commit(k, &n, &q->object, cap);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_queue_init(&q->queue, k->queue_pool + base, need, slot_count,
				 max_payload) == 0);
	k->queue_pool_used = base + need;
	q->live = 1;
	q->waiter = RVX_CAP_NIL;
	q->dropped = 0;
	memset(q->sender, 0, sizeof(q->sender));
	q->run_msgs = q->epoch_msgs[0];
	q->run_bytes = q->epoch_bytes[0];
	q->run_slot = RVX_KERNEL_QUEUE_SENDERS;
	q->epoch_peer[0] = 0;
	q->last_sender = 0;
	return 0;
}

int rvx_kernel_vector_store_create(struct rvx_kernel *k, uint32_t task,
				   const struct rvx_vec_config *cfg, void *mem, size_t size,
				   const struct rvx_proof_policy *policy, rvx_rights_t rights,
				   rvx_handle_t *cap)
{
	struct new_object n = {task, rights, RVX_OBJ_VECTOR_STORE, 0, RVX_WITNESS_OBJECT_CREATE,
			       RVX_OBJ_VECTOR_STORE, cfg, sizeof(*cfg)};
	struct rvx_kernel_vstore *v;
	size_t need;
	int ret;

	ret = check_new_store(k, task, rights, cap, cfg, mem, policy, RVX_VEC_STORE_ALIGN);
	if (ret != 0)
		return ret;
	ret = rvx_vec_store_size(cfg, &need);
	if (ret != 0)
		return ret;
	/* A store whose puts could not be journaled could never be written. */
	if (cfg->dim > RVX_KERNEL_VEC_DIM_MAX)
		return -RVX_ENOTSUP;
	if (size < need)
		return -RVX_ENOMEM;
	n.index = FREE_ENTRY(k->vstores);
	if (n.index == RVX_KERNEL_VECTOR_STORES)
		return -RVX_ELIMIT;
	v = &k->vstores[n.index];
	ret = new_object_commit(k, &n, &v->object, cap);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_vec_store_init(&v->store, cfg, mem, size) == 0);
	v->policy = *policy;
	v->live = 1;
	return 0;
}

int rvx_kernel_graph_store_create(struct rvx_kernel *k, uint32_t task,
				  const struct rvx_graph_config *cfg, void *mem, size_t size,
				  const struct rvx_proof_policy *policy, rvx_rights_t rights,
				  rvx_handle_t *cap)
{
	struct new_object n = {task, rights, RVX_OBJ_GRAPH_STORE, 0, RVX_WITNESS_OBJECT_CREATE,
			       RVX_OBJ_GRAPH_STORE, cfg, sizeof(*cfg)};
	struct rvx_kernel_gstore *g;
	size_t need;
	int ret;

	ret = check_new_store(k, task, rights, cap, cfg, mem, policy, RVX_GRAPH_ALIGN);
	if (ret != 0)
		return ret;
	ret = rvx_graph_size(cfg, &need);
	if (ret != 0)
		return ret;
	if (size < need)
		return -RVX_ENOMEM;
	n.index = FREE_ENTRY(k->gstores);
	if (n.index == RVX_KERNEL_GRAPH_STORES)
		return -RVX_ELIMIT;
	g = &k->gstores[n.index];
	ret = new_object_commit(k, &n, &g->object, cap);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_graph_init(&g->graph, cfg, mem, size) == 0);
	g->policy = *policy;
	g->flags = cfg->flags;
	g->live = 1;
	return 0;
}

int rvx_kernel_sensor_register(struct rvx_kernel *k, uint32_t task, uint32_t type_id,
			       rvx_rights_t rights, uint32_t *sensor, rvx_handle_t *cap)
{
	struct new_object n = {task, rights, RVX_OBJ_SENSOR, 0, RVX_WITNESS_OBJECT_CREATE,
			       RVX_OBJ_SENSOR, &type_id, sizeof(type_id)};
	struct rvx_kernel_sensor *s;
	int ret;

	ret = check_new_cap(k, task, rights, cap);
	if (ret != 0)
		return ret;
	if (sensor == NULL)
		return -RVX_EINVAL;
	n.index = FREE_ENTRY(k->sensors);
	if (n.index == RVX_KERNEL_SENSORS)
		return -RVX_ELIMIT;
	s = &k->sensors[n.index];
	ret = new_object_commit(k, &n, &s->object, cap);
	if (ret != 0)
		return ret;
	s->live = 1;
	s->type_id = type_id;
	s->events = 0;
	*sensor = n.index;
	return 0;
}

int rvx_kernel_sensor_deliver(struct rvx_kernel *k, uint32_t sensor,
			      const struct rvx_queue_msg_hdr *hdr, const void *payload)
{
	struct rvx_queue_msg_hdr h;
	int sent = 0;

	if (k == NULL || !k->booted || hdr == NULL || sensor >= RVX_KERNEL_SENSORS ||
	    !k->sensors[sensor].live || hdr->flags != 0 || hdr->reserved != 0 ||
	    hdr->priority >= RVX_QUEUE_PRIORITIES || (payload == NULL && hdr->length != 0))
		return -RVX_EINVAL;
	h = *hdr;
	h.type_id = k->sensors[sensor].type_id;
	k->sensors[sensor].events++;
	for (uint32_t i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++) {
		const struct rvx_kernel_sub *s = &k->subs[i];
		struct rvx_kernel_queue *q;

		if (s->sensor != sensor || !rvx_kernel_sub_active_(k, s))
			continue;
		q = &k->queues[s->queue];
		if (!q->live)
			continue;
		if (rvx_queue_send(&q->queue, &h, payload) != 0) {
			q->dropped++;
			continue;
		}
		q->epoch_msgs[0]++;
		q->epoch_bytes[0] += h.length;
		/* No task's: the current sender's run ends before it, and the
		 * next send by a task starts a run of its own. */
		rvx_kernel_run_end_(q, 1u, h.length);
		q->epoch_peer[0] = 0;
		if (q->waiter != RVX_CAP_NIL)
			rvx_kernel_wake_(k, q->waiter);
		sent++;
	}
	return sent;
}

uint32_t rvx_kernel_checkpoint_every(const struct rvx_kernel *k)
{
	uint32_t every = 0;

	if (k == NULL || !k->booted)
		return 0;
	for (uint32_t i = 0; i < RVX_KERNEL_MOUNTS; i++) {
		uint32_t e = k->mounts[i].checkpoint_every;

		if (k->mounts[i].live && e != 0 && (every == 0 || e < every))
			every = e;
	}
	return every;
}

int rvx_kernel_stats(const struct rvx_kernel *k, struct rvx_kernel_stats *out)
{
	uint32_t i;

	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < RVX_KERNEL_TASKS; i++) {
		if (!k->tasks[i].live)
			continue;
		out->tasks++;
		out->caps += (uint32_t)rvx_cap_table_used(&k->caps, i);
		if (k->tasks[i].wait != RVX_KERNEL_WAIT_NONE)
			out->blocked++;
	}
	out->objects = k->caps.object_used;
	for (i = 0; i < RVX_KERNEL_REGIONS; i++)
		out->regions += k->regions[i].live;
	for (i = 0; i < RVX_KERNEL_QUEUES; i++)
		out->queues += k->queues[i].live;
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		out->vstores += k->vstores[i].live;
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++)
		out->gstores += k->gstores[i].live;
	for (i = 0; i < RVX_KERNEL_SENSORS; i++)
		out->sensors += k->sensors[i].live;
	for (i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++)
		out->subs += rvx_kernel_sub_active_(k, &k->subs[i]);
	for (i = 0; i < RVX_KERNEL_MOUNTS; i++)
		out->mounts += k->mounts[i].live;
	out->witness_records = k->log.sequence;
	return 0;
}

int rvx_kernel_witness_head(const struct rvx_kernel *k, struct rvx_witness_head *out)
{
	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	rvx_witness_head(&k->log, out);
	return 0;
}

int rvx_kernel_witness_anchor(const struct rvx_kernel *k, struct rvx_witness_anchor *out)
{
	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	rvx_witness_anchor(&k->log, out);
	return 0;
}

int rvx_kernel_journal_view(const struct rvx_kernel *k, struct rvx_witness_journal *out)
{
	if (k == NULL || out == NULL || !k->booted || !k->has_journal)
		return -RVX_EINVAL;
	*out = k->journal;
	return 0;
}

int rvx_kernel_trusted_keys_set(struct rvx_kernel *k, const uint8_t *keys, uint32_t count)
{
	if (k == NULL || !k->booted || (keys == NULL && count != 0))
		return -RVX_EINVAL;
	k->trusted.keys = keys;
	k->trusted.count = count;
	return 0;
}

/* An embedder's record outside a syscall (the caller checked its
 * arguments): journal room first, then the record, the only change. */
static int embedder_record(struct rvx_kernel *k, uint16_t kind, uint32_t actor, uint64_t target,
			   const void *args, size_t len)
{
	struct rvx_witness_record rec;
	int ret = rvx_kernel_witness_room_(k, len);

	if (ret != 0)
		return ret;
	return rvx_kernel_witness_(k, kind, 0, actor, target, len != 0 ? args : NULL, len, &rec);
}

int rvx_kernel_boot_stage(struct rvx_kernel *k, uint32_t stage, const uint8_t *digest)
{
	if (k == NULL || !k->booted || k->call.active ||
	    stage <= (uint32_t)RVX_KERNEL_BOOT_OBJECTS_READY ||
	    stage >= (uint32_t)RVX_KERNEL_BOOT_STAGE_COUNT)
		return -RVX_EINVAL;
	return embedder_record(k, RVX_WITNESS_BOOT_STAGE, 0, stage, digest,
			       digest != NULL ? 32u : 0u);
}

/* The kernel task the scheduler picked (its control block names it). */
static void picked_out(const struct rvx_kernel *k, rvx_handle_t id, uint32_t t, uint32_t *task,
		       uint64_t *entry)
{
	RVX_CHECK(t < RVX_KERNEL_TASKS && k->tasks[t].live && k->tasks[t].sched.raw == id.raw);
	*task = t;
	if (entry != NULL)
		*entry = k->tasks[t].entry;
}

int rvx_kernel_pick(struct rvx_kernel *k, uint32_t cpu, uint32_t *task, uint64_t *entry)
{
	rvx_handle_t id;
	uint32_t t = RVX_KERNEL_TASKS;
	int ret;

	if (k == NULL || task == NULL || !k->booted || cpu >= k->cpu_count)
		return -RVX_EINVAL;
	ret = rvx_sched_pick(&k->sched, cpu, k->now, &id, NULL);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_sched_task_cap_table(&k->sched, id, &t) == 0);
	picked_out(k, id, t, task, entry);
	return 0;
}

int rvx_kernel_put(struct rvx_kernel *k, uint32_t cpu, uint32_t task, uint64_t ran_ns,
		   int yield)
{
	rvx_handle_t running;

	if (k == NULL || !k->booted || cpu >= k->cpu_count || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	if (rvx_sched_running(&k->sched, cpu, &running) != 0 ||
	    running.raw != k->tasks[task].sched.raw)
		return -RVX_EINVAL;
	if (yield)
		RVX_CHECK(rvx_sched_yield(&k->sched, cpu, running, k->now, ran_ns) == 0);
	else
		RVX_CHECK(rvx_sched_put(&k->sched, cpu, running, k->now, ran_ns) == 0);
	return 0;
}

int rvx_kernel_put_pick(struct rvx_kernel *k, uint32_t cpu, uint32_t task, uint64_t ran_ns,
			int yield, uint32_t *next, uint64_t *entry)
{
	struct rvx_sched_picked p;

	if (k == NULL || next == NULL || !k->booted || cpu >= k->cpu_count ||
	    !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	/* The scheduler checks that the task runs on @p cpu before it stores. */
	if (rvx_sched_put_pick(&k->sched, cpu, k->tasks[task].sched, k->now, ran_ns, yield != 0,
			       &p) != 0)
		return -RVX_EINVAL;
	picked_out(k, p.id, p.cap_table, next, entry);
	return 0;
}

int rvx_kernel_port_record(struct rvx_kernel *k, uint16_t kind, uint32_t actor, uint64_t target,
			   const void *args, size_t len)
{
	if (k == NULL || !k->booted || k->call.active || !rvx_kernel_port_kind_(kind) ||
	    len > RVX_KERNEL_PORT_RECORD_MAX || (args == NULL && len != 0))
		return -RVX_EINVAL;
	return embedder_record(k, kind, actor, target, args, len);
}

int rvx_kernel_task_exit_(struct rvx_kernel *k, uint32_t task, int32_t code)
{
	struct rvx_kernel_task *t;
	struct rvx_witness_record rec;
	uint8_t args[8];
	int ret;

	if (k == NULL || !k->booted || k->call.active || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	if (task == 0)
		return -RVX_EPERM;
	t = &k->tasks[task];
	memcpy(args, &code, 4);
	memset(args + 4, 0, 4);
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	/* Commit: the record first (the last step that can fail). */
	ret = rvx_kernel_witness_(k, RVX_WITNESS_TASK_EXIT, 0, task, t->object.raw, args,
				  sizeof(args), &rec);
	if (ret != 0)
		return ret;
	if (t->wait == RVX_KERNEL_WAIT_QUEUE)
		k->queues[t->wait_index].waiter = RVX_CAP_NIL;
	if (!rvx_handle_is_null(t->timer))
		(void)rvx_timer_cancel(&k->timers, t->timer, NULL); /* may have fired */
	/* The task's issuer windows stay: they are floors a later restore
	 * keeps, and a new capability in the slot starts its own window. */
	RVX_CHECK(rvx_cap_table_clear(&k->caps, task) >= 0);
	RVX_CHECK(rvx_sched_task_exit(&k->sched, t->sched, k->now, 0) == 0);
	RVX_CHECK(rvx_sched_task_free(&k->sched, t->sched) == 0);
	RVX_CHECK(rvx_cap_object_destroy(&k->caps, t->object) == 0);
	memset(t, 0, sizeof(*t));
	return 0;
}

int rvx_kernel_task_exit_check(const struct rvx_kernel *k, const uint32_t *tasks, uint32_t n)
{
	size_t len = 8u;

	if (k == NULL || !k->booted || k->call.active || (n != 0 && tasks == NULL) ||
	    n > RVX_KERNEL_TASKS)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (!rvx_kernel_task_ok_(k, tasks[i]))
			return -RVX_EINVAL;
		if (tasks[i] == 0)
			return -RVX_EPERM;
		for (uint32_t j = 0; j < i; j++)
			if (tasks[j] == tasks[i])
				return -RVX_EINVAL;
	}
	/* Room for n TASK_EXIT entries (8 bytes of arguments each), as
	 * rvx_kernel_witness_room_() counts one. */
	if (k->has_journal) {
		len += RVX_KERNEL_JOURNAL_TAG_BYTES;
		if ((k->journal.capacity - k->journal.used) / RVX_WITNESS_FRAME_SIZE(len) < n)
			return -RVX_EFULL;
	}
	return 0;
}

int rvx_kernel_task_exit(struct rvx_kernel *k, uint32_t task, int32_t code)
{
	return rvx_kernel_task_exit_(k, task, code);
}
