/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed calls of ruvix/user.h: each fills one `struct rvx_syscall_args`
 * as rvx_syscall() documents it and hands it to the target's backend.
 */
#include "ruvix/queue.h"
#include "ruvix/user.h"

static void args_init(struct rvx_syscall_args *a, uint64_t cap, uint32_t flags)
{
	memset(a, 0, sizeof(*a));
	a->version = RVX_SYSCALL_VERSION;
	a->flags = flags;
	a->cap = cap;
}

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

int rvx_sys_task_spawn(rvx_handle_t task, const struct rvx_user_spawn *s,
		   const struct rvx_syscall_capxfer *caps, uint32_t n, uint64_t *child_caps,
		   uint32_t *child)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	if (s == NULL || (n != 0 && (caps == NULL || child_caps == NULL)))
		return -RVX_EINVAL;
	args_init(&a, task.raw, 0);
	a.arg[0] = s->entry;
	a.arg[1] = s->priority;
	a.arg[2] = s->deadline_ns;
	a.arg[3] = s->partition;
	a.arg[4] = s->cpu;
	a.arg[5] = s->index;
	a.in = addr(caps);
	a.in_len = (uint64_t)n * sizeof(*caps);
	a.out = addr(child_caps);
	a.out_len = (uint64_t)n * sizeof(uint64_t);
	rc = rvx_user_trap(RVX_SYS_TASK_SPAWN, &a, &r);
	if (rc == 0 && child != NULL)
		*child = (uint32_t)r.value[0];
	return rc;
}

int rvx_sys_cap_grant(rvx_handle_t src, uint32_t dst, rvx_rights_t rights, uint64_t badge,
		  rvx_handle_t *out)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, src.raw, 0);
	a.arg[0] = dst;
	a.arg[1] = rights;
	a.arg[2] = badge;
	rc = rvx_user_trap(RVX_SYS_CAP_GRANT, &a, &r);
	if (rc == 0 && out != NULL)
		out->raw = r.value[0];
	return rc;
}

int rvx_sys_cap_revoke(rvx_handle_t cap, uint32_t *count)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, cap.raw, RVX_SYSCALL_F_REVOKE);
	rc = rvx_user_trap(RVX_SYS_CAP_GRANT, &a, &r);
	if (rc == 0 && count != NULL)
		*count = (uint32_t)r.value[0];
	return rc;
}

int rvx_sys_prove_key(rvx_handle_t cap, struct rvx_user_prover *p)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	if (p == NULL)
		return -RVX_EINVAL;
	/* struct rvx_user_prover has the ABI struct's layout (checked in
	 * prove.c): the kernel writes it in place. */
	args_init(&a, cap.raw, RVX_SYSCALL_F_PROVE_KEY);
	a.out = addr(p);
	a.out_len = sizeof(struct rvx_syscall_prove_key);
	return rvx_user_trap(RVX_SYS_CAP_GRANT, &a, &r);
}

int rvx_sys_region_map(rvx_handle_t task, uint32_t policy, uint64_t size, uint64_t slot_size,
		   const void *init, uint64_t init_len, struct rvx_user_region *out)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	if (out == NULL)
		return -RVX_EINVAL;
	args_init(&a, task.raw, 0);
	a.arg[0] = policy;
	a.arg[1] = size;
	a.arg[2] = slot_size;
	a.in = addr(init);
	a.in_len = init_len;
	rc = rvx_user_trap(RVX_SYS_REGION_MAP, &a, &r);
	if (rc == 0) {
		out->cap.raw = r.value[0];
		out->base = (void *)(uintptr_t)r.value[1];
		out->size = size;
	}
	return rc;
}

static int send(rvx_handle_t q, uint32_t flags, uint32_t type_id, uint32_t priority,
		uint32_t coherence, const void *msg, uint64_t len)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	args_init(&a, q.raw, flags);
	a.arg[0] = type_id;
	a.arg[1] = priority;
	a.arg[2] = coherence;
	a.in = addr(msg);
	a.in_len = len;
	return rvx_user_trap(RVX_SYS_QUEUE_SEND, &a, &r);
}

int rvx_sys_queue_send(rvx_handle_t q, uint32_t type_id, uint32_t priority, uint32_t coherence,
		   const void *msg, uint64_t len)
{
	return send(q, 0, type_id, priority, coherence, msg, len);
}

int rvx_sys_queue_send_desc(rvx_handle_t q, uint32_t type_id, uint32_t priority,
			uint32_t coherence, const void *desc, uint64_t desc_len)
{
	return send(q, RVX_SYSCALL_F_DESC, type_id, priority, coherence, desc, desc_len);
}

int rvx_sys_queue_recv(rvx_handle_t q, void *buf, uint64_t cap, void *hdr, uint64_t *len,
		   uint64_t timeout_ns)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	struct rvx_queue_msg_hdr h;
	int rc;

	args_init(&a, q.raw, timeout_ns == RVX_USER_NO_WAIT ? 0 : RVX_SYSCALL_F_BLOCK);
	a.arg[0] = timeout_ns;
	a.out = addr(buf);
	a.out_len = cap;
	a.aux = addr(&h);
	a.aux_len = sizeof(h);
	rc = rvx_user_trap(RVX_SYS_QUEUE_RECV, &a, &r);
	if (rc != 0)
		return rc;
	if (r.status == RVX_SYSCALL_TIMED_OUT)
		return -RVX_ETIMEDOUT;
	if (hdr != NULL)
		memcpy(hdr, &h, sizeof(h));
	if (len != NULL)
		*len = r.value[0];
	return 0;
}

static int timer(rvx_handle_t clock, uint32_t flags, uint64_t t)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;

	args_init(&a, clock.raw, flags);
	a.arg[0] = t;
	return rvx_user_trap(RVX_SYS_TIMER_WAIT, &a, &r);
}

int rvx_sys_timer_wait_until(rvx_handle_t clock, uint64_t deadline_ns)
{
	return timer(clock, 0, deadline_ns);
}

int rvx_sys_timer_sleep(rvx_handle_t clock, uint64_t ns)
{
	return timer(clock, RVX_SYSCALL_F_RELATIVE, ns);
}

int rvx_sys_rvf_mount(rvx_handle_t task, const void *pkg, uint64_t len, const uint64_t *required,
		  uint32_t nreq, uint32_t *tasks, uint32_t ntasks, struct rvx_user_mount *out)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, task.raw, 0);
	a.in = addr(pkg);
	a.in_len = len;
	a.aux = addr(required);
	a.aux_len = (uint64_t)nreq * sizeof(uint64_t);
	a.out = addr(tasks);
	a.out_len = tasks != NULL ? (uint64_t)ntasks * sizeof(uint32_t) : 0;
	rc = rvx_user_trap(RVX_SYS_RVF_MOUNT, &a, &r);
	if (rc == 0 && out != NULL) {
		out->cap.raw = r.value[0];
		out->index = (uint32_t)r.value[1];
		out->task_count = (uint32_t)r.value[2];
	}
	return rc;
}

static int proved(uint32_t nr, struct rvx_syscall_args *a, const void *token, uint64_t token_len,
		  struct rvx_syscall_result *att)
{
	struct rvx_syscall_result r;
	int rc;

	a->aux = addr(token);
	a->aux_len = token_len;
	rc = rvx_user_trap(nr, a, &r);
	if (rc == 0 && att != NULL)
		memcpy(att, &r, sizeof(r));
	return rc;
}

int rvx_sys_attest_emit(rvx_handle_t cap, uint64_t key, const void *data, uint64_t len,
		    const void *token, uint64_t token_len, struct rvx_syscall_result *att)
{
	struct rvx_syscall_args a;

	args_init(&a, cap.raw, 0);
	a.arg[0] = key;
	a.in = addr(data);
	a.in_len = len;
	return proved(RVX_SYS_ATTEST_EMIT, &a, token, token_len, att);
}

int rvx_sys_vector_get(rvx_handle_t store, uint64_t key, float *out, uint32_t cap, uint32_t *dim)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, store.raw, 0);
	a.arg[0] = key;
	a.out = addr(out);
	a.out_len = (uint64_t)cap * sizeof(float);
	rc = rvx_user_trap(RVX_SYS_VECTOR_GET, &a, &r);
	if (rc == 0 && dim != NULL)
		*dim = (uint32_t)r.value[0];
	return rc;
}

int rvx_sys_vector_query(rvx_handle_t store, const float *q, uint32_t dim, uint32_t k, uint32_t ef,
		     void *hits, uint32_t *n)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, store.raw, RVX_SYSCALL_F_QUERY);
	a.arg[0] = k;
	a.arg[1] = ef;
	a.in = addr(q);
	a.in_len = (uint64_t)dim * sizeof(float);
	a.out = addr(hits);
	a.out_len = (uint64_t)k * 16u;
	rc = rvx_user_trap(RVX_SYS_VECTOR_GET, &a, &r);
	if (rc == 0 && n != NULL)
		*n = (uint32_t)r.value[0];
	return rc;
}

int rvx_sys_vector_put_proved(rvx_handle_t store, uint64_t key, uint32_t coherence,
			  const float *vec, uint32_t dim, const void *token, uint64_t token_len,
			  struct rvx_syscall_result *att)
{
	struct rvx_syscall_args a;

	args_init(&a, store.raw, 0);
	a.arg[0] = key;
	a.arg[1] = coherence;
	a.in = addr(vec);
	a.in_len = (uint64_t)dim * sizeof(float);
	return proved(RVX_SYS_VECTOR_PUT_PROVED, &a, token, token_len, att);
}

int rvx_sys_graph_apply_proved(rvx_handle_t graph, const void *mutation, uint64_t len,
			   const void *token, uint64_t token_len, struct rvx_syscall_result *att)
{
	struct rvx_syscall_args a;

	args_init(&a, graph.raw, 0);
	a.in = addr(mutation);
	a.in_len = len;
	return proved(RVX_SYS_GRAPH_APPLY_PROVED, &a, token, token_len, att);
}

int rvx_sys_sensor_subscribe(rvx_handle_t sensor, rvx_handle_t queue, uint32_t *subscription)
{
	struct rvx_syscall_args a;
	struct rvx_syscall_result r;
	int rc;

	args_init(&a, sensor.raw, 0);
	a.cap2 = queue.raw;
	rc = rvx_user_trap(RVX_SYS_SENSOR_SUBSCRIBE, &a, &r);
	if (rc == 0 && subscription != NULL)
		*subscription = (uint32_t)r.value[0];
	return rc;
}
