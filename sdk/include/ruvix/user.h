/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * The component SDK: one typed call per syscall, for code that runs above the
 * kernel as an RVF component. The same source builds for every target; only
 * the backend, rvx_user_trap(), differs:
 * - the AArch64 images: `hvc #0` from EL1 inside the component's partition
 *   (x0 the syscall number, x1 the address of the arguments, x2 of the
 *   result; the kernel translates and checks both);
 * - the hosted port: a call into rvx_syscall() on the calling task's behalf,
 *   made by the hosted kernel runtime (ports/hosted).
 *
 * Every call returns 0 or a negative `enum rvx_err` and never blocks
 * differently from the kernel: a blocking QueueRecv or TimerWait returns
 * once the task was woken and the call completed (the backend re-issues a
 * woken QueueRecv as the nucleus asks). Buffers may have any alignment.
 * Nothing here allocates; nothing here needs more than `mem*`.
 */
#ifndef RUVIX_USER_H
#define RUVIX_USER_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/nucleus_syscall.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of `struct rvx_user_start`. */
#define RVX_USER_START_VERSION 1u
/** Capability handles a start block lists. */
#define RVX_USER_START_CAPS 16u

/**
 * What a component task is started with: the port passes its address as the
 * entry's only argument (x0 on AArch64, the first argument on the hosted
 * port). An entry is `void entry(const struct rvx_user_start *s)`; returning
 * from it ends the task with code 0.
 */
struct rvx_user_start {
	uint32_t version;   /**< RVX_USER_START_VERSION. */
	uint32_t task;      /**< The task's id. */
	uint32_t cap_count; /**< Entries of caps[] in use. */
	uint32_t cpu;       /**< The CPU it was started on. */
	/** Hosted port: the address of the kernel's syscall gate, an
	 * `int gate(uint64_t ctx, uint32_t nr, struct rvx_syscall_args *,
	 * struct rvx_syscall_result *)`; 0 on targets that trap. */
	uint64_t gate;
	uint64_t gate_ctx;  /**< The gate's first argument. */
	uint64_t now_ns;    /**< Kernel time when the task was started. */
	uint64_t reserved;  /**< 0. */
	/** The task's capability handles in the order the manifest wired them
	 * (a spawned task: in the order its parent handed them over). */
	uint64_t caps[RVX_USER_START_CAPS];
};

/**
 * Record what the backend needs from @p s (the hosted gate); a component
 * calls it first thing in each entry. No-op on trap targets.
 */
void rvx_user_init(const struct rvx_user_start *s);

/**
 * The backend: issue syscall @p nr with @p a and, on success, fill @p r.
 * @p a->version is set by the wrappers. Returns 0 (with r->status
 * RVX_SYSCALL_DONE or RVX_SYSCALL_TIMED_OUT, never RVX_SYSCALL_BLOCKED) or a
 * negative `enum rvx_err`.
 */
int rvx_user_trap(uint32_t nr, struct rvx_syscall_args *a, struct rvx_syscall_result *r);

/** What TaskSpawn starts (see rvx_syscall() for each field's range). */
struct rvx_user_spawn {
	uint64_t entry;       /**< Where the child starts: a function of this component. */
	uint32_t priority;    /**< 0 most urgent .. 255. */
	uint32_t partition;   /**< Scheduler partition (a port may require the caller's own). */
	uint64_t deadline_ns; /**< Relative deadline, 0 for the kernel's default. */
	uint32_t cpu;         /**< CPU to start on. */
	uint32_t index;       /**< 0: lowest free task index; else the index + 1 to take. */
};

/**
 * TaskSpawn (0): start a task with a subset of the caller's capabilities.
 * @param task     a TASK capability with EXECUTE
 * @param s        what to start
 * @param caps     capabilities handed over (at most RVX_CONFIG_CAP_SLOTS_PER_TASK)
 * @param n        entries in @p caps
 * @param[out] child_caps the child's handles, one per @p caps entry (may be NULL if @p n is 0)
 * @param[out] child the child's task id (may be NULL)
 */
int rvx_sys_task_spawn(rvx_handle_t task, const struct rvx_user_spawn *s,
		   const struct rvx_syscall_capxfer *caps, uint32_t n, uint64_t *child_caps,
		   uint32_t *child);

/** CapGrant (1): derive @p src with @p rights and @p badge into task @p dst. */
int rvx_sys_cap_grant(rvx_handle_t src, uint32_t dst, rvx_rights_t rights, uint64_t badge,
		  rvx_handle_t *out);

/** CapGrant (1) with RVX_SYSCALL_F_REVOKE: revoke everything derived from @p cap. */
int rvx_sys_cap_revoke(rvx_handle_t cap, uint32_t *count);

struct rvx_user_prover;

/**
 * CapGrant (1) with RVX_SYSCALL_F_PROVE_KEY: fill @p p (ruvix/user_proof.h,
 * the layout of `struct rvx_syscall_prove_key`) with the proof key of the
 * caller's PROVE capability @p cap, its identity, the next nonce and the
 * tier its object's policy demands; then rvx_user_prove_*() mint tokens.
 * @retval -RVX_ERIGHTS @p cap lacks PROVE (nothing written)
 * @retval -RVX_EREVOKED @p cap was revoked
 * @retval -RVX_EINVAL @p p is NULL
 */
int rvx_sys_prove_key(rvx_handle_t cap, struct rvx_user_prover *p);

/** A region RegionMap made, as the caller sees it. */
struct rvx_user_region {
	rvx_handle_t cap; /**< READ | WRITE | GRANT | REVOKE. */
	void *base;       /**< Where the region lies in the caller's address space (NULL if not mapped). */
	uint64_t size;    /**< Its size in bytes. */
};

/**
 * RegionMap (2): create a region and map it into the caller's address space
 * with its policy's permissions (immutable: read only; append-only: read
 * only, appended to through the kernel; slab: read and write).
 */
int rvx_sys_region_map(rvx_handle_t task, uint32_t policy, uint64_t size, uint64_t slot_size,
		   const void *init, uint64_t init_len, struct rvx_user_region *out);

/** QueueSend (3): send @p len bytes inline. */
int rvx_sys_queue_send(rvx_handle_t q, uint32_t type_id, uint32_t priority, uint32_t coherence,
		   const void *msg, uint64_t len);

/** QueueSend (3) with RVX_SYSCALL_F_DESC: send a region descriptor (`struct rvx_region_desc`). */
int rvx_sys_queue_send_desc(rvx_handle_t q, uint32_t type_id, uint32_t priority,
			uint32_t coherence, const void *desc, uint64_t desc_len);

/** Receive without blocking (rvx_sys_queue_recv()'s @p timeout_ns). */
#define RVX_USER_NO_WAIT UINT64_C(0)
/** Receive blocking with no practical time limit (2^62 ns, about 146 years). */
#define RVX_USER_FOREVER (UINT64_C(1) << 62)

/**
 * QueueRecv (4): take one message into @p buf.
 * @param q          a QUEUE capability with READ
 * @param buf        payload buffer
 * @param cap        bytes at @p buf
 * @param[out] hdr   the message header (a `struct rvx_queue_msg_hdr`, may be NULL)
 * @param[out] len   the payload's length
 * @param timeout_ns RVX_USER_NO_WAIT (empty: -RVX_EEMPTY), a wait in ns, or
 *                   RVX_USER_FOREVER (a wait must end before the kernel's time wraps)
 * @retval -RVX_ETIMEDOUT the wait ran out with no message
 */
int rvx_sys_queue_recv(rvx_handle_t q, void *buf, uint64_t cap, void *hdr, uint64_t *len,
		   uint64_t timeout_ns);

/** TimerWait (5): sleep until the kernel time @p deadline_ns. */
int rvx_sys_timer_wait_until(rvx_handle_t clock, uint64_t deadline_ns);

/** TimerWait (5) with RVX_SYSCALL_F_RELATIVE: sleep for @p ns. */
int rvx_sys_timer_sleep(rvx_handle_t clock, uint64_t ns);

/** What RvfMount created. */
struct rvx_user_mount {
	rvx_handle_t cap;    /**< The MOUNT capability. */
	uint32_t index;      /**< The mount's index. */
	uint32_t task_count; /**< Tasks created (their ids in the @p tasks array given). */
};

/**
 * RvfMount (6): verify and mount a signed package.
 * @param task      a TASK capability with EXECUTE and WRITE
 * @param pkg       the package bytes
 * @param len       their length
 * @param required  one handle per required capability of the manifest, in order
 * @param nreq      entries in @p required
 * @param[out] tasks task ids of the created tasks (may be NULL), @p ntasks entries
 * @param ntasks    room in @p tasks
 * @param[out] out  what was mounted
 */
int rvx_sys_rvf_mount(rvx_handle_t task, const void *pkg, uint64_t len, const uint64_t *required,
		  uint32_t nreq, uint32_t *tasks, uint32_t ntasks, struct rvx_user_mount *out);

/** AttestEmit (7): append a proved attestation of @p len bytes under key @p key. */
int rvx_sys_attest_emit(rvx_handle_t cap, uint64_t key, const void *data, uint64_t len,
		    const void *token, uint64_t token_len, struct rvx_syscall_result *att);

/** VectorGet (8): read the vector under @p key; @p dim receives its dimension. */
int rvx_sys_vector_get(rvx_handle_t store, uint64_t key, float *out, uint32_t cap, uint32_t *dim);

/**
 * VectorGet (8) with RVX_SYSCALL_F_QUERY: the @p k nearest neighbours of @p q.
 * @param hits  room for @p k `struct rvx_vec_hit` (16 bytes each)
 * @param[out] n hits found
 */
int rvx_sys_vector_query(rvx_handle_t store, const float *q, uint32_t dim, uint32_t k, uint32_t ef,
		     void *hits, uint32_t *n);

/** VectorPutProved (9): insert or update @p key under a proof token. */
int rvx_sys_vector_put_proved(rvx_handle_t store, uint64_t key, uint32_t coherence,
			  const float *vec, uint32_t dim, const void *token, uint64_t token_len,
			  struct rvx_syscall_result *att);

/** GraphApplyProved (10): apply a `struct rvx_graph_mutation` under a proof token. */
int rvx_sys_graph_apply_proved(rvx_handle_t graph, const void *mutation, uint64_t len,
			   const void *token, uint64_t token_len, struct rvx_syscall_result *att);

/** SensorSubscribe (11): route @p sensor's events into @p queue. */
int rvx_sys_sensor_subscribe(rvx_handle_t sensor, rvx_handle_t queue, uint32_t *subscription);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_USER_H */
