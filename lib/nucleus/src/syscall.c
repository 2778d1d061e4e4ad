/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall dispatcher. Each handler decodes and checks everything (the
 * number, the task, the capability, every argument, every table's room and
 * the witness journal's room) without touching state, then commits. The
 * witness record is written before the state changes it describes, as the
 * last step that can fail (only an embedder sink can fail it), so a failed
 * call leaves no trace; what follows it cannot fail.
 */
#include "nucleus_internal.h"

/* Pointers travel as 64-bit addresses; the port checked them. */
static const void *ptr_in(uint64_t a)
{
	return (const void *)(uintptr_t)a;
}

static void *ptr_out(uint64_t a)
{
	return (void *)(uintptr_t)a;
}

/* A buffer argument is valid when its address is non-zero or its length 0,
 * and its length fits the address space. */
static bool buf_ok(uint64_t addr, uint64_t len)
{
	if (len > (uint64_t)SIZE_MAX)
		return false;
	return addr != 0 || len == 0;
}

static uint32_t slot_index(uint32_t task, rvx_handle_t h)
{
	return task * RVX_KERNEL_SLOTS + rvx_handle_index(h);
}

/*
 * rvx_cap_check() on the kernel's own space for a task rvx_syscall() has
 * checked (below RVX_KERNEL_TASKS, the space's table count): the same
 * checks on the kernel's arrays with the table size a constant, so the
 * hot calls load no geometry.
 */
static inline __attribute__((always_inline)) int
kcap_check(const struct rvx_kernel *k, uint32_t task, rvx_handle_t h, enum rvx_obj_type type,
	   rvx_rights_t rights, struct rvx_cap_target *out)
{
	return rvx_cap_check_at_(k->cap_slots, k->cap_objects, RVX_KERNEL_SLOTS, task, h, type,
				 rights, out);
}

/*
 * The hot calls' queue, @p k's queues[@p ref], computed once and kept: an
 * empty asm hides how the pointer was made, so the compiler keeps it in a
 * register instead of computing k + ref x sizeof(queue) again at each use
 * (the size is no power of two: four instructions every time).
 */
static inline __attribute__((always_inline)) struct rvx_kernel_queue *
hot_queue(struct rvx_kernel *k, uint32_t ref)
{
	struct rvx_kernel_queue *q = &k->queues[ref];

	__asm__("" : "+r"(q));
	return q;
}

static void result_init(struct rvx_syscall_result *r)
{
	memset(r, 0, sizeof(*r));
	r->version = RVX_SYSCALL_VERSION;
	r->status = RVX_SYSCALL_DONE;
}

/* The fast path's result (QueueSend, QueueRecv): version, status and the
 * values; the attestation part is left alone (documented in the ABI). */
static inline void result_traffic(struct rvx_syscall_result *r, int32_t status, uint64_t v0,
				  uint64_t v1)
{
	r->version = RVX_SYSCALL_VERSION;
	r->status = status;
	r->value[0] = v0;
	r->value[1] = v1;
	r->value[2] = 0;
	r->value[3] = 0;
}

static void attest(struct rvx_kernel *k, const struct rvx_witness_record *rec,
		   const uint8_t hash[32], uint8_t tier, struct rvx_syscall_result *r)
{
	struct rvx_witness_head head;

	rvx_witness_head(&k->log, &head);
	r->sequence = rec->sequence;
	r->time = rec->time;
	memcpy(r->chain_head, head.head, 32);
	if (hash != NULL)
		memcpy(r->mutation_hash, hash, 32);
	r->tier = tier;
}

/* The issuer a proof of @p task by its capability @p ih (found as @p info)
 * names: the capability's global slot and that slot's generation, so no
 * other capability in any table shares it. */
static void issuer_fill(const struct rvx_kernel *k, uint32_t task, rvx_handle_t ih,
			const struct rvx_cap_info *info, struct rvx_proof_issuer *out)
{
	uint32_t slot = slot_index(task, ih);

	memset(out, 0, sizeof(*out));
	out->id = rvx_handle_make(slot, k->cap_slots[slot].gen).raw;
	out->badge = info->badge;
	out->object = rvx_handle_index(info->object);
	out->epoch = k->cap_slots[slot].epoch;
	out->rights = info->rights;
	out->slot = slot;
	out->revoked = info->revoked;
}

int rvx_kernel_proof_issuer(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			    struct rvx_proof_issuer *out)
{
	struct rvx_cap_info info;
	int ret;

	if (k == NULL || out == NULL || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	ret = rvx_cap_lookup(&k->caps, task, cap, &info);
	if (ret != 0)
		return ret;
	issuer_fill(k, task, cap, &info, out);
	return 0;
}

/* The kernel's time as proofs see it: never before the latest time this
 * kernel reached, whatever checkpoint was restored since. */
static uint64_t proof_now(const struct rvx_kernel *k)
{
	return k->now > k->clock_floor ? k->now : k->clock_floor;
}

/*
 * Verify the proof in a->aux for a mutation. On rejection, append a
 * PROOF_REJECTED record (the caller checked the journal has room for it)
 * and return the error; the engine changed nothing. On acceptance the
 * issuer's nonce is consumed and @p res holds the decision.
 */
static int prove(struct rvx_kernel *k, uint32_t task, uint32_t nr, const struct rvx_syscall_args *a,
		 uint64_t target, uint64_t key, const void *payload, size_t len,
		 const struct rvx_proof_policy *policy, uint32_t coherence,
		 struct rvx_proof_result *res)
{
	struct rvx_proof_token token;
	struct rvx_proof_issuer issuer;
	struct rvx_proof_request req;
	struct rvx_cap_info info;
	uint8_t args[4 + 4 + 32];
	rvx_handle_t ih;
	int ret;

	memset(res, 0, sizeof(*res));
	if (k->call.replay) {
		/* Replay: the proof was verified when the call was made. Re-make
		 * the journaled decision: acceptance at the record's tier (the
		 * nonce window is re-installed with the record), or rejection. */
		const struct rvx_witness_entry *e = k->call.expect;
		struct rvx_proof_mutation mu = {nr, target, key, payload, len};

		/* A vector put's or graph mutation's hash only goes to the
		 * result, which replay discards: not computed. */
		if (e->record.kind != RVX_WITNESS_PROOF_REJECTED) {
			res->tier = e->record.tier;
			if (nr == RVX_SYS_VECTOR_PUT_PROVED || nr == RVX_SYS_GRAPH_APPLY_PROVED)
				return 0;
		}
		RVX_CHECK(rvx_proof_mutation_hash(&mu, res->mutation_hash) == 0);
		if (e->record.kind != RVX_WITNESS_PROOF_REJECTED)
			return 0;
		if (e->args_len < sizeof(args))
			return -RVX_EBADSIG;
		memcpy(&res->reason, e->args + e->args_len - sizeof(args) + 4, 4);
		ret = -RVX_EPROOF;
		goto reject;
	}
	memcpy(&token, ptr_in(a->aux), sizeof(token));
	/* The token names a capability by its kernel-wide identity: it must be
	 * a slot of the caller's own table, at its current generation. */
	ih = rvx_handle_make(rvx_handle_index((rvx_handle_t){token.issuer}) % RVX_KERNEL_SLOTS,
			     rvx_handle_gen((rvx_handle_t){token.issuer}));
	ret = -RVX_EBADCAP;
	if (rvx_handle_index((rvx_handle_t){token.issuer}) / RVX_KERNEL_SLOTS == task)
		ret = rvx_cap_lookup(&k->caps, task, ih, &info);
	if (ret != 0) {
		/* The issuer is not a capability of the caller. */
		struct rvx_proof_mutation mu = {nr, target, key, payload, len};

		res->reason = RVX_PROOF_REJECT_ISSUER;
		RVX_CHECK(rvx_proof_mutation_hash(&mu, res->mutation_hash) == 0);
		ret = -RVX_EPROOF;
	} else {
		issuer_fill(k, task, ih, &info, &issuer);
		memset(&req, 0, sizeof(req));
		req.token = &token;
		req.token_size = (size_t)a->aux_len;
		req.issuer = &issuer;
		req.policy = policy;
		req.mutation.syscall = nr;
		req.mutation.target = target;
		req.mutation.key = key;
		req.mutation.payload = payload;
		req.mutation.len = len;
		req.now_ns = proof_now(k);
		req.coherence = coherence;
		ret = rvx_proof_verify(&k->proof, &req, res);
		if (ret == 0) {
			k->observe.proof_accepted[res->tier & 3u]++;
			if (k->call.active) {
				/* Journaled with the record: what the proof changed. */
				k->call.has_issuer = 1;
				k->call.issuer_slot = issuer.slot;
				memcpy(k->call.issuer, &k->issuers[issuer.slot],
				       RVX_KERNEL_ISSUER_JOURNAL_BYTES);
			}
			return 0;
		}
		if (ret != -RVX_EPROOF && ret != -RVX_EBADSIG)
			return ret;
		if (ret == -RVX_EPROOF && res->reason == RVX_PROOF_OK)
			res->reason = RVX_PROOF_REJECT_FORMAT;
		/* The decision's hash is the kernel's own, for the record. */
		RVX_CHECK(rvx_proof_mutation_hash(&req.mutation, res->mutation_hash) == 0);
	}
reject:
	if (!k->call.replay) {
		k->observe.proof_rejected[policy->required_tier & 3u]++;
		if (res->reason < RVX_PROOF_REASON_COUNT)
			k->observe.proof_reasons[res->reason]++;
	}
	memcpy(args, &nr, 4);
	memcpy(args + 4, &res->reason, 4);
	memcpy(args + 8, res->mutation_hash, 32);
	/* The room was checked by the caller; a failing sink loses only the
	 * rejection record, and the call fails either way. */
	(void)rvx_kernel_witness_(k, RVX_WITNESS_PROOF_REJECTED, 0, task, target, args,
				  sizeof(args), NULL);
	return ret;
}

/* Check that a proof token argument is present and readable. */
static int proof_arg_ok(const struct rvx_syscall_args *a)
{
	if (a->aux == 0 || a->aux_len < sizeof(struct rvx_proof_token) ||
	    a->aux_len > 4096u)
		return -RVX_EINVAL;
	return 0;
}

/* ---- 0 TaskSpawn ---------------------------------------------------- */

static int sys_task_spawn(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	struct rvx_syscall_capxfer x[RVX_KERNEL_SLOTS];
	uint8_t args[40 + 16 * RVX_KERNEL_SLOTS];
	uint64_t handles[RVX_KERNEL_SLOTS];
	uint64_t deadline = a->arg[2] != 0 ? a->arg[2] : RVX_KERNEL_DEFAULT_DEADLINE_NS;
	struct rvx_sched_stats st;
	struct rvx_kernel_task *t;
	uint32_t n, i, child = RVX_KERNEL_TASKS;
	rvx_handle_t cap = {a->cap}, obj;
	size_t alen;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_TASK, RVX_RIGHT_EXECUTE, NULL);
	if (ret != 0)
		return ret;
	if (!buf_ok(a->in, a->in_len) || a->in_len % sizeof(struct rvx_syscall_capxfer) != 0 ||
	    a->in_len / sizeof(struct rvx_syscall_capxfer) > RVX_KERNEL_SLOTS)
		return -RVX_EINVAL;
	n = (uint32_t)(a->in_len / sizeof(struct rvx_syscall_capxfer));
	if (a->arg[1] > RVX_SCHED_URGENCY_MAX || a->arg[3] >= RVX_KERNEL_PARTITIONS ||
	    a->arg[4] >= k->cpu_count || a->arg[5] > RVX_KERNEL_TASKS)
		return -RVX_EINVAL;
	if (n != 0 && (a->out == 0 || a->out_len < (uint64_t)n * 8u))
		return -RVX_EBUFSMALL;
	if (n != 0)
		memcpy(x, ptr_in(a->in), n * sizeof(x[0]));
	for (i = 0; i < n; i++) {
		struct rvx_cap_info info;
		rvx_handle_t h = {x[i].handle};

		if (x[i].reserved != 0 || !rvx_rights_subset(x[i].rights, RVX_RIGHTS_ALL))
			return -RVX_EINVAL;
		ret = rvx_cap_lookup(&k->caps, task, h, &info);
		if (ret != 0)
			return ret;
		if ((info.rights & (RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE)) == 0)
			return -RVX_ECANTGRANT;
		if (!rvx_rights_subset(x[i].rights, info.rights))
			return -RVX_ERIGHTS;
		if (info.depth + 1u > RVX_CONFIG_CAP_MAX_DEPTH)
			return -RVX_EDEPTH;
	}
	if (a->arg[5] != 0) {
		/* A port rebuilding a task gives it back its index: that
		 * table's slots have moved on past every handle the ended
		 * task held, so none of them names anything in the new one. */
		if (a->arg[5] == 1u || k->tasks[a->arg[5] - 1u].live)
			return -RVX_EBUSY;
		child = (uint32_t)(a->arg[5] - 1u);
	} else {
		for (i = 0; i < RVX_KERNEL_TASKS; i++) {
			if (!k->tasks[i].live) {
				child = i;
				break;
			}
		}
	}
	RVX_CHECK(rvx_sched_stats(&k->sched, &st) == 0);
	if (child == RVX_KERNEL_TASKS || st.free == 0 || !rvx_kernel_object_free_(k, 1))
		return -RVX_ELIMIT;
	/* A task that never existed has an empty table. */
	RVX_CHECK(rvx_cap_table_used(&k->caps, child) == 0);
	memset(args, 0, sizeof(args));
	memcpy(args, &child, 4);
	memcpy(args + 4, &n, 4);
	memcpy(args + 8, &a->arg[0], 8);
	memcpy(args + 16, &a->arg[1], 8);
	memcpy(args + 24, &deadline, 8);
	memcpy(args + 32, &a->arg[3], 4);
	memcpy(args + 36, &a->arg[4], 4);
	if (n != 0)
		memcpy(args + 40, x, n * sizeof(x[0]));
	alen = 40u + n * sizeof(x[0]);
	ret = rvx_kernel_witness_room_(k, alen);
	if (ret != 0)
		return ret;

	/* Commit: the record first (the last step that can fail). */
	ret = rvx_kernel_witness_(k, RVX_WITNESS_TASK_SPAWN, 0, task, child, args, alen, NULL);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_cap_object_create(&k->caps, RVX_OBJ_TASK, child, &obj) == 0);
	t = &k->tasks[child];
	memset(t, 0, sizeof(*t));
	t->object = obj;
	t->entry = a->arg[0];
	t->priority = (uint32_t)a->arg[1];
	RVX_CHECK(rvx_sched_task_create(&k->sched, (uint32_t)a->arg[4], (uint32_t)a->arg[3],
					deadline, child, &t->sched) == 0);
	RVX_CHECK(rvx_sched_task_set_port_ctx(&k->sched, t->sched, a->arg[0]) == 0);
	RVX_CHECK(rvx_sched_task_set_urgency(&k->sched, t->sched,
					     RVX_SCHED_URGENCY_MAX - (uint32_t)a->arg[1]) == 0);
	for (i = 0; i < n; i++) {
		rvx_handle_t h = {x[i].handle}, out;

		RVX_CHECK(rvx_cap_derive(&k->caps, task, h, child, x[i].rights, 0, &out) == 0);
		handles[i] = out.raw;
	}
	RVX_CHECK(rvx_sched_task_wake(&k->sched, t->sched, k->now) == 0);
	t->live = 1;
	if (n != 0)
		memcpy(ptr_out(a->out), handles, n * 8u);
	result_init(r);
	r->value[0] = child;
	r->value[1] = n;
	return 0;
}

/* ---- 1 CapGrant ----------------------------------------------------- */

/* The policy AttestEmit on an object of @p type (its kernel table entry
 * @p ref) is verified under: the one its package's manifest gave a region or
 * queue, else the kernel's attestation policy. */
static const struct rvx_proof_policy *attest_policy_of(const struct rvx_kernel *k, uint32_t type,
						       uint32_t ref)
{
	if (type == RVX_OBJ_REGION && k->region_policy[ref].set)
		return &k->region_policy[ref].policy;
	if (type == RVX_OBJ_QUEUE && k->queue_policy[ref].set)
		return &k->queue_policy[ref].policy;
	return &k->attest_policy;
}

/* Clear key material so that the compiler cannot drop the stores. */
static void wipe(void *p, size_t len)
{
	volatile uint8_t *b = p;

	while (len-- != 0)
		*b++ = 0;
}

/*
 * CapGrant with RVX_SYSCALL_F_PROVE_KEY: the MAC key of the caller's PROVE
 * capability @p src and the identity its tokens name. The record holds the
 * identity and the object, never the key; replay re-makes the checks and the
 * record and writes nothing out.
 */
static int prove_key(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
		     struct rvx_syscall_result *r)
{
	struct rvx_syscall_prove_key pk;
	struct rvx_proof_issuer issuer;
	struct rvx_cap_info info;
	rvx_handle_t src = {a->cap};
	uint64_t next, target;
	uint8_t args[12];
	uint8_t tier;
	int ret;

	ret = rvx_cap_lookup(&k->caps, task, src, &info);
	if (ret != 0)
		return ret;
	if (info.revoked)
		return -RVX_EREVOKED;
	if ((info.rights & RVX_RIGHT_PROVE) == 0)
		return -RVX_ERIGHTS;
	if (a->cap2 != 0 || a->in != 0 || a->in_len != 0 || a->aux_len != 0 ||
	    a->out == 0 || !buf_ok(a->out, a->out_len))
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < RVX_ARRAY_COUNT(a->arg); i++) {
		if (a->arg[i] != 0)
			return -RVX_EINVAL;
	}
	if (a->out_len < sizeof(pk))
		return -RVX_EBUFSMALL;
	issuer_fill(k, task, src, &info, &issuer);
	/* A superseded identity (an older state restored) proves nothing. */
	if (rvx_proof_issuer_next_nonce(&k->proof, &issuer, &next) != 0)
		return -RVX_EREVOKED;
	if (info.type == RVX_OBJ_VECTOR_STORE)
		tier = k->vstores[info.object_ref].policy.required_tier;
	else if (info.type == RVX_OBJ_GRAPH_STORE)
		tier = k->gstores[info.object_ref].policy.required_tier;
	else
		tier = attest_policy_of(k, info.type, info.object_ref)->required_tier;
	target = rvx_kernel_obj_handle_(k, issuer.object).raw;
	memcpy(args, &issuer.id, 8);
	memcpy(args + 8, &issuer.object, 4);
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_PROVE_KEY, 0, task, target, args, sizeof(args),
				  NULL);
	if (ret != 0)
		return ret;
	result_init(r);
	r->value[0] = sizeof(pk);
	if (k->call.replay)
		return 0;
	memset(&pk, 0, sizeof(pk));
	RVX_CHECK(rvx_proof_issuer_key(&k->proof, &issuer, pk.key) == 0);
	pk.issuer = issuer.id;
	pk.target = target;
	pk.badge = issuer.badge;
	pk.object = issuer.object;
	pk.epoch = issuer.epoch;
	pk.next_nonce = next;
	pk.tier = tier;
	memcpy(ptr_out(a->out), &pk, sizeof(pk));
	wipe(&pk, sizeof(pk));
	return 0;
}

static int sys_cap_grant(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			 struct rvx_syscall_result *r)
{
	rvx_handle_t src = {a->cap}, out;
	struct rvx_cap_info info;
	uint8_t args[24];
	uint32_t dst;
	int ret;

	if (a->flags == RVX_SYSCALL_F_PROVE_KEY)
		return prove_key(k, task, a, r);
	if ((a->flags & ~RVX_SYSCALL_F_REVOKE) != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_lookup(&k->caps, task, src, &info);
	if (ret != 0)
		return ret;
	memcpy(args, &src.raw, 8);
	if (a->flags & RVX_SYSCALL_F_REVOKE) {
		if ((info.rights & RVX_RIGHT_REVOKE) == 0)
			return -RVX_ERIGHTS;
		ret = rvx_kernel_witness_room_(k, 8);
		if (ret != 0)
			return ret;
		ret = rvx_kernel_witness_(k, RVX_WITNESS_CAP_REVOKE, 0, task, info.object.raw,
					  args, 8, NULL);
		if (ret != 0)
			return ret;
		ret = rvx_cap_revoke(&k->caps, task, src);
		RVX_CHECK(ret >= 0);
		result_init(r);
		r->value[0] = (uint64_t)ret;
		return 0;
	}
	if (a->arg[0] >= RVX_KERNEL_TASKS || !k->tasks[a->arg[0]].live ||
	    !rvx_rights_subset((rvx_rights_t)a->arg[1], RVX_RIGHTS_ALL) || a->arg[1] > RVX_RIGHTS_ALL)
		return -RVX_EINVAL;
	dst = (uint32_t)a->arg[0];
	if ((info.rights & (RVX_RIGHT_GRANT | RVX_RIGHT_GRANT_ONCE)) == 0)
		return -RVX_ECANTGRANT;
	if (!rvx_rights_subset((rvx_rights_t)a->arg[1], info.rights))
		return -RVX_ERIGHTS;
	if (info.depth + 1u > RVX_CONFIG_CAP_MAX_DEPTH)
		return -RVX_EDEPTH;
	if (info.badge != 0 && a->arg[2] != 0 && a->arg[2] != info.badge)
		return -RVX_EPERM;
	if (!rvx_kernel_slot_free_(k, dst))
		return -RVX_ELIMIT;
	memcpy(args + 8, &a->arg[1], 8);
	memcpy(args + 16, &a->arg[2], 8);
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_CAP_GRANT, 0, task, ((uint64_t)dst << 32) |
				  rvx_handle_index(info.object), args, sizeof(args), NULL);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_cap_derive(&k->caps, task, src, dst, (rvx_rights_t)a->arg[1], a->arg[2],
				 &out) == 0);
	result_init(r);
	r->value[0] = out.raw;
	return 0;
}

/* ---- 2 RegionMap ---------------------------------------------------- */

static int sys_region_map(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	const rvx_rights_t rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_GRANT |
				    RVX_RIGHT_REVOKE;
	struct rvx_kernel_region *reg = NULL;
	rvx_handle_t cap = {a->cap}, obj;
	uint64_t policy = a->arg[0], size = a->arg[1], slot = a->arg[2];
	size_t base, meta = 0, meta_size = 0, end;
	uint32_t count = 0, i;
	uint8_t args[24];
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_TASK, RVX_RIGHT_WRITE, NULL);
	if (ret != 0)
		return ret;
	if (size == 0 || size > (uint64_t)SIZE_MAX / 2u || !buf_ok(a->in, a->in_len))
		return -RVX_EINVAL;
	switch (policy) {
	case RVX_REGION_POLICY_IMMUTABLE:
		if (a->in_len > size)
			return -RVX_EINVAL;
		break;
	case RVX_REGION_POLICY_APPEND_ONLY:
		if (a->in_len != 0)
			return -RVX_EINVAL;
		break;
	case RVX_REGION_POLICY_SLAB:
		if (a->in_len != 0 || slot == 0 || slot > RVX_REGION_SLOT_SIZE_MAX)
			return -RVX_EINVAL;
		count = rvx_region_slab_slot_count((size_t)size, (size_t)slot);
		if (count == 0)
			return -RVX_EINVAL;
		meta_size = rvx_region_slab_meta_size(count);
		break;
	default:
		return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		if (!k->regions[i].live) {
			reg = &k->regions[i];
			break;
		}
	}
	if (reg == NULL || !rvx_kernel_object_free_(k, 1) || !rvx_kernel_slot_free_(k, task))
		return -RVX_ELIMIT;
	/* Each region's bytes start on, and fill up to, the pool's granule. */
	base = (k->region_pool_used + k->region_align - 1u) & ~(k->region_align - 1u);
	end = base;
	if (k->region_pool == NULL || base > k->region_pool_size ||
	    k->region_pool_size - base < size ||
	    k->region_pool_size - base - size < ((k->region_align - size) & (k->region_align - 1u)))
		return -RVX_ENOMEM;
	end = base + (size_t)size + ((k->region_align - size) & (k->region_align - 1u));
	if (meta_size != 0) {
		meta = (end + RVX_REGION_ALIGN - 1u) & ~(size_t)(RVX_REGION_ALIGN - 1u);
		if (meta > k->region_pool_size || k->region_pool_size - meta < meta_size)
			return -RVX_ENOMEM;
		end = meta + meta_size;
	}
	if (((uintptr_t)(k->region_pool + base) & (k->region_align - 1u)) != 0)
		return -RVX_ENOMEM;
	memcpy(args, &policy, 8);
	memcpy(args + 8, &size, 8);
	memcpy(args + 16, &slot, 8);
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_REGION_MAP, 0, task, i, args, sizeof(args), NULL);
	if (ret != 0)
		return ret;
	switch (policy) {
	case RVX_REGION_POLICY_IMMUTABLE:
		RVX_CHECK(rvx_region_init_immutable(&reg->region, k->region_pool + base, (size_t)size,
						    ptr_in(a->in), (size_t)a->in_len) == 0);
		break;
	case RVX_REGION_POLICY_APPEND_ONLY:
		RVX_CHECK(rvx_region_init_append(&reg->region, k->region_pool + base,
						 (size_t)size) == 0);
		break;
	default:
		RVX_CHECK(rvx_region_init_slab(&reg->region, k->region_pool + base, (size_t)size,
					       (size_t)slot,
					       (struct rvx_region_slot *)(void *)(k->region_pool + meta),
					       meta_size) == 0);
		break;
	}
	k->region_pool_used = end;
	result_init(r);
	r->value[0] = rvx_kernel_create_mint_(k, task, RVX_OBJ_REGION, i, rights, &obj).raw;
	reg->object = obj;
	reg->live = 1;
	r->value[1] = i;
	return 0;
}

/* ---- 3 QueueSend ---------------------------------------------------- */

/*
 * The hot pair is split so that rvx_syscall() carries only what a short
 * inline message on a queue used at level 0 needs: the descriptor path, a
 * new sender, the wake, payloads above SHORT_PAYLOAD, the scan of several
 * levels and the blocking receive are out-of-line helpers, entered as tail
 * calls. Then the fast path needs no stack frame for their locals and few
 * callee-saved registers, which is most of its fixed cost. Each call runs
 * in two halves: the queue checks and claims (lib/queue's *_begin_()),
 * the kernel counts the traffic (nothing can fail from there on), and the
 * queue commits (*_end_()), so that the kernel's values do not live across
 * the copy.
 */

/* Note @p task as the queue's last receiver [1] in the open epoch
 * (rvx_kernel_queue_peers()): one compare on the fast path while the same
 * task keeps receiving. Senders: sender_switch(). */
static inline __attribute__((always_inline)) void
note_peer(struct rvx_kernel_queue *q, unsigned d, uint32_t task)
{
	if (RVX_UNLIKELY(q->epoch_peer[d] != task + 1u)) {
		q->epoch_shared[d] |= q->epoch_peer[d] != 0;
		q->epoch_peer[d] = task + 1u;
	}
}

/* Another task than the last sends on @p q (its message, @p len bytes,
 * counted already): the previous run is credited to its sender and this
 * task's run starts with this message, in its slot (found, or a free one,
 * or the one with the fewest bytes). Out of line: the fast path is the same
 * task sending again. */
static __attribute__((noinline, cold)) void sender_switch(struct rvx_kernel_queue *q,
							  uint32_t task, uint32_t len)
{
	uint32_t i, slot = RVX_KERNEL_QUEUE_SENDERS;

	q->epoch_shared[0] |= q->last_sender != 0 && q->last_sender != task + 1u;
	q->last_sender = task + 1u;
	q->epoch_peer[0] = task + 1u;
	rvx_kernel_run_end_(q, 1u, len);
	for (i = 0; i < RVX_KERNEL_QUEUE_SENDERS; i++)
		if (q->sender[i] == task + 1u)
			slot = i;
	for (i = 0; i < RVX_KERNEL_QUEUE_SENDERS && slot == RVX_KERNEL_QUEUE_SENDERS; i++)
		if (q->sender[i] == 0)
			slot = i;
	if (slot == RVX_KERNEL_QUEUE_SENDERS) {
		slot = 0;
		for (i = 1; i < RVX_KERNEL_QUEUE_SENDERS; i++)
			if (q->sender_bytes[i] < q->sender_bytes[slot])
				slot = i;
	}
	if (q->sender[slot] != task + 1u) {
		q->sender_msgs[slot] = 0;
		q->sender_bytes[slot] = 0;
	}
	q->sender[slot] = task + 1u;
	q->run_slot = slot;
}

/* The fast paths' rare ends are tail calls; a callee whose result the
 * compiler could predict (always 0) would be called and its result thrown
 * away instead, keeping the caller's registers live across the call. */
#if defined(__has_attribute)
#if __has_attribute(noipa)
#define TAIL_END __attribute__((noinline, noipa))
#endif
#endif
#ifndef TAIL_END
#define TAIL_END __attribute__((noinline))
#endif

/* Payloads the fast paths copy inline (lib/queue copies up to 16 bytes with
 * a few moves, and calls memcpy above). */
#define SHORT_PAYLOAD 16u

/* The end of a send that is not the same task sending again with nobody
 * waiting: a new run of sends starts, and a blocked receiver is woken.
 * Rare, so out of line, and entered last (a tail call) so that nothing of
 * the fast path lives across a call. */
static TAIL_END __attribute__((cold)) int send_done_slow(struct rvx_kernel *k, uint32_t task,
							   struct rvx_kernel_queue *q, uint32_t len,
							   struct rvx_syscall_result *r)
{
	if (q->epoch_peer[0] != task + 1u)
		sender_switch(q, task, len);
	if (q->waiter != RVX_CAP_NIL)
		rvx_kernel_wake_(k, q->waiter);
	result_traffic(r, RVX_SYSCALL_DONE, len, 0);
	return 0;
}

/* The end of a send that rvx_queue_send*() accepted: its traffic counters
 * and the result. */
static inline __attribute__((always_inline)) int
send_done(struct rvx_kernel *k, uint32_t task, struct rvx_kernel_queue *q, uint32_t len,
	  struct rvx_syscall_result *r)
{
	/* Queue traffic is counted here and summarised per epoch
	 * (rvx_kernel_epoch_close()), not hashed message by message. */
	q->epoch_msgs[0]++;
	q->epoch_bytes[0] += len;
	if (RVX_UNLIKELY(q->epoch_peer[0] != task + 1u || q->waiter != RVX_CAP_NIL))
		return send_done_slow(k, task, q, len, r);
	result_traffic(r, RVX_SYSCALL_DONE, len, 0);
	return 0;
}

/* The commit of an inline send (counted already) whose bookkeeping is not
 * the common case or whose payload is longer than SHORT_PAYLOAD (its copy
 * is a call): fill and publish the claimed slot, then finish as
 * send_done_slow(). Out of line so that nothing of the fast path lives
 * across a call. */
static TAIL_END int
send_end_slow(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
	      struct rvx_queue_claim_ c, struct rvx_syscall_result *r)
{
	struct rvx_cap_target tgt;
	struct rvx_kernel_queue *q;
	uint32_t len = (uint32_t)a->in_len;

	/* The queue again (six arguments at most keep this a tail call): the
	 * capability passed its check a moment ago and nothing changed. */
	RVX_CHECK(kcap_check(k, task, (rvx_handle_t){a->cap}, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE,
			     &tgt) == 0);
	q = &k->queues[tgt.ref];

	rvx_queue_send_end_(&c, rvx_queue_claim_tail_(&c), (uint32_t)a->arg[0], (uint32_t)a->arg[1],
			    (uint32_t)a->arg[2], ptr_in(a->in), len);
	return send_done_slow(k, task, q, len, r);
}

/* QueueSend of a zero-copy descriptor (type, priority and coherence
 * checked). */
static __attribute__((noinline, cold)) int
send_desc(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
	  struct rvx_kernel_queue *q, struct rvx_syscall_result *r)
{
	struct rvx_queue_msg_hdr hdr;
	struct rvx_region_desc d;
	struct rvx_cap_target rt;
	struct rvx_queue_desc qd;
	const void *p;
	int ret;

	if (a->in_len != sizeof(d))
		return -RVX_EINVAL;
	memcpy(&d, ptr_in(a->in), sizeof(d));
	if (d.reserved != 0)
		return -RVX_EBADDESC;
	ret = rvx_cap_check(&k->caps, task, d.region, RVX_OBJ_REGION, RVX_RIGHT_READ, &rt);
	if (ret != 0)
		return ret;
	ret = rvx_region_desc_check(&k->regions[rt.ref].region, d.offset, d.length, &p);
	if (ret != 0)
		return ret;
	if (d.offset > UINT32_MAX)
		return -RVX_EBADDESC;
	/* The receiver gets the region's registry handle: a name it can
	 * use only with its own capability for the same object. */
	qd.region = rvx_kernel_obj_handle_(k, rt.object).raw;
	qd.offset = (uint32_t)d.offset;
	qd.length = d.length;
	memset(&hdr, 0, sizeof(hdr));
	hdr.type_id = (uint32_t)a->arg[0];
	hdr.priority = (uint8_t)a->arg[1];
	hdr.coherence = (uint32_t)a->arg[2];
	hdr.flags = RVX_QUEUE_MSG_DESC;
	hdr.length = sizeof(qd);
	ret = rvx_queue_send(&q->queue, &hdr, &qd);
	if (ret != 0)
		return ret;
	return send_done(k, task, q, hdr.length, r);
}

/* Inlined into rvx_syscall()'s fast path (and in the table for the slow one). */
static inline __attribute__((always_inline)) int
sys_queue_send(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	struct rvx_queue_claim_ c;
	struct rvx_cap_target tgt;
	struct rvx_kernel_queue *q;
	rvx_handle_t cap = {a->cap};
	uint32_t len, tail;
	int ret;

	if ((a->flags & ~RVX_SYSCALL_F_DESC) != 0)
		return -RVX_EINVAL;
	ret = kcap_check(k, task, cap, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, &tgt);
	if (ret != 0)
		return ret;
	q = hot_queue(k, tgt.ref);
	if (a->arg[0] > UINT32_MAX || a->arg[1] >= RVX_QUEUE_PRIORITIES ||
	    a->arg[2] > UINT32_MAX || !buf_ok(a->in, a->in_len))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(a->flags & RVX_SYSCALL_F_DESC))
		return send_desc(k, task, a, q, r);
	/* The queue refuses a payload above the slot size. */
	if (a->in_len > UINT32_MAX)
		return -RVX_EMSGSIZE;
	/* An inline message: its header is stored field by field in the slot
	 * (a header staged on the stack piecewise and then copied whole stalls
	 * on store forwarding). The queue checks and claims the slot, the
	 * traffic is counted (nothing fails from here), and only then is the
	 * slot filled: what the rare ends of a send need does not live across
	 * the copy. */
	len = (uint32_t)a->in_len;
	/* buf_ok() refused a NULL payload with a non-zero length. */
	ret = rvx_queue_send_begin_(&q->queue, (uint32_t)a->arg[1], ptr_in(a->in), len, true, &c,
				    &tail);
	if (RVX_UNLIKELY(ret != 0))
		return ret;
	q->epoch_msgs[0]++;
	q->epoch_bytes[0] += len;
	if (RVX_UNLIKELY(q->epoch_peer[0] != task + 1u || q->waiter != RVX_CAP_NIL ||
			 len > SHORT_PAYLOAD))
		return send_end_slow(k, task, a, c, r);
	rvx_queue_send_end_(&c, tail, (uint32_t)a->arg[0], (uint32_t)a->arg[1], (uint32_t)a->arg[2],
			    ptr_in(a->in), len);
	result_traffic(r, RVX_SYSCALL_DONE, len, 0);
	return 0;
}

/* Block @p task: the caller checked it is READY or RUNNING and not waiting. */
static void block(struct rvx_kernel *k, uint32_t task, uint32_t wait, uint32_t index,
		  uint64_t deadline)
{
	struct rvx_kernel_task *t = &k->tasks[task];

	RVX_CHECK(rvx_timer_arm_at(&k->timers, deadline, task, &t->timer) == 0);
	RVX_CHECK(rvx_sched_task_block(&k->sched, t->sched, k->now, 0) == 0);
	t->wait = wait;
	t->wait_index = index;
	t->timed_out = 0;
	if (wait == RVX_KERNEL_WAIT_QUEUE)
		k->queues[index].waiter = task;
}

static int can_block(const struct rvx_kernel *k, uint32_t task)
{
	struct rvx_task info;

	if (k->tasks[task].wait != RVX_KERNEL_WAIT_NONE)
		return -RVX_EBUSY;
	RVX_CHECK(rvx_sched_task_info(&k->sched, k->tasks[task].sched, &info) == 0);
	if (info.state != RVX_TASK_READY && info.state != RVX_TASK_RUNNING)
		return -RVX_EBUSY;
	return 0;
}

/* ---- 4 QueueRecv ---------------------------------------------------- */

/* The commit of a receive (counted already) whose payload is longer than
 * SHORT_PAYLOAD: its copy is a call, made here so that nothing of the fast
 * path lives across it. */
/* The bookkeeping of a receive the queue accepted, before its copy. */
static inline __attribute__((always_inline)) void
recv_count(struct rvx_kernel *k, uint32_t task, struct rvx_kernel_queue *q, uint32_t len)
{
	k->tasks[task].timed_out = 0;
	q->epoch_msgs[1]++;
	q->epoch_bytes[1] += len;
	note_peer(q, 1, task);
}

static TAIL_END int recv_end_long(const struct rvx_syscall_args *a, const uint8_t *entry,
				  uint32_t *pos, struct rvx_syscall_result *r)
{
	struct rvx_queue_take_ t = {entry, pos, 0, 0};

	/* Four arguments keep this a tail call: the rest from the queue. */
	rvx_queue_take_again_(&t);
	rvx_queue_recv_end_(&t, ptr_out(a->aux), ptr_out(a->out));
	result_traffic(r, RVX_SYSCALL_DONE, t.len, 0);
	return 0;
}

/* QueueRecv found the queue empty: report a timeout, fail, or block. Out of
 * line so the receive fast path stays small. */
static __attribute__((noinline, cold)) int
recv_empty(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
	   struct rvx_kernel_queue *q, struct rvx_syscall_result *r)
{
	uint32_t index = (uint32_t)(q - k->queues);
	uint64_t deadline;
	int ret;

	if (k->tasks[task].timed_out) {
		/* The re-issued call after a timeout reports it once, as an
		 * outcome: it succeeds with no message. */
		k->tasks[task].timed_out = 0;
		result_traffic(r, RVX_SYSCALL_TIMED_OUT, 0, 0);
		return 0;
	}
	if ((a->flags & RVX_SYSCALL_F_BLOCK) == 0)
		return -RVX_EEMPTY;
	if (a->arg[0] == 0 || a->arg[0] > UINT64_MAX - k->now)
		return -RVX_EINVAL;
	if (q->waiter != RVX_CAP_NIL)
		return -RVX_EBUSY;
	ret = can_block(k, task);
	if (ret != 0)
		return ret;
	deadline = k->now + a->arg[0];
	block(k, task, RVX_KERNEL_WAIT_QUEUE, index, deadline);
	result_traffic(r, RVX_SYSCALL_BLOCKED, 0, deadline);
	return 0;
}

/* QueueRecv on a queue used at more levels than level 0 (or none yet): as
 * the fast path, with the queue's scan of the levels. Out of line so the
 * fast path keeps no registers for it. */
static TAIL_END int recv_levels(struct rvx_kernel *k, uint32_t task,
				const struct rvx_syscall_args *a, struct rvx_kernel_queue *q,
				struct rvx_syscall_result *r)
{
	struct rvx_queue_take_ t;
	int ret;

	ret = rvx_queue_recv_begin_(&q->queue, NULL, ptr_out(a->out), (size_t)a->out_len, false,
				    true, &t);
	if (ret == -RVX_EEMPTY)
		return recv_empty(k, task, a, q, r);
	if (ret != 0)
		return ret;
	recv_count(k, task, q, t.len);
	rvx_queue_recv_end_(&t, ptr_out(a->aux), ptr_out(a->out));
	result_traffic(r, RVX_SYSCALL_DONE, t.len, 0);
	return 0;
}

static inline __attribute__((always_inline)) int
sys_queue_recv(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	struct rvx_queue_take_ t;
	struct rvx_cap_target tgt;
	struct rvx_kernel_queue *q;
	rvx_handle_t cap = {a->cap};
	int ret;

	if ((a->flags & ~RVX_SYSCALL_F_BLOCK) != 0)
		return -RVX_EINVAL;
	ret = kcap_check(k, task, cap, RVX_OBJ_QUEUE, RVX_RIGHT_READ, &tgt);
	if (ret != 0)
		return ret;
	q = hot_queue(k, tgt.ref);
	if (!buf_ok(a->out, a->out_len) || a->aux == 0)
		return -RVX_EINVAL;
	if (a->aux_len < sizeof(struct rvx_queue_msg_hdr))
		return -RVX_EBUFSMALL;
	/* The header goes straight to the caller's buffer, written only when
	 * the receive succeeds (no staging copy, no trace of a failure): the
	 * queue finds the message and checks it fits, the traffic is counted
	 * (nothing fails from here), then the message is copied out. buf_ok()
	 * refused a NULL buffer with a non-zero size, so the queue's test of
	 * the length against the size covers a NULL buffer. */
	ret = rvx_queue_recv_begin_level0_(&q->queue, NULL, ptr_out(a->out), (size_t)a->out_len,
					   false, true, &t);
	if (RVX_UNLIKELY(ret == 1))
		return recv_levels(k, task, a, q, r);
	if (RVX_LIKELY(ret == 0)) {
		recv_count(k, task, q, t.len);
		if (RVX_UNLIKELY(t.len > SHORT_PAYLOAD))
			return recv_end_long(a, t.entry, t.pos, r);
		rvx_queue_recv_end_(&t, ptr_out(a->aux), ptr_out(a->out));
		result_traffic(r, RVX_SYSCALL_DONE, t.len, 0);
		return 0;
	}
	if (ret != -RVX_EEMPTY)
		return ret;
	return recv_empty(k, task, a, q, r);
}

/* ---- 5 TimerWait ---------------------------------------------------- */

static int sys_timer_wait(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	rvx_handle_t cap = {a->cap};
	uint64_t deadline;
	int ret;

	if ((a->flags & ~RVX_SYSCALL_F_RELATIVE) != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_TIMER, RVX_RIGHT_READ, NULL);
	if (ret != 0)
		return ret;
	if (a->flags & RVX_SYSCALL_F_RELATIVE) {
		if (a->arg[0] > UINT64_MAX - k->now)
			return -RVX_EINVAL;
		deadline = k->now + a->arg[0];
	} else {
		deadline = a->arg[0];
	}
	if (deadline > k->now) {
		ret = can_block(k, task);
		if (ret != 0)
			return ret;
	}
	/* Committed: counted for the epoch summary (no record per wait). */
	k->reads.waits++;
	result_init(r);
	r->value[1] = deadline;
	if (deadline <= k->now)
		return 0;
	block(k, task, RVX_KERNEL_WAIT_TIMER, 0, deadline);
	r->status = RVX_SYSCALL_BLOCKED;
	return 0;
}

/* ---- 7 AttestEmit --------------------------------------------------- */

static int sys_attest_emit(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			   struct rvx_syscall_result *r)
{
	uint8_t args[8 + 32 + RVX_KERNEL_ATTEST_MAX];
	struct rvx_witness_record rec;
	struct rvx_proof_result res;
	struct rvx_cap_target tgt;
	rvx_handle_t cap = {a->cap};
	uint64_t target;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_NONE, RVX_RIGHT_PROVE, &tgt);
	if (ret != 0)
		return ret;
	if (!buf_ok(a->in, a->in_len) || a->in_len > RVX_KERNEL_ATTEST_MAX)
		return -RVX_EINVAL;
	ret = proof_arg_ok(a);
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_room_(k, 40u + (size_t)a->in_len);
	if (ret != 0)
		return ret;
	target = rvx_kernel_obj_handle_(k, tgt.object).raw;
	ret = prove(k, task, RVX_SYS_ATTEST_EMIT, a, target, a->arg[0], ptr_in(a->in),
		    (size_t)a->in_len, attest_policy_of(k, k->cap_objects[tgt.object].type, tgt.ref),
		    RVX_QUEUE_COHERENCE_ONE, &res);
	if (ret != 0)
		return ret;
	memcpy(args, &a->arg[0], 8);
	memcpy(args + 8, res.mutation_hash, 32);
	if (a->in_len != 0)
		memcpy(args + 40, ptr_in(a->in), (size_t)a->in_len);
	ret = rvx_kernel_witness_(k, RVX_WITNESS_ATTEST, res.tier, task, target, args,
				  40u + (size_t)a->in_len, &rec);
	if (ret != 0)
		return ret;
	result_init(r);
	attest(k, &rec, res.mutation_hash, res.tier, r);
	return 0;
}

/* ---- 8 VectorGet ---------------------------------------------------- */

static int sys_vector_get(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	struct rvx_cap_target tgt;
	struct rvx_kernel_gets *g;
	struct rvx_vec_store *s;
	struct rvx_vec_config cfg;
	rvx_handle_t cap = {a->cap};
	int ret;

	if ((a->flags & ~RVX_SYSCALL_F_QUERY) != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_VECTOR_STORE, RVX_RIGHT_READ, &tgt);
	if (ret != 0)
		return ret;
	s = &k->vstores[tgt.ref].store;
	g = &k->reads.gets[tgt.ref];
	rvx_vec_store_config(s, &cfg);
	if (!buf_ok(a->in, a->in_len) || !buf_ok(a->out, a->out_len))
		return -RVX_EINVAL;
	/* The caller's buffers may have any alignment: the store reads and
	 * writes only the kernel's staging (cleared again before returning). */
	if ((a->flags & RVX_SYSCALL_F_QUERY) == 0) {
		if (a->out_len < (uint64_t)cfg.dim * sizeof(float))
			return -RVX_EBUFSMALL;
		/* No access statistics: a read changes no store state; it is
		 * only counted for the epoch summary, once it has succeeded. */
		ret = rvx_vec_store_get(s, a->arg[0], k->stage.vec + 1, cfg.dim, RVX_VEC_NOW_NONE);
		if (ret == 0)
			memcpy(ptr_out(a->out), k->stage.vec + 1, cfg.dim * sizeof(float));
		memset(k->stage.vec, 0, sizeof(float) * (1u + cfg.dim));
		if (ret != 0)
			return ret;
		g->calls++;
		g->bytes += cfg.dim * sizeof(float);
		result_init(r);
		r->value[0] = cfg.dim;
		return 0;
	}
	if (!k->has_scratch || a->in_len != (uint64_t)cfg.dim * sizeof(float) ||
	    a->arg[0] == 0 || a->arg[0] > k->scratch.ef_max || a->arg[0] > RVX_KERNEL_KNN_MAX ||
	    a->arg[1] > k->scratch.ef_max || a->in == 0)
		return -RVX_EINVAL;
	if (a->out == 0 || a->out_len < a->arg[0] * sizeof(struct rvx_vec_hit))
		return -RVX_EBUFSMALL;
	memcpy(k->stage.vec + 1, ptr_in(a->in), (size_t)a->in_len);
	ret = rvx_vec_store_search(s, k->stage.vec + 1, cfg.dim, (uint32_t)a->arg[0],
				   (uint32_t)a->arg[1], &k->scratch, k->stage.hits,
				   RVX_VEC_NOW_NONE);
	if (ret > 0)
		memcpy(ptr_out(a->out), k->stage.hits, (size_t)ret * sizeof(struct rvx_vec_hit));
	memset(k->stage.vec, 0, sizeof(float) * (1u + cfg.dim));
	memset(k->stage.hits, 0, (size_t)a->arg[0] * sizeof(struct rvx_vec_hit));
	if (ret < 0)
		return ret;
	g->calls++;
	g->bytes += (uint64_t)ret * sizeof(struct rvx_vec_hit);
	result_init(r);
	r->value[0] = (uint64_t)ret;
	return 0;
}

/* ---- 9 VectorPutProved ---------------------------------------------- */

/*
 * Everything VectorPutProved decides before its record, on the vector staged
 * in k->stage.vec[1..]: the store's rules, the token's presence, the
 * journal's room, then the proof over the staged payload (the coherence
 * word and the vector, built in place in k->stage.vec).
 */
static int put_decide(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
		      struct rvx_kernel_vstore *v, const struct rvx_cap_target *tgt, size_t len,
		      uint32_t coherence, struct rvx_proof_result *res)
{
	uint32_t dim = (uint32_t)(len / sizeof(float));
	long plen;
	int ret;

	/* The store's own rules decide, before anything is written. */
	ret = rvx_vec_store_put_check(&v->store, a->arg[0], k->stage.vec + 1, dim);
	if (ret < 0)
		return ret;
	ret = proof_arg_ok(a);
	if (ret != 0)
		return ret;
	/* The vector is journaled once, as the call's input; the record's own
	 * arguments are key, coherence and dimension. */
	ret = rvx_kernel_witness_room_(k, 16u);
	if (ret != 0)
		return ret;
	plen = rvx_syscall_vector_put_payload(coherence, k->stage.vec + 1, dim,
					      (uint8_t *)k->stage.vec, sizeof(k->stage.vec));
	RVX_CHECK(plen > 0);
	ret = prove(k, task, RVX_SYS_VECTOR_PUT_PROVED, a,
		    rvx_kernel_obj_handle_(k, tgt->object).raw, a->arg[0], k->stage.vec,
		    (size_t)plen, &v->policy, coherence, res);
	/* The encoding was made in place; the store takes the host's floats
	 * (the same bytes on the little-endian targets this runs on). */
	return ret;
}

static int sys_vector_put(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			  struct rvx_syscall_result *r)
{
	uint8_t args[16];
	float *vec = k->stage.vec + 1;
	struct rvx_witness_record rec;
	struct rvx_witness_head wh;
	struct rvx_proof_result res;
	struct rvx_kernel_vstore *v;
	struct rvx_vec_config cfg;
	struct rvx_cap_target tgt;
	rvx_handle_t cap = {a->cap};
	uint64_t target;
	uint32_t coherence;
	size_t len;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_VECTOR_STORE, RVX_RIGHT_WRITE, &tgt);
	if (ret != 0)
		return ret;
	v = &k->vstores[tgt.ref];
	rvx_vec_store_config(&v->store, &cfg);
	len = (size_t)cfg.dim * sizeof(float);
	if (a->in == 0 || a->in_len != len || a->arg[1] > RVX_VEC_COHERENCE_ONE)
		return -RVX_EINVAL;
	coherence = (uint32_t)a->arg[1];
	memcpy(vec, ptr_in(a->in), len);
	ret = put_decide(k, task, a, v, &tgt, len, coherence, &res);
	if (ret != 0) {
		memset(k->stage.vec, 0, 4u + len);
		return ret;
	}
	target = rvx_kernel_obj_handle_(k, tgt.object).raw;
	memcpy(args, &a->arg[0], 8);
	memcpy(args + 8, &coherence, 4);
	memcpy(args + 12, &cfg.dim, 4);
	/* The journal takes the vector from the kernel's copy, the one the
	 * proof covered and the store gets, not from the caller's buffer. */
	k->call.in_staged = (const uint8_t *)k->stage.vec + 4u;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_VECTOR_PUT, res.tier, task, target, args,
				  sizeof(args), &rec);
	k->call.in_staged = NULL;
	if (ret == 0)
		RVX_CHECK(rvx_vec_store_put(&v->store, a->arg[0], vec, cfg.dim) >= 0);
	memset(k->stage.vec, 0, 4u + len);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_vec_store_set_coherence(&v->store, a->arg[0], coherence) == 0);
	rvx_witness_head(&k->log, &wh);
	RVX_CHECK(rvx_vec_store_set_attestation(&v->store, a->arg[0], wh.head) == 0);
	result_init(r);
	attest(k, &rec, res.mutation_hash, res.tier, r);
	return 0;
}

/* ---- 10 GraphApplyProved -------------------------------------------- */

static int sys_graph_apply(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
			   struct rvx_syscall_result *r)
{
	uint8_t enc[RVX_GRAPH_MUTATION_BYTES];
	struct rvx_witness_record rec;
	struct rvx_graph_mutation m;
	struct rvx_proof_result res;
	struct rvx_kernel_gstore *g;
	struct rvx_cap_target tgt;
	rvx_handle_t cap = {a->cap};
	uint64_t target;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_GRAPH_STORE, RVX_RIGHT_WRITE, &tgt);
	if (ret != 0)
		return ret;
	g = &k->gstores[tgt.ref];
	if (a->in == 0 || a->in_len != sizeof(m))
		return -RVX_EINVAL;
	memcpy(&m, ptr_in(a->in), sizeof(m));
	ret = rvx_graph_mutation_encode(&m, enc);
	if (ret != 0)
		return ret;
	ret = rvx_graph_apply_check(&g->graph, &m);
	if (ret != 0)
		return ret;
	ret = proof_arg_ok(a);
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_room_(k, sizeof(enc));
	if (ret != 0)
		return ret;
	target = rvx_kernel_obj_handle_(k, tgt.object).raw;
	ret = prove(k, task, RVX_SYS_GRAPH_APPLY_PROVED, a, target, m.node, enc, sizeof(enc),
		    &g->policy, RVX_QUEUE_COHERENCE_ONE, &res);
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_GRAPH_APPLY, res.tier, task, target, enc,
				  sizeof(enc), &rec);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_graph_apply(&g->graph, &m) == 0);
	result_init(r);
	attest(k, &rec, res.mutation_hash, res.tier, r);
	return 0;
}

/* ---- 11 SensorSubscribe --------------------------------------------- */

static int sys_sensor_subscribe(struct rvx_kernel *k, uint32_t task,
				const struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	struct rvx_cap_target st, qt;
	rvx_handle_t scap = {a->cap}, qcap = {a->cap2};
	struct rvx_kernel_sub *sub = NULL;
	uint32_t args[2], i, slot = 0;
	int ret;

	if (a->flags != 0)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, scap, RVX_OBJ_SENSOR, RVX_RIGHT_READ, &st);
	if (ret != 0)
		return ret;
	ret = rvx_cap_check(&k->caps, task, qcap, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, &qt);
	if (ret != 0)
		return ret;
	for (i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++) {
		const struct rvx_kernel_sub *s = &k->subs[i];

		bool active = rvx_kernel_sub_active_(k, s);

		if (active && s->sensor == st.ref && s->queue == qt.ref)
			return -RVX_EEXIST;
		if (!active && sub == NULL) {
			sub = &k->subs[i];
			slot = i;
		}
	}
	if (sub == NULL)
		return -RVX_ELIMIT;
	args[0] = st.ref;
	args[1] = qt.ref;
	ret = rvx_kernel_witness_room_(k, sizeof(args));
	if (ret != 0)
		return ret;
	ret = rvx_kernel_witness_(k, RVX_WITNESS_SUBSCRIBE, 0, task,
				  rvx_kernel_obj_handle_(k, st.object).raw, args, sizeof(args), NULL);
	if (ret != 0)
		return ret;
	sub->sensor = st.ref;
	sub->queue = qt.ref;
	sub->task = task;
	sub->sensor_cap = scap.raw;
	sub->queue_cap = qcap.raw;
	sub->live = 1;
	result_init(r);
	r->value[0] = slot;
	return 0;
}

/* ---- dispatcher ----------------------------------------------------- */

typedef int (*sys_fn)(struct rvx_kernel *k, uint32_t task, const struct rvx_syscall_args *a,
		      struct rvx_syscall_result *r);

/* One handler per syscall number; every entry is set. */
static const sys_fn sys_table[RVX_SYS_COUNT] = {
	[RVX_SYS_TASK_SPAWN] = sys_task_spawn,
	[RVX_SYS_CAP_GRANT] = sys_cap_grant,
	[RVX_SYS_REGION_MAP] = sys_region_map,
	[RVX_SYS_QUEUE_SEND] = sys_queue_send,
	[RVX_SYS_QUEUE_RECV] = sys_queue_recv,
	[RVX_SYS_TIMER_WAIT] = sys_timer_wait,
	[RVX_SYS_RVF_MOUNT] = rvx_kernel_sys_mount_,
	[RVX_SYS_ATTEST_EMIT] = sys_attest_emit,
	[RVX_SYS_VECTOR_GET] = sys_vector_get,
	[RVX_SYS_VECTOR_PUT_PROVED] = sys_vector_put,
	[RVX_SYS_GRAPH_APPLY_PROVED] = sys_graph_apply,
	[RVX_SYS_SENSOR_SUBSCRIBE] = sys_sensor_subscribe,
};

/* Syscalls that write witness records: their calls are journaled. */
#define JOURNALED                                                              \
	((1u << RVX_SYS_TASK_SPAWN) | (1u << RVX_SYS_CAP_GRANT) |              \
	 (1u << RVX_SYS_REGION_MAP) | (1u << RVX_SYS_RVF_MOUNT) |              \
	 (1u << RVX_SYS_ATTEST_EMIT) | (1u << RVX_SYS_VECTOR_PUT_PROVED) |     \
	 (1u << RVX_SYS_GRAPH_APPLY_PROVED) | (1u << RVX_SYS_SENSOR_SUBSCRIBE))

/* Every other call: a call context for the journaled ones. */
static int __attribute__((noinline)) syscall_slow(struct rvx_kernel *k, uint32_t task, uint32_t nr,
						  const struct rvx_syscall_args *a,
						  struct rvx_syscall_result *r)
{
	int ret;

	if (nr >= RVX_SYS_COUNT)
		return -RVX_EINVAL;
	if ((JOURNALED & (1u << nr)) == 0)
		return sys_table[nr](k, task, a, r);
	if (!k->call.replay) {
		k->call.active = 1;
		k->call.nr = nr;
		k->call.task = task;
		k->call.args = a;
		/* The package is journaled by its hash (in the MOUNT record),
		 * and a mount's input part is its required-capability handles
		 * (aux); an input too large for an entry fails the room check. */
		uint64_t addr = nr == RVX_SYS_RVF_MOUNT ? a->aux : a->in;
		uint64_t len = nr == RVX_SYS_RVF_MOUNT ? a->aux_len : a->in_len;

		if (addr == 0)
			k->call.in_journaled = 0;
		else
			k->call.in_journaled = len > RVX_WITNESS_ARGS_MAX ? RVX_WITNESS_ARGS_MAX + 1u
									  : (uint32_t)len;
	}
	ret = sys_table[nr](k, task, a, r);
	if (!k->call.replay)
		memset(&k->call, 0, sizeof(k->call));
	return ret;
}

/* A syscall while tracing is on: dispatched as ever, then noted in the
 * trace ring (out of line, so the untraced path stays as short). */
static int __attribute__((noinline)) syscall_traced(struct rvx_kernel *k, uint32_t task, uint32_t nr,
				       const struct rvx_syscall_args *a,
				       struct rvx_syscall_result *r)
{
	struct rvx_kernel_observe *o = &k->observe;
	struct rvx_kernel_trace_entry *e;
	int ret;

	if (nr == RVX_SYS_QUEUE_SEND)
		ret = sys_queue_send(k, task, a, r);
	else if (nr == RVX_SYS_QUEUE_RECV)
		ret = sys_queue_recv(k, task, a, r);
	else
		ret = syscall_slow(k, task, nr, a, r);
	e = &o->trace[o->trace_next % RVX_KERNEL_TRACE_ENTRIES];
	e->time = k->now;
	e->task = task;
	e->nr = nr;
	e->ret = ret;
	e->reserved = 0;
	o->trace_next = (o->trace_next + 1u) % RVX_KERNEL_TRACE_ENTRIES;
	o->trace_count++;
	return ret;
}

int rvx_syscall(struct rvx_kernel *k, uint32_t task, uint32_t nr,
		const struct rvx_syscall_args *a, struct rvx_syscall_result *r)
{
	if (RVX_UNLIKELY(k == NULL || a == NULL || r == NULL || a->version != RVX_SYSCALL_VERSION ||
			 task >= RVX_KERNEL_TASKS || !k->tasks[task].live || !k->booted))
		return -RVX_EINVAL;
	if (RVX_UNLIKELY(k->observe.trace_on != 0))
		return syscall_traced(k, task, nr, a, r);
	/* Traffic, the hot pair, is dispatched directly (inlined, no table
	 * and no call context: it writes no record). */
	if (nr == RVX_SYS_QUEUE_SEND)
		return sys_queue_send(k, task, a, r);
	if (nr == RVX_SYS_QUEUE_RECV)
		return sys_queue_recv(k, task, a, r);
	return syscall_slow(k, task, nr, a, r);
}
