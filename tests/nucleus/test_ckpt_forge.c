/* SPDX-License-Identifier: Apache-2.0 */
/* Forged checkpoints: bytes edited and the SHA-256 trailer recomputed (the
 * MAC too, where the test stands in for a kernel holding the secret, so the
 * structural checks alone are exercised). Every forgery is refused, the
 * kernel is left byte for byte as it was, and syscalls still work. */
#include "nk_fixture.h"

#include <stddef.h>

TestSuite(nucleus_ckpt_forge, .init = nk_setup);

static struct nk_world W2;
static uint8_t ck[1u << 20], ck0[1u << 20];
static size_t ck_n;

/* Start the next forgery from the pristine checkpoint again. */
static void again(void)
{
	memcpy(ck, ck0, ck_n);
}

/* Offset of the kernel image inside the checkpoint: header, section header. */
#define IMG 48u
#define KOFF(f) (IMG + offsetof(struct rvx_kernel, f))

/* Some state worth forging: a child task with granted capabilities (a
 * derivation tree), a message in the queue, a slab region, a vector, an
 * armed wait timer. */
static void populate(void)
{
	const float v[NK_DIM] = {1.0f, 2.0f, 3.0f, 4.0f};
	struct rvx_proof_token tok;
	struct rvx_syscall_capxfer x[2];
	uint64_t handles[2];
	uint8_t msg[5] = "hello";
	struct rvx_syscall_args a;

	memset(x, 0, sizeof(x));
	x[0].handle = nk_queue.raw;
	x[0].rights = RVX_RIGHTS_ALL;
	x[1].handle = nk_vstore.raw;
	x[1].rights = RVX_RIGHT_READ;
	(void)nk_spawn(x, 2, handles);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)msg;
	a.in_len = sizeof(msg);
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a = nk_args(nk_root.task.raw);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 256;
	a.arg[2] = 32;
	NK_OK(0, RVX_SYS_REGION_MAP, a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 5;
	a.in = (uint64_t)(uintptr_t)v;
	a.in_len = sizeof(v);
	a.aux = (uint64_t)(uintptr_t)&tok;
	a.aux_len = sizeof(tok);
	nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), 5, v, 0, 1);
	NK_OK(0, RVX_SYS_VECTOR_PUT_PROVED, a);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &ck_n, NULL), 0);
	memcpy(ck0, ck, ck_n);
}

/* Syscalls that touch the capability tree, the scheduler, the queue and
 * the stores all still work. */
static void still_works(void)
{
	struct rvx_syscall_capxfer x;
	uint64_t h;
	uint8_t buf[64];
	struct rvx_queue_msg_hdr hdr;
	float out[NK_DIM];
	struct rvx_syscall_args a;

	memset(&x, 0, sizeof(x));
	x.handle = nk_queue.raw;
	x.rights = RVX_RIGHT_READ;
	(void)nk_spawn(&x, 1, &h);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)"ok";
	a.in_len = 2;
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a = nk_args(nk_queue.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	NK_OK(0, RVX_SYS_QUEUE_RECV, a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 5;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	NK_OK(0, RVX_SYS_VECTOR_GET, a);
	cr_assert(out[1] == 2.0f);
}

/* Restore `ck` (edited by the caller) into W: refused, nothing changed. */
static void refused(bool mac)
{
	int ret;

	nk_ckpt_reseal(ck, ck_n, mac);
	nk_snap();
	ret = rvx_kernel_restore(&W.k, ck, ck_n);
	cr_assert_eq(ret, -RVX_EINVAL, "forged checkpoint restored (%d)", ret);
	cr_assert(nk_unchanged(), "a refused restore changed the kernel");
	still_works();
}

static void put32(size_t off, uint32_t v)
{
	memcpy(ck + off, &v, 4);
}

/* Capability links are 16 bits (ruvix/cap.h). */
static void put16(size_t off, uint16_t v)
{
	memcpy(ck + off, &v, 2);
}

Test(nucleus_ckpt_forge, edited_byte_with_recomputed_digest_refused)
{
	/* before: a checkpoint of W; after: a harmless counter edited and the
	 * SHA-256 recomputed, which anyone can do: only the MAC catches it */
	populate();
	ck[KOFF(sensors[0].events)] ^= 0x5a;
	refused(false);
}

Test(nucleus_ckpt_forge, other_secret_refused)
{
	static const uint8_t other[32] = "another kernel's secret, 32 byte";
	static struct nk_world snap2;

	populate();
	nk_setup_world_secret(&W2, other, sizeof(other));
	memcpy(&snap2, &W2, sizeof(W2));
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, ck_n), -RVX_EINVAL);
	cr_assert(memcmp(&snap2, &W2, sizeof(W2)) == 0);
	/* and the checkpoint is fine for a kernel with the right secret */
	nk_setup_world(&W2);
	cr_assert_eq(rvx_kernel_restore(&W2.k, ck, ck_n), 0);
}

Test(nucleus_ckpt_forge, authentic_checkpoint_restores)
{
	populate();
	nk_ckpt_reseal(ck, ck_n, true);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, ck_n), 0);
	still_works();
}

/* Image offset of a pointer into W's kernel object (the image is its bytes). */
static size_t at(const void *p)
{
	return IMG + (size_t)((const uint8_t *)p - (const uint8_t *)&W.k);
}

/* A derived capability (one with a parent). */
static uint32_t derived_slot(void)
{
	for (uint32_t g = 0; g < RVX_ARRAY_COUNT(W.k.cap_slots); g++)
		if (W.k.cap_slots[g].type != RVX_OBJ_NONE && W.k.cap_slots[g].parent != RVX_CAP_LINK_NIL)
			return g;
	cr_assert_fail("no derived capability");
	return 0;
}

Test(nucleus_ckpt_forge, cap_tree_cycle_refused)
{
	uint32_t b, a;

	populate();
	b = derived_slot();
	a = W.k.cap_slots[b].parent;
	/* before: a -> b (a parent of b); after: b also parent of a */
	put16(KOFF(cap_slots[a].parent), (uint16_t)b);
	put16(KOFF(cap_slots[b].first_child), (uint16_t)a);
	refused(true);
}

Test(nucleus_ckpt_forge, cap_sibling_ring_refused)
{
	uint32_t b;

	populate();
	b = derived_slot();
	/* a child whose sibling links loop back to itself through a stranger */
	put16(KOFF(cap_slots[b].next_sibling), (uint16_t)b);
	put16(KOFF(cap_slots[b].prev_sibling), (uint16_t)b);
	refused(true);
}

Test(nucleus_ckpt_forge, cap_index_out_of_range_refused)
{
	uint32_t b;

	populate();
	b = derived_slot();
	put16(KOFF(cap_slots[b].first_child), 60000);
	refused(true);
}

Test(nucleus_ckpt_forge, cap_depth_and_object_refused)
{
	uint32_t b;

	populate();
	b = derived_slot();
	ck[KOFF(cap_slots[b].depth)] = 9;
	refused(true);
	again();
	put32(KOFF(cap_slots[b].object), RVX_KERNEL_OBJECTS + 3);
	refused(true);
}

Test(nucleus_ckpt_forge, cap_free_list_refused)
{
	populate();
	/* table 0's free list made to loop on its head */
	put16(KOFF(cap_slots[W.k.cap_tables[0].free_head].next_sibling),
	      W.k.cap_tables[0].free_head);
	refused(true);
}

Test(nucleus_ckpt_forge, sched_heap_order_refused)
{
	struct rvx_sched_hent h0, h1;
	const struct rvx_sched_rq *rq = &W.k.sched.rqs[0];
	uint32_t p0, p1;

	populate();
	cr_assert_geq(rq->count, 2u, "two READY tasks in one run queue");
	h0 = W.k.sched.heaps[0];
	h1 = W.k.sched.heaps[1];
	cr_assert(h0.key != h1.key || h0.seq != h1.seq);
	/* swap the head with its child, positions kept consistent */
	memcpy(ck + at(&W.k.sched.heaps[0]), &h1, sizeof(h1));
	memcpy(ck + at(&W.k.sched.heaps[1]), &h0, sizeof(h0));
	p0 = 1;
	p1 = 0;
	memcpy(ck + at(&W.k.sched.pos[h0.task]), &p0, 4);
	memcpy(ck + at(&W.k.sched.pos[h1.task]), &p1, 4);
	refused(true);
}

Test(nucleus_ckpt_forge, sched_indices_refused)
{
	populate();
	ck[at(&W.k.sched.tasks[1].state)] = 9;
	refused(true);
	again();
	put32(at(&W.k.sched.cpus[0].running), 1000);
	refused(true);
	again();
	put32(at(&W.k.sched.pos[0]), 77);
	refused(true);
}

Test(nucleus_ckpt_forge, timer_counts_refused)
{
	populate();
	put32(KOFF(timers.count), 3);
	refused(true);
	again();
	put32(KOFF(timers.free_head), RVX_KERNEL_TASKS + 5);
	refused(true);
}

/* Image offset of a byte of the queue pool. */
static size_t qpool_at(const void *p)
{
	return IMG + sizeof(struct rvx_kernel) + W.k.region_pool_used +
	       (size_t)((const uint8_t *)p - W.k.queue_pool);
}

Test(nucleus_ckpt_forge, queue_header_length_lies_refused)
{
	uint32_t q = rvx_handle_index((rvx_handle_t){nk_target(0, nk_queue)});
	const struct rvx_kernel_queue *kq = NULL;

	(void)q;
	populate();
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++)
		if (W.k.queues[i].live && rvx_queue_count_total(&W.k.queues[i].queue) > 0)
			kq = &W.k.queues[i];
	cr_assert_not_null(kq);
	/* the message's length field says far more than a slot holds */
	put32(qpool_at(kq->queue.storage + RVX_QUEUE_SLOT_TAG_BYTES + 4), 60000);
	refused(true);
	again();
	/* the tail claims messages that were never written */
	put32(at(&kq->queue.sq[0].tx.pos), kq->queue.sq[0].tx.pos + 2);
	refused(true);
	again();
	/* the head runs past the tail */
	put32(at(&kq->queue.sq[0].rx.pos), kq->queue.sq[0].rx.pos + 2);
	refused(true);
}

/* Receive one message from nk_queue through the dispatcher: its type id, or
 * the error. */
static int64_t recv_type(struct nk_world *w)
{
	struct rvx_queue_msg_hdr hdr;
	uint8_t buf[64];
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	struct rvx_syscall_result r;
	int ret;

	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	ret = rvx_syscall(&w->k, 0, RVX_SYS_QUEUE_RECV, &a, &r);
	return ret != 0 ? ret : (int64_t)hdr.type_id;
}

/*
 * The queue's hint of the levels in use (struct rvx_queue.levels) is derived
 * state: a checkpoint carries it as zero, and restore derives it from the
 * rings whatever the image says, so a forged hint that would hide a level
 * holding messages (or one that names levels that do not exist) cannot
 * make a receive pass a message over.
 */
Test(nucleus_ckpt_forge, queue_level_hint_derived_on_restore)
{
	static const uint32_t forged[] = {0u, 1u, 1u << 3, 0xffffffffu};
	uint64_t obj = nk_target(0, nk_queue);
	uint32_t qi = RVX_KERNEL_QUEUES;
	uint8_t h1[32], h2[32];
	struct rvx_syscall_args a;
	size_t n2;

	if (RVX_QUEUE_PRIORITIES < 3)
		cr_skip_test("needs three levels");
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++)
		if (W.k.queues[i].live && W.k.queues[i].object.raw == obj)
			qi = i;
	cr_assert_lt(qi, RVX_KERNEL_QUEUES);
	/* level 1 used and emptied; messages at levels 2 and 0 */
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)"x";
	a.in_len = 1;
	a.arg[1] = 1;
	a.arg[0] = 10;
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	cr_assert_eq(recv_type(&W), 10);
	a.arg[1] = 0;
	a.arg[0] = 20;
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	a.arg[1] = 2;
	a.arg[0] = 30;
	NK_OK(0, RVX_SYS_QUEUE_SEND, a);
	cr_assert_eq(W.k.queues[qi].queue.levels, 7u);
	cr_assert_eq(rvx_kernel_checkpoint(&W.k, ck, sizeof(ck), &ck_n, h1), 0);
	memcpy(ck0, ck, ck_n);
	/* written as zero: the image is what it was before the hint existed */
	cr_assert_eq(*(const uint32_t *)(const void *)(ck + at(&W.k.queues[qi].queue.levels)), 0u);
	for (unsigned f = 0; f < RVX_ARRAY_COUNT(forged); f++) {
		again();
		put32(at(&W.k.queues[qi].queue.levels), forged[f]);
		nk_ckpt_reseal(ck, ck_n, true);
		nk_setup_world(&W2);
		cr_assert_eq(rvx_kernel_restore(&W2.k, ck, ck_n), 0, "hint %#x", forged[f]);
		cr_assert_eq(W2.k.queues[qi].queue.levels, 5u,
			     "hint %#x: derived from the rings (levels 0 and 2 hold messages)",
			     forged[f]);
		/* the same state as the authentic checkpoint's */
		cr_assert_eq(rvx_kernel_checkpoint(&W2.k, ck, sizeof(ck), &n2, h2), 0);
		cr_assert_eq(n2, ck_n);
		cr_assert(memcmp(h1, h2, sizeof(h1)) == 0, "hint %#x: state differs", forged[f]);
		/* the higher level first, then the lower, then nothing */
		cr_assert_eq(recv_type(&W2), 30);
		cr_assert_eq(recv_type(&W2), 20);
		cr_assert_eq(recv_type(&W2), -RVX_EEMPTY);
	}
}

Test(nucleus_ckpt_forge, region_slab_refused)
{
	const struct rvx_kernel_region *kr = NULL;

	populate();
	for (uint32_t i = 0; i < RVX_KERNEL_REGIONS; i++)
		if (W.k.regions[i].live && W.k.regions[i].region.policy == RVX_REGION_POLICY_SLAB)
			kr = &W.k.regions[i];
	cr_assert_not_null(kr);
	/* the slab's free list loops on its head */
	put32(IMG + sizeof(struct rvx_kernel) +
		      (size_t)((const uint8_t *)&kr->region.slots[0].next - W.k.region_pool),
	      0);
	refused(true);
	again();
	ck[at(&kr->region.cursor)] = 8;
	refused(true);
	again();
	put32(at(&kr->region.used_slots), 3);
	refused(true);
}

Test(nucleus_ckpt_forge, transient_call_and_issuer_keys_refused)
{
	populate();
	put32(KOFF(call.active), 1);
	refused(true);
	again();
	ck[KOFF(issuers[0].key_ready)] = 1;
	refused(true);
}

/* Image offset of the first store's state bytes (vector store 0, then
 * graph store 0, after both pools). */
static size_t vstate_at(void)
{
	return IMG + sizeof(struct rvx_kernel) + W.k.region_pool_used + W.k.queue_pool_used;
}

static size_t gstate_at(void)
{
	return vstate_at() + rvx_vec_store_state_size(&W.k.vstores[0].store);
}

Test(nucleus_ckpt_forge, vector_store_state_refused)
{
	float nan = __builtin_nanf("");
	size_t n0;

	populate();
	n0 = vstate_at() + W.k.vstores[0].store.off_nodes;
	cr_assert(W.k.vstores[0].live && rvx_vec_store_count(&W.k.vstores[0].store) == 1);
	/* before: one node, no links; after: a link to a slot never used */
	put32(n0 + 24, 1);
	put32(n0 + 28, 9);
	refused(true);
	again();
	memcpy(ck + n0 + W.k.vstores[0].store.vec_offset, &nan, 4);
	refused(true);
	again();
	put32(vstate_at() + 88, 3); /* the entry point: a slot never used */
	refused(true);
}

Test(nucleus_ckpt_forge, graph_store_state_refused)
{
	populate();
	cr_assert(W.k.gstores[0].live && rvx_graph_node_count(&W.k.gstores[0].graph) == 0);
	/* a node counted that no record holds */
	put32(gstate_at() + 40, 1);
	put32(gstate_at() + 48, 1);
	refused(true);
	again();
	put32(gstate_at() + 56, 0); /* a free list through records never used */
	refused(true);
}

Test(nucleus_ckpt_forge, task_scheduler_links_refused)
{
	rvx_handle_t h;

	populate();
	cr_assert(W.k.tasks[0].live && W.k.tasks[1].live);
	/* task 1 names task 0's control block (whose table is 0) */
	memcpy(ck + KOFF(tasks[1].sched), &W.k.tasks[0].sched, sizeof(h));
	refused(true);
	again();
	h = rvx_handle_make(rvx_handle_index(W.k.tasks[1].sched),
			    rvx_handle_gen(W.k.tasks[1].sched) + 1u);
	memcpy(ck + KOFF(tasks[1].sched), &h, sizeof(h));
	refused(true);
	again();
	/* a task object that is the clock */
	memcpy(ck + KOFF(tasks[1].object), &W.k.clock_object, sizeof(h));
	refused(true);
}

Test(nucleus_ckpt_forge, task_wait_state_refused)
{
	uint32_t q = rvx_handle_index((rvx_handle_t){nk_target(0, nk_queue)});
	rvx_handle_t tm = rvx_handle_make(0, 1);

	populate();
	q = W.k.cap_objects[q].ref;
	/* task 1 is READY: not waiting on the queue, nor holding a timer */
	put32(KOFF(tasks[1].wait), 1);
	put32(KOFF(tasks[1].wait_index), q);
	put32(KOFF(queues[q].waiter), 1);
	refused(true);
	again();
	put32(KOFF(queues[q].waiter), 1);
	refused(true);
	again();
	memcpy(ck + KOFF(tasks[1].timer), &tm, sizeof(tm));
	refused(true);
}

Test(nucleus_ckpt_forge, unbounded_task_name_refused)
{
	populate();
	cr_assert(W.k.tasks[1].live);
	/* a live task's name with no NUL: a reader would run past it */
	memset(ck + KOFF(tasks[1].name), 'A', RVX_KERNEL_TASK_NAME);
	refused(true);
	again();
	/* NUL-terminated, it restores (names are the mount's, any text) */
	memset(ck + KOFF(tasks[1].name), 'A', RVX_KERNEL_TASK_NAME - 1u);
	nk_ckpt_reseal(ck, ck_n, true);
	cr_assert_eq(rvx_kernel_restore(&W.k, ck, ck_n), 0);
	{
		struct rvx_kernel_task_info ti;

		cr_assert_eq(rvx_kernel_task_info(&W.k, 1, &ti), 0);
		cr_assert_eq(strlen(ti.name), RVX_KERNEL_TASK_NAME - 1u);
	}
}

Test(nucleus_ckpt_forge, unused_entries_and_staging_refused)
{
	float one = 1.0f;

	populate();
	cr_assert(!W.k.tasks[RVX_KERNEL_TASKS - 1].live);
	ck[KOFF(tasks[RVX_KERNEL_TASKS - 1].entry)] = 5;
	refused(true);
	again();
	put32(KOFF(subs[RVX_KERNEL_SUBSCRIPTIONS - 1].queue), 2);
	refused(true);
	again();
	memcpy(ck + KOFF(stage.vec[3]), &one, 4);
	refused(true);
	again();
	put32(KOFF(mounts[0].task_count), 2);
	refused(true);
}

Test(nucleus_ckpt_forge, registry_disagrees_refused)
{
	uint32_t q = rvx_handle_index((rvx_handle_t){nk_target(0, nk_queue)});
	uint32_t o;

	populate();
	q = W.k.cap_objects[q].ref;
	/* the queue's registry entry is another object */
	memcpy(ck + KOFF(queues[q].object), &W.k.tasks[1].object, 8);
	refused(true);
	again();
	/* an entry in use that no kernel table names: a capability made
	 * with it would index queue 31, which does not exist */
	for (o = 0; o < RVX_KERNEL_OBJECTS && W.k.cap_objects[o].type != RVX_OBJ_NONE; o++)
		;
	cr_assert_lt(o, RVX_KERNEL_OBJECTS);
	ck[KOFF(cap_objects[o].type)] = RVX_OBJ_QUEUE;
	put32(KOFF(cap_objects[o].ref), RVX_KERNEL_QUEUES - 1);
	put32(KOFF(caps.object_used), W.k.caps.object_used + 1);
	refused(true);
}

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A few syscalls on whatever state a round left; results may be errors,
 * never a crash. */
static void fuzz_calls(void)
{
	struct rvx_syscall_capxfer x;
	uint64_t h;
	uint8_t buf[64];
	struct rvx_queue_msg_hdr hdr;
	float out[NK_DIM];
	struct rvx_syscall_args a;
	uint32_t picked;
	uint64_t entry;

	memset(&x, 0, sizeof(x));
	x.handle = nk_queue.raw;
	x.rights = RVX_RIGHT_READ;
	a = nk_args(nk_root.task.raw);
	a.arg[0] = 0x1000;
	a.in = (uint64_t)(uintptr_t)&x;
	a.in_len = sizeof(x);
	a.out = (uint64_t)(uintptr_t)&h;
	a.out_len = 8;
	(void)nk_call(0, RVX_SYS_TASK_SPAWN, &a);
	a = nk_args(nk_queue.raw);
	a.cap2 = nk_root.task.raw;
	a.arg[0] = nk_res.value[0];
	a.arg[1] = RVX_RIGHT_READ;
	(void)nk_call(0, RVX_SYS_CAP_GRANT, &a);
	a = nk_args(nk_queue.raw);
	a.in = (uint64_t)(uintptr_t)"fz";
	a.in_len = 2;
	(void)nk_call(0, RVX_SYS_QUEUE_SEND, &a);
	a = nk_args(nk_queue.raw);
	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = sizeof(buf);
	a.aux = (uint64_t)(uintptr_t)&hdr;
	a.aux_len = sizeof(hdr);
	(void)nk_call(0, RVX_SYS_QUEUE_RECV, &a);
	(void)nk_call(0, RVX_SYS_QUEUE_RECV, &a);
	a = nk_args(nk_vstore.raw);
	a.arg[0] = 5;
	a.out = (uint64_t)(uintptr_t)out;
	a.out_len = sizeof(out);
	(void)nk_call(0, RVX_SYS_VECTOR_GET, &a);
	a = nk_args(nk_root.task.raw);
	a.arg[0] = RVX_REGION_POLICY_SLAB;
	a.arg[1] = 128;
	a.arg[2] = 16;
	(void)nk_call(0, RVX_SYS_REGION_MAP, &a);
	{
		/* a proved put links a node into whatever graph the round left */
		static uint64_t nonce = 1000;
		const float v[NK_DIM] = {0.5f, -1.0f, 2.0f, 0.25f};
		struct rvx_proof_token tok;

		a = nk_args(nk_vstore.raw);
		a.arg[0] = 6 + nonce % 3;
		a.in = (uint64_t)(uintptr_t)v;
		a.in_len = sizeof(v);
		a.aux = (uint64_t)(uintptr_t)&tok;
		a.aux_len = sizeof(tok);
		nk_proof_put(&tok, 0, nk_vstore, nk_target(0, nk_vstore), a.arg[0], v, 0, nonce++);
		(void)nk_call(0, RVX_SYS_VECTOR_PUT_PROVED, &a);
		a = nk_args(nk_vstore.raw);
		a.arg[0] = 5;
		a.out = (uint64_t)(uintptr_t)out;
		a.out_len = sizeof(out);
		(void)nk_call(0, RVX_SYS_VECTOR_GET, &a);
	}
	(void)rvx_kernel_tick(&W.k, W.k.now + 1000);
	if (rvx_kernel_pick(&W.k, 0, &picked, &entry) == 0)
		(void)rvx_kernel_put(&W.k, 0, picked, 100, 1);
}

/* Run the fuzz loop over bytes [lo, hi) of the checkpoint. */
static void fuzz_range(size_t lo, size_t hi, uint32_t rounds)
{
	static struct nk_world snapw;
	uint32_t accepted = 0;

	for (uint32_t r = 0; r < rounds; r++) {
		uint32_t edits = 1u + rng() % 4u;
		int ret;

		again();
		for (uint32_t e = 0; e < edits; e++) {
			size_t off = lo + rng() % (hi - lo);

			switch (rng() % 3u) {
			case 0:
				ck[off] ^= (uint8_t)(1u << (rng() % 8u));
				break;
			case 1:
				ck[off] = (uint8_t)rng();
				break;
			default:
				if (off + 4 <= hi) {
					uint32_t v = rng() % 3u == 0 ? UINT32_MAX : rng() % 1024u;

					memcpy(ck + off, &v, 4);
				}
				break;
			}
		}
		nk_ckpt_reseal(ck, ck_n, true);
		memcpy(&snapw, &W, sizeof(W));
		ret = rvx_kernel_restore(&W.k, ck, ck_n);
		if (ret != 0) {
			cr_assert_eq(ret, -RVX_EINVAL);
			cr_assert(memcmp(&snapw, &W, sizeof(W)) == 0, "round %u changed the kernel", r);
		} else {
			accepted++;
		}
		fuzz_calls();
		/* back to a known state for the next round */
		cr_assert_eq(rvx_kernel_restore(&W.k, ck0, ck_n), 0);
	}
	cr_log_info("fuzz [%zu, %zu): %u of %u accepted", lo, hi, accepted, rounds);
}

Test(nucleus_ckpt_forge, fuzz_mutated_checkpoints_never_crash, .timeout = 300)
{
	populate();
	/* the capability space, the scheduler and timers, the kernel's own
	 * tables, then the pools */
	fuzz_range(KOFF(caps), KOFF(sched_mem), 600);
	fuzz_range(KOFF(sched), KOFF(proof), 600);
	fuzz_range(KOFF(tasks), KOFF(vstores), 600);
	fuzz_range(IMG + sizeof(struct rvx_kernel),
		   IMG + sizeof(struct rvx_kernel) + W.k.region_pool_used + W.k.queue_pool_used, 600);
	/* the vector store's and the graph store's state bytes */
	fuzz_range(vstate_at(), gstate_at(), 600);
	fuzz_range(gstate_at(), gstate_at() + rvx_graph_state_size(&W.k.gstores[0].graph), 600);
}
