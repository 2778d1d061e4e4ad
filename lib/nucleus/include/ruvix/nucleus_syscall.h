/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * The syscall ABI of the RuVix nucleus: syscall numbers, the fixed-layout
 * argument and result structures, and flag bits. A port fills a
 * `struct rvx_syscall_args` from the trapping task's registers or memory,
 * calls rvx_syscall() (ruvix/nucleus.h), and copies the
 * `struct rvx_syscall_result` back. Both structures are 128 bytes with
 * fixed-width fields, explicit padding and a version field; pointers travel
 * as 64-bit addresses in the kernel's address space (the port translates
 * and checks user addresses before the call).
 */
#ifndef RUVIX_NUCLEUS_SYSCALL_H
#define RUVIX_NUCLEUS_SYSCALL_H

#include "ruvix/env.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version callers put in both structures' `version` field. */
#define RVX_SYSCALL_VERSION 1u

/** Syscall numbers (SPEC "The twelve syscalls"). Values are ABI. */
enum rvx_syscall_nr {
	RVX_SYS_TASK_SPAWN = 0,          /**< Create a task with a subset of the caller's capabilities. */
	RVX_SYS_CAP_GRANT = 1,           /**< Derive a narrowed capability into a task, or revoke a subtree. */
	RVX_SYS_REGION_MAP = 2,          /**< Create a region from the kernel's region pool. */
	RVX_SYS_QUEUE_SEND = 3,          /**< Send an inline or descriptor message. */
	RVX_SYS_QUEUE_RECV = 4,          /**< Receive a message, optionally blocking. */
	RVX_SYS_TIMER_WAIT = 5,          /**< Block until a deadline or for a duration. */
	RVX_SYS_RVF_MOUNT = 6,           /**< Verify and mount a signed package. */
	RVX_SYS_ATTEST_EMIT = 7,         /**< Append a proved caller attestation to the witness log. */
	RVX_SYS_VECTOR_GET = 8,          /**< Read a vector by key or run a k-NN query. */
	RVX_SYS_VECTOR_PUT_PROVED = 9,   /**< Insert or update a vector under a proof. */
	RVX_SYS_GRAPH_APPLY_PROVED = 10, /**< Apply a graph mutation under a proof. */
	RVX_SYS_SENSOR_SUBSCRIBE = 11,   /**< Route a sensor's events into a queue. */
	RVX_SYS_COUNT = 12               /**< Number of syscall numbers; not a syscall. */
};

/** No flags. Each call accepts only the flags listed for it; other bits must be 0. */
#define RVX_SYSCALL_F_NONE 0u
/** CapGrant: revoke the subtree derived from `cap` instead of granting. */
#define RVX_SYSCALL_F_REVOKE 0x1u
/** QueueSend: the payload is a `struct rvx_region_desc` naming a region capability. */
#define RVX_SYSCALL_F_DESC 0x2u
/** QueueRecv: block (with the timeout in arg[0]) instead of returning -RVX_EEMPTY. */
#define RVX_SYSCALL_F_BLOCK 0x4u
/** TimerWait: arg[0] is a duration from now rather than an absolute deadline. */
#define RVX_SYSCALL_F_RELATIVE 0x8u
/** VectorGet: run a k-NN query instead of a lookup by key. */
#define RVX_SYSCALL_F_QUERY 0x10u

/**
 * Bytes of the mutation payload a VectorPutProved proof covers, for a
 * vector of @p dim components. The payload (rvx_syscall_vector_put_payload()
 * writes it) is, little-endian:
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | coherence (arg[1]), Q16.16 |
 * | 4 | 4 * dim | the components, IEEE-754 binary32 |
 * The mutation hash is rvx_proof_mutation_hash() of (VectorPutProved, the
 * store's registry handle, the key, this payload).
 */
#define RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(dim) (4u + 4u * (size_t)(dim))

/** The call completed (its result is in the result structure). */
#define RVX_SYSCALL_DONE 0
/** The task was blocked; the port switches away and resumes it later. */
#define RVX_SYSCALL_BLOCKED 1
/** QueueRecv re-issued after its blocking wait timed out: no message was taken. */
#define RVX_SYSCALL_TIMED_OUT 2

/**
 * A capability handed to a new task by TaskSpawn: the caller's handle and
 * the rights the child's copy gets (a subset).
 */
struct rvx_syscall_capxfer {
	uint64_t handle;  /**< The capability in the caller's table. */
	uint32_t rights;  /**< Rights for the child (subset of the source's). */
	uint32_t reserved;/**< Must be 0. */
};

_Static_assert(sizeof(struct rvx_syscall_capxfer) == 16, "ABI: capxfer is 16 bytes");

/**
 * Syscall arguments. What each field means depends on the syscall; see
 * rvx_syscall() for the table. Unused fields should be 0.
 */
struct rvx_syscall_args {
	uint32_t version; /**< RVX_SYSCALL_VERSION. */
	uint32_t flags;   /**< RVX_SYSCALL_F_* bits valid for the call; others must be 0. */
	uint64_t cap;     /**< The primary capability handle (in the caller's table). */
	uint64_t cap2;    /**< A secondary capability handle, where the call takes one. */
	uint64_t arg[7];  /**< Scalar arguments. */
	uint64_t in;      /**< Address of the input buffer, or 0. */
	uint64_t in_len;  /**< Bytes at `in`. */
	uint64_t out;     /**< Address of the output buffer, or 0. */
	uint64_t out_len; /**< Bytes at `out`. */
	uint64_t aux;     /**< Address of an auxiliary buffer (a proof token, a header), or 0. */
	uint64_t aux_len; /**< Bytes at `aux`. */
};

_Static_assert(sizeof(struct rvx_syscall_args) == 128, "ABI: args are 128 bytes");
_Static_assert(offsetof(struct rvx_syscall_args, cap) == 8 &&
		       offsetof(struct rvx_syscall_args, cap2) == 16 &&
		       offsetof(struct rvx_syscall_args, arg) == 24 &&
		       offsetof(struct rvx_syscall_args, in) == 80 &&
		       offsetof(struct rvx_syscall_args, out) == 96 &&
		       offsetof(struct rvx_syscall_args, aux) == 112 &&
		       offsetof(struct rvx_syscall_args, aux_len) == 120,
	       "ABI: args layout");

/**
 * Syscall result. The return value of rvx_syscall() is the error; this
 * holds values and, for proved mutations, the attestation. A successful
 * call writes version, status and value[]; QueueSend and QueueRecv (the
 * traffic fast path) leave the attestation fields as they were, every
 * other call writes them (zero when it attests nothing).
 */
struct rvx_syscall_result {
	uint32_t version;   /**< RVX_SYSCALL_VERSION (written by the kernel). */
	int32_t status;     /**< RVX_SYSCALL_DONE, RVX_SYSCALL_BLOCKED or RVX_SYSCALL_TIMED_OUT. */
	uint64_t value[4];  /**< Returned values (handles, lengths, counts); unused ones are 0. */
	uint64_t sequence;  /**< Attestation: witness sequence of the mutation's record. */
	uint64_t time;      /**< Attestation: kernel time of the mutation. */
	uint8_t chain_head[32];    /**< Attestation: the witness chain head after the record. */
	uint8_t mutation_hash[32]; /**< Attestation: the mutation hash the kernel computed. */
	uint8_t tier;       /**< Attestation: the proof tier that authorised it (0: none). */
	uint8_t reserved[7];/**< Written as 0. */
};

_Static_assert(sizeof(struct rvx_syscall_result) == 128, "ABI: result is 128 bytes");
_Static_assert(offsetof(struct rvx_syscall_result, value) == 8 &&
		       offsetof(struct rvx_syscall_result, sequence) == 40 &&
		       offsetof(struct rvx_syscall_result, chain_head) == 56 &&
		       offsetof(struct rvx_syscall_result, mutation_hash) == 88 &&
		       offsetof(struct rvx_syscall_result, tier) == 120,
	       "ABI: result layout");

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_NUCLEUS_SYSCALL_H */
