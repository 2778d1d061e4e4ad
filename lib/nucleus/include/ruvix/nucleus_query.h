/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * Read-only questions an operator asks a running kernel (the rvsh shell,
 * lib/shell): memory and pools, queues, vector and graph stores by index,
 * proof decisions per tier and reason, the syscall trace and the witness
 * records the kernel's own ring still holds.
 *
 * Every call here reads and changes nothing the kernel keeps, except
 * rvx_kernel_trace_set(), which switches the syscall trace (not state: like
 * the proof counts it is never in a checkpoint, and a restore clears it).
 * None is capability-checked: they are the embedder's calls, like
 * rvx_kernel_task_info(); a port hands them to the component it trusts to
 * look inside. Call them under the port's kernel lock, as any kernel call.
 */
#ifndef RUVIX_NUCLEUS_QUERY_H
#define RUVIX_NUCLEUS_QUERY_H

#include "ruvix/nucleus.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A pool's size and use (struct rvx_kernel_mem_info). */
struct rvx_kernel_pool_use {
	uint64_t size; /**< Bytes the embedder gave. */
	uint64_t used; /**< Bytes handed out. */
};

/** The kernel's memory (rvx_kernel_mem_info()). */
struct rvx_kernel_mem_info {
	uint64_t kernel_bytes;               /**< sizeof(struct rvx_kernel): the tables. */
	struct rvx_kernel_pool_use region_pool; /**< Regions' bytes. */
	struct rvx_kernel_pool_use queue_pool;  /**< Queues' rings. */
	struct rvx_kernel_pool_use store_pool;  /**< Mounted vector and graph stores. */
	struct rvx_kernel_pool_use journal;     /**< The journal (size 0: none). */
	uint32_t regions[4];        /**< Live regions by `enum rvx_region_policy` (index 0 unused). */
	uint64_t region_bytes[4];   /**< Their bytes by policy. */
	uint64_t append_used;       /**< Bytes below the cursors of the append-only regions. */
	uint32_t slab_slots;        /**< Slots of all slab regions. */
	uint32_t slab_used;         /**< Of them, allocated. */
};

/** One queue (rvx_kernel_queue_info()). */
struct rvx_kernel_queue_info {
	rvx_handle_t object;        /**< Its registry object. */
	uint32_t capacity;          /**< Slots per priority level. */
	uint32_t depth;             /**< Messages waiting now (every level). */
	uint32_t max_payload;       /**< Largest inline payload (bytes). */
	uint32_t waiter;            /**< Task blocked receiving, or RVX_CAP_NIL. */
	uint64_t sent_messages;     /**< Messages sent since it was made. */
	uint64_t sent_bytes;        /**< Their payload bytes. */
	uint64_t received_messages; /**< Messages received since it was made. */
	uint64_t received_bytes;    /**< Their payload bytes. */
	uint64_t dropped;           /**< Sensor events dropped on a full queue. */
};

/** One vector store (rvx_kernel_vstore_info()). */
struct rvx_kernel_vstore_info {
	rvx_handle_t object; /**< Its registry object. */
	uint32_t dim;        /**< Components per vector. */
	uint32_t capacity;   /**< Most vectors. */
	uint32_t count;      /**< Vectors held. */
	uint32_t metric;     /**< `enum rvx_vec_metric`. */
	uint32_t tier;       /**< Proof tier its policy demands for a put. */
	uint32_t mounted;    /**< 1 if a package's manifest made it (store pool). */
	uint64_t epoch;      /**< Its mutation epoch. */
};

/** One graph store (rvx_kernel_gstore_info()). */
struct rvx_kernel_gstore_info {
	rvx_handle_t object;    /**< Its registry object. */
	uint32_t nodes;         /**< Nodes held. */
	uint32_t edges;         /**< Edges held. */
	uint32_t node_capacity; /**< Most nodes. */
	uint32_t edge_capacity; /**< Most edges. */
	uint32_t tier;          /**< Proof tier its policy demands for a mutation. */
	uint32_t mounted;       /**< 1 if a package's manifest made it (store pool). */
};

/** Proof decisions since boot or the last restore (rvx_kernel_proof_counts()). */
struct rvx_kernel_proof_counts {
	uint64_t accepted[4]; /**< By the tier verified (`enum rvx_proof_tier`). */
	uint64_t rejected[4]; /**< By the tier the object's policy demanded. */
	uint64_t reasons[RVX_PROOF_REASON_COUNT]; /**< Rejections by `enum rvx_proof_reason`. */
};

/**
 * The kernel's memory: its tables, each pool's use, live regions by policy.
 * @param k        the kernel
 * @param[out] out the figures
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 */
int rvx_kernel_mem_info(const struct rvx_kernel *k, struct rvx_kernel_mem_info *out);

/**
 * Describe the queue at registry index @p index.
 * @param k        the kernel
 * @param index    0 .. RVX_KERNEL_QUEUES - 1
 * @param[out] out the description
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel or @p index out of range
 * @retval -RVX_ENOENT no queue lives at @p index
 */
int rvx_kernel_queue_info(const struct rvx_kernel *k, uint32_t index,
			  struct rvx_kernel_queue_info *out);

/**
 * Describe the vector store at index @p index.
 * @param k        the kernel
 * @param index    0 .. RVX_KERNEL_VECTOR_STORES - 1
 * @param[out] out the description
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel or @p index out of range
 * @retval -RVX_ENOENT no store lives at @p index
 */
int rvx_kernel_vstore_info(const struct rvx_kernel *k, uint32_t index,
			   struct rvx_kernel_vstore_info *out);

/**
 * Describe the graph store at index @p index.
 * @param k        the kernel
 * @param index    0 .. RVX_KERNEL_GRAPH_STORES - 1
 * @param[out] out the description
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel or @p index out of range
 * @retval -RVX_ENOENT no store lives at @p index
 */
int rvx_kernel_gstore_info(const struct rvx_kernel *k, uint32_t index,
			   struct rvx_kernel_gstore_info *out);

/**
 * Proof decisions the kernel made since boot (or its last restore): each
 * verification a proved syscall asked for, accepted or rejected. Replayed
 * decisions are not counted again.
 * @param k        the kernel
 * @param[out] out the counts
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 */
int rvx_kernel_proof_counts(const struct rvx_kernel *k, struct rvx_kernel_proof_counts *out);

/**
 * Switch the syscall trace on or off. While on, every rvx_syscall() is
 * noted (time, task, number, result) in a ring of the last
 * RVX_KERNEL_TRACE_ENTRIES calls. Not witnessed by the kernel (it changes
 * nothing a checkpoint holds): the component that switches it records that
 * it did (lib/shell does, with rvx_kernel_port_record()).
 * @param k  the kernel (not inside a syscall)
 * @param on 1 to trace, 0 to stop
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall, or @p on above 1
 */
int rvx_kernel_trace_set(struct rvx_kernel *k, uint32_t on);

/**
 * Whether the syscall trace is on and how many calls it noted.
 * @param k           the kernel
 * @param[out] on     1 while tracing (may be NULL)
 * @param[out] count  calls traced since boot or the last restore (may be NULL)
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL or unbooted kernel
 */
int rvx_kernel_trace_state(const struct rvx_kernel *k, uint32_t *on, uint64_t *count);

/**
 * One of the most recent traced syscalls.
 * @param k        the kernel
 * @param back     0 for the most recent, 1 for the one before, ...
 * @param[out] out the call
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 * @retval -RVX_ENOENT fewer than @p back + 1 calls are held
 */
int rvx_kernel_trace_read(const struct rvx_kernel *k, uint32_t back,
			  struct rvx_kernel_trace_entry *out);

/**
 * Which witness records the kernel's own ring (the default sink) holds:
 * sequences @p first .. @p first + @p count - 1.
 * @param k          the kernel
 * @param[out] first sequence of the oldest record held
 * @param[out] count records held
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 * @retval -RVX_ENOTSUP the kernel writes to an embedder sink (ask the embedder)
 * @retval -RVX_ENOENT the ring holds records of another history (the kernel
 *         was restored to an earlier point since they were written)
 */
int rvx_kernel_witness_held(const struct rvx_kernel *k, uint64_t *first, uint64_t *count);

/**
 * Copy the wire bytes of the witness record with sequence @p seq from the
 * kernel's own ring.
 * @param k        the kernel
 * @param seq      the record's sequence
 * @param[out] out its 64 wire bytes
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 * @retval -RVX_ENOTSUP the kernel writes to an embedder sink
 * @retval -RVX_ENOENT the ring does not hold that record (overwritten, not yet
 *         written, or of another history after a restore)
 */
int rvx_kernel_witness_read(const struct rvx_kernel *k, uint64_t seq,
			    uint8_t out[RVX_WITNESS_RECORD_SIZE]);

/**
 * The whole witness log from its origin, as the kernel's own ring holds it:
 * one contiguous span of wire records, oldest first, for rvx_witness_verify()
 * against rvx_kernel_witness_head(). Only while the ring has dropped
 * nothing (it is as long as the log).
 * @param k            the kernel
 * @param[out] records the first record's wire bytes (kernel memory; valid
 *                     until the next record is appended)
 * @param[out] count   records in the span (the log's length)
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 * @retval -RVX_ENOTSUP the kernel writes to an embedder sink
 * @retval -RVX_ENOENT the ring overwrote its oldest records
 */
int rvx_kernel_witness_span(const struct rvx_kernel *k, const uint8_t **records,
			    uint64_t *count);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_NUCLEUS_QUERY_H */
