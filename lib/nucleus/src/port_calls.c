/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calls a port makes on behalf of its runtime and its hypervisor layer:
 * holding and releasing a task, moving a task to another CPU, appending to
 * and reading a region for a task, and reading a task's capabilities. Each
 * one that changes state checks everything first (asking the owning library
 * whether the change is valid), then writes its witness record and journal
 * entry, then commits with code that cannot fail; replay re-applies it.
 * Ports use these instead of writing fields of struct rvx_kernel.
 */
#include "nucleus_internal.h"
#include "ruvix/endian.h"
#include "ruvix/sha256.h"

/* Common entry checks of a state-changing port call for @p task. */
static int port_call_ok(const struct rvx_kernel *k, uint32_t task)
{
	if (k == NULL || !k->booted || k->call.active || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	return 0;
}

/* Record @p kind for @p task (actor) on @p target, then nothing else: the
 * caller commits once this returns 0. */
static int port_record(struct rvx_kernel *k, uint16_t kind, uint32_t task, uint64_t target,
		       const void *args, size_t len)
{
	struct rvx_witness_record rec;
	int ret = rvx_kernel_witness_room_(k, len);

	if (ret != 0)
		return ret;
	return rvx_kernel_witness_(k, kind, 0, task, target, len != 0 ? args : NULL, len, &rec);
}

int rvx_kernel_task_hold(struct rvx_kernel *k, uint32_t task)
{
	struct rvx_kernel_task *t;
	int ret = port_call_ok(k, task);

	if (ret != 0)
		return ret;
	t = &k->tasks[task];
	if (t->wait != RVX_KERNEL_WAIT_NONE)
		return -RVX_EBUSY;
	ret = rvx_sched_task_block_check(&k->sched, t->sched);
	if (ret != 0)
		return ret;
	ret = port_record(k, RVX_WITNESS_TASK_HOLD, task, t->object.raw, NULL, 0);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_sched_task_block(&k->sched, t->sched, k->now, 0) == 0);
	t->wait = RVX_KERNEL_WAIT_HELD;
	return 0;
}

int rvx_kernel_task_release(struct rvx_kernel *k, uint32_t task)
{
	struct rvx_kernel_task *t;
	int ret = port_call_ok(k, task);

	if (ret != 0)
		return ret;
	t = &k->tasks[task];
	if (t->wait != RVX_KERNEL_WAIT_HELD)
		return -RVX_EBUSY;
	RVX_CHECK(rvx_sched_task_wake_check(&k->sched, t->sched) == 0);
	ret = port_record(k, RVX_WITNESS_TASK_RELEASE, task, t->object.raw, NULL, 0);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_sched_task_wake(&k->sched, t->sched, k->now) == 0);
	t->wait = RVX_KERNEL_WAIT_NONE;
	return 0;
}

int rvx_kernel_task_migrate_check(const struct rvx_kernel *k, uint32_t task, uint32_t cpu)
{
	struct rvx_task info;
	int ret = port_call_ok(k, task);

	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_sched_task_info(&k->sched, k->tasks[task].sched, &info) == 0);
	ret = rvx_sched_task_migrate_check(&k->sched, k->tasks[task].sched, cpu, info.partition);
	if (ret != 0)
		return ret;
	return rvx_kernel_witness_room_(k, 8u);
}

int rvx_kernel_task_migrate(struct rvx_kernel *k, uint32_t task, uint32_t cpu)
{
	struct rvx_kernel_task *t;
	struct rvx_task info;
	uint8_t args[8];
	int ret = rvx_kernel_task_migrate_check(k, task, cpu);

	if (ret != 0)
		return ret;
	t = &k->tasks[task];
	RVX_CHECK(rvx_sched_task_info(&k->sched, t->sched, &info) == 0);
	/* Arguments: the new CPU and the old one, little-endian u32s. */
	rvx_le_put32(args, cpu);
	rvx_le_put32(args + 4, info.cpu);
	ret = port_record(k, RVX_WITNESS_TASK_MIGRATE, task, t->object.raw, args, sizeof(args));
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_sched_task_migrate(&k->sched, t->sched, cpu, info.partition) == 0);
	return 0;
}

int rvx_kernel_region_append(struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     const void *data, size_t len, uint64_t *offset)
{
	uint8_t args[8 + RVX_KERNEL_REGION_APPEND_MAX];
	struct rvx_kernel_region *reg;
	struct rvx_cap_target tgt;
	uint64_t off;
	int ret = port_call_ok(k, task);

	if (ret != 0)
		return ret;
	if (data == NULL || len == 0 || len > RVX_KERNEL_REGION_APPEND_MAX)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_REGION, RVX_RIGHT_WRITE, &tgt);
	if (ret != 0)
		return ret;
	reg = &k->regions[tgt.ref];
	ret = rvx_region_append_check(&reg->region, len);
	if (ret != 0)
		return ret;
	/* Arguments: the capability used (u64, little-endian), then the bytes
	 * themselves; the journal keeps them, and replay appends them again. */
	rvx_le_put64(args, cap.raw);
	memcpy(args + 8, data, len);
	ret = port_record(k, RVX_WITNESS_REGION_APPEND, task, reg->object.raw, args, 8u + len);
	if (ret != 0)
		return ret;
	RVX_CHECK(rvx_region_append(&reg->region, data, len, &off) == 0);
	if (offset != NULL)
		*offset = off;
	return 0;
}

int rvx_kernel_region_read(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			   uint64_t offset, void *buf, size_t len)
{
	struct rvx_cap_target tgt;
	int ret;

	if (k == NULL || !k->booted || !rvx_kernel_task_ok_(k, task) || buf == NULL)
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_REGION, RVX_RIGHT_READ, &tgt);
	if (ret != 0)
		return ret;
	return rvx_region_read(&k->regions[tgt.ref].region, offset, buf, len);
}

int rvx_kernel_region_memory(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     struct rvx_kernel_region_memory *out)
{
	struct rvx_cap_target tgt;
	struct rvx_cap_info info;
	const struct rvx_region *r;
	int ret;

	if (k == NULL || out == NULL || !k->booted || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_REGION, 0, &tgt);
	if (ret == 0)
		ret = rvx_cap_lookup(&k->caps, task, cap, &info);
	if (ret != 0)
		return ret;
	r = &k->regions[tgt.ref].region;
	memset(out, 0, sizeof(*out));
	out->base = r->base;
	out->size = r->size;
	out->policy = (uint32_t)rvx_region_policy(r);
	out->rights = info.rights;
	return 0;
}

int rvx_kernel_vector_digest(struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     uint64_t key0, uint32_t count, uint8_t out[32], uint32_t *found)
{
	struct rvx_cap_target tgt;
	struct rvx_vec_config cfg;
	struct rvx_vec_store *s;
	struct rvx_sha256 sc;
	uint32_t n = 0;
	int ret;

	if (k == NULL || out == NULL || !k->booted || k->call.active ||
	    !rvx_kernel_task_ok_(k, task) || (count != 0 && key0 > UINT64_MAX - (count - 1u)))
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_VECTOR_STORE, RVX_RIGHT_READ, &tgt);
	if (ret != 0)
		return ret;
	s = &k->vstores[tgt.ref].store;
	rvx_vec_store_config(s, &cfg);
	rvx_sha256_init(&sc);
	for (uint32_t i = 0; i < count; i++) {
		float *v = k->stage.vec + 1; /* free outside a syscall */
		uint8_t head[12];

		if (rvx_vec_store_get(s, key0 + i, v, cfg.dim, RVX_VEC_NOW_NONE) != 0)
			continue;
		rvx_le_put64(head, key0 + i);
		rvx_le_put32(head + 8, cfg.dim);
		rvx_sha256_update(&sc, head, sizeof(head));
		for (uint32_t d = 0; d < cfg.dim; d++) {
			uint32_t bits;
			uint8_t b[4];

			memcpy(&bits, &v[d], 4);
			rvx_le_put32(b, bits);
			rvx_sha256_update(&sc, b, 4);
		}
		n++;
	}
	memset(k->stage.vec, 0, sizeof(float) * (1u + cfg.dim));
	rvx_sha256_out(&sc, out);
	if (found != NULL)
		*found = n;
	return 0;
}

int rvx_kernel_queue_traffic(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     struct rvx_kernel_queue_traffic *out)
{
	const struct rvx_kernel_queue *q;
	struct rvx_cap_target tgt;
	int ret;

	if (k == NULL || out == NULL || !k->booted || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	ret = rvx_cap_check(&k->caps, task, cap, RVX_OBJ_QUEUE, 0, &tgt);
	if (ret != 0)
		return ret;
	q = &k->queues[tgt.ref];
	out->sent_messages = q->closed_msgs[0] + q->epoch_msgs[0];
	out->sent_bytes = q->closed_bytes[0] + q->epoch_bytes[0];
	out->received_messages = q->closed_msgs[1] + q->epoch_msgs[1];
	out->received_bytes = q->closed_bytes[1] + q->epoch_bytes[1];
	return 0;
}

int rvx_kernel_next_timer(const struct rvx_kernel *k, uint64_t *deadline)
{
	if (k == NULL || deadline == NULL || !k->booted)
		return -RVX_EINVAL;
	return rvx_timer_next_deadline(&k->timers, deadline);
}

int rvx_kernel_queue_peers(const struct rvx_kernel *k, uint32_t queue,
			   struct rvx_kernel_queue_peers *out)
{
	const struct rvx_kernel_queue *q;

	if (k == NULL || out == NULL || !k->booted || queue >= RVX_KERNEL_QUEUES)
		return -RVX_EINVAL;
	q = &k->queues[queue];
	if (!q->live)
		return -RVX_ENOENT;
	memset(out, 0, sizeof(*out));
	out->object = q->object;
	out->sender = q->last_sender != 0 ? q->last_sender - 1u : RVX_CAP_NIL;
	out->receiver = q->epoch_peer[1] != 0 ? q->epoch_peer[1] - 1u : RVX_CAP_NIL;
	out->senders_shared = q->epoch_shared[0];
	out->receivers_shared = q->epoch_shared[1];
	out->sent_messages = q->epoch_msgs[0];
	out->sent_bytes = q->epoch_bytes[0];
	out->received_messages = q->epoch_msgs[1];
	out->received_bytes = q->epoch_bytes[1];
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUE_SENDERS; i++) {
		uint64_t m = q->sender_msgs[i], b = q->sender_bytes[i];

		if (q->sender[i] == 0)
			continue;
		if (q->run_slot == i) {
			/* The open run, settled here without changing the queue. */
			m += q->epoch_msgs[0] - q->run_msgs;
			b += q->epoch_bytes[0] - q->run_bytes;
		}
		out->senders[out->sender_count].task = q->sender[i] - 1u;
		out->senders[out->sender_count].messages = m;
		out->senders[out->sender_count].bytes = b;
		out->sender_count++;
	}
	return 0;
}

int rvx_kernel_cap_info(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			struct rvx_cap_info *out)
{
	if (k == NULL || out == NULL || !k->booted || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	return rvx_cap_lookup(&k->caps, task, cap, out);
}

int rvx_kernel_task_set_scores(struct rvx_kernel *k, uint32_t task, uint32_t pressure,
			       uint32_t risk)
{
	struct rvx_kernel_task *t;
	struct rvx_task info;
	int ret = port_call_ok(k, task);

	if (ret != 0)
		return ret;
	if (pressure > RVX_SCHED_Q16_ONE || risk > RVX_SCHED_Q16_ONE)
		return -RVX_EINVAL;
	t = &k->tasks[task];
	RVX_CHECK(rvx_sched_task_info(&k->sched, t->sched, &info) == 0);
	if (info.state == RVX_TASK_DEAD)
		return -RVX_EBUSY;
	/* A live task that is not DEAD and values in range: neither can fail. */
	RVX_CHECK(rvx_sched_task_set_cut_pressure(&k->sched, t->sched, pressure) == 0);
	RVX_CHECK(rvx_sched_task_set_risk(&k->sched, t->sched, risk) == 0);
	return 0;
}

int rvx_kernel_task_info(const struct rvx_kernel *k, uint32_t task,
			 struct rvx_kernel_task_info *out)
{
	const struct rvx_kernel_task *t;
	struct rvx_task info;

	if (k == NULL || out == NULL || !k->booted || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	t = &k->tasks[task];
	RVX_CHECK(rvx_sched_task_info(&k->sched, t->sched, &info) == 0);
	memset(out, 0, sizeof(*out));
	out->object = t->object;
	out->entry = t->entry;
	out->priority = t->priority;
	out->cpu = info.cpu;
	out->partition = info.partition;
	out->state = (uint32_t)info.state;
	out->held = t->wait == RVX_KERNEL_WAIT_HELD;
	out->caps = (uint32_t)rvx_cap_table_used(&k->caps, task);
	out->cut_pressure = info.cut_pressure;
	out->risk = info.risk;
	memcpy(out->name, t->name, sizeof(out->name));
	out->name[sizeof(out->name) - 1u] = '\0';
	return 0;
}

int rvx_kernel_cap_slot_info(const struct rvx_kernel *k, uint32_t task, uint32_t slot,
			     struct rvx_cap_info *out)
{
	if (k == NULL || out == NULL || !k->booted || !rvx_kernel_task_ok_(k, task))
		return -RVX_EINVAL;
	return rvx_cap_slot_info(&k->caps, task, slot, out);
}

int rvx_kernel_caps_digest(const struct rvx_kernel *k, const uint32_t *tasks, uint32_t count,
			   uint8_t out[32])
{
	struct rvx_sha256 sha;
	uint8_t enc[RVX_CAP_SLOT_ENCODED_SIZE], idx[4];

	if (k == NULL || out == NULL || !k->booted || (tasks == NULL && count != 0))
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < count; i++)
		if (tasks[i] >= RVX_KERNEL_TASKS)
			return -RVX_EINVAL;
	rvx_sha256_init(&sha);
	for (uint32_t i = 0; i < count; i++) {
		rvx_le_put32(idx, tasks[i]);
		for (uint32_t s = 0; s < RVX_KERNEL_SLOTS; s++) {
			if (rvx_cap_slot_encode(&k->caps, tasks[i], s, enc) != 0)
				continue;
			rvx_sha256_update(&sha, idx, sizeof(idx));
			rvx_sha256_update(&sha, enc, sizeof(enc));
		}
	}
	rvx_sha256_out(&sha, out);
	return 0;
}
