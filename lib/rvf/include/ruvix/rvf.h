/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file rvf.h
 * @brief Signed packages (RVF): a container of segments whose SHA-256
 *        hashes sit in a table that an ECDSA P-256 signature covers.
 *
 * Order of use:
 * - Kernel side: hold the trusted public keys in a
 *   `struct rvx_rvf_trusted_keys` and call `rvx_rvf_verify()` on the whole
 *   package. It checks the framing, every segment's hash, the signature and
 *   the manifest, and only if all of that holds fills a
 *   `struct rvx_rvf_package`: offsets and lengths into the caller's buffer,
 *   the decoded manifest records (tasks, regions, queues, wires, required
 *   capabilities, proof and witness policy) and the package hash for the
 *   mount's witness record. On failure the view is untouched and the reason
 *   names what was wrong. The nucleus then creates regions, queues and tasks
 *   from the records in index order and grants each wire.
 * - Host side (packing tools): encode the manifest and policy segments with
 *   `rvx_rvf_segment_encode()`, lay out the package with `rvx_rvf_build()`,
 *   sign the digest it returns (ECDSA P-256, raw r || s) and store the
 *   signature with `rvx_rvf_attach_signature()`.
 *
 * The byte layout is specified in docs/rvf.md. Everything is little-endian;
 * the in-memory structs below hold decoded values in host byte order and
 * have the same field order and sizes as the on-disk records. SHA-256 and
 * ECDSA (`br_ec_p256_m31`, `br_ecdsa_i31_vrfy_raw`) are BearSSL's. The
 * library keeps no state: calls are independent and reentrant.
 */
#ifndef RUVIX_RVF_H
#define RUVIX_RVF_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Package magic, 8 bytes including the two trailing NULs. */
#define RVX_RVF_MAGIC "RVXPKG\0\0"
/** Format version this library reads and writes. */
#define RVX_RVF_VERSION 1u
/** Size in bytes of the package header. */
#define RVX_RVF_HEADER_SIZE 64u
/** Size in bytes of one segment-table entry. */
#define RVX_RVF_SEGMENT_ENTRY_SIZE 56u
/** Size in bytes of the signature block (raw ECDSA P-256 r || s). */
#define RVX_RVF_SIG_SIZE 64u
/** Size in bytes of a SHA-256 digest. */
#define RVX_RVF_HASH_SIZE 32u
/** Size in bytes of a key id (first bytes of SHA-256 of the public key). */
#define RVX_RVF_KEY_ID_SIZE 8u
/** Size in bytes of an uncompressed P-256 public key (0x04 || X || Y). */
#define RVX_RVF_PUBKEY_SIZE 65u
/** Alignment in bytes of every segment's offset and of the total length. */
#define RVX_RVF_ALIGN 8u
/** Largest package accepted, in bytes (256 MiB). */
#define RVX_RVF_MAX_PACKAGE ((uint64_t)1u << 28)
/** Most segments in a package. */
#define RVX_RVF_MAX_SEGMENTS 16u
/** Size of the package name field (NUL-padded, at least one NUL). */
#define RVX_RVF_PKG_NAME_SIZE 32u
/** Size of an object name field (NUL-padded, at least one NUL). */
#define RVX_RVF_NAME_SIZE 16u
/** Most tasks in a manifest. */
#define RVX_RVF_MAX_TASKS 16u
/** Most regions in a manifest. */
#define RVX_RVF_MAX_REGIONS 16u
/** Most queues in a manifest. */
#define RVX_RVF_MAX_QUEUES 16u
/** Most wires (capability grants) in a manifest. */
#define RVX_RVF_MAX_WIRES 64u
/** Most required capabilities. */
#define RVX_RVF_MAX_REQUIRED 16u
/** Most per-object proof policies. */
#define RVX_RVF_MAX_PROOF_POLICIES 32u
/** Most Deep-proof authority keys in the proof-policy segment. */
#define RVX_RVF_MAX_AUTHORITY_KEYS 4u
/** Partitions a task may name: 0 .. this - 1. */
#define RVX_RVF_MAX_PARTITIONS 16u
/** Largest region size in bytes (64 MiB). */
#define RVX_RVF_MAX_REGION_SIZE ((uint64_t)1u << 26)
/** Smallest task stack in bytes. */
#define RVX_RVF_MIN_STACK 1024u
/** Largest task stack in bytes. */
#define RVX_RVF_MAX_STACK ((uint32_t)1u << 20)
/** Largest queue slot count (a power of two). */
#define RVX_RVF_MAX_QUEUE_SLOTS ((uint32_t)1u << 20)
/** Largest queue payload in bytes. */
#define RVX_RVF_MAX_QUEUE_PAYLOAD 65536u
/** "No index": a task without a code segment, a region without initial data, a policy without authority. */
#define RVX_RVF_NONE 0xffffffffu
/** Size in bytes of an authority-key record in the proof-policy segment. */
#define RVX_RVF_AUTHORITY_RECORD_SIZE 72u
/** Most vector stores in a manifest. */
#define RVX_RVF_MAX_VECTOR_STORES 4u
/** Most graph stores in a manifest. */
#define RVX_RVF_MAX_GRAPH_STORES 4u
/** Largest vector dimension a manifest may declare. */
#define RVX_RVF_MAX_VECTOR_DIM 4096u
/** Largest vector capacity, node capacity or edge capacity a manifest may declare. */
#define RVX_RVF_MAX_STORE_CAPACITY ((uint32_t)1u << 24)
/** Size in bytes of the header of a vector or graph seed segment. */
#define RVX_RVF_SEED_HEADER_SIZE 16u
/** Size in bytes of one graph seed record (a canonical graph mutation). */
#define RVX_RVF_GRAPH_SEED_RECORD_SIZE 64u
/** Version byte of a graph seed record (the canonical mutation encoding's). */
#define RVX_RVF_GRAPH_SEED_VERSION 1u
/** Kind byte of a graph seed record that adds a node (the encoding's ADD_NODE). */
#define RVX_RVF_GRAPH_SEED_NODE 1u
/** Kind byte of a graph seed record that adds an edge (the encoding's ADD_EDGE). */
#define RVX_RVF_GRAPH_SEED_EDGE 3u
/** Graph store flag: edges from a node to itself are allowed (the graph store's flag). */
#define RVX_RVF_GRAPH_SELF_LOOPS 0x1u
/** Size in bytes of a vector seed record of @p dim components (key, then the components). */
#define RVX_RVF_VECTOR_SEED_RECORD_SIZE(dim) (8u + 4u * (uint64_t)(dim))

/** Segment types. Values are ABI. */
enum rvx_rvf_segment_type {
	RVX_RVF_SEG_MANIFEST = 1,       /**< The manifest: name, tasks, regions, queues, wires (exactly one). */
	RVX_RVF_SEG_CODE = 2,           /**< A code image that tasks enter at an offset. */
	RVX_RVF_SEG_REGION_DATA = 3,    /**< Initial contents of a region. */
	RVX_RVF_SEG_VECTOR_SEED = 4,    /**< Seed data for a vector store (opaque to this library). */
	RVX_RVF_SEG_GRAPH_SEED = 5,     /**< Seed data for a graph store (opaque to this library). */
	RVX_RVF_SEG_PROOF_POLICY = 6,   /**< Per-object proof policies and authority keys (at most one). */
	RVX_RVF_SEG_WITNESS_POLICY = 7, /**< What the mount's objects witness (at most one). */
	RVX_RVF_SEG_REQUIRED_CAPS = 8,  /**< Capabilities the package needs from the kernel (at most one). */
	RVX_RVF_SEG_TYPE_COUNT          /**< One past the last type; not a type. */
};

/** Why a package was refused. Values are ABI (they go into witness records). */
enum rvx_rvf_reason {
	RVX_RVF_OK = 0,              /**< Accepted. */
	RVX_RVF_TRUNCATED = 1,       /**< Shorter than the header or than the header's total length. */
	RVX_RVF_OVERSIZED = 2,       /**< Longer than the header's total length (trailing bytes). */
	RVX_RVF_BAD_MAGIC = 3,       /**< The magic is not `RVX_RVF_MAGIC`. */
	RVX_RVF_BAD_VERSION = 4,     /**< Unknown format version. */
	RVX_RVF_BAD_HEADER = 5,      /**< Header size, flags, reserved bytes, segment count or total length invalid. */
	RVX_RVF_SEG_TYPE = 6,        /**< A segment has an unknown type, flags or nonzero reserved bytes. */
	RVX_RVF_SEG_RANGE = 7,       /**< A segment is empty or lies outside the area between table and signature. */
	RVX_RVF_SEG_ALIGN = 8,       /**< A segment's offset is not a multiple of `RVX_RVF_ALIGN`. */
	RVX_RVF_SEG_OVERLAP = 9,     /**< Two segments overlap. */
	RVX_RVF_PADDING = 10,        /**< A byte outside every segment (between table and signature) is not zero. */
	RVX_RVF_SEG_COUNT = 11,      /**< No manifest segment, or a second manifest or policy segment. */
	RVX_RVF_SEG_HASH = 12,       /**< A segment's SHA-256 is not the one in the table. */
	RVX_RVF_UNSIGNED = 13,       /**< The signature block is all zero. */
	RVX_RVF_UNKNOWN_KEY = 14,    /**< The signer's key id names none of the trusted keys. */
	RVX_RVF_BAD_SIG = 15,        /**< The signature does not verify under the named key. */
	RVX_RVF_MF_LENGTH = 16,      /**< A manifest or policy segment's length disagrees with its counts. */
	RVX_RVF_MF_LIMIT = 17,       /**< A manifest count is above its compile-time limit. */
	RVX_RVF_MF_NAME = 18,        /**< A name is empty, not NUL-padded, or a duplicate. */
	RVX_RVF_MF_RESERVED = 19,    /**< A reserved manifest field or flag bit is set. */
	RVX_RVF_MF_INDEX = 20,       /**< An index (segment, task, region, queue, required cap, key) is out of range or of the wrong kind. */
	RVX_RVF_MF_VALUE = 21,       /**< A size, count, policy, tier or range value is invalid (e.g. a zero-size region). */
	RVX_RVF_MF_RIGHTS = 22,      /**< Rights empty, unknown, not allowed on the object, or wider than required. */
	RVX_RVF_MF_DUPLICATE = 23,   /**< Two wires give one task the same object, or two policies name one object. */
	RVX_RVF_REASON_COUNT         /**< Number of reasons; not a reason. */
};

/** Task flag: `entry` is a symbol id resolved by the embedder, not an offset into a code segment. */
#define RVX_RVF_TASK_ENTRY_SYMBOL 0x0001u

/** A task (component) record: 48 bytes on disk. */
struct rvx_rvf_task {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name. */
	uint32_t code_segment;  /**< Segment index of a code image, or `RVX_RVF_NONE` with `RVX_RVF_TASK_ENTRY_SYMBOL`. */
	uint32_t entry;         /**< Entry offset into the code segment, or the entry symbol id. */
	uint64_t deadline_ns;   /**< Relative deadline of each activation in ns (0 = none). */
	uint32_t stack_size;    /**< Stack bytes, a multiple of 16 in [`RVX_RVF_MIN_STACK`, `RVX_RVF_MAX_STACK`]. */
	uint8_t priority;       /**< Priority (0 is the most urgent). */
	uint8_t partition;      /**< Partition index, below `RVX_RVF_MAX_PARTITIONS`. */
	uint16_t flags;         /**< 0 or `RVX_RVF_TASK_ENTRY_SYMBOL`. */
	uint8_t reserved[8];    /**< Zero. */
};

/** A region record: 48 bytes on disk. */
struct rvx_rvf_region {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name. */
	uint8_t policy;         /**< `enum rvx_region_policy` value: 1 immutable, 2 append-only, 3 slab. */
	uint8_t reserved0[3];   /**< Zero. */
	uint32_t init_segment;  /**< Segment index of a region-data segment, or `RVX_RVF_NONE`. */
	uint64_t size;          /**< Size in bytes, 1 .. `RVX_RVF_MAX_REGION_SIZE`. */
	uint64_t slot_size;     /**< Slab slot size (1 .. size); 0 for other policies. */
	uint8_t reserved[8];    /**< Zero. */
};

/** A queue record: 32 bytes on disk. */
struct rvx_rvf_queue {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name. */
	uint32_t slot_count;    /**< Slots, a power of two up to `RVX_RVF_MAX_QUEUE_SLOTS`. */
	uint32_t max_payload;   /**< Largest message in bytes, 1 .. `RVX_RVF_MAX_QUEUE_PAYLOAD`. */
	uint8_t reserved[8];    /**< Zero. */
};

/** What a wire's object index refers to. Values are ABI. */
enum rvx_rvf_wire_kind {
	RVX_RVF_WIRE_TASK = 1,     /**< A task of the manifest. */
	RVX_RVF_WIRE_REGION = 2,   /**< A region of the manifest. */
	RVX_RVF_WIRE_QUEUE = 3,    /**< A queue of the manifest. */
	RVX_RVF_WIRE_REQUIRED = 4, /**< A required capability (granted by the kernel to the mount). */
	RVX_RVF_WIRE_VECTOR = 5,   /**< A vector store of the manifest. */
	RVX_RVF_WIRE_GRAPH = 6,    /**< A graph store of the manifest. */
};

/** Distance metrics of a manifest's vector store (the vector store's own values). */
enum rvx_rvf_metric {
	RVX_RVF_METRIC_L2 = 0,     /**< Squared Euclidean distance. */
	RVX_RVF_METRIC_COSINE = 1, /**< Cosine distance. */
	RVX_RVF_METRIC_DOT = 2,    /**< Inner product distance. */
};

/**
 * A vector store record: 64 bytes on disk. HNSW parameters left 0 take the
 * kernel's defaults; the kernel judges the resulting configuration when it
 * mounts the package.
 */
struct rvx_rvf_vector_store {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name. */
	uint32_t dim;           /**< Components per vector, 1 .. `RVX_RVF_MAX_VECTOR_DIM`. */
	uint32_t capacity;      /**< Most vectors, 1 .. `RVX_RVF_MAX_STORE_CAPACITY`. */
	uint8_t metric;         /**< `enum rvx_rvf_metric`. */
	uint8_t reserved0[3];   /**< Zero. */
	uint32_t seed_segment;  /**< Segment index of a vector seed segment, or `RVX_RVF_NONE`. */
	uint16_t m;             /**< HNSW links per node above layer 0 (0: default). */
	uint16_t m0;            /**< HNSW links per node on layer 0 (0: default, 2 * m). */
	uint16_t ef_construction; /**< HNSW candidate list while inserting (0: default). */
	uint16_t ef_search;     /**< Default search candidate list (0: default). */
	uint64_t hnsw_seed;     /**< Mixed into level assignment and hashing; any value. */
	uint8_t reserved[16];   /**< Zero. */
};

/** A graph store record: 48 bytes on disk. */
struct rvx_rvf_graph_store {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name. */
	uint32_t node_capacity; /**< Most nodes, 1 .. `RVX_RVF_MAX_STORE_CAPACITY`. */
	uint32_t edge_capacity; /**< Most edges, 1 .. `RVX_RVF_MAX_STORE_CAPACITY`. */
	uint32_t flags;         /**< 0 or `RVX_RVF_GRAPH_SELF_LOOPS`. */
	uint32_t seed_segment;  /**< Segment index of a graph seed segment, or `RVX_RVF_NONE`. */
	uint64_t hash_seed;     /**< Mixed into the store's hash tables; any value. */
	uint8_t reserved[8];    /**< Zero. */
};

/** A wire: task `task` receives a capability to an object with `rights` (16 bytes on disk). */
struct rvx_rvf_wire {
	uint16_t task;          /**< Index of the receiving task. */
	uint8_t kind;           /**< `enum rvx_rvf_wire_kind`. */
	uint8_t reserved0;      /**< Zero. */
	uint16_t object;        /**< Index of the object in its table (by `kind`). */
	uint16_t reserved1;     /**< Zero. */
	uint32_t rights;        /**< `rvx_rights_t` granted; nonzero, allowed on the object. */
	uint32_t reserved2;     /**< Zero. */
};

/** A capability the package needs from the kernel: 32 bytes on disk. */
struct rvx_rvf_required {
	char name[RVX_RVF_NAME_SIZE]; /**< NUL-padded name of the kernel object (e.g. a sensor). */
	uint8_t object_type;    /**< `enum rvx_obj_type` value (1 .. count - 1). */
	uint8_t reserved0[3];   /**< Zero. */
	uint32_t rights;        /**< Rights needed; nonzero subset of `RVX_RIGHTS_ALL`. Wires may not exceed them. */
	uint8_t reserved[8];    /**< Zero. */
};

/** A per-object proof policy: 48 bytes on disk. */
struct rvx_rvf_proof_policy {
	uint8_t kind;           /**< `RVX_RVF_WIRE_REGION`, `_QUEUE`, `_VECTOR` or `_GRAPH`. */
	uint8_t tier;           /**< `enum rvx_proof_tier` value: 1 Reflex, 2 Standard, 3 Deep. */
	uint16_t object;        /**< Index of the region, queue, vector store or graph store. */
	uint32_t min_coherence; /**< Minimum coherence, Q16.16 (0 = none). */
	uint64_t max_payload;   /**< Largest payload in bytes. */
	uint64_t key_lo;        /**< Least key allowed. */
	uint64_t key_hi;        /**< Greatest key allowed (>= key_lo). */
	uint64_t rate_window_ns;/**< Rate window in ns (nonzero if rate_count is). */
	uint32_t rate_count;    /**< Proofs per issuer per window (0 = no limit). */
	uint32_t authority;     /**< Authority key index, or `RVX_RVF_NONE`; Deep needs one. */
};

/** Witness policy flag: witness proved mutations. */
#define RVX_RVF_WITNESS_MUTATIONS 0x01u
/** Witness policy flag: witness capability grants and revocations. */
#define RVX_RVF_WITNESS_CAPS 0x02u
/** Witness policy flag: witness queue traffic. */
#define RVX_RVF_WITNESS_IPC 0x04u
/** Witness policy flag: witness task lifecycle and scheduling events. */
#define RVX_RVF_WITNESS_SCHED 0x08u
/** Every defined witness policy flag. */
#define RVX_RVF_WITNESS_ALL 0x0fu

/** The witness policy: 32 bytes on disk. */
struct rvx_rvf_witness_policy {
	uint32_t flags;             /**< `RVX_RVF_WITNESS_*` bits. */
	uint32_t checkpoint_every;  /**< Records between checkpoints (0 = none). */
	uint64_t log_records;       /**< Records of log storage the mount asks for (0 = kernel default). */
	uint8_t reserved[16];       /**< Zero. */
};

/** One segment as the table describes it. */
struct rvx_rvf_segment {
	uint16_t type;          /**< `enum rvx_rvf_segment_type`. */
	uint16_t flags;         /**< Zero in this version. */
	uint32_t reserved;      /**< Zero. */
	uint64_t offset;        /**< Offset of the first byte in the package. */
	uint64_t length;        /**< Length in bytes (nonzero). */
	uint8_t hash[RVX_RVF_HASH_SIZE]; /**< SHA-256 of the segment's bytes. */
};

/**
 * The decoded manifest: the manifest segment plus the optional
 * required-capability, proof-policy and witness-policy segments. Counts say
 * how many leading entries of each array are used; the rest are zero.
 */
struct rvx_rvf_manifest {
	char name[RVX_RVF_PKG_NAME_SIZE]; /**< NUL-padded package name. */
	uint32_t task_count;     /**< Tasks used. */
	uint32_t region_count;   /**< Regions used. */
	uint32_t queue_count;    /**< Queues used. */
	uint32_t wire_count;     /**< Wires used. */
	uint32_t required_count; /**< Required capabilities used. */
	uint32_t policy_count;   /**< Proof policies used. */
	uint32_t authority_count;/**< Authority keys in the proof-policy segment. */
	uint32_t has_witness_policy; /**< 1 if a witness-policy segment is present. */
	struct rvx_rvf_task tasks[RVX_RVF_MAX_TASKS];       /**< Tasks, by index. */
	struct rvx_rvf_region regions[RVX_RVF_MAX_REGIONS]; /**< Regions, by index. */
	struct rvx_rvf_queue queues[RVX_RVF_MAX_QUEUES];    /**< Queues, by index. */
	struct rvx_rvf_wire wires[RVX_RVF_MAX_WIRES];       /**< Wires, in grant order. */
	struct rvx_rvf_required required[RVX_RVF_MAX_REQUIRED]; /**< Required capabilities, by index. */
	struct rvx_rvf_proof_policy policies[RVX_RVF_MAX_PROOF_POLICIES]; /**< Proof policies. */
	uint64_t authority_offset[RVX_RVF_MAX_AUTHORITY_KEYS]; /**< Offset in the package of each 65-byte authority key. */
	struct rvx_rvf_witness_policy witness; /**< Witness policy (zero if absent). */
	uint32_t vector_count;   /**< Vector stores used. */
	uint32_t graph_count;    /**< Graph stores used. */
	struct rvx_rvf_vector_store vectors[RVX_RVF_MAX_VECTOR_STORES]; /**< Vector stores, by index. */
	struct rvx_rvf_graph_store graphs[RVX_RVF_MAX_GRAPH_STORES];    /**< Graph stores, by index. */
};

/**
 * A verified package: only offsets into the caller's package buffer and
 * decoded values, so it stays valid wherever the buffer is mapped.
 */
struct rvx_rvf_package {
	uint64_t total_length;   /**< Package length in bytes. */
	uint32_t version;        /**< Format version. */
	uint32_t segment_count;  /**< Segments used in `segments`. */
	uint32_t key_index;      /**< Index of the trusted key that signed it (`RVX_RVF_NONE` from `rvx_rvf_inspect()`). */
	uint32_t manifest_segment; /**< Index of the manifest segment. */
	uint8_t key_id[RVX_RVF_KEY_ID_SIZE];     /**< The signer's key id. */
	uint8_t package_hash[RVX_RVF_HASH_SIZE]; /**< SHA-256 of the whole package (for the mount's witness record). */
	uint8_t signed_digest[RVX_RVF_HASH_SIZE];/**< SHA-256 of header || table, the signed message. */
	struct rvx_rvf_segment segments[RVX_RVF_MAX_SEGMENTS]; /**< The segment table, decoded. */
	struct rvx_rvf_manifest manifest; /**< The decoded manifest. */
};

/** The kernel's trusted signer keys. */
struct rvx_rvf_trusted_keys {
	const uint8_t *keys; /**< `count` uncompressed P-256 keys, 65 bytes each, back to back. */
	uint32_t count;      /**< Number of keys. */
};

/** A segment to lay out with `rvx_rvf_build()`. */
struct rvx_rvf_input {
	uint16_t type;        /**< `enum rvx_rvf_segment_type`. */
	const uint8_t *data;  /**< The segment's bytes. */
	size_t length;        /**< Its length (nonzero). */
};

_Static_assert(sizeof(struct rvx_rvf_task) == 48, "task record is 48 bytes");
_Static_assert(offsetof(struct rvx_rvf_task, code_segment) == 16 &&
		       offsetof(struct rvx_rvf_task, deadline_ns) == 24 &&
		       offsetof(struct rvx_rvf_task, stack_size) == 32 &&
		       offsetof(struct rvx_rvf_task, priority) == 36 &&
		       offsetof(struct rvx_rvf_task, flags) == 38 &&
		       offsetof(struct rvx_rvf_task, reserved) == 40,
	       "task record layout");
_Static_assert(sizeof(struct rvx_rvf_region) == 48, "region record is 48 bytes");
_Static_assert(offsetof(struct rvx_rvf_region, policy) == 16 &&
		       offsetof(struct rvx_rvf_region, init_segment) == 20 &&
		       offsetof(struct rvx_rvf_region, size) == 24 &&
		       offsetof(struct rvx_rvf_region, slot_size) == 32 &&
		       offsetof(struct rvx_rvf_region, reserved) == 40,
	       "region record layout");
_Static_assert(sizeof(struct rvx_rvf_queue) == 32 &&
		       offsetof(struct rvx_rvf_queue, slot_count) == 16 &&
		       offsetof(struct rvx_rvf_queue, max_payload) == 20,
	       "queue record layout");
_Static_assert(sizeof(struct rvx_rvf_wire) == 16 &&
		       offsetof(struct rvx_rvf_wire, kind) == 2 &&
		       offsetof(struct rvx_rvf_wire, object) == 4 &&
		       offsetof(struct rvx_rvf_wire, rights) == 8,
	       "wire record layout");
_Static_assert(sizeof(struct rvx_rvf_required) == 32 &&
		       offsetof(struct rvx_rvf_required, object_type) == 16 &&
		       offsetof(struct rvx_rvf_required, rights) == 20,
	       "required-capability record layout");
_Static_assert(sizeof(struct rvx_rvf_proof_policy) == 48 &&
		       offsetof(struct rvx_rvf_proof_policy, min_coherence) == 4 &&
		       offsetof(struct rvx_rvf_proof_policy, max_payload) == 8 &&
		       offsetof(struct rvx_rvf_proof_policy, rate_window_ns) == 32 &&
		       offsetof(struct rvx_rvf_proof_policy, rate_count) == 40 &&
		       offsetof(struct rvx_rvf_proof_policy, authority) == 44,
	       "proof policy record layout");
_Static_assert(sizeof(struct rvx_rvf_vector_store) == 64 &&
		       offsetof(struct rvx_rvf_vector_store, dim) == 16 &&
		       offsetof(struct rvx_rvf_vector_store, metric) == 24 &&
		       offsetof(struct rvx_rvf_vector_store, seed_segment) == 28 &&
		       offsetof(struct rvx_rvf_vector_store, m) == 32 &&
		       offsetof(struct rvx_rvf_vector_store, ef_search) == 38 &&
		       offsetof(struct rvx_rvf_vector_store, hnsw_seed) == 40 &&
		       offsetof(struct rvx_rvf_vector_store, reserved) == 48,
	       "vector store record layout");
_Static_assert(sizeof(struct rvx_rvf_graph_store) == 48 &&
		       offsetof(struct rvx_rvf_graph_store, node_capacity) == 16 &&
		       offsetof(struct rvx_rvf_graph_store, flags) == 24 &&
		       offsetof(struct rvx_rvf_graph_store, seed_segment) == 28 &&
		       offsetof(struct rvx_rvf_graph_store, hash_seed) == 32,
	       "graph store record layout");
_Static_assert(sizeof(struct rvx_rvf_witness_policy) == 32 &&
		       offsetof(struct rvx_rvf_witness_policy, log_records) == 8,
	       "witness policy record layout");
_Static_assert(sizeof(struct rvx_rvf_segment) == RVX_RVF_SEGMENT_ENTRY_SIZE &&
		       offsetof(struct rvx_rvf_segment, offset) == 8 &&
		       offsetof(struct rvx_rvf_segment, length) == 16 &&
		       offsetof(struct rvx_rvf_segment, hash) == 24,
	       "segment table entry layout");

/**
 * Verify a package and, only if it is valid in every respect, decode it.
 * Checks, in order: framing (length, magic, version, header, segment table,
 * bounds, alignment, overlap, zero padding), each segment's SHA-256, the
 * signature (key id among @p keys, then ECDSA P-256 over SHA-256 of header
 * || table), then the manifest and policy segments. No side effects on
 * failure: @p view is written only on success.
 * @param pkg the package bytes
 * @param len their length
 * @param keys the trusted signer keys
 * @param[out] view the decoded package (written only on success)
 * @param[out] reason why it was refused (`RVX_RVF_OK` on success); may be NULL
 * @retval 0 the package is valid and @p view is filled
 * @retval -RVX_EINVAL framing: truncated, oversized, bad magic, version, header, segment table, range, alignment, overlap or padding; or a NULL argument
 * @retval -RVX_EBADSIG integrity: a segment hash mismatch, an unsigned package, an unknown key or a wrong signature
 * @retval -RVX_EMANIFEST the manifest or a policy segment is malformed
 */
int rvx_rvf_verify(const uint8_t *pkg, size_t len, const struct rvx_rvf_trusted_keys *keys,
		   struct rvx_rvf_package *view, enum rvx_rvf_reason *reason);

/**
 * Check and decode a package like `rvx_rvf_verify()` but without checking
 * the signature: for host tools that show a package's contents. Never use
 * it to decide whether to mount a package. `key_index` is `RVX_RVF_NONE`.
 * @param pkg the package bytes
 * @param len their length
 * @param[out] view the decoded package (written only on success)
 * @param[out] reason why it was refused (`RVX_RVF_OK` on success); may be NULL
 * @retval 0 framing, hashes and manifest are valid and @p view is filled
 * @retval -RVX_EINVAL framing error (as for `rvx_rvf_verify()`) or a NULL argument
 * @retval -RVX_EBADSIG a segment hash mismatch
 * @retval -RVX_EMANIFEST the manifest or a policy segment is malformed
 */
int rvx_rvf_inspect(const uint8_t *pkg, size_t len, struct rvx_rvf_package *view,
		    enum rvx_rvf_reason *reason);

/**
 * Compute a public key's key id: the first 8 bytes of its SHA-256.
 * @param pub an uncompressed P-256 public key (65 bytes)
 * @param[out] id the key id (8 bytes)
 */
void rvx_rvf_key_id(const uint8_t pub[RVX_RVF_PUBKEY_SIZE], uint8_t id[RVX_RVF_KEY_ID_SIZE]);

/**
 * Length of the package `rvx_rvf_build()` makes from these segments.
 * @param segs the segments, in table order
 * @param count how many
 * @return the length in bytes (0 if count or a length is out of range)
 */
size_t rvx_rvf_build_size(const struct rvx_rvf_input *segs, uint32_t count);

/**
 * Lay out a package: header, segment table with each segment's hash,
 * segments (8-byte aligned, zero padding between them) and a zero
 * signature block; return the digest the signer must sign. Does not check
 * the segments' contents (the manifest is checked when verified).
 * @param segs the segments, in table order
 * @param count how many (1 .. `RVX_RVF_MAX_SEGMENTS`)
 * @param key_id the signer's key id (from `rvx_rvf_key_id()`)
 * @param[out] out the package buffer
 * @param cap its capacity in bytes
 * @param[out] out_len the package length
 * @param[out] digest SHA-256 of header || table, to be signed
 * @retval 0 built
 * @retval -RVX_EINVAL a NULL argument, count out of range, an empty segment or an unknown type
 * @retval -RVX_EBUFSMALL @p cap is smaller than `rvx_rvf_build_size()`
 */
int rvx_rvf_build(const struct rvx_rvf_input *segs, uint32_t count,
		  const uint8_t key_id[RVX_RVF_KEY_ID_SIZE], uint8_t *out, size_t cap,
		  size_t *out_len, uint8_t digest[RVX_RVF_HASH_SIZE]);

/**
 * Store a raw r || s signature in a built package's signature block.
 * @param[in,out] pkg the package from `rvx_rvf_build()`
 * @param len its length
 * @param sig the raw ECDSA P-256 signature (64 bytes)
 * @retval 0 stored
 * @retval -RVX_EINVAL a NULL argument, or @p pkg is not a package of length @p len
 */
int rvx_rvf_attach_signature(uint8_t *pkg, size_t len, const uint8_t sig[RVX_RVF_SIG_SIZE]);

/**
 * Encode one manifest-family segment from a manifest struct: the manifest
 * itself (name, tasks, regions, queues, wires), the required capabilities,
 * the proof policies (with @p authority_keys) or the witness policy.
 * Values are written as given; `rvx_rvf_verify()` judges them.
 * @param type `RVX_RVF_SEG_MANIFEST`, `_REQUIRED_CAPS`, `_PROOF_POLICY` or `_WITNESS_POLICY`
 * @param m the manifest (counts must be within the limits)
 * @param authority_keys `m->authority_count` 65-byte keys back to back (proof policy only; may be NULL otherwise)
 * @param[out] out the segment buffer
 * @param cap its capacity in bytes
 * @param[out] out_len the segment's length
 * @retval 0 encoded
 * @retval -RVX_EINVAL a NULL argument, an unknown type or a count over its limit
 * @retval -RVX_EBUFSMALL @p cap is too small
 */
int rvx_rvf_segment_encode(enum rvx_rvf_segment_type type, const struct rvx_rvf_manifest *m,
			   const uint8_t *authority_keys, uint8_t *out, size_t cap, size_t *out_len);

/**
 * A short constant description of a reason, for messages.
 * @param reason the reason
 * @return a NUL-terminated string ("unknown reason" if out of range)
 */
const char *rvx_rvf_reason_str(enum rvx_rvf_reason reason);

/**
 * A short constant name of a segment type, for tools.
 * @param type the segment type
 * @return a NUL-terminated string ("unknown" if out of range)
 */
const char *rvx_rvf_segment_type_str(uint32_t type);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_RVF_H */
