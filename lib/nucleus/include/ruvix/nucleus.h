/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file
 * The RuVix nucleus: the kernel object and the syscall dispatcher that glue
 * the capability, region, queue, scheduler/timer, vector/graph, proof and
 * witness libraries together.
 *
 * Order of use: the embedder provides a `struct rvx_kernel` (static, or
 * rvx_kernel_storage_size() bytes) and pools in a `struct rvx_kernel_config`,
 * calls rvx_kernel_boot() with a kernel secret, then creates objects that
 * only the embedder may create (queues, vector and graph stores, sensors)
 * with the rvx_kernel_*_create() calls, which mint a capability into a task.
 * Tasks then act only through rvx_syscall(). The port calls
 * rvx_kernel_tick() as time passes (timer expiry wakes blocked tasks) and
 * rvx_kernel_sensor_deliver() for each sensor event.
 *
 * Blocking: a QueueRecv with RVX_SYSCALL_F_BLOCK on an empty queue, or a
 * TimerWait whose deadline lies ahead, blocks the calling task in the
 * scheduler, arms a timeout timer and returns 0 with status
 * RVX_SYSCALL_BLOCKED. The port switches to another task. When the task is
 * woken (a send into the queue, or the timer firing in rvx_kernel_tick()),
 * the port resumes it: for TimerWait the call is complete (result 0); for
 * QueueRecv the port re-issues the same call, which returns the message, or
 * (once, if the wait timed out) succeeds with status RVX_SYSCALL_TIMED_OUT
 * and no message. A timeout is an outcome, not an error: the call that
 * reports it consumes it, and every failing call still changes nothing.
 *
 * The syscalls (rvx_syscall() returns -RVX_EINVAL for any other number):
 * 0 TaskSpawn, 1 CapGrant, 2 RegionMap, 3 QueueSend, 4 QueueRecv,
 * 5 TimerWait, 6 RvfMount, 7 AttestEmit, 8 VectorGet, 9 VectorPutProved,
 * 10 GraphApplyProved, 11 SensorSubscribe.
 */
#ifndef RUVIX_NUCLEUS_H
#define RUVIX_NUCLEUS_H

#include "ruvix/cap.h"
#include "ruvix/config.h"
#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/nucleus_syscall.h"
#include "ruvix/proof.h"
#include "ruvix/queue.h"
#include "ruvix/region.h"
#include "ruvix/rvf.h"
#include "ruvix/sched.h"
#include "ruvix/types.h"
#include "ruvix/vecgraph_graph.h"
#include "ruvix/vecgraph_vec.h"
#include "ruvix/witness.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Tasks (one capability table each). */
#define RVX_KERNEL_TASKS RVX_CONFIG_MAX_TASKS
/** Bytes of a task's name (NUL-padded, at least one NUL): a package
 *  manifest's task name field. */
#define RVX_KERNEL_TASK_NAME 16u
/** Capability slots per task. */
#define RVX_KERNEL_SLOTS RVX_CONFIG_CAP_SLOTS_PER_TASK
/** Registry entries (every object of every type). */
#ifndef RVX_KERNEL_OBJECTS
#define RVX_KERNEL_OBJECTS 256u
#endif
/** Regions. */
#ifndef RVX_KERNEL_REGIONS
#define RVX_KERNEL_REGIONS 32u
#endif
/** Queues. */
#ifndef RVX_KERNEL_QUEUES
#define RVX_KERNEL_QUEUES 32u
#endif
/** Senders a queue tells apart in one epoch (rvx_kernel_queue_peers()). */
#define RVX_KERNEL_QUEUE_SENDERS 4u
/** Vector stores. */
#define RVX_KERNEL_VECTOR_STORES RVX_CONFIG_MAX_VECTOR_STORES
/** Graph stores. */
#define RVX_KERNEL_GRAPH_STORES RVX_CONFIG_MAX_GRAPH_STORES
/** Sensor sources. */
#ifndef RVX_KERNEL_SENSORS
#define RVX_KERNEL_SENSORS 16u
#endif
/** Sensor subscriptions. */
#ifndef RVX_KERNEL_SUBSCRIPTIONS
#define RVX_KERNEL_SUBSCRIPTIONS 32u
#endif
/** CPUs the scheduler serves. */
#ifndef RVX_KERNEL_CPUS
#define RVX_KERNEL_CPUS 4u
#endif
/** Scheduler partitions (0: the root's; lib/part gives its partition i the id i + 1). */
#ifndef RVX_KERNEL_PARTITIONS
#define RVX_KERNEL_PARTITIONS 8u
#endif
/** Mounted packages. */
#ifndef RVX_KERNEL_MOUNTS
#define RVX_KERNEL_MOUNTS 8u
#endif
/** Largest attestation payload AttestEmit takes (bytes). */
#define RVX_KERNEL_ATTEST_MAX 256u
/** Most hits one VectorGet query returns (its `k`); the hits are staged in
 * the kernel before they are copied out. */
#define RVX_KERNEL_KNN_MAX 256u
/** Default relative deadline of a task spawned with deadline 0 (ns). */
#define RVX_KERNEL_DEFAULT_DEADLINE_NS 10000000u

_Static_assert(RVX_KERNEL_OBJECTS >= RVX_KERNEL_TASKS + 8u, "registry holds the tasks");
_Static_assert(RVX_KERNEL_TASKS <= 256u, "task ids fit the kernel's tables");

/**
 * Boot stages (SPEC "Packages and boot"), in the order a port passes them.
 * Each leaves one RVX_WITNESS_BOOT_STAGE record whose target is the stage
 * number and whose arguments are the stage's 32-byte digest (or none).
 */
enum rvx_kernel_boot_stage {
	RVX_KERNEL_BOOT_RESET = 1,         /**< The machine left reset (entry code ran). */
	RVX_KERNEL_BOOT_HARDWARE = 2,      /**< Hardware detected (digest: SHA-256 of the DTB). */
	RVX_KERNEL_BOOT_CONSOLE = 3,       /**< The console is up. */
	RVX_KERNEL_BOOT_MMU = 4,           /**< The MMU is on. */
	RVX_KERNEL_BOOT_OBJECTS_READY = 5, /**< Kernel objects ready (rvx_kernel_boot() writes it). */
	RVX_KERNEL_BOOT_PACKAGE = 6,       /**< The root package was verified and mounted. */
	RVX_KERNEL_BOOT_FIRST_TASK = 7,    /**< The first task was dispatched. */
	RVX_KERNEL_BOOT_STAGE_COUNT        /**< One past the last stage; not a stage. */
};

/** A stage the port reached before the kernel existed, recorded at boot. */
struct rvx_kernel_early_stage {
	uint32_t stage;        /**< An `enum rvx_kernel_boot_stage` below OBJECTS_READY. */
	uint32_t has_digest;   /**< 1 if @ref digest is recorded, 0 for no arguments. */
	uint64_t time_ns;      /**< When the stage completed (ns, on the boot clock). */
	uint8_t digest[32];    /**< The stage's digest (e.g. SHA-256 of the DTB). */
};

/** What the embedder provides at boot. Pools may be NULL with size 0. */
struct rvx_kernel_config {
	void *region_pool;          /**< Memory RegionMap carves regions from (16-byte aligned). */
	size_t region_pool_size;    /**< Bytes at region_pool. */
	void *queue_pool;           /**< Memory queues are carved from (cache-line aligned). */
	size_t queue_pool_size;     /**< Bytes at queue_pool. */
	void *journal;              /**< Journal storage, or NULL for no journal. */
	size_t journal_size;        /**< Bytes at journal. */
	void *witness_ring;         /**< Storage of witness_records 64-byte records (the default sink). */
	/** Records the ring holds (it overwrites the oldest). With an embedder
	 * sink: the records the sink keeps, which a package's witness policy
	 * may ask for (0: the sink keeps every record, e.g. streams them out). */
	uint32_t witness_records;
	uint32_t cpu_count;         /**< CPUs, 1..RVX_KERNEL_CPUS. */
	const struct rvx_witness_sink *sink; /**< An embedder sink instead of the ring, or NULL. */
	void *vec_scratch;          /**< k-NN scratch memory (RVX_VEC_SCRATCH_BYTES). */
	size_t vec_scratch_size;    /**< Bytes at vec_scratch. */
	uint32_t vec_scratch_capacity; /**< Largest store capacity the scratch serves. */
	uint32_t vec_scratch_ef;    /**< Largest ef the scratch serves. */
	uint64_t period_ns;         /**< Scheduler budget period (ns, non-zero). */
	const struct rvx_kernel_early_stage *early_stages; /**< Stages before boot, or NULL. */
	uint32_t early_stage_count; /**< Entries at early_stages (0..4). */
	/** Alignment and size granule of every region's bytes in the region
	 *  pool: 0 for RVX_REGION_ALIGN, else a power of two from
	 *  RVX_REGION_ALIGN to 65536. A port that maps regions into address
	 *  spaces sets its page size, so no two regions share a page. */
	uint32_t region_align;
	uint64_t epoch_ns;          /**< rvx_kernel_tick() closes a traffic epoch this often (0: never). */
	void *store_pool;           /**< Memory the vector and graph stores of mounted packages are carved from (64-byte aligned), or NULL. */
	size_t store_pool_size;     /**< Bytes at store_pool. */
};

/** Kernel bookkeeping of one task. */
struct rvx_kernel_task {
	rvx_handle_t sched;   /**< The scheduler's task handle. */
	rvx_handle_t object;  /**< The task's registry object. */
	rvx_handle_t timer;   /**< The armed wait timer, or null. */
	uint64_t entry;       /**< Entry point given at spawn. */
	uint32_t live;        /**< 1 if the task exists. */
	uint32_t priority;    /**< Priority given at spawn. */
	uint32_t wait;        /**< What the task waits for: 0 nothing, 1 a queue, 2 a timer. */
	uint32_t wait_index;  /**< The queue index waited on. */
	uint32_t timed_out;   /**< 1 if the last queue wait ended by its timeout. */
	uint32_t reserved;    /**< 0. */
	/** NUL-padded name: the package manifest's for a task RvfMount
	 *  created (set with the mount, so its MOUNT record covers it), empty
	 *  for a task TaskSpawn or a port created. */
	char name[RVX_KERNEL_TASK_NAME];
};

/** A region and its registry object. */
struct rvx_kernel_region {
	struct rvx_region region; /**< The region. */
	rvx_handle_t object;      /**< Its registry object. */
	uint32_t live;            /**< 1 if it exists. */
	uint32_t reserved;        /**< 0. */
};

/** A queue, its registry object and its waiting receiver. */
struct rvx_kernel_queue {
	struct rvx_queue queue;   /**< The queue. */
	rvx_handle_t object;      /**< Its registry object. */
	uint32_t live;            /**< 1 if it exists. */
	uint32_t waiter;          /**< Task blocked receiving, or RVX_CAP_NIL. */
	uint64_t dropped;         /**< Sensor events dropped because the queue was full. */
	uint64_t epoch_msgs[2];   /**< Messages sent [0] and received [1] in the open epoch. */
	uint64_t epoch_bytes[2];  /**< Payload bytes sent [0] and received [1] in the open epoch. */
	uint64_t closed_msgs[2];  /**< Messages sent [0] and received [1] in closed epochs. */
	uint64_t closed_bytes[2]; /**< Payload bytes sent [0] and received [1] in closed epochs. */
	uint32_t epoch_peer[2];   /**< Task + 1 of the current run of sends [0] (0: none, or a sensor's) / that last received [1] in the open epoch. */
	uint32_t epoch_shared[2]; /**< 1 if more than one task sent [0] / received [1] in the open epoch. */
	uint32_t sender[RVX_KERNEL_QUEUE_SENDERS];       /**< Task + 1 of each sender of the open epoch (0: free). */
	uint64_t sender_msgs[RVX_KERNEL_QUEUE_SENDERS];  /**< Its messages, up to the start of the current run. */
	uint64_t sender_bytes[RVX_KERNEL_QUEUE_SENDERS]; /**< Its bytes, likewise. */
	uint64_t run_msgs;        /**< epoch_msgs[0] when the current sender's run of sends began. */
	uint64_t run_bytes;       /**< epoch_bytes[0] likewise. */
	uint32_t run_slot;        /**< Slot of the current run's sender, or RVX_KERNEL_QUEUE_SENDERS (none). */
	uint32_t last_sender;     /**< Task + 1 that last sent in the open epoch (0: none). */
};

/** A vector store with its proof policy. */
struct rvx_kernel_vstore {
	struct rvx_vec_store store;    /**< The store. */
	struct rvx_proof_policy policy;/**< Proof policy of VectorPutProved. */
	rvx_handle_t object;           /**< Its registry object. */
	uint32_t live;                 /**< 1 if it exists. */
	uint32_t reserved;             /**< 0. */
	uint64_t pool_base;            /**< A mounted store: its offset in the store pool. */
	uint64_t pool_size;            /**< A mounted store: the pool bytes it has (0: embedder memory). */
	uint64_t state_size;           /**< A mounted store: its state bytes (a checkpoint's share). */
};

/** One vector store's VectorGet calls in the open epoch. */
struct rvx_kernel_gets {
	uint64_t calls; /**< Successful calls (lookups and k-NN queries). */
	uint64_t bytes; /**< Bytes they returned (vectors or hits). */
};

/**
 * The open epoch's counts of the two syscalls that change no kept state,
 * folded into its summary by rvx_kernel_epoch_close(). Not state: a
 * checkpoint holds them as zero.
 */
struct rvx_kernel_reads {
	uint64_t waits;                                      /**< Successful TimerWait calls. */
	struct rvx_kernel_gets gets[RVX_KERNEL_VECTOR_STORES]; /**< VectorGet calls per vector store. */
};

/** A graph store with its proof policy. */
struct rvx_kernel_gstore {
	struct rvx_graph graph;        /**< The store. */
	struct rvx_proof_policy policy;/**< Proof policy of GraphApplyProved. */
	rvx_handle_t object;           /**< Its registry object. */
	uint32_t live;                 /**< 1 if it exists. */
	uint32_t flags;                /**< The store's RVX_GRAPH_FLAG_* bits. */
	uint64_t pool_base;            /**< A mounted store: its offset in the store pool. */
	uint64_t pool_size;            /**< A mounted store: the pool bytes it has (0: embedder memory). */
	uint64_t state_size;           /**< A mounted store: its state bytes (a checkpoint's share). */
};

/** A registered sensor source. */
struct rvx_kernel_sensor {
	rvx_handle_t object; /**< Its registry object. */
	uint64_t events;     /**< Events delivered. */
	uint32_t live;       /**< 1 if registered. */
	uint32_t type_id;    /**< Message type id of its events. */
};

/** A sensor subscription: events of a sensor go into a queue. */
struct rvx_kernel_sub {
	uint32_t live;    /**< 1 if made (it delivers only while both capabilities hold). */
	uint32_t sensor;  /**< Sensor index. */
	uint32_t queue;   /**< Queue index. */
	uint32_t task;    /**< Subscribing task. */
	uint64_t sensor_cap; /**< The sensor capability it was made with (task's table). */
	uint64_t queue_cap;  /**< The queue capability it was made with (task's table). */
};

/** A proof policy a package's manifest gave one of its regions or queues. */
struct rvx_kernel_obj_policy {
	struct rvx_proof_policy policy; /**< The policy AttestEmit on the object is verified under. */
	uint32_t set;                   /**< 1 if the manifest gave one (else the attestation policy applies). */
	uint32_t reserved;              /**< 0. */
};

/** A mounted package. */
struct rvx_kernel_mount {
	rvx_handle_t object;      /**< Its registry object. */
	uint32_t live;            /**< 1 if mounted. */
	uint32_t task_count;      /**< Tasks it created. */
	uint32_t region_count;    /**< Regions it created. */
	uint32_t queue_count;     /**< Queues it created. */
	uint8_t package_hash[32]; /**< The package hash (as in its MOUNT record). */
	uint32_t vector_count;    /**< Vector stores it created. */
	uint32_t graph_count;     /**< Graph stores it created. */
	uint32_t checkpoint_every;/**< Its witness policy's checkpoint interval in records (0: none). */
	uint32_t reserved;        /**< 0. */
};

/** Bytes of an issuer's nonce window a proved syscall journals (struct
 * rvx_proof_issuer_state up to its key cache, which is never journaled). */
#define RVX_KERNEL_ISSUER_JOURNAL_BYTES 44u
/** Bytes of the call header that opens a syscall's journal payload. */
#define RVX_KERNEL_CALL_HEADER_BYTES 112u
/** Bytes of the tag that closes every journal payload the kernel writes
 *  (see rvx_kernel_replay()). */
#define RVX_KERNEL_JOURNAL_TAG_BYTES 32u
/** Magic of the call header ("RVXS" little-endian). */
#define RVX_KERNEL_CALL_MAGIC UINT32_C(0x53585652)

/**
 * The call header that opens a syscall's journal payload: the call as it
 * was issued, so replay can issue it again. Its wire form is these fields
 * at these offsets, each integer little-endian (RVX_KERNEL_CALL_HEADER_BYTES
 * in all); rvx_kernel_call_header_encode() writes it and
 * rvx_kernel_call_header_decode() reads it. After it come the issuer's
 * nonce window (RVX_KERNEL_ISSUER_JOURNAL_BYTES, if has_issuer), the
 * journaled input (in_len bytes), the record's own arguments and the tag.
 */
struct rvx_kernel_call_header {
	uint32_t magic;       /**< RVX_KERNEL_CALL_MAGIC. */
	uint32_t nr;          /**< Syscall number. */
	uint32_t task;        /**< Calling task. */
	uint32_t flags;       /**< The call's flags. */
	uint64_t cap;         /**< The call's capability. */
	uint64_t cap2;        /**< Its second capability. */
	uint64_t arg[7];      /**< Its scalar arguments. */
	uint64_t in_len;      /**< Bytes of input the payload carries after the issuer window. */
	uint64_t aux_len;     /**< The call's aux_len. */
	uint32_t issuer_slot; /**< Issuer table index of the accepting capability (0 if none). */
	uint32_t has_issuer;  /**< 1 if a proof was accepted and its issuer window follows. */
};

_Static_assert(sizeof(struct rvx_kernel_call_header) == RVX_KERNEL_CALL_HEADER_BYTES,
	       "call header size");
_Static_assert(offsetof(struct rvx_kernel_call_header, magic) == 0, "call header magic");
_Static_assert(offsetof(struct rvx_kernel_call_header, nr) == 4, "call header nr");
_Static_assert(offsetof(struct rvx_kernel_call_header, task) == 8, "call header task");
_Static_assert(offsetof(struct rvx_kernel_call_header, flags) == 12, "call header flags");
_Static_assert(offsetof(struct rvx_kernel_call_header, cap) == 16, "call header cap");
_Static_assert(offsetof(struct rvx_kernel_call_header, cap2) == 24, "call header cap2");
_Static_assert(offsetof(struct rvx_kernel_call_header, arg) == 32, "call header arg");
_Static_assert(offsetof(struct rvx_kernel_call_header, in_len) == 88, "call header in_len");
_Static_assert(offsetof(struct rvx_kernel_call_header, aux_len) == 96, "call header aux_len");
_Static_assert(offsetof(struct rvx_kernel_call_header, issuer_slot) == 104,
	       "call header issuer_slot");
_Static_assert(offsetof(struct rvx_kernel_call_header, has_issuer) == 108,
	       "call header has_issuer");

/**
 * Write a call header's wire form.
 * @param h the header (its magic is written as given)
 * @param[out] out RVX_KERNEL_CALL_HEADER_BYTES bytes
 */
void rvx_kernel_call_header_encode(const struct rvx_kernel_call_header *h, uint8_t *out);

/**
 * Read a call header from the start of a journal payload. No range check
 * beyond the magic: replay checks the fields against the kernel.
 * @param in the payload
 * @param len bytes at @p in
 * @param[out] h the header (unchanged on failure)
 * @retval 0 decoded
 * @retval -RVX_EINVAL @p in or @p h is NULL
 * @retval -RVX_ENOTSUP @p len < RVX_KERNEL_CALL_HEADER_BYTES or the magic
 *         is not RVX_KERNEL_CALL_MAGIC: the payload is not a call's
 */
int rvx_kernel_call_header_decode(const uint8_t *in, size_t len,
				  struct rvx_kernel_call_header *h);

/**
 * The syscall being dispatched (transient: all zero outside rvx_syscall()
 * and rvx_kernel_replay(), so a checkpoint holds zeros here). It lets the
 * witness path journal the call's canonical arguments and, during replay,
 * compare the rebuilt record with the journal's copy.
 */
struct rvx_kernel_call {
	uint32_t active;       /**< 1 inside a journaled syscall. */
	uint32_t replay;       /**< 1 when the call re-applies a journal entry. */
	uint32_t nr;           /**< Syscall number. */
	uint32_t task;         /**< Calling task. */
	uint32_t has_issuer;   /**< 1 once a proof was accepted (issuer_* valid). */
	uint32_t issuer_slot;  /**< Issuer table index of the accepting capability. */
	uint32_t matched;      /**< Replay: the entry's record was rebuilt identically. */
	uint32_t in_journaled; /**< Bytes of the input buffer the payload carries. */
	const struct rvx_syscall_args *args; /**< The call's arguments. */
	const struct rvx_witness_entry *expect; /**< Replay: the journal entry. */
	uint8_t issuer[RVX_KERNEL_ISSUER_JOURNAL_BYTES]; /**< The issuer's nonce window after the proof. */
	uint32_t reserved;     /**< 0. */
	const void *in_staged; /**< The kernel's copy of the input to journal, or NULL (the caller's buffer). */
};

/**
 * Kernel-owned staging for the store syscalls: a caller's buffers are
 * copied in (and results out) through it, so the stores only ever see
 * aligned kernel memory. Zero between calls (each call clears what it
 * used), so it adds nothing to the state a checkpoint or a snapshot sees.
 */
struct rvx_kernel_stage {
	/** VectorPutProved's mutation payload (RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES():
	 * the coherence word in vec[0], the vector from vec[1]), or VectorGet's
	 * query (from vec[1]). */
	float vec[1u + RVX_VEC_DIM_MAX];
	/** VectorGet's hits before they are copied out. */
	struct rvx_vec_hit hits[RVX_KERNEL_KNN_MAX];
};

/**
 * Largest dimension of a vector store the kernel accepts: the vector
 * library's own limit. A proved put is journaled as one entry (call
 * header, issuer window, the vector, then the record's 16 bytes of key,
 * coherence and dimension), and RVX_WITNESS_ARGS_MAX is sized so that the
 * largest one fits: every store the kernel makes can be written.
 */
#define RVX_KERNEL_VEC_DIM_MAX RVX_VEC_DIM_MAX

_Static_assert(RVX_KERNEL_CALL_HEADER_BYTES + RVX_KERNEL_ISSUER_JOURNAL_BYTES +
			       4u * (size_t)RVX_KERNEL_VEC_DIM_MAX + 16u +
			       RVX_KERNEL_JOURNAL_TAG_BYTES <=
		       RVX_WITNESS_ARGS_MAX,
	       "a proved put of the largest vector fits one journal entry");

/** Scheduler storage in 64-bit words. */
#define RVX_KERNEL_SCHED_WORDS_                                                \
	((RVX_SCHED_STORAGE_SIZE(RVX_KERNEL_TASKS, RVX_KERNEL_CPUS,            \
				 RVX_KERNEL_PARTITIONS, RVX_KERNEL_TASKS) + 7u) / 8u)
/** Timer storage in 64-bit words (one wait timer per task). */
#define RVX_KERNEL_TIMER_WORDS_ ((RVX_TIMER_STORAGE_SIZE(RVX_KERNEL_TASKS) + 7u) / 8u)

/*
 * A port changes kernel state only through the calls in this header, which
 * witness and journal what they do; it never reads or writes a field of
 * struct rvx_kernel. Ports build with RVX_KERNEL_OPAQUE defined, which
 * renames every field, so a port that touches one does not compile.
 */
#ifdef RVX_KERNEL_OPAQUE
/** A field of struct rvx_kernel, renamed out of a port's reach. */
#define RVX_KERNEL_FIELD(name) name##_private_
#else
/** A field of struct rvx_kernel (the nucleus and tests see the name). */
#define RVX_KERNEL_FIELD(name) name
#endif

/** Syscalls rvx_kernel_trace_read() keeps (the most recent ones). */
#define RVX_KERNEL_TRACE_ENTRIES 16u

/** One traced syscall (rvx_kernel_trace_read()). */
struct rvx_kernel_trace_entry {
	uint64_t time;  /**< Kernel time of the call. */
	uint32_t task;  /**< Calling task. */
	uint32_t nr;    /**< Syscall number. */
	int32_t ret;    /**< What rvx_syscall() returned (0 or -RVX_E*). */
	uint32_t reserved; /**< 0. */
};

/**
 * What the kernel observes of itself for an operator (ruvix/nucleus_query.h):
 * proof decisions and the syscall trace. Not state: a checkpoint holds it as
 * zero, and a restore clears it.
 */
struct rvx_kernel_observe {
	uint64_t proof_accepted[4];  /**< Proofs accepted, by the tier verified (index: `enum rvx_proof_tier`). */
	uint64_t proof_rejected[4];  /**< Proofs rejected, by the tier the object's policy demands. */
	uint64_t proof_reasons[RVX_PROOF_REASON_COUNT]; /**< Proofs rejected, by `enum rvx_proof_reason`. */
	uint32_t trace_on;           /**< 1 while syscalls are traced. */
	uint32_t trace_next;         /**< Trace slot the next call goes to. */
	uint64_t trace_count;        /**< Calls traced since boot. */
	struct rvx_kernel_trace_entry trace[RVX_KERNEL_TRACE_ENTRIES]; /**< The most recent calls. */
};

/**
 * The kernel. Every table is inline (compile-time limits); pools come from
 * the configuration. Treat the fields as private: use the functions below.
 */
struct rvx_kernel {
	uint32_t RVX_KERNEL_FIELD(booted);      /**< 1 after rvx_kernel_boot(). */
	uint32_t RVX_KERNEL_FIELD(cpu_count);   /**< CPUs. */
	uint64_t RVX_KERNEL_FIELD(now);         /**< Kernel time (ns), from boot and rvx_kernel_tick(). */
	struct rvx_cap_space RVX_KERNEL_FIELD(caps); /**< The capability space. */
	struct rvx_cap_slot RVX_KERNEL_FIELD(cap_slots)[RVX_KERNEL_TASKS * RVX_KERNEL_SLOTS]; /**< Capability slots. */
	struct rvx_cap_table RVX_KERNEL_FIELD(cap_tables)[RVX_KERNEL_TASKS]; /**< One table per task. */
	struct rvx_cap_object RVX_KERNEL_FIELD(cap_objects)[RVX_KERNEL_OBJECTS]; /**< The object registry. */
	struct rvx_sched RVX_KERNEL_FIELD(sched);  /**< The scheduler. */
	uint64_t RVX_KERNEL_FIELD(sched_mem)[RVX_KERNEL_SCHED_WORDS_]; /**< Scheduler storage. */
	struct rvx_timer RVX_KERNEL_FIELD(timers); /**< Wait timers. */
	uint64_t RVX_KERNEL_FIELD(timer_mem)[RVX_KERNEL_TIMER_WORDS_]; /**< Timer storage. */
	struct rvx_proof_engine RVX_KERNEL_FIELD(proof); /**< The proof engine. */
	uint8_t RVX_KERNEL_FIELD(ckpt_key)[32]; /**< Checkpoint MAC key: HMAC-SHA256(secret, "ruvix.ckpt.v1"). */
	uint8_t RVX_KERNEL_FIELD(journal_key)[64]; /**< Journal tag key HMAC-SHA256(secret, "ruvix.journal.v1"), as its HMAC inner and outer SHA-256 states. */
	struct rvx_proof_issuer_state RVX_KERNEL_FIELD(issuers)[RVX_KERNEL_TASKS * RVX_KERNEL_SLOTS]; /**< Per capability slot. */
	struct rvx_proof_policy RVX_KERNEL_FIELD(attest_policy); /**< Proof policy of AttestEmit. */
	struct rvx_kernel_obj_policy RVX_KERNEL_FIELD(region_policy)[RVX_KERNEL_REGIONS]; /**< Mounted regions' AttestEmit policies. */
	struct rvx_kernel_obj_policy RVX_KERNEL_FIELD(queue_policy)[RVX_KERNEL_QUEUES];   /**< Mounted queues' AttestEmit policies. */
	struct rvx_witness_log RVX_KERNEL_FIELD(log);    /**< The witness log. */
	struct rvx_witness_ring RVX_KERNEL_FIELD(ring);  /**< The default sink. */
	struct rvx_witness_journal RVX_KERNEL_FIELD(journal); /**< The journal (if configured). */
	uint32_t RVX_KERNEL_FIELD(has_journal);          /**< 1 if the journal is configured. */
	uint32_t RVX_KERNEL_FIELD(has_scratch);          /**< 1 if k-NN scratch is configured. */
	struct rvx_vec_scratch RVX_KERNEL_FIELD(scratch);/**< k-NN scratch. */
	uint8_t *RVX_KERNEL_FIELD(region_pool);          /**< Region pool base. */
	size_t RVX_KERNEL_FIELD(region_pool_size);       /**< Region pool bytes. */
	size_t RVX_KERNEL_FIELD(region_pool_used);       /**< Region pool bytes handed out. */
	size_t RVX_KERNEL_FIELD(region_align);           /**< Granule of region bytes in the pool. */
	uint8_t *RVX_KERNEL_FIELD(queue_pool);           /**< Queue pool base. */
	size_t RVX_KERNEL_FIELD(queue_pool_size);        /**< Queue pool bytes. */
	size_t RVX_KERNEL_FIELD(queue_pool_used);        /**< Queue pool bytes handed out. */
	uint8_t *RVX_KERNEL_FIELD(store_pool);           /**< Store pool base (mounted stores). */
	size_t RVX_KERNEL_FIELD(store_pool_size);        /**< Store pool bytes. */
	size_t RVX_KERNEL_FIELD(store_pool_used);        /**< Store pool bytes handed out. */
	uint64_t RVX_KERNEL_FIELD(witness_keep);         /**< Witness records the ring or sink keeps (0: every record). */
	struct rvx_kernel_task RVX_KERNEL_FIELD(tasks)[RVX_KERNEL_TASKS];      /**< Tasks. */
	struct rvx_kernel_region RVX_KERNEL_FIELD(regions)[RVX_KERNEL_REGIONS];/**< Regions. */
	struct rvx_kernel_queue RVX_KERNEL_FIELD(queues)[RVX_KERNEL_QUEUES];   /**< Queues. */
	struct rvx_kernel_vstore RVX_KERNEL_FIELD(vstores)[RVX_KERNEL_VECTOR_STORES]; /**< Vector stores. */
	struct rvx_kernel_gstore RVX_KERNEL_FIELD(gstores)[RVX_KERNEL_GRAPH_STORES];  /**< Graph stores. */
	struct rvx_kernel_sensor RVX_KERNEL_FIELD(sensors)[RVX_KERNEL_SENSORS];       /**< Sensors. */
	struct rvx_kernel_sub RVX_KERNEL_FIELD(subs)[RVX_KERNEL_SUBSCRIPTIONS];       /**< Subscriptions. */
	struct rvx_kernel_mount RVX_KERNEL_FIELD(mounts)[RVX_KERNEL_MOUNTS];       /**< Mounted packages. */
	struct rvx_rvf_trusted_keys RVX_KERNEL_FIELD(trusted); /**< Keys RvfMount accepts (embedder memory). */
	rvx_handle_t RVX_KERNEL_FIELD(clock_object);     /**< The clock object TimerWait capabilities name. */
	struct rvx_kernel_reads RVX_KERNEL_FIELD(reads); /**< The open epoch's reads and waits (never in a checkpoint). */
	uint64_t RVX_KERNEL_FIELD(epoch_ns);             /**< Automatic epoch length (ns), 0 for none. */
	uint64_t RVX_KERNEL_FIELD(epoch_started);        /**< Kernel time the open epoch began. */
	uint64_t RVX_KERNEL_FIELD(clock_floor);          /**< Latest time this kernel reached before its last restore (never in a checkpoint). */
	struct rvx_kernel_observe RVX_KERNEL_FIELD(observe); /**< Proof decisions and the syscall trace (never in a checkpoint). */
	struct rvx_kernel_call RVX_KERNEL_FIELD(call);   /**< The syscall in progress (zero between calls). */
	struct rvx_kernel_stage RVX_KERNEL_FIELD(stage); /**< Store syscalls' staging (zero between calls). */
};

/** Alignment of the store pool (struct rvx_kernel_config.store_pool). */
#define RVX_KERNEL_STORE_ALIGN 64u

/** Declare a static kernel named @p name. */
#define RVX_KERNEL_DEFINE(name)                                                \
	_Static_assert(sizeof(struct rvx_kernel) > 0, "kernel");               \
	static alignas(RVX_CONFIG_CACHE_LINE) struct rvx_kernel name

/** The capabilities boot mints into the root task (task 0). */
struct rvx_kernel_root {
	rvx_handle_t task;  /**< The root's own task capability (all rights). */
	rvx_handle_t clock; /**< The clock capability TimerWait needs (all rights). */
};

/** Counts for a shell's introspection. */
struct rvx_kernel_stats {
	uint32_t tasks;      /**< Live tasks. */
	uint32_t caps;       /**< Capabilities in all tables. */
	uint32_t objects;    /**< Registry entries in use. */
	uint32_t regions;    /**< Live regions. */
	uint32_t queues;     /**< Live queues. */
	uint32_t vstores;    /**< Live vector stores. */
	uint32_t gstores;    /**< Live graph stores. */
	uint32_t sensors;    /**< Registered sensors. */
	uint32_t subs;       /**< Active subscriptions. */
	uint32_t mounts;     /**< Mounted packages. */
	uint32_t blocked;    /**< Tasks blocked in a wait. */
	uint64_t witness_records; /**< Records appended to the witness log. */
};

/**
 * Bytes a kernel object needs (the object itself; pools are separate).
 * @param cfg the configuration (unused today; sizes are compile-time)
 * @return sizeof(struct rvx_kernel)
 */
size_t rvx_kernel_storage_size(const struct rvx_kernel_config *cfg);

/**
 * Boot a kernel: initialise every table, the proof engine with @p secret and
 * the witness log, create the root task (task 0, READY) and mint its
 * capabilities. Witnessed: one boot-stage record per early stage in
 * @p cfg (strictly increasing stages below OBJECTS_READY, times
 * non-decreasing and not after @p now), the OBJECTS_READY stage and the
 * root's spawn.
 * @param[out] k       the kernel (its previous bytes are ignored)
 * @param cfg          pools and sizes
 * @param secret       the kernel secret (RVX_PROOF_SECRET_MIN..MAX bytes)
 * @param secret_len   bytes at @p secret
 * @param now          boot time (ns)
 * @param[out] root    the root task's capabilities (may be NULL)
 * @retval 0 booted
 * @retval -RVX_EINVAL a NULL pointer, a bad secret length, cpu_count or
 *         period out of range, a pool pointer NULL with a non-zero size, a
 *         store pool not RVX_KERNEL_STORE_ALIGN-aligned, or
 *         bad early stages (order, range, time, has_digest above 1)
 * @retval -RVX_ENOMEM the witness ring or scratch is missing or too small
 */
int rvx_kernel_boot(struct rvx_kernel *k, const struct rvx_kernel_config *cfg,
		    const void *secret, size_t secret_len, uint64_t now,
		    struct rvx_kernel_root *root);

/**
 * Advance kernel time and expire wait timers, waking the tasks they belong to.
 * @param k    the kernel
 * @param now  the new time (ns); earlier than the kernel's time is an error
 * @return the number of tasks woken (>= 0), or:
 * @retval -RVX_EINVAL @p k not booted, or @p now earlier than the kernel's time
 */
int rvx_kernel_tick(struct rvx_kernel *k, uint64_t now);

/**
 * Close the traffic epoch: queue traffic is not witnessed message by message
 * (that would cost a SHA-256 block per message on the IPC path) but counted
 * per queue, and summarised here in one EPOCH_SUMMARY record. The two
 * syscalls that change no kept state, VectorGet and TimerWait, are counted
 * the same way, so every successful call is covered by the log. The
 * descriptors that enter the epoch's running hash (ruvix/witness.h,
 * rvx_witness_note_traffic()), counts and bytes saturated to 32 bits:
 * - for each queue with traffic, in index order: kind QUEUE_SEND then
 *   QUEUE_RECV, actor = messages, target = the queue's registry handle,
 *   bytes = payload bytes;
 * - then for each vector store read, in index order: kind VECTOR_GET,
 *   actor = successful VectorGet calls (lookups and k-NN queries), target =
 *   the store's registry handle, bytes = bytes returned (vectors or hits);
 * - then, if the clock was waited on: kind TIMER_WAIT, actor = successful
 *   TimerWait calls, target = the clock's registry handle, bytes = 0.
 * The record's target is the number of descriptors. A failed call is not
 * counted. rvx_kernel_tick() calls this every `epoch_ns` of kernel time when
 * the configuration sets it and the epoch has any of these. Journaled;
 * replay re-appends the journaled summary (traffic, reads and waits
 * themselves are not journaled). The read and wait counts are not state (the
 * calls change none): a checkpoint holds them as zero and a restored kernel
 * starts them at zero, so a read leaves every state hash as it was; reads
 * of an epoch still open when a checkpoint is taken are summarised by the
 * kernel that made them (and, through its journal, by replay), not by a
 * kernel restored from that checkpoint. Queue counts are state and are kept.
 * @param k the kernel
 * @retval 0 the summary was appended and a new epoch began
 * @retval -RVX_EINVAL @p k not booted, or called from inside a syscall
 * @retval -RVX_EFULL the journal is full; nothing changed
 * @retval other the witness sink's error; nothing changed
 */
int rvx_kernel_epoch_close(struct rvx_kernel *k);

/**
 * End a task (for a port: its entry returned, or the port stopped it). The
 * task's capabilities are deleted with every capability derived from them
 * in any table (so subscriptions made with them stop), its wait timer is
 * cancelled, a queue wait dropped, its scheduler entry and registry object
 * released; its index may be reused by a later TaskSpawn. Witnessed as a
 * TASK_EXIT record (actor = task, target = its registry handle, arguments =
 * the exit code) and journaled; rvx_kernel_replay() re-applies it. The
 * index is free at once, so a port with several CPUs ends a task only from
 * the CPU running it (switching away in the same hold of its lock) or while
 * no CPU runs it: a CPU still on the task's stack would share it with the
 * next task spawned into the index.
 * @param k    the kernel
 * @param task the task (not the root, task 0)
 * @param code the exit code recorded
 * @retval 0 the task is gone
 * @retval -RVX_EINVAL @p k not booted, called inside a syscall, or @p task
 *         not a live task
 * @retval -RVX_EPERM @p task is the root task
 * @retval -RVX_EFULL the journal is full; nothing changed
 */
int rvx_kernel_task_exit(struct rvx_kernel *k, uint32_t task, int32_t code);

/**
 * Would rvx_kernel_task_exit() of each of @p tasks, one after the other,
 * succeed now? For a port that must end several tasks with nothing allowed
 * to fail once it starts (a partition stopped for good). Changes nothing.
 * @param k     the kernel
 * @param tasks the tasks (distinct)
 * @param n     how many
 * @retval 0 every exit would succeed (the journal has room for @p n TASK_EXIT entries)
 * @retval -RVX_EINVAL @p k not booted, called inside a syscall, @p tasks NULL with
 *         @p n > 0, @p n above RVX_KERNEL_TASKS, a task not live, or a task given twice
 * @retval -RVX_EPERM a task is the root task
 * @retval -RVX_EFULL the journal has no room for @p n TASK_EXIT entries
 */
int rvx_kernel_task_exit_check(const struct rvx_kernel *k, const uint32_t *tasks, uint32_t n);

/** Largest argument block rvx_kernel_port_record() takes (bytes). */
#define RVX_KERNEL_PORT_RECORD_MAX 64u

/**
 * Record a privileged action the port performed outside the syscalls (the
 * hypervisor layer: partition create/destroy/suspend/resume, device lease
 * grant/expiry/revoke, capability grants across partitions, faults,
 * recovery steps, switch summaries). Journaled like a syscall;
 * rvx_kernel_replay() re-appends it as journaled (the action itself is the
 * port's to redo).
 * @param k      the kernel
 * @param kind   RVX_WITNESS_PARTITION_CREATE..RVX_WITNESS_SWITCH_SUMMARY, or
 *               at least RVX_WITNESS_KIND_USER
 * @param actor  who acted (a partition, a task)
 * @param target what it acted on
 * @param args   up to RVX_KERNEL_PORT_RECORD_MAX bytes (may be NULL if @p len is 0)
 * @param len    bytes at @p args
 * @retval 0 recorded
 * @retval -RVX_EINVAL @p k not booted, called inside a syscall, a kind outside
 *         the port's range, or bad @p args / @p len
 * @retval -RVX_EFULL the journal is full; nothing was recorded
 */
int rvx_kernel_port_record(struct rvx_kernel *k, uint16_t kind, uint32_t actor, uint64_t target,
			   const void *args, size_t len);

/**
 * Record a boot stage reached after rvx_kernel_boot() (PACKAGE, FIRST_TASK).
 * Journaled like a syscall, so rvx_kernel_replay() rebuilds it.
 * @param k      the kernel
 * @param stage  RVX_KERNEL_BOOT_PACKAGE or RVX_KERNEL_BOOT_FIRST_TASK
 * @param digest 32 bytes recorded as the record's arguments, or NULL for none
 * @retval 0 recorded
 * @retval -RVX_EINVAL @p k not booted, or @p stage not a post-boot stage
 * @retval -RVX_EFULL the journal is full; nothing was recorded
 */
int rvx_kernel_boot_stage(struct rvx_kernel *k, uint32_t stage, const uint8_t *digest);

/**
 * For a port's task runtime: pick the task CPU @p cpu runs next (the
 * scheduler's choice among READY tasks placed on that CPU). The task
 * becomes RUNNING until it blocks in a syscall or rvx_kernel_put() hands it
 * back.
 * @param k         the kernel
 * @param cpu       the CPU, below the configured cpu_count, with no task running
 * @param[out] task the kernel task index (the `task` argument of rvx_syscall())
 * @param[out] entry the entry point the task was spawned with (may be NULL)
 * @retval 0 picked
 * @retval -RVX_EINVAL a NULL @p task, @p k not booted or @p cpu out of range
 * @retval -RVX_EBUSY a task is already running on @p cpu
 * @retval -RVX_EEMPTY no task is ready on @p cpu
 */
int rvx_kernel_pick(struct rvx_kernel *k, uint32_t cpu, uint32_t *task, uint64_t *entry);

/**
 * For a port's task runtime: hand the task running on @p cpu back to the
 * scheduler (preempted by a tick, or yielding); it stays READY.
 * @param k      the kernel
 * @param cpu    the CPU
 * @param task   the task running there
 * @param ran_ns how long it ran since it was picked (charged to its budget)
 * @param yield  1 to start its next job (deadline moves on), 0 to keep it
 * @retval 0 done
 * @retval -RVX_EINVAL @p k not booted, @p cpu or @p task out of range, or
 *         @p task is not the task running on @p cpu
 */
int rvx_kernel_put(struct rvx_kernel *k, uint32_t cpu, uint32_t task, uint64_t ran_ns,
		   int yield);

/**
 * For a port's task runtime: rvx_kernel_put() and then rvx_kernel_pick() in
 * one call (the same choice; one lookup and one check of the task). It is
 * O(1) when the task handed back keeps the CPU (see rvx_sched_put_pick()).
 * @param k          the kernel
 * @param cpu        the CPU
 * @param task       the task running there
 * @param ran_ns     how long it ran since it was picked (charged to its budget)
 * @param yield      1 to start its next job (deadline moves on), 0 to keep it
 * @param[out] next  the kernel task index to run next (possibly @p task)
 * @param[out] entry the entry point @p next was spawned with (may be NULL)
 * @retval 0 handed back and picked
 * @retval -RVX_EINVAL a NULL @p next, @p k not booted, @p cpu or @p task out
 *         of range, or @p task is not the task running on @p cpu; nothing
 *         changed
 */
int rvx_kernel_put_pick(struct rvx_kernel *k, uint32_t cpu, uint32_t task, uint64_t ran_ns,
			int yield, uint32_t *next, uint64_t *entry);

/**
 * Dispatch one syscall for @p task. Arguments per call (all handles are in
 * the caller's table; `cap` is the gating capability):
 * - 0 TaskSpawn: cap TASK with EXECUTE; arg[0] entry, arg[1] priority
 *   (0 most urgent .. 255, as in packages: the scheduler's urgency is
 *   255 - priority, a key boost of up to RVX_SCHED_URGENCY_BOOST_MAX_NS),
 *   arg[2] relative deadline ns (0: default), arg[3] partition, arg[4] cpu,
 *   arg[5] 0 for the lowest free task index, or the index + 1 the child
 *   must take (free and not the root's, else -RVX_EBUSY; a port rebuilding
 *   a task gives it back its index, whose table's slot generations have
 *   moved on past every handle the ended task held);
 *   in: array of `struct rvx_syscall_capxfer` (at most RVX_KERNEL_SLOTS);
 *   out: array of uint64 receiving the child's handles. value[0] = task id.
 * - 1 CapGrant: cap the source; arg[0] destination task, arg[1] rights,
 *   arg[2] badge; value[0] = the child handle. With RVX_SYSCALL_F_REVOKE:
 *   revoke everything derived from cap (needs REVOKE); value[0] = count.
 *   With RVX_SYSCALL_F_PROVE_KEY (alone): cap a live capability of the
 *   caller with PROVE (else -RVX_ERIGHTS; -RVX_EREVOKED if revoked or its
 *   identity was superseded by a restore); cap2, arg[], in and aux_len 0;
 *   out at least sizeof(struct rvx_syscall_prove_key) (NULL: -RVX_EINVAL,
 *   shorter: -RVX_EBUFSMALL) receives exactly that struct: the
 *   capability's proof key (rvx_proof_issuer_key()), its identity, the
 *   next nonce and the tier its object's policy demands. A PROVE_KEY
 *   record (arguments: the identity, u64, and the object index, u32; never
 *   the key) is written first; value[0] = the bytes written. The key lets
 *   the task mint Reflex and Standard tokens that verify only when it
 *   presents them through this same capability.
 * - 2 RegionMap: cap TASK with WRITE; arg[0] policy, arg[1] size, arg[2]
 *   slab slot size; in: initial contents (immutable); value[0] = the region
 *   capability (READ|WRITE|GRANT|REVOKE).
 * - 3 QueueSend: cap QUEUE with WRITE; arg[0] type id, arg[1] priority,
 *   arg[2] coherence; in: payload, or with RVX_SYSCALL_F_DESC a
 *   `struct rvx_region_desc` whose region is a capability with READ.
 * - 4 QueueRecv: cap QUEUE with READ; out: payload buffer; aux: a
 *   `struct rvx_queue_msg_hdr` to fill; with RVX_SYSCALL_F_BLOCK arg[0] is the
 *   timeout (ns). value[0] = payload length.
 * - 5 TimerWait: cap TIMER (the clock) with READ; arg[0] deadline, or a
 *   duration with RVX_SYSCALL_F_RELATIVE. No record of its own: each
 *   successful call is counted and summarised per epoch
 *   (rvx_kernel_epoch_close()).
 * - 6 RvfMount: cap TASK with EXECUTE and WRITE; in: the package bytes;
 *   aux: one uint64 handle per required capability of the manifest (in
 *   order; each of the required type, with the required rights and GRANT);
 *   out (optional): uint32 task ids of the created tasks. The package's
 *   signature (rvx_rvf_verify() against the trusted keys) is its proof.
 *   All-or-nothing: every table, pool (the store pool included) and
 *   capability table is checked for room, and every store configuration
 *   and seed record is judged by the stores' own rules, before anything is
 *   created; one MOUNT record holds the package hash. Then regions,
 *   queues, vector and graph stores (seeded, under their manifest proof
 *   policy, else the open Reflex one) and tasks are created in index order
 *   and exactly the manifest's wires are granted. A witness policy asking
 *   for more records than the kernel keeps is refused (-RVX_EMANIFEST); its
 *   checkpoint interval is kept (rvx_kernel_checkpoint_every()). value[0]
 *   = the MOUNT capability (all rights), value[1] = the mount index,
 *   value[2] = tasks. Uses about 10 KiB of stack for the decoded package
 *   and the plan.
 * - 7 AttestEmit: cap any capability with PROVE naming the attested object
 *   (verified under the policy a package's manifest gave that region or
 *   queue, else under the kernel's attestation policy, open Reflex);
 *   arg[0] key; in: attestation (at most RVX_KERNEL_ATTEST_MAX bytes); aux:
 *   the proof token (issuer: the id rvx_kernel_proof_issuer() gives for a
 *   PROVE capability in the caller's table; a token naming a capability of
 *   another task is rejected with RVX_PROOF_REJECT_ISSUER).
 * - 8 VectorGet: cap VECTOR_STORE with READ; arg[0] key, out floats; or with
 *   RVX_SYSCALL_F_QUERY in the query, arg[0] k (1..RVX_KERNEL_KNN_MAX and
 *   at most the scratch's ef), arg[1] ef, out `struct rvx_vec_hit` array.
 *   value[0] = dimension or hit count. The buffers may have any alignment
 *   (they are copied through kernel storage). No record of its own: each
 *   successful call and the bytes it returned are counted per store and
 *   summarised per epoch (rvx_kernel_epoch_close()).
 * - 9 VectorPutProved: cap VECTOR_STORE with WRITE; arg[0] key, arg[1]
 *   coherence (Q16.16, at most 1.0); in: the vector (any alignment); aux:
 *   the proof token.
 * - 10 GraphApplyProved: cap GRAPH_STORE with WRITE; in: a
 *   `struct rvx_graph_mutation`; aux: the proof token.
 * - 11 SensorSubscribe: cap SENSOR with READ; cap2 QUEUE with WRITE;
 *   value[0] = subscription index.
 *
 * Proved calls bind the proof to (syscall, the target's registry handle,
 * key, payload): for VectorPutProved the key and the payload of
 * rvx_syscall_vector_put_payload() (the coherence value and the vector, so
 * a policy's minimum coherence judges a value the proof covers); for
 * GraphApplyProved the node id and the 64-byte canonical mutation encoding;
 * for AttestEmit the key and the attestation bytes. The result then carries
 * the attestation. A rejected proof leaves a PROOF_REJECTED witness record
 * and nothing else.
 * @param k       the kernel
 * @param task    the calling task
 * @param nr      the syscall number
 * @param a       the arguments
 * @param[out] r  the result (written only on success)
 * @retval 0 done (r->status is RVX_SYSCALL_DONE or RVX_SYSCALL_BLOCKED)
 * @retval -RVX_EINVAL unknown or unimplemented @p nr, bad version, flags,
 *         task or argument
 * @retval -RVX_EBADCAP a handle names no capability
 * @retval -RVX_ESTALE a handle's slot was freed since
 * @retval -RVX_EREVOKED the capability was revoked
 * @retval -RVX_ETYPE the capability names the wrong kind of object
 * @retval -RVX_ERIGHTS the capability lacks a right
 * @retval -RVX_ECANTGRANT the source capability may not be granted
 * @retval -RVX_EDEPTH delegation too deep
 * @retval -RVX_EPERM badge conflict
 * @retval -RVX_ELIMIT a table, pool or store is full
 * @retval -RVX_ENOMEM the region pool has no room
 * @retval -RVX_EFULL the queue or the journal is full
 * @retval -RVX_EEMPTY the queue is empty (non-blocking receive)
 * @retval -RVX_EMSGSIZE the message is larger than the queue's slots
 * @retval -RVX_EBADDESC a descriptor does not lie inside its region
 * @retval -RVX_EPOLICY the region's policy forbids descriptors
 * @retval -RVX_EBUFSMALL an output buffer is too small
 * @retval -RVX_ENOENT a key, node or edge does not exist
 * @retval -RVX_EEXIST a node or edge already exists
 * @retval -RVX_EBUSY the task already waits, or TaskSpawn's requested
 *         task index is in use
 * @retval -RVX_EPROOF the proof was rejected
 * @retval -RVX_EBADSIG a Deep proof's signature is bad, or a package's
 *         hashes or signature do not verify
 * @retval -RVX_EMANIFEST a package's manifest is malformed, or asks for
 *         what this kernel cannot provide (partition, queue shape)
 */
int rvx_syscall(struct rvx_kernel *k, uint32_t task, uint32_t nr,
		const struct rvx_syscall_args *a, struct rvx_syscall_result *r);

/**
 * Create a queue from the queue pool and mint a capability into @p task.
 * Witnessed (QUEUE_CREATE).
 * @param k            the kernel
 * @param task         the task receiving the capability
 * @param slot_count   slots per priority (a power of two, >= 2)
 * @param max_payload  largest payload (bytes)
 * @param rights       rights of the capability
 * @param[out] cap     the capability
 * @retval 0 created
 * @retval -RVX_EINVAL bad task, sizes or rights, or NULL
 * @retval -RVX_ELIMIT no queue or registry entry or capability slot is free
 * @retval -RVX_ENOMEM the queue pool has no room
 * @retval -RVX_EFULL the journal is full
 */
int rvx_kernel_queue_create(struct rvx_kernel *k, uint32_t task, uint32_t slot_count,
			    uint32_t max_payload, rvx_rights_t rights, rvx_handle_t *cap);

/**
 * Create a vector store over embedder memory with a proof policy and mint a
 * capability into @p task. Witnessed (OBJECT_CREATE).
 * @param k        the kernel
 * @param task     the task receiving the capability
 * @param cfg      the store's configuration
 * @param mem      store memory (rvx_vec_store_size() bytes, 64-byte aligned)
 * @param size     bytes at @p mem
 * @param policy   the proof policy for VectorPutProved
 * @param rights   rights of the capability
 * @param[out] cap the capability
 * @retval 0 created
 * @retval -RVX_EINVAL bad task, configuration, memory or rights, or NULL
 * @retval -RVX_ENOTSUP the dimension is above RVX_KERNEL_VEC_DIM_MAX (a
 *         proved put of such a vector cannot be journaled)
 * @retval -RVX_ENOMEM @p size too small
 * @retval -RVX_ELIMIT no store, registry entry or capability slot is free
 * @retval -RVX_EFULL the journal is full
 */
int rvx_kernel_vector_store_create(struct rvx_kernel *k, uint32_t task,
				   const struct rvx_vec_config *cfg, void *mem, size_t size,
				   const struct rvx_proof_policy *policy, rvx_rights_t rights,
				   rvx_handle_t *cap);

/**
 * Create a graph store over embedder memory with a proof policy and mint a
 * capability into @p task. Witnessed (OBJECT_CREATE).
 * @param k        the kernel
 * @param task     the task receiving the capability
 * @param cfg      the store's configuration
 * @param mem      store memory (rvx_graph_size() bytes, 64-byte aligned)
 * @param size     bytes at @p mem
 * @param policy   the proof policy for GraphApplyProved
 * @param rights   rights of the capability
 * @param[out] cap the capability
 * @retval 0 created
 * @retval -RVX_EINVAL bad task, configuration, memory or rights, or NULL
 * @retval -RVX_ENOMEM @p size too small
 * @retval -RVX_ELIMIT no store, registry entry or capability slot is free
 * @retval -RVX_EFULL the journal is full
 */
int rvx_kernel_graph_store_create(struct rvx_kernel *k, uint32_t task,
				  const struct rvx_graph_config *cfg, void *mem, size_t size,
				  const struct rvx_proof_policy *policy, rvx_rights_t rights,
				  rvx_handle_t *cap);

/**
 * Register a sensor source and mint a capability for it into @p task.
 * Witnessed (OBJECT_CREATE).
 * @param k        the kernel
 * @param task     the task receiving the capability
 * @param type_id  the message type id of the sensor's events
 * @param rights   rights of the capability
 * @param[out] sensor the sensor's index (for rvx_kernel_sensor_deliver())
 * @param[out] cap the capability
 * @retval 0 registered
 * @retval -RVX_EINVAL bad task or rights, or NULL
 * @retval -RVX_ELIMIT no sensor, registry entry or capability slot is free
 * @retval -RVX_EFULL the journal is full
 */
int rvx_kernel_sensor_register(struct rvx_kernel *k, uint32_t task, uint32_t type_id,
			       rvx_rights_t rights, uint32_t *sensor, rvx_handle_t *cap);

/**
 * Deliver one sensor event into every queue subscribed to the sensor (the
 * header's type id is the sensor's). A full queue drops the event and counts
 * it; a receiver blocked on the queue is woken. Traffic, not a mutation: it
 * is covered by the witness log's epoch summary.
 * @param k        the kernel
 * @param sensor   the sensor index
 * @param hdr      the message header (type id is overwritten; flags must be 0)
 * @param payload  the payload (hdr->length bytes)
 * @return the number of queues the event went into (>= 0), or:
 * @retval -RVX_EINVAL @p sensor not registered, NULL, or a bad header
 */
int rvx_kernel_sensor_deliver(struct rvx_kernel *k, uint32_t sensor,
			      const struct rvx_queue_msg_hdr *hdr, const void *payload);

/**
 * Set the public keys RvfMount accepts package signatures from. The keys
 * stay in the embedder's memory.
 * @param k     the kernel
 * @param keys  65-byte uncompressed P-256 keys back to back
 * @param count how many
 * @retval 0 set
 * @retval -RVX_EINVAL @p k not booted, or @p keys NULL with a non-zero count
 */
int rvx_kernel_trusted_keys_set(struct rvx_kernel *k, const uint8_t *keys, uint32_t count);

/**
 * Bytes of a checkpoint of the kernel (rvx_kernel_checkpoint()).
 * @param k the kernel
 * @return the size, or 0 if @p k is NULL or not booted
 */
size_t rvx_kernel_checkpoint_size(const struct rvx_kernel *k);

/**
 * Write a checkpoint of the whole kernel state in lib/witness's checkpoint
 * format (one nucleus section): the tables, the scheduler and timers, the
 * capability space, the witness log's chain state, the proof issuers'
 * nonce windows (not their secret-derived keys), the used part of both
 * pools and each live store's state bytes. Embedder bindings (pool and
 * store addresses, sink, ring, journal, scratch, trusted keys, the proof
 * engine's secret context, the checkpoint key) are not in it. It ends with
 * a MAC (RVX_CKPT_F_MAC) under the checkpoint key, HMAC-SHA256 of the
 * kernel secret and the label "ruvix.ckpt.v1" (a key of its own, never the
 * proof keys), so only a kernel booted with the same secret restores it.
 * A read: the kernel is unchanged and no witness record is written.
 * @param k           the kernel
 * @param[out] out    the checkpoint
 * @param cap         bytes at @p out
 * @param[out] written bytes written (may be NULL)
 * @param[out] state_hash the checkpoint's trailer: SHA-256 of the state (may be NULL)
 * @retval 0 written
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 * @retval -RVX_EBUFSMALL @p cap is smaller than rvx_kernel_checkpoint_size()
 */
int rvx_kernel_checkpoint(const struct rvx_kernel *k, uint8_t *out, size_t cap, size_t *written,
			  uint8_t state_hash[32]);

/**
 * Restore a checkpoint into a kernel booted with the same configuration
 * geometry (CPU count, pool sizes at least the used parts) and the same
 * secret, with the same vector and graph stores created at the same
 * indices. Everything is validated before any byte changes: the format
 * and digest, the MAC (a checkpoint written under another secret, or edited
 * and re-digested, is refused), and every structural invariant of the state
 * (each library's own rvx_*_validate() for the capability space, scheduler,
 * timers, regions and queues, rvx_vec_store_validate() and
 * rvx_graph_validate() for each store's state bytes, which must have the
 * destination store's configuration; every pool offset and table index; and
 * the nucleus's own invariants: each live task with its own scheduler
 * control block, BLOCKED exactly when it waits, with a wait timer armed for
 * it exactly then, queue waiters agreeing with their tasks, every registry
 * entry in use named by exactly one live kernel entry of its type, pool
 * ranges disjoint, unused entries and the staging area zero). The
 * kernel's journal restarts
 * empty (it then holds what follows the checkpoint); rvx_kernel_replay()
 * re-applies a journal on top of the restored state.
 *
 * Restoring never re-opens a used or expired proof. Each proof issuer's
 * nonce window is a floor: the checkpoint's entry is merged into the
 * kernel's (rvx_proof_issuer_restore(): the union of both windows for the
 * same capability; where the entry has since gone to a newer capability,
 * the newer one keeps it and the checkpoint's older capability proves
 * nothing again, since its later use is no longer known), so every token
 * this kernel accepted before the restore stays rejected, also when the
 * same capability is re-created after the restore.
 * The clock is a floor too: the kernel time comes back as the checkpoint's
 * (the state is the checkpoint's, bit for bit, and replay re-runs its
 * history at the journaled times), but proofs are judged at the latest time
 * this kernel ever reached (kept in `clock_floor`), so a token that had
 * expired stays expired. A restore into a freshly booted kernel has no
 * floors beyond its boot time, and reproduces the checkpoint exactly.
 * @param k    the kernel (keeps its bindings)
 * @param in   the checkpoint
 * @param len  bytes at @p in
 * @retval 0 restored
 * @retval -RVX_EINVAL a NULL pointer, a kernel not booted, or the checkpoint
 *         is corrupted, truncated, unauthenticated (MAC missing or wrong),
 *         structurally invalid or does not fit this kernel
 */
int rvx_kernel_restore(struct rvx_kernel *k, const uint8_t *in, size_t len);

/**
 * Supplies a mounted package's bytes again during replay. The journal holds
 * a mount's package hash, not the package (which may be far larger than a
 * journal entry); the embedder keeps its packages and hands the one with
 * @p hash back. The kernel verifies the bytes (signature and hash) again.
 * @param ctx       the embedder's context
 * @param hash      the package hash of the MOUNT record
 * @param[out] pkg  the package bytes (must stay valid during the call)
 * @param[out] len  bytes at @p pkg
 * @retval 0 supplied
 * @retval -RVX_ENOENT the embedder has no such package (any error stops replay)
 */
typedef int (*rvx_kernel_package_fn)(void *ctx, const uint8_t hash[32], const uint8_t **pkg,
				     size_t *len);

/**
 * Re-apply a journal on top of a restored checkpoint, so the state hash and
 * the witness chain head match the original run's bit for bit.
 *
 * Every syscall that writes a witness record (TaskSpawn, CapGrant,
 * RegionMap, RvfMount, AttestEmit, VectorPutProved, GraphApplyProved,
 * SensorSubscribe, and proof rejections) journals a payload that opens with
 * a call header (RVX_KERNEL_CALL_HEADER_BYTES: magic, number, task, flags,
 * cap, cap2, arg[7], input bytes, aux length, issuer slot, issuer flag), then
 * the accepting issuer's nonce window (RVX_KERNEL_ISSUER_JOURNAL_BYTES, if a
 * proof was accepted), then the input buffer (RegionMap's initial data, the
 * vector, the graph mutation, the capability transfers, the attestation;
 * for RvfMount its required-capability handles from aux: the package
 * comes back through @p package by its hash), then the record's own
 * canonical arguments. The record's args
 * digest covers all of it.
 *
 * Every payload the kernel journals (syscalls, stages, summaries, port
 * records, task exits) ends with a RVX_KERNEL_JOURNAL_TAG_BYTES tag:
 * HMAC-SHA256, under a key derived from the kernel secret with the label
 * "ruvix.journal.v1", of the record's first 32 wire bytes (sequence, time,
 * kind, tier, flags, actor, target) and the payload before the tag. Replay
 * checks each entry's tag before it acts on the entry, so a journal is
 * replayed only by a kernel holding the secret that wrote it, and a forged
 * entry (its digests, frame and chain all recomputed) is refused: without
 * the secret nobody can make the kernel re-apply a call it did not accept.
 *
 * For each entry from @p from_seq the kernel checks the entry's payload
 * against its record's digest, sets its time to the record's, and re-issues
 * the call through the ordinary syscall path: every check runs again except
 * proof verification (the proof was verified when the call was made; the
 * journaled nonce window is re-installed instead, and a journaled rejection
 * is re-made as a rejection). Replay and the restore floors: a journaled
 * window is re-installed with rvx_proof_issuer_reapply(), which never
 * shrinks a window of the same capability, so replay re-applies exactly
 * what was accepted without re-opening what this kernel accepted before a
 * restore; and replay runs each call at its record's time even where that
 * lies behind the clock floor, since it re-runs history and verifies no
 * token. Into a freshly booted kernel (or one restored onto its own
 * history) replay reproduces the original state hash and chain head. The record the call rebuilds must equal the
 * journal's copy byte for byte (sequence, time, kind, tier, actor, target,
 * digest and chain link) before it is appended; any divergence stops replay.
 *
 * Not journaled, hence not replayed: queue traffic, sensor deliveries,
 * TimerWait and VectorGet calls and rvx_kernel_tick() (summarised per epoch
 * by the witness log, per SPEC), and the embedder-only creations (queues,
 * stores, sensors: create them before the checkpoint). A segment after the
 * checkpoint that holds such events replays its journaled mutations but
 * does not reach the same state hash; VectorGet calls and TimerWait calls
 * that did not block are the exception, since they change only the
 * epoch's counts, which are not state (rvx_kernel_epoch_close()). After
 * replay the kernel's time is the last record's time.
 *
 * @param k        the kernel, restored from @p ckpt (or from the checkpoint
 *                 whose sequence is @p from_seq when @p ckpt is NULL)
 * @param journal  the journal of the original run (storage distinct from
 *                 the kernel's own journal, which receives the replayed entries)
 * @param from_seq the restored log's sequence; earlier entries are skipped
 * @param ckpt     the checkpoint @p k was restored from, or NULL; when given,
 *                 it is restored again first and again on failure, so a
 *                 failed replay leaves the kernel as restored, except that
 *                 the issuer windows keep the nonces the replayed entries
 *                 had accepted (the floors only rise)
 * @param ckpt_len bytes at @p ckpt
 * @param package  supplies mounted packages (may be NULL if none was mounted)
 * @param ctx      passed to @p package
 * @param[out] replayed entries replayed before returning (may be NULL)
 * @retval 0 every entry from @p from_seq was replayed
 * @retval -RVX_EINVAL a NULL pointer, a kernel not booted, a bad @p ckpt,
 *         the log not at @p from_seq, or the journal skips a sequence
 * @retval -RVX_EBADSIG a malformed frame, an entry whose tag does not
 *         verify (forged, or written under another secret), an entry that
 *         does not match its record's digest, or a rebuilt record that
 *         differs from the journal's (tampered journal or diverged state)
 * @retval -RVX_ENOTSUP an entry that is neither a replayable syscall, a
 *         post-boot stage, an epoch summary nor a port record (boot itself,
 *         embedder creations)
 * @retval -RVX_ENOENT a mount entry whose package @p package does not supply
 * @retval other the re-issued syscall's error (the state diverged)
 */
int rvx_kernel_replay(struct rvx_kernel *k, const struct rvx_witness_journal *journal,
		      uint64_t from_seq, const uint8_t *ckpt, size_t ckpt_len,
		      rvx_kernel_package_fn package, void *ctx, uint64_t *replayed);

/**
 * The issuer a proof made with capability @p cap of @p task names, as the
 * kernel will check it: `id` (the capability's global slot index and that
 * slot's generation, unique in the kernel: put it in the token's `issuer`),
 * badge, object, epoch, rights, issuer-table entry. An embedder that mints
 * tokens derives the MAC key from it with rvx_proof_issuer_key() and
 * encodes the signed bytes with rvx_proof_mac_input() or
 * rvx_proof_signed_bytes(); the key never leaves the kernel in clear.
 * @param k         the kernel
 * @param task      the task holding the capability
 * @param cap       the capability, in @p task's table
 * @param[out] out  the issuer
 * @retval 0 filled
 * @retval -RVX_EINVAL a NULL pointer, @p k not booted or @p task not live
 * @retval -RVX_EBADCAP @p cap names no capability
 * @retval -RVX_ESTALE @p cap's slot was freed since
 */
int rvx_kernel_proof_issuer(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			    struct rvx_proof_issuer *out);

/**
 * The checkpoint interval the mounted packages ask for: the smallest
 * nonzero `checkpoint_every` (witness records between checkpoints) of the
 * live mounts' witness policies, or 0 if none asks. The kernel takes no
 * checkpoint by itself; a port that honours the request calls
 * rvx_kernel_checkpoint() once this many records were appended since its
 * last one.
 * @param k the kernel
 * @return the interval in records, or 0 (also for a NULL or unbooted @p k)
 */
uint32_t rvx_kernel_checkpoint_every(const struct rvx_kernel *k);

/**
 * Counts for a shell.
 * @param k         the kernel
 * @param[out] out  the counts
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 */
int rvx_kernel_stats(const struct rvx_kernel *k, struct rvx_kernel_stats *out);

/** Most bytes rvx_kernel_region_append() appends in one call. */
#define RVX_KERNEL_REGION_APPEND_MAX 1024u

/**
 * Hold a task off the CPU for its port (a suspended partition's task): the
 * task is taken off its run queue (or stops running) until
 * rvx_kernel_task_release(). Witnessed (TASK_HOLD), journaled and replayed.
 * @param k     the kernel
 * @param task  a live task that waits for nothing (READY or RUNNING)
 * @retval 0 held
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall, or
 *         @p task is not a live task
 * @retval -RVX_EBUSY the task waits for a queue or a timer, or is held
 * @retval -RVX_EFULL the journal has no room for the record
 * @retval other the witness sink's error (nothing changed)
 */
int rvx_kernel_task_hold(struct rvx_kernel *k, uint32_t task);

/**
 * Release a task rvx_kernel_task_hold() held: it is READY again.
 * Witnessed (TASK_RELEASE), journaled and replayed.
 * @param k     the kernel
 * @param task  a held task
 * @retval 0 released
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall, or
 *         @p task is not a live task
 * @retval -RVX_EBUSY the task is not held
 * @retval -RVX_EFULL the journal has no room for the record
 * @retval other the witness sink's error (nothing changed)
 */
int rvx_kernel_task_release(struct rvx_kernel *k, uint32_t task);

/**
 * Move a task to another CPU's run queue (same partition). Witnessed
 * (TASK_MIGRATE; arguments: new CPU and old CPU, u32 LE each), journaled and
 * replayed.
 * @param k     the kernel
 * @param task  a live task that is not running
 * @param cpu   the CPU, below the kernel's CPU count
 * @retval 0 moved (or already there)
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall,
 *         @p task is not a live task, or @p cpu is out of range
 * @retval -RVX_EBUSY the task is running
 * @retval -RVX_ELIMIT the CPU's run queue is full
 * @retval -RVX_EFULL the journal has no room for the record
 * @retval other the witness sink's error (nothing changed)
 */
int rvx_kernel_task_migrate(struct rvx_kernel *k, uint32_t task, uint32_t cpu);

/**
 * Would rvx_kernel_task_migrate() succeed? Every check it makes (the
 * journal's room included), changing nothing: after 0, the migration can
 * fail only if the witness sink itself fails.
 * @param k     the kernel
 * @param task  the task
 * @param cpu   the CPU
 * @retval 0 it would
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall,
 *         @p task is not a live task, or @p cpu is out of range
 * @retval -RVX_EBUSY the task is running
 * @retval -RVX_ELIMIT the CPU's run queue is full
 * @retval -RVX_EFULL the journal has no room for the record
 */
int rvx_kernel_task_migrate_check(const struct rvx_kernel *k, uint32_t task, uint32_t cpu);

/**
 * Give a task the coherence engine's scores as scheduling inputs: its cut
 * pressure (moves it earlier) and its structural risk (moves it later), as
 * rvx_sched_task_set_cut_pressure() and rvx_sched_task_set_risk() define
 * them. Not witnessed: scores are high-rate scheduling inputs; the
 * hypervisor layer witnesses the engine's decision they come from, once an
 * epoch. Read them back with rvx_kernel_task_info().
 * @param k        the kernel
 * @param task     a live task
 * @param pressure cut pressure, Q16.16 in [0, 1]
 * @param risk     structural risk, Q16.16 in [0, 1]
 * @retval 0 set
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall,
 *         @p task is not a live task, or a score is above 1.0
 * @retval -RVX_EBUSY the task has ended (DEAD)
 */
int rvx_kernel_task_set_scores(struct rvx_kernel *k, uint32_t task, uint32_t pressure,
			       uint32_t risk);

/**
 * Append bytes to an append-only region on behalf of @p task, through its
 * capability (WRITE). Witnessed (REGION_APPEND; arguments: the capability
 * handle u64 LE, then the bytes), journaled and replayed.
 * @param k       the kernel
 * @param task    the task whose capability is used
 * @param cap     its capability to the region
 * @param data    the bytes
 * @param len     1 .. RVX_KERNEL_REGION_APPEND_MAX
 * @param[out] offset where they went (may be NULL)
 * @retval 0 appended
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall, @p task
 *         is not a live task, @p data is NULL or @p len out of range
 * @retval -RVX_EBADCAP / -RVX_ESTALE / -RVX_ETYPE / -RVX_ERIGHTS / -RVX_EREVOKED
 *         the capability check failed (see rvx_cap_check())
 * @retval -RVX_EPOLICY the region is not append-only
 * @retval -RVX_EREGIONFULL not enough room above the cursor
 * @retval -RVX_EFULL the journal has no room for the record
 * @retval other the witness sink's error (nothing changed)
 */
int rvx_kernel_region_append(struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     const void *data, size_t len, uint64_t *offset);

/**
 * A digest of a vector store's contents over a range of keys, to compare
 * two runs (a hosted one and a target one, say): SHA-256 over each key
 * @p key0 .. @p key0 + @p count - 1 present in the store, in key order, as
 * the key (u64 LE), the store's dimension (u32 LE) and the components'
 * binary32 bits (u32 LE each). Read through @p task's capability (READ).
 * Changes nothing the kernel keeps and writes no record.
 * @param k      the kernel (not inside a syscall)
 * @param task   the task whose capability is used
 * @param cap    its capability to the vector store
 * @param key0   first key
 * @param count  keys in the range
 * @param[out] out   the digest
 * @param[out] found how many keys were present (may be NULL)
 * @retval 0 @p out holds the digest
 * @retval -RVX_EINVAL a NULL or unbooted kernel, inside a syscall, @p task not
 *         live, @p out NULL, or the range wraps
 * @retval -RVX_EBADCAP / -RVX_ESTALE / -RVX_ETYPE / -RVX_ERIGHTS / -RVX_EREVOKED
 *         the capability check failed (see rvx_cap_check())
 */
int rvx_kernel_vector_digest(struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     uint64_t key0, uint32_t count, uint8_t out[32], uint32_t *found);

/** Where a region's bytes lie, for a port that maps them into a task's address space. */
struct rvx_kernel_region_memory {
	void *base;       /**< First byte (kernel address). */
	uint64_t size;    /**< Bytes bound to the region. */
	uint32_t policy;  /**< An `enum rvx_region_policy` value. */
	uint32_t rights;  /**< The rights of the capability asked through. */
};

/**
 * Where the region @p cap (a capability of @p task, any rights) lies, its
 * policy and the capability's rights: what a port needs to map the region
 * into @p task's address space with the permissions the policy and the
 * rights allow. Changes nothing and writes no record.
 * @param k       the kernel
 * @param task    the task whose capability is used
 * @param cap     its capability to the region
 * @param[out] out the region's memory
 * @retval 0 @p out filled
 * @retval -RVX_EINVAL a NULL or unbooted kernel, @p task is not a live task, or @p out is NULL
 * @retval -RVX_EBADCAP / -RVX_ESTALE / -RVX_ETYPE / -RVX_EREVOKED
 *         the capability check failed (see rvx_cap_check())
 */
int rvx_kernel_region_memory(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     struct rvx_kernel_region_memory *out);

/**
 * Read bytes of a region on behalf of @p task, through its capability
 * (READ). Changes nothing and writes no record.
 * @param k       the kernel
 * @param task    the task whose capability is used
 * @param cap     its capability to the region
 * @param offset  first byte
 * @param[out] buf the bytes
 * @param len     bytes to read
 * @retval 0 read
 * @retval -RVX_EINVAL a NULL or unbooted kernel, @p task is not a live task,
 *         @p buf is NULL, or the range is outside what the region allows
 * @retval -RVX_EBADCAP / -RVX_ESTALE / -RVX_ETYPE / -RVX_ERIGHTS / -RVX_EREVOKED
 *         the capability check failed (see rvx_cap_check())
 * @retval -RVX_EPOLICY the region is a slab
 */
int rvx_kernel_region_read(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			   uint64_t offset, void *buf, size_t len);

/**
 * Look up one of a task's capabilities (what it names, with which rights).
 * @param k        the kernel
 * @param task     the task
 * @param cap      the capability handle
 * @param[out] out the capability's description
 * @retval 0 found and live
 * @retval -RVX_EINVAL a NULL or unbooted kernel, or @p task is not a live task
 * @retval other rvx_cap_lookup()'s error (stale, revoked, no such slot)
 */
int rvx_kernel_cap_info(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			struct rvx_cap_info *out);

/** What a port or a shell may know of a task (rvx_kernel_task_info()). */
struct rvx_kernel_task_info {
	rvx_handle_t object; /**< The task's registry object. */
	uint64_t entry;      /**< Entry point given at spawn. */
	uint32_t priority;   /**< Priority given at spawn (0 most urgent). */
	uint32_t cpu;        /**< CPU whose run queue holds it. */
	uint32_t partition;  /**< Scheduler partition. */
	uint32_t state;      /**< `enum rvx_task_state` (READY, RUNNING, BLOCKED, ...). */
	uint32_t held;       /**< 1 if held by rvx_kernel_task_hold(). */
	uint32_t caps;       /**< Capabilities in its table. */
	uint32_t cut_pressure; /**< Its cut pressure in the scheduler, Q16.16 in [0, 1]. */
	uint32_t risk;       /**< Its structural risk in the scheduler, Q16.16 in [0, 1]. */
	uint64_t rel_deadline; /**< Its relative deadline in the scheduler (ns): its class's urgency. */
	/** Its name, NUL-terminated: the manifest's for a mounted task, else
	 *  empty (struct rvx_kernel_task.name). */
	char name[RVX_KERNEL_TASK_NAME];
};

/** A queue's traffic since it was made (rvx_kernel_queue_traffic()). */
struct rvx_kernel_queue_traffic {
	uint64_t sent_messages;     /**< Messages sent (sensor deliveries included). */
	uint64_t sent_bytes;        /**< Their payload bytes. */
	uint64_t received_messages; /**< Messages received. */
	uint64_t received_bytes;    /**< Their payload bytes. */
};

/**
 * A queue's traffic since it was made, from the counters the nucleus keeps
 * for its epoch summaries: the one count of each message, which layers
 * above (a CommEdge's weight) read instead of counting again. Changes
 * nothing.
 * @param k        the kernel
 * @param task     a task holding a capability to the queue
 * @param cap      that capability (any rights)
 * @param[out] out the counts
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel, or @p task is not
 *         a live task
 * @retval -RVX_EBADCAP / -RVX_ESTALE / -RVX_ETYPE / -RVX_EREVOKED the
 *         capability check failed (see rvx_cap_check())
 */
int rvx_kernel_queue_traffic(const struct rvx_kernel *k, uint32_t task, rvx_handle_t cap,
			     struct rvx_kernel_queue_traffic *out);

/** Who used a queue in the open epoch, and how much (rvx_kernel_queue_peers()). */
struct rvx_kernel_queue_peers {
	rvx_handle_t object;        /**< The queue's registry object. */
	uint32_t sender;            /**< Task that last sent in the open epoch, or RVX_CAP_NIL. */
	uint32_t receiver;          /**< Task that last received in the open epoch, or RVX_CAP_NIL. */
	uint32_t senders_shared;    /**< 1 if more than one task sent in the open epoch. */
	uint32_t receivers_shared;  /**< 1 if more than one task received in the open epoch. */
	uint64_t sent_messages;     /**< Messages sent in the open epoch (sensor deliveries included). */
	uint64_t sent_bytes;        /**< Their payload bytes. */
	uint64_t received_messages; /**< Messages received in the open epoch. */
	uint64_t received_bytes;    /**< Their payload bytes. */
	uint32_t sender_count;      /**< Entries in @c senders. */
	uint32_t reserved;          /**< 0. */
	/** The tasks that sent in the open epoch (at most
	 *  `RVX_KERNEL_QUEUE_SENDERS`, in the order they first sent), each with
	 *  what it sent. With more senders than that, a new one takes the slot
	 *  of the one that sent the fewest bytes (ties: the lower slot), whose
	 *  counts are dropped; sensor deliveries are no one's. So the entries
	 *  add up to at most @c sent_messages and @c sent_bytes. */
	struct {
		uint32_t task;      /**< The sender. */
		uint32_t reserved;  /**< 0. */
		uint64_t messages;  /**< Messages it sent. */
		uint64_t bytes;     /**< Their payload bytes. */
	} senders[RVX_KERNEL_QUEUE_SENDERS];
};

/**
 * The earliest deadline among the kernel's armed wait timers (a task's sleep
 * or receive timeout), so that a port whose CPU idles can wake for it rather
 * than at its next periodic tick. Changes nothing.
 * @param k             the kernel
 * @param[out] deadline the deadline (kernel time)
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or an unbooted kernel
 * @retval -RVX_EEMPTY no timer is armed
 */
int rvx_kernel_next_timer(const struct rvx_kernel *k, uint64_t *deadline);

/**
 * Who talks through a queue: the task that last sent on it and the task that
 * last received from it in the open epoch (whether others did too), with the
 * epoch's counts, and each sender's own share (up to
 * `RVX_KERNEL_QUEUE_SENDERS` senders). The shares cost the send fast path
 * nothing while one task keeps sending: a sender's counts are settled when
 * another task (or a sensor delivery) takes over and when they are read. With rvx_kernel_task_info() it gives a port the task graph
 * a placement engine works on (edge sender -> receiver weighted by the
 * queue's traffic). A sensor delivery counts as a message sent but names no
 * sending task. Everything here restarts when the epoch closes
 * (rvx_kernel_epoch_close(), or rvx_kernel_tick() at the epoch length).
 * A failed call (a refused capability, a full queue, an empty one) names no
 * one. Changes nothing.
 * @param k        the kernel
 * @param queue    the queue's index in the registry, 0..RVX_KERNEL_QUEUES-1
 * @param[out] out the peers and counts
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel, or @p queue is out
 *         of range
 * @retval -RVX_ENOENT no queue lives at @p queue
 */
int rvx_kernel_queue_peers(const struct rvx_kernel *k, uint32_t queue,
			   struct rvx_kernel_queue_peers *out);

/**
 * Describe a live task. Changes nothing.
 * @param k        the kernel
 * @param task     the task
 * @param[out] out the description
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel, or @p task is not
 *         a live task
 */
int rvx_kernel_task_info(const struct rvx_kernel *k, uint32_t task,
			 struct rvx_kernel_task_info *out);

/**
 * Describe what occupies one slot of a task's table (by slot index, the
 * order a package's manifest gives capabilities in), live or dead.
 * @param k        the kernel
 * @param task     the task
 * @param slot     slot index, below RVX_KERNEL_SLOTS
 * @param[out] out the description (`revoked` says whether it is dead)
 * @retval 0 the slot is occupied
 * @retval -RVX_EINVAL a NULL or unbooted kernel, @p task is not a live
 *         task, or @p slot is out of range
 * @retval -RVX_ENOENT the slot is empty
 */
int rvx_kernel_cap_slot_info(const struct rvx_kernel *k, uint32_t task, uint32_t slot,
			     struct rvx_cap_info *out);

/**
 * SHA-256 over the capabilities the given tasks hold: for each task in
 * order, each occupied slot's task index (u32 LE) and its
 * rvx_cap_slot_encode() encoding. Changes nothing.
 * @param k      the kernel
 * @param tasks  task indices (may be NULL if @p count is 0)
 * @param count  entries at @p tasks
 * @param[out] out the digest
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, an unbooted kernel, or a task index
 *         out of range
 */
int rvx_kernel_caps_digest(const struct rvx_kernel *k, const uint32_t *tasks, uint32_t count,
			   uint8_t out[32]);

/**
 * The witness chain head.
 * @param k         the kernel
 * @param[out] out  the head
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 */
int rvx_kernel_witness_head(const struct rvx_kernel *k, struct rvx_witness_head *out);

/**
 * The witness log's current point (sequence and chaining value): where an
 * embedder sink that holds records from an anchor starts again after a
 * restore (rvx_witness_keep_restart()), so what it holds next verifies
 * from there.
 * @param k         the kernel
 * @param[out] out  the anchor
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer or the kernel is not booted
 */
int rvx_kernel_witness_anchor(const struct rvx_kernel *k, struct rvx_witness_anchor *out);

/**
 * A read-only view of the kernel's journal (the frames since boot or the
 * last restore), for an embedder that copies them out as they are written
 * (to a disk: ruvix/persist.h). The view points into the journal storage
 * the embedder gave at boot; it is valid until the next call that changes
 * the kernel. Iterate it with rvx_witness_journal_next().
 * @param k         the kernel
 * @param[out] out  the view
 * @retval 0 done
 * @retval -RVX_EINVAL a NULL pointer, the kernel is not booted, or it has no journal
 */
int rvx_kernel_journal_view(const struct rvx_kernel *k, struct rvx_witness_journal *out);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_NUCLEUS_H */
