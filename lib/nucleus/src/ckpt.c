/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel checkpoint and restore through lib/witness's checkpoint format
 * (header, sections, SHA-256 trailer = state hash). The nucleus writes one
 * section of its own type:
 *
 *   the kernel object's bytes, with every pointer into a pool replaced by
 *   its offset and every pointer that belongs to the embedder's binding
 *   (pools, sink, ring, journal, scratch, store memory, trusted keys, the
 *   proof engine's secret-derived context) written as zero;
 *   then the region pool's used bytes, the queue pool's used bytes, and the
 *   state bytes of each live vector store and graph store, in index order.
 *
 * Restore goes into a kernel booted with the same configuration geometry
 * and secret, with the same embedder-created vector and graph stores
 * (same indices and configurations): the destination keeps its own binding,
 * takes every other byte from the checkpoint, and turns pool offsets back
 * into pointers. Stores a mount created live in the store pool: their
 * entries carry their pool offset, size and state size, so the destination
 * re-creates them from the checkpoint (its own pool stores not in the
 * checkpoint are dropped, like any pool content).
 * The open epoch's counts of VectorGet and TimerWait calls are not state
 * (those calls change none): they are written as zero, a checkpoint holding
 * any is refused, and a restored kernel starts them at zero, so a read
 * never makes two kernels' state hashes differ (queue traffic counts, which
 * stand for messages moved, are state and are kept).
 * Its journal restarts empty, to hold what follows the checkpoint. The
 * proof issuers' nonce windows and the clock are floors, not plain state:
 * each checkpointed window is merged into the destination's (keep_floors()),
 * and the latest time the destination reached stays its clock_floor.
 */
#include "nucleus_internal.h"

#include "ruvix/witness_ckpt.h"

/** Section type of the nucleus (a user section of the checkpoint format). */
#define RVX_KERNEL_CKPT_TYPE (RVX_CKPT_USER + 0x10u)

static size_t vstate(const struct rvx_kernel *k, uint32_t i)
{
	if (!k->vstores[i].live)
		return 0;
	if (k->vstores[i].pool_size != 0)
		return (size_t)k->vstores[i].state_size;
	return rvx_vec_store_state_size(&k->vstores[i].store);
}

static size_t gstate(const struct rvx_kernel *k, uint32_t i)
{
	if (!k->gstores[i].live)
		return 0;
	if (k->gstores[i].pool_size != 0)
		return (size_t)k->gstores[i].state_size;
	return rvx_graph_state_size(&k->gstores[i].graph);
}

static size_t ck_size(const void *obj)
{
	const struct rvx_kernel *k = obj;
	size_t n = sizeof(*k) + k->region_pool_used + k->queue_pool_used;

	for (uint32_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		n += vstate(k, i);
	for (uint32_t i = 0; i < RVX_KERNEL_GRAPH_STORES; i++)
		n += gstate(k, i);
	return n;
}

static void put_uptr(uint8_t *base, size_t off, uintptr_t v)
{
	memcpy(base + off, &v, sizeof(v));
}

static uintptr_t get_uptr(const uint8_t *base, size_t off)
{
	uintptr_t v;

	memcpy(&v, base + off, sizeof(v));
	return v;
}

static void zero(uint8_t *base, size_t off, size_t len)
{
	memset(base + off, 0, len);
}

#define KOFF(field) offsetof(struct rvx_kernel, field)
#define ARR_OFF(arr, i, type, field) (KOFF(arr) + (size_t)(i) * sizeof(type) + offsetof(type, field))

static void ck_write(const void *obj, uint8_t *out)
{
	const struct rvx_kernel *k = obj;
	uint8_t *p = out + sizeof(*k);
	uint32_t i;

	memcpy(out, k, sizeof(*k));
	/* The binding: never in a checkpoint (the proof context derives from
	 * the kernel secret). */
	zero(out, KOFF(caps.slots), sizeof(void *));
	zero(out, KOFF(caps.tables), sizeof(void *));
	zero(out, KOFF(caps.objects), sizeof(void *));
	zero(out, KOFF(proof), sizeof(k->proof));
	zero(out, KOFF(ckpt_key), sizeof(k->ckpt_key));
	zero(out, KOFF(journal_key), sizeof(k->journal_key));
	zero(out, KOFF(log.sink), sizeof(k->log.sink));
	zero(out, KOFF(ring), sizeof(k->ring));
	zero(out, KOFF(journal), sizeof(k->journal));
	zero(out, KOFF(scratch), sizeof(k->scratch));
	zero(out, KOFF(region_pool), sizeof(void *));
	zero(out, KOFF(queue_pool), sizeof(void *));
	zero(out, KOFF(store_pool), sizeof(void *));
	zero(out, KOFF(witness_keep), sizeof(k->witness_keep));
	zero(out, KOFF(trusted), sizeof(k->trusted));
	zero(out, KOFF(sched), sizeof(k->sched));
	zero(out, KOFF(timers), sizeof(k->timers));
	zero(out, KOFF(clock_floor), sizeof(k->clock_floor));
	zero(out, KOFF(reads), sizeof(k->reads));
	zero(out, KOFF(observe), sizeof(k->observe));
	/* Issuer keys derive from the kernel secret: only the nonce windows
	 * and rate counters go out; the destination derives keys again. */
	for (i = 0; i < RVX_ARRAY_COUNT(k->issuers); i++) {
		size_t o = KOFF(issuers) + (size_t)i * sizeof(k->issuers[0]);

		zero(out, o + offsetof(struct rvx_proof_issuer_state, key_ready),
		     sizeof(k->issuers[0]) - offsetof(struct rvx_proof_issuer_state, key_ready));
	}
	/* The scheduler's and timers' plain fields are kept by value. */
	memcpy(out + KOFF(sched.period_ns), &k->sched.period_ns,
	       sizeof(k->sched) - offsetof(struct rvx_sched, period_ns));
	memcpy(out + KOFF(timers.next_seq), &k->timers.next_seq,
	       sizeof(k->timers) - offsetof(struct rvx_timer, next_seq));
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		const struct rvx_region *r = &k->regions[i].region;

		put_uptr(out, ARR_OFF(regions, i, struct rvx_kernel_region, region.base),
			 k->regions[i].live ? (uintptr_t)(r->base - k->region_pool) : 0);
		put_uptr(out, ARR_OFF(regions, i, struct rvx_kernel_region, region.slots),
			 k->regions[i].live && r->slots != NULL
				 ? (uintptr_t)((uint8_t *)r->slots - k->region_pool) + 1u
				 : 0);
	}
	for (i = 0; i < RVX_KERNEL_QUEUES; i++) {
		put_uptr(out, ARR_OFF(queues, i, struct rvx_kernel_queue, queue.storage),
			 k->queues[i].live ? (uintptr_t)(k->queues[i].queue.storage - k->queue_pool)
					   : 0);
		/* The receive's hint of the levels in use is derived state:
		 * restore derives it from the rings again. */
		zero(out, ARR_OFF(queues, i, struct rvx_kernel_queue, queue.levels),
		     sizeof(k->queues[i].queue.levels));
	}
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++)
		zero(out, ARR_OFF(vstores, i, struct rvx_kernel_vstore, store), sizeof(struct rvx_vec_store));
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++)
		zero(out, ARR_OFF(gstores, i, struct rvx_kernel_gstore, graph), sizeof(struct rvx_graph));
	if (k->region_pool_used != 0)
		memcpy(p, k->region_pool, k->region_pool_used);
	p += k->region_pool_used;
	if (k->queue_pool_used != 0)
		memcpy(p, k->queue_pool, k->queue_pool_used);
	p += k->queue_pool_used;
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		memcpy(p, k->vstores[i].live ? k->vstores[i].store.base : p, vstate(k, i));
		p += vstate(k, i);
	}
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		memcpy(p, k->gstores[i].live ? k->gstores[i].graph.base : p, gstate(k, i));
		p += gstate(k, i);
	}
}

static bool flag_ok(uint32_t v)
{
	return v == 0 || v == 1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/*
 * Each library checks its own state in the image (validate, no side
 * effects); the nucleus checks only what it owns: that the geometry is the
 * one this kernel was booted with (its bindings are kept), that the
 * transient call and the secret-derived issuer keys are absent, and that
 * its own tables name objects that exist.
 */
static int libs_check(const struct rvx_kernel *d, const uint8_t *in, size_t rused, size_t qused)
{
	const uint8_t *rpool = in + sizeof(struct rvx_kernel), *qpool = rpool + rused;
	struct rvx_cap_space cs;
	struct rvx_sched ss;
	struct rvx_timer ts;
	uint32_t i;

	memcpy(&cs, in + KOFF(caps), sizeof(cs));
	if (cs.table_count != d->caps.table_count || cs.slots_per_table != d->caps.slots_per_table ||
	    cs.slot_total != d->caps.slot_total || cs.object_count != d->caps.object_count ||
	    rvx_cap_space_validate(&cs, in + KOFF(cap_slots), in + KOFF(cap_tables),
				   in + KOFF(cap_objects)) != 0)
		return -RVX_EINVAL;
	memcpy(&ss, in + KOFF(sched), sizeof(ss));
	if (ss.task_count != d->sched.task_count || ss.cpu_count != d->sched.cpu_count ||
	    ss.partition_count != d->sched.partition_count || ss.heap_cap != d->sched.heap_cap ||
	    rvx_sched_validate(&ss, in + KOFF(sched_mem), sizeof(d->sched_mem)) != 0)
		return -RVX_EINVAL;
	memcpy(&ts, in + KOFF(timers), sizeof(ts));
	if (ts.capacity != d->timers.capacity ||
	    rvx_timer_validate(&ts, in + KOFF(timer_mem), sizeof(d->timer_mem)) != 0)
		return -RVX_EINVAL;
	if (!all_zero(in + KOFF(call), sizeof(d->call)))
		return -RVX_EINVAL;
	for (i = 0; i < RVX_ARRAY_COUNT(d->issuers); i++) {
		size_t o = KOFF(issuers) + (size_t)i * sizeof(d->issuers[0]) +
			   offsetof(struct rvx_proof_issuer_state, key_ready);

		if (!all_zero(in + o, sizeof(d->issuers[0]) -
					       offsetof(struct rvx_proof_issuer_state, key_ready)))
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		struct rvx_kernel_region r;
		uintptr_t slots;

		memcpy(&r, in + KOFF(regions) + i * sizeof(r), sizeof(r));
		if (!r.live)
			continue;
		slots = get_uptr(in, ARR_OFF(regions, i, struct rvx_kernel_region, region.slots));
		if (rvx_region_validate(&r.region, slots != 0 ? rpool + (slots - 1u) : NULL) != 0)
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_QUEUES; i++) {
		struct rvx_kernel_queue q;
		uintptr_t st;

		memcpy(&q, in + KOFF(queues) + i * sizeof(q), sizeof(q));
		if (!q.live)
			continue;
		st = get_uptr(in, ARR_OFF(queues, i, struct rvx_kernel_queue, queue.storage));
		if (rvx_queue_validate(&q.queue, qpool + st, qused - st) != 0)
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_kernel_task t;

		memcpy(&t, in + KOFF(tasks) + i * sizeof(t), sizeof(t));
		if (t.live && (rvx_handle_index(t.sched) >= d->sched.task_count ||
			       rvx_handle_index(t.object) >= RVX_KERNEL_OBJECTS))
			return -RVX_EINVAL;
		/* A name is bounded: its last byte is NUL. */
		if (t.name[sizeof(t.name) - 1u] != '\0')
			return -RVX_EINVAL;
	}
	return 0;
}

/* The image's registry entry @p h names: in range, in use, of @p type,
 * at the handle's generation and with @p ref as the kernel's index. */
static bool obj_ok(const uint8_t *in, rvx_handle_t h, uint8_t type, uint32_t ref)
{
	struct rvx_cap_object o;
	uint32_t i = rvx_handle_index(h);

	if (i >= RVX_KERNEL_OBJECTS)
		return false;
	memcpy(&o, in + KOFF(cap_objects) + (size_t)i * sizeof(o), sizeof(o));
	return o.type == type && o.gen == rvx_handle_gen(h) && o.ref == ref;
}

/* Byte ranges of a pool handed to distinct objects must not overlap. */
struct span {
	uint64_t lo, hi;
};

static bool spans_disjoint(const struct span *sp, uint32_t n)
{
	for (uint32_t a = 0; a < n; a++)
		for (uint32_t b = a + 1; b < n; b++)
			if (sp[a].lo < sp[b].hi && sp[b].lo < sp[a].hi)
				return false;
	return true;
}

/*
 * What the nucleus itself assumes of restored state (its RVX_CHECKs and the
 * indices it takes from its tables): every live task owns exactly one
 * scheduler control block that names its table, is BLOCKED exactly when it
 * waits, and holds a wait timer exactly when it waits, armed for it; a task
 * slot not in use is zero with an empty capability table; a queue's waiter
 * and its task's wait agree; every kernel entry's registry object is of its
 * type, names the entry and is in use, and nothing else is in the registry
 * (so a capability's `ref` always indexes a live entry); pool ranges do not
 * overlap; entries not in use, the staging area and the read and wait
 * counts are zero.
 */
static int nucleus_check(const struct rvx_kernel *d, const uint8_t *in)
{
	const uint8_t *smem = in + KOFF(sched_mem), *tmem = in + KOFF(timer_mem);
	struct rvx_sched ss;
	struct rvx_timer ts;
	struct span sp[2u * RVX_KERNEL_REGIONS];
	uint32_t i, tasks = 0, timers = 0, objects = 1, used = 0, n;
	rvx_handle_t clock;

	memcpy(&ss, in + KOFF(sched), sizeof(ss));
	memcpy(&ts, in + KOFF(timers), sizeof(ts));
	memcpy(&clock, in + KOFF(clock_object), sizeof(clock));
	if (!obj_ok(in, clock, RVX_OBJ_TIMER, 0) ||
	    !all_zero(in + KOFF(stage), sizeof(d->stage)) ||
	    !all_zero(in + KOFF(clock_floor), sizeof(d->clock_floor)) ||
	    !all_zero(in + KOFF(reads), sizeof(d->reads)) ||
	    !all_zero(in + KOFF(observe), sizeof(d->observe)))
		return -RVX_EINVAL;
	for (i = 0; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_kernel_task t;
		struct rvx_cap_table tb;
		struct rvx_task st;
		struct rvx_timer_slot tm;
		uint32_t si;

		memcpy(&t, in + KOFF(tasks) + i * sizeof(t), sizeof(t));
		if (!t.live) {
			memcpy(&tb, in + KOFF(cap_tables) + i * sizeof(tb), sizeof(tb));
			if (!all_zero((const uint8_t *)&t, sizeof(t)) || tb.used != 0)
				return -RVX_EINVAL;
			continue;
		}
		tasks++;
		si = rvx_handle_index(t.sched);
		if (t.reserved != 0 || t.timed_out > 1 || si >= ss.task_count ||
		    !obj_ok(in, t.object, RVX_OBJ_TASK, i))
			return -RVX_EINVAL;
		memcpy(&st, smem + (size_t)si * sizeof(st), sizeof(st));
		if (st.gen != rvx_handle_gen(t.sched) || st.cap_table != i ||
		    (st.state != RVX_TASK_READY && st.state != RVX_TASK_RUNNING &&
		     st.state != RVX_TASK_BLOCKED) ||
		    (st.state == RVX_TASK_BLOCKED) != (t.wait != RVX_KERNEL_WAIT_NONE) ||
		    rvx_handle_is_null(t.timer) !=
			    (t.wait == RVX_KERNEL_WAIT_NONE || t.wait == RVX_KERNEL_WAIT_HELD))
			return -RVX_EINVAL;
		if (!rvx_handle_is_null(t.timer)) {
			uint32_t ti = rvx_handle_index(t.timer);

			if (ti >= ts.capacity)
				return -RVX_EINVAL;
			memcpy(&tm, tmem + (size_t)ti * sizeof(tm), sizeof(tm));
			if (tm.seq == 0 || tm.gen != rvx_handle_gen(t.timer) || tm.cookie != i)
				return -RVX_EINVAL;
			timers++;
		}
		if (t.wait == RVX_KERNEL_WAIT_QUEUE) {
			uint32_t live, waiter;

			memcpy(&live, in + ARR_OFF(queues, t.wait_index, struct rvx_kernel_queue, live), 4);
			memcpy(&waiter,
			       in + ARR_OFF(queues, t.wait_index, struct rvx_kernel_queue, waiter), 4);
			if (!live || waiter != i)
				return -RVX_EINVAL;
		}
	}
	/* Each live task has its own control block and timer (they name it):
	 * the counts make that a one-to-one match. */
	if (ss.live != tasks || ts.count != timers)
		return -RVX_EINVAL;
	objects += tasks;
	for (i = 0, n = 0; i < RVX_KERNEL_REGIONS; i++) {
		struct rvx_kernel_region r;
		uintptr_t base, slots;

		memcpy(&r, in + KOFF(regions) + i * sizeof(r), sizeof(r));
		if (!r.live) {
			if (!all_zero((const uint8_t *)&r, sizeof(r)))
				return -RVX_EINVAL;
			continue;
		}
		objects++;
		if (r.reserved != 0 || !obj_ok(in, r.object, RVX_OBJ_REGION, i))
			return -RVX_EINVAL;
		base = get_uptr(in, ARR_OFF(regions, i, struct rvx_kernel_region, region.base));
		slots = get_uptr(in, ARR_OFF(regions, i, struct rvx_kernel_region, region.slots));
		sp[n].lo = base;
		sp[n++].hi = base + r.region.size;
		if (slots != 0) {
			sp[n].lo = slots - 1u;
			sp[n++].hi = slots - 1u + (uint64_t)r.region.slot_count *
							  sizeof(struct rvx_region_slot);
		}
	}
	if (!spans_disjoint(sp, n))
		return -RVX_EINVAL;
	for (i = 0, n = 0; i < RVX_KERNEL_QUEUES; i++) {
		struct rvx_kernel_queue q;
		uintptr_t st;

		memcpy(&q, in + KOFF(queues) + i * sizeof(q), sizeof(q));
		if (!q.live) {
			/* A queue never made: zero, with no waiter. */
			if (q.waiter != RVX_CAP_NIL)
				return -RVX_EINVAL;
			q.waiter = 0;
			if (!all_zero((const uint8_t *)&q, sizeof(q)))
				return -RVX_EINVAL;
			continue;
		}
		objects++;
		if (!obj_ok(in, q.object, RVX_OBJ_QUEUE, i))
			return -RVX_EINVAL;
		if (q.waiter != RVX_CAP_NIL) {
			struct rvx_kernel_task t;

			memcpy(&t, in + KOFF(tasks) + q.waiter * sizeof(t), sizeof(t));
			if (!t.live || t.wait != RVX_KERNEL_WAIT_QUEUE || t.wait_index != i)
				return -RVX_EINVAL;
		}
		st = get_uptr(in, ARR_OFF(queues, i, struct rvx_kernel_queue, queue.storage));
		sp[n].lo = st;
		sp[n++].hi = st + rvx_queue_storage_size(q.queue.slot_count, q.queue.max_payload);
	}
	if (!spans_disjoint(sp, n))
		return -RVX_EINVAL;
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		struct rvx_kernel_vstore v;

		memcpy(&v, in + KOFF(vstores) + i * sizeof(v), sizeof(v));
		if (v.live) {
			objects++;
			if (v.reserved != 0 || !obj_ok(in, v.object, RVX_OBJ_VECTOR_STORE, i) ||
			    (v.pool_size == 0 && (v.pool_base != 0 || v.state_size != 0)))
				return -RVX_EINVAL;
		} else if (!all_zero((const uint8_t *)&v, sizeof(v))) {
			return -RVX_EINVAL;
		}
	}
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		struct rvx_kernel_gstore g;

		memcpy(&g, in + KOFF(gstores) + i * sizeof(g), sizeof(g));
		if (g.live) {
			objects++;
			if ((g.pool_size == 0 && (g.flags != d->gstores[i].flags || g.pool_base != 0 ||
						  g.state_size != 0)) ||
			    (g.flags & ~(uint32_t)RVX_GRAPH_FLAG_SELF_LOOPS) != 0 ||
			    !obj_ok(in, g.object, RVX_OBJ_GRAPH_STORE, i))
				return -RVX_EINVAL;
		} else if (!all_zero((const uint8_t *)&g, sizeof(g))) {
			return -RVX_EINVAL;
		}
	}
	for (i = 0; i < RVX_KERNEL_SENSORS; i++) {
		struct rvx_kernel_sensor se;

		memcpy(&se, in + KOFF(sensors) + i * sizeof(se), sizeof(se));
		if (!flag_ok(se.live))
			return -RVX_EINVAL;
		if (se.live) {
			objects++;
			if (!obj_ok(in, se.object, RVX_OBJ_SENSOR, i))
				return -RVX_EINVAL;
		} else if (!all_zero((const uint8_t *)&se, sizeof(se))) {
			return -RVX_EINVAL;
		}
	}
	for (i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++) {
		struct rvx_kernel_sub sb;

		memcpy(&sb, in + KOFF(subs) + i * sizeof(sb), sizeof(sb));
		if (!sb.live && !all_zero((const uint8_t *)&sb, sizeof(sb)))
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_MOUNTS; i++) {
		struct rvx_kernel_mount m;

		memcpy(&m, in + KOFF(mounts) + i * sizeof(m), sizeof(m));
		if (!flag_ok(m.live))
			return -RVX_EINVAL;
		if (m.live) {
			objects++;
			if (m.reserved != 0 || m.vector_count > RVX_RVF_MAX_VECTOR_STORES ||
			    m.graph_count > RVX_RVF_MAX_GRAPH_STORES ||
			    !obj_ok(in, m.object, RVX_OBJ_MOUNT, i))
				return -RVX_EINVAL;
		} else if (!all_zero((const uint8_t *)&m, sizeof(m))) {
			return -RVX_EINVAL;
		}
	}
	/* A mounted region's or queue's AttestEmit policy: only on a live
	 * object, with a tier; unset entries are zero. */
	for (i = 0; i < RVX_KERNEL_REGIONS + RVX_KERNEL_QUEUES; i++) {
		bool reg = i < RVX_KERNEL_REGIONS;
		uint32_t j = reg ? i : i - RVX_KERNEL_REGIONS, live;
		struct rvx_kernel_obj_policy op;

		memcpy(&op, in + (reg ? KOFF(region_policy) : KOFF(queue_policy)) + j * sizeof(op),
		       sizeof(op));
		memcpy(&live, in + (reg ? ARR_OFF(regions, j, struct rvx_kernel_region, live)
					: ARR_OFF(queues, j, struct rvx_kernel_queue, live)), 4);
		if (!op.set) {
			if (!all_zero((const uint8_t *)&op, sizeof(op)))
				return -RVX_EINVAL;
		} else if (op.set != 1 || !live || op.reserved != 0 ||
			   op.policy.required_tier < RVX_PROOF_TIER_REFLEX ||
			   op.policy.required_tier > RVX_PROOF_TIER_DEEP ||
			   !flag_ok(op.policy.has_authority)) {
			return -RVX_EINVAL;
		}
	}
	/* Every registry entry in use belongs to one of the entries above. */
	for (i = 0; i < RVX_KERNEL_OBJECTS; i++) {
		struct rvx_cap_object o;

		memcpy(&o, in + KOFF(cap_objects) + (size_t)i * sizeof(o), sizeof(o));
		used += o.type != RVX_OBJ_NONE;
	}
	return used == objects ? 0 : -RVX_EINVAL;
}

/* Each live store's state bytes (at @p p, in index order): the library's
 * own validation, and the configuration the destination's store was made
 * with (its binding, offsets and sizes, is kept). The vector store check
 * needs a bitmap: the kernel's staging area, zero between calls and zero
 * again when the check returns, so a refused restore leaves every byte as
 * it was; a store too large for it uses its own work area (not state:
 * visited marks and candidate lists its next mutation starts afresh). */
static int stores_check(const struct rvx_kernel *d, const uint8_t *in, const uint8_t *p)
{
	uint8_t *stage = (uint8_t *)(uintptr_t)&d->stage;
	uint32_t i;

	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		const struct rvx_vec_store *s = &d->vstores[i].store;
		struct rvx_kernel_vstore e;
		struct rvx_vec_config want, got;
		size_t n, need;

		memcpy(&e, in + KOFF(vstores) + i * sizeof(e), sizeof(e));
		if (!e.live)
			continue;
		if (e.pool_size != 0) {
			/* A mounted store: its configuration is the state's own,
			 * judged in the staging (the mount made sure it fits) and
			 * fitting the pool bytes the entry names. */
			n = (size_t)e.state_size;
			if (rvx_vec_store_validate(p, n, stage, sizeof(d->stage), &got) != 0 ||
			    rvx_vec_store_size(&got, &need) != 0 || need > e.pool_size ||
			    got.dim > RVX_KERNEL_VEC_DIM_MAX)
				return -RVX_EINVAL;
			p += n;
			continue;
		}
		n = vstate(d, i);
		rvx_vec_store_config(s, &want);
		uint8_t *work = rvx_vec_store_validate_work_size(&want) <= sizeof(d->stage)
					? stage
					: s->base + n;
		size_t work_size = work == stage ? sizeof(d->stage) : s->size - n;

		if (rvx_vec_store_validate(p, n, work, work_size, &got) != 0 ||
		    memcmp(&want, &got, sizeof(got)) != 0)
			return -RVX_EINVAL;
		p += n;
	}
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		const struct rvx_graph *g = &d->gstores[i].graph;
		struct rvx_kernel_gstore e;
		struct rvx_graph_config got;
		size_t n, need;

		memcpy(&e, in + KOFF(gstores) + i * sizeof(e), sizeof(e));
		if (!e.live)
			continue;
		if (e.pool_size != 0) {
			n = (size_t)e.state_size;
			if (rvx_graph_validate(p, n, &got) != 0 || got.flags != e.flags ||
			    rvx_graph_size(&got, &need) != 0 || need > e.pool_size)
				return -RVX_EINVAL;
			p += n;
			continue;
		}
		n = gstate(d, i);
		if (rvx_graph_validate(p, n, &got) != 0 || got.node_capacity != g->node_capacity ||
		    got.edge_capacity != g->edge_capacity || got.flags != d->gstores[i].flags)
			return -RVX_EINVAL;
		p += n;
	}
	return 0;
}

/* Each store entry of the checkpoint against the destination's, adding its
 * state bytes to @p need: an embedder store must be the destination's own
 * (live in both, not from the pool); a mounted store's pool range must lie
 * in the checkpoint's used store pool, aligned, and apart from every other
 * mounted store's, and the destination may have no embedder store there. */
static int store_entries_check(const struct rvx_kernel *d, const uint8_t *in, size_t sused,
			       size_t *need)
{
	struct span sp[RVX_KERNEL_VECTOR_STORES + RVX_KERNEL_GRAPH_STORES];
	uint32_t i, n = 0;

	for (i = 0; i < RVX_KERNEL_VECTOR_STORES + RVX_KERNEL_GRAPH_STORES; i++) {
		bool vec = i < RVX_KERNEL_VECTOR_STORES;
		uint32_t j = vec ? i : i - RVX_KERNEL_VECTOR_STORES;
		size_t off = vec ? KOFF(vstores) + j * sizeof(struct rvx_kernel_vstore)
				 : KOFF(gstores) + j * sizeof(struct rvx_kernel_gstore);
		size_t lo = vec ? offsetof(struct rvx_kernel_vstore, live)
				: offsetof(struct rvx_kernel_gstore, live);
		size_t po = vec ? offsetof(struct rvx_kernel_vstore, pool_base)
				: offsetof(struct rvx_kernel_gstore, pool_base);
		uint32_t live, dlive = vec ? d->vstores[j].live : d->gstores[j].live;
		uint64_t base, size, state, dpool = vec ? d->vstores[j].pool_size
							: d->gstores[j].pool_size;

		memcpy(&live, in + off + lo, 4);
		memcpy(&base, in + off + po, 8);
		memcpy(&size, in + off + po + 8, 8);
		memcpy(&state, in + off + po + 16, 8);
		if (!flag_ok(live))
			return -RVX_EINVAL;
		if (live && size != 0) {
			if (dlive && dpool == 0)
				return -RVX_EINVAL;
			if (base > sused || size > sused - base || state == 0 || state > size ||
			    (base & (RVX_KERNEL_STORE_ALIGN - 1u)) != 0)
				return -RVX_EINVAL;
			sp[n].lo = base;
			sp[n++].hi = base + size;
			*need += (size_t)state;
		} else if (live) {
			if (!dlive || dpool != 0)
				return -RVX_EINVAL;
			*need += vec ? vstate(d, j) : gstate(d, j);
		} else if (dlive && dpool == 0) {
			return -RVX_EINVAL;
		}
	}
	return spans_disjoint(sp, n) ? 0 : -RVX_EINVAL;
}

static int ck_check(const void *obj, const uint8_t *in, size_t len)
{
	const struct rvx_kernel *d = obj;
	const struct rvx_kernel *s;
	size_t need, rused, qused, sused;
	uint32_t i;

	if (len < sizeof(struct rvx_kernel))
		return -RVX_EINVAL;
	/* The image may be unaligned: read fields through memcpy only. */
	s = (const struct rvx_kernel *)(const void *)in;
	{
		uint32_t booted, cpus;

		memcpy(&booted, in + KOFF(booted), 4);
		memcpy(&cpus, in + KOFF(cpu_count), 4);
		if (booted != 1 || cpus != d->cpu_count)
			return -RVX_EINVAL;
	}
	memcpy(&rused, in + KOFF(region_pool_used), sizeof(rused));
	memcpy(&qused, in + KOFF(queue_pool_used), sizeof(qused));
	memcpy(&sused, in + KOFF(store_pool_used), sizeof(sused));
	if (rused > d->region_pool_size || qused > d->queue_pool_size ||
	    sused > d->store_pool_size)
		return -RVX_EINVAL;
	need = sizeof(struct rvx_kernel) + rused + qused;
	if (store_entries_check(d, in, sused, &need) != 0 || len != need)
		return -RVX_EINVAL;
	/* Every pool offset and table index stays inside the destination. */
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		struct rvx_kernel_region r;
		uintptr_t base, slots;

		memcpy(&r, in + KOFF(regions) + i * sizeof(r), sizeof(r));
		if (!flag_ok(r.live))
			return -RVX_EINVAL;
		if (!r.live)
			continue;
		base = get_uptr(in, ARR_OFF(regions, i, struct rvx_kernel_region, region.base));
		slots = get_uptr(in, ARR_OFF(regions, i, struct rvx_kernel_region, region.slots));
		if (base > rused || r.region.size > rused - base ||
		    (base & (RVX_REGION_ALIGN - 1u)) != 0)
			return -RVX_EINVAL;
		if (r.region.policy == RVX_REGION_POLICY_SLAB) {
			if (slots == 0 || slots - 1u > rused ||
			    (uint64_t)r.region.slot_count * sizeof(struct rvx_region_slot) >
				    rused - (slots - 1u) ||
			    ((slots - 1u) & 7u) != 0)
				return -RVX_EINVAL;
		} else if (slots != 0) {
			return -RVX_EINVAL;
		}
	}
	for (i = 0; i < RVX_KERNEL_QUEUES; i++) {
		uint32_t live, waiter, n, maxp;
		uintptr_t st;

		memcpy(&live, in + ARR_OFF(queues, i, struct rvx_kernel_queue, live), 4);
		memcpy(&waiter, in + ARR_OFF(queues, i, struct rvx_kernel_queue, waiter), 4);
		memcpy(&n, in + ARR_OFF(queues, i, struct rvx_kernel_queue, queue.slot_count), 4);
		memcpy(&maxp, in + ARR_OFF(queues, i, struct rvx_kernel_queue, queue.max_payload), 4);
		if (!flag_ok(live) || (waiter != RVX_CAP_NIL && waiter >= RVX_KERNEL_TASKS))
			return -RVX_EINVAL;
		if (!live)
			continue;
		st = get_uptr(in, ARR_OFF(queues, i, struct rvx_kernel_queue, queue.storage));
		if (n < 2 || n > RVX_QUEUE_SLOTS_MAX || (n & (n - 1u)) != 0 ||
		    maxp > RVX_QUEUE_PAYLOAD_MAX || st > qused ||
		    rvx_queue_storage_size(n, maxp) > qused - st ||
		    (st & (RVX_QUEUE_STORAGE_ALIGN - 1u)) != 0)
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_kernel_task t;

		memcpy(&t, in + KOFF(tasks) + i * sizeof(t), sizeof(t));
		if (!flag_ok(t.live) || t.wait > RVX_KERNEL_WAIT_HELD ||
		    t.wait_index >= RVX_KERNEL_QUEUES)
			return -RVX_EINVAL;
	}
	for (i = 0; i < RVX_KERNEL_SUBSCRIPTIONS; i++) {
		struct rvx_kernel_sub sb;

		memcpy(&sb, in + KOFF(subs) + i * sizeof(sb), sizeof(sb));
		if (!flag_ok(sb.live) || sb.sensor >= RVX_KERNEL_SENSORS ||
		    sb.queue >= RVX_KERNEL_QUEUES || sb.task >= RVX_KERNEL_TASKS)
			return -RVX_EINVAL;
	}
	(void)s;
	if (libs_check(d, in, rused, qused) != 0 || nucleus_check(d, in) != 0)
		return -RVX_EINVAL;
	return stores_check(d, in, in + sizeof(struct rvx_kernel) + rused + qused);
}

/* Restore keeps each issuer's nonce window as a floor: the checkpoint's
 * entries (at @p saved, possibly unaligned) are merged into the kernel's. */
static void keep_floors(struct rvx_kernel *k, const uint8_t *saved)
{
	for (uint32_t i = 0; i < RVX_ARRAY_COUNT(k->issuers); i++) {
		struct rvx_proof_issuer_state st;

		memcpy(&st, saved + (size_t)i * sizeof(st), sizeof(st));
		rvx_proof_issuer_restore(&k->issuers[i], &st);
	}
}

static void ck_load(void *obj, const uint8_t *in, size_t len)
{
	struct rvx_kernel *k = obj;
	/* What the destination keeps: its binding. */
	struct rvx_cap_space caps = k->caps;
	struct rvx_proof_engine proof = k->proof;
	uint8_t key[sizeof(k->ckpt_key)], jkey[sizeof(k->journal_key)];
	struct rvx_witness_sink sink = k->log.sink;
	struct rvx_witness_ring ring = k->ring;
	struct rvx_witness_journal journal = k->journal;
	struct rvx_vec_scratch scratch = k->scratch;
	struct rvx_rvf_trusted_keys trusted = k->trusted;
	struct rvx_sched sched = k->sched;
	struct rvx_timer timers = k->timers;
	uint8_t *rpool = k->region_pool, *qpool = k->queue_pool, *spool = k->store_pool;
	size_t rsize = k->region_pool_size, qsize = k->queue_pool_size, ssize = k->store_pool_size;
	uint64_t keep_records = k->witness_keep;
	uint32_t has_journal = k->has_journal, has_scratch = k->has_scratch;
	const uint8_t *p = in + sizeof(*k);
	uint32_t i;

	(void)len;
	memcpy(key, k->ckpt_key, sizeof(key));
	memcpy(jkey, k->journal_key, sizeof(jkey));
	/* Embedder store bindings are kept per store (the checkpoint holds
	 * zeros); mounted stores are bound again below, once their state is
	 * back in the pool. */
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		struct rvx_vec_store keep = k->vstores[i].store;

		memcpy(&k->vstores[i], in + KOFF(vstores) + i * sizeof(k->vstores[i]),
		       sizeof(k->vstores[i]));
		if (k->vstores[i].live && k->vstores[i].pool_size == 0)
			k->vstores[i].store = keep;
	}
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		struct rvx_graph keep = k->gstores[i].graph;

		memcpy(&k->gstores[i], in + KOFF(gstores) + i * sizeof(k->gstores[i]),
		       sizeof(k->gstores[i]));
		if (k->gstores[i].live && k->gstores[i].pool_size == 0)
			k->gstores[i].graph = keep;
	}
	{
		/* Everything before the store tables but the issuer table (merged
		 * by keep_floors()), then everything after them. */
		size_t a = KOFF(vstores), b = KOFF(sensors), i0 = KOFF(issuers),
		       i1 = i0 + sizeof(k->issuers);

		memcpy(k, in, i0);
		keep_floors(k, in + i0);
		memcpy((uint8_t *)k + i1, in + i1, a - i1);
		memcpy((uint8_t *)k + b, in + b, sizeof(*k) - b);
	}
	k->caps.slots = caps.slots;
	k->caps.tables = caps.tables;
	k->caps.objects = caps.objects;
	k->proof = proof;
	memcpy(k->ckpt_key, key, sizeof(key));
	memcpy(k->journal_key, jkey, sizeof(jkey));
	k->log.sink = sink;
	k->ring = ring;
	k->journal = journal;
	/* The journal restarts empty: it will hold what follows the checkpoint
	 * (the first entry sets its starting sequence). */
	if (has_journal)
		RVX_CHECK(rvx_witness_journal_init(&k->journal, journal.base, journal.capacity) == 0);
	k->scratch = scratch;
	k->trusted = trusted;
	memcpy((uint8_t *)&sched + offsetof(struct rvx_sched, period_ns),
	       in + KOFF(sched.period_ns), sizeof(sched) - offsetof(struct rvx_sched, period_ns));
	k->sched = sched;
	memcpy((uint8_t *)&timers + offsetof(struct rvx_timer, next_seq),
	       in + KOFF(timers.next_seq), sizeof(timers) - offsetof(struct rvx_timer, next_seq));
	k->timers = timers;
	k->region_pool = rpool;
	k->queue_pool = qpool;
	k->region_pool_size = rsize;
	k->queue_pool_size = qsize;
	k->store_pool = spool;
	k->store_pool_size = ssize;
	k->witness_keep = keep_records;
	k->has_journal = has_journal;
	k->has_scratch = has_scratch;
	for (i = 0; i < RVX_KERNEL_REGIONS; i++) {
		struct rvx_region *r = &k->regions[i].region;
		uintptr_t base = (uintptr_t)r->base, slots = (uintptr_t)r->slots;

		r->base = k->regions[i].live ? rpool + base : NULL;
		r->slots = k->regions[i].live && slots != 0
				   ? (struct rvx_region_slot *)(void *)(rpool + (slots - 1u))
				   : NULL;
	}
	for (i = 0; i < RVX_KERNEL_QUEUES; i++) {
		uintptr_t st = (uintptr_t)k->queues[i].queue.storage;

		k->queues[i].queue.storage = k->queues[i].live ? qpool + st : NULL;
	}
	if (k->region_pool_used != 0)
		memcpy(rpool, p, k->region_pool_used);
	p += k->region_pool_used;
	if (k->queue_pool_used != 0)
		memcpy(qpool, p, k->queue_pool_used);
	p += k->queue_pool_used;
	/* Whatever hint of the levels in use the image carried (a written
	 * one has none): each queue's is derived from its rings again. */
	for (i = 0; i < RVX_KERNEL_QUEUES; i++) {
		if (k->queues[i].live)
			rvx_queue_restored(&k->queues[i].queue);
		else
			k->queues[i].queue.levels = 0;
	}
	for (i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		struct rvx_kernel_vstore *v = &k->vstores[i];
		size_t n = vstate(k, i);

		if (v->live && v->pool_size != 0) {
			uint8_t *mem = spool + v->pool_base;

			memcpy(mem, p, n);
			RVX_CHECK(rvx_vec_store_bind(&v->store, mem, (size_t)v->pool_size) == 0);
		} else if (n != 0) {
			memcpy(v->store.base, p, n);
		}
		p += n;
	}
	for (i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		struct rvx_kernel_gstore *g = &k->gstores[i];
		size_t n = gstate(k, i);

		if (g->live && g->pool_size != 0) {
			uint8_t *mem = spool + g->pool_base;

			memcpy(mem, p, n);
			RVX_CHECK(rvx_graph_bind(&g->graph, mem, (size_t)g->pool_size) == 0);
		} else if (n != 0) {
			memcpy(g->graph.base, p, n);
		}
		p += n;
	}
}

static const struct rvx_ckpt_section_ops kernel_ops = {
	RVX_KERNEL_CKPT_TYPE, ck_size, ck_write, ck_check, ck_load,
};

size_t rvx_kernel_checkpoint_size(const struct rvx_kernel *k)
{
	struct rvx_ckpt_item item = {&kernel_ops, (void *)(uintptr_t)k};

	if (k == NULL || !k->booted)
		return 0;
	return rvx_ckpt_size(&item, 1) + RVX_CKPT_MAC_SIZE;
}

int rvx_kernel_checkpoint(const struct rvx_kernel *k, uint8_t *out, size_t cap, size_t *written,
			  uint8_t state_hash[32])
{
	struct rvx_ckpt_item item = {&kernel_ops, (void *)(uintptr_t)k};
	size_t n = 0;
	int ret;

	if (k == NULL || out == NULL || !k->booted)
		return -RVX_EINVAL;
	ret = rvx_ckpt_write_mac(&item, 1, k->ckpt_key, sizeof(k->ckpt_key), out, cap, &n);
	if (ret != 0)
		return ret;
	if (written != NULL)
		*written = n;
	if (state_hash != NULL)
		memcpy(state_hash, out + n - RVX_CKPT_MAC_SIZE - RVX_CKPT_TRAILER_SIZE, 32);
	return 0;
}

/* The latest time @p k reached: the floor a restore keeps for proofs. */
static uint64_t clock_reached(const struct rvx_kernel *k)
{
	return k->now > k->clock_floor ? k->now : k->clock_floor;
}

int rvx_kernel_restore(struct rvx_kernel *k, const uint8_t *in, size_t len)
{
	struct rvx_ckpt_item item = {&kernel_ops, k};
	uint64_t reached;
	int ret;

	if (k == NULL || in == NULL || !k->booted)
		return -RVX_EINVAL;
	reached = clock_reached(k);
	ret = rvx_ckpt_restore_mac(in, len, k->ckpt_key, sizeof(k->ckpt_key), &item, 1, NULL);
	if (ret == 0)
		k->clock_floor = reached > k->now ? reached : k->now;
	return ret;
}
