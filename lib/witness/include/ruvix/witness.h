/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file witness.h
 * @brief The witness log (a hash chain of 64-byte records), the mutation
 *        journal that holds each mutation's exact arguments, the verifier,
 *        and journal replay.
 *
 * The whole log is ONE SHA-256 message whose 64-byte blocks are the encoded
 * records, in sequence order from the log's origin (sequence 0). Appending a
 * record therefore costs one SHA-256 compression, and the log keeps only the
 * 32-byte chaining value and the sequence. The **chain head** after `n`
 * records is the ordinary SHA-256 digest of the concatenated wire bytes of
 * records 0..n-1 (so the head of an empty log is SHA-256 of the empty
 * string); any SHA-256 implementation can recompute it. Each record also
 * carries, in its `link` field, the first 16 bytes of the chaining value
 * before it (the SHA-256 intermediate state after the previous records, in
 * big-endian word order, the form `br_sha256_state()` produces), so a
 * verifier without a trusted head still locates the first altered record.
 *
 * Order of use:
 * 1. `rvx_witness_log_init()` with a sink that stores records (the library's
 *    memory ring, `rvx_witness_ring_sink()`, or the embedder's own).
 * 2. For each committed mutation, `rvx_witness_commit()` (record + journal
 *    entry) or `rvx_witness_append()` (record only). High-rate traffic that
 *    is not a mutation goes through `rvx_witness_note_traffic()` and is
 *    summarised by `rvx_witness_epoch_close()`.
 * 3. `rvx_witness_head()` gives the chain head to publish or sign.
 * 4. `rvx_witness_verify()` checks a stored log (and journal) against an
 *    optional trusted head.
 * 5. After restoring a checkpoint (ruvix/witness_ckpt.h), `rvx_witness_replay()`
 *    re-applies the journal and re-appends the same records, reaching the
 *    same chain head.
 *
 * Every mutating call checks first and changes nothing when it fails. The
 * library does no locking: the embedder serialises calls on one log.
 */
#ifndef RUVIX_WITNESS_H
#define RUVIX_WITNESS_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of one record on the wire (one SHA-256 block). */
#define RVX_WITNESS_RECORD_SIZE 64u
/** Bytes of the truncated SHA-256 of a record's arguments. */
#define RVX_WITNESS_DIGEST_SIZE 16u
/** Bytes of the chaining-value prefix a record carries. */
#define RVX_WITNESS_LINK_SIZE 16u
/** Bytes of a chain head (a full SHA-256 digest). */
#define RVX_WITNESS_HEAD_SIZE 32u
/** Largest argument payload a journal entry may hold (room for a proved put
 *  of the largest vector, RVX_VEC_DIM_MAX floats, with its call context). */
#define RVX_WITNESS_ARGS_MAX 20480u
/** Magic opening every journal frame: "RVXJ" read as a little-endian u32. */
#define RVX_WITNESS_FRAME_MAGIC UINT32_C(0x4A585652)
/** Bytes a journal frame adds to its payload: magic, length, record, digest. */
#define RVX_WITNESS_FRAME_OVERHEAD (8u + RVX_WITNESS_RECORD_SIZE + RVX_WITNESS_DIGEST_SIZE)
/** Bytes of the journal frame holding @p len payload bytes. */
#define RVX_WITNESS_FRAME_SIZE(len) ((size_t)RVX_WITNESS_FRAME_OVERHEAD + (size_t)(len))
/** Bytes of the canonical payload of an epoch summary record. */
#define RVX_WITNESS_EPOCH_PAYLOAD_SIZE 56u

/** What a record witnesses. Values are stable: they are on the wire. */
enum rvx_witness_kind {
	RVX_WITNESS_NONE = 0,            /**< Never valid in a record. */
	RVX_WITNESS_BOOT_STAGE = 1,      /**< A boot stage completed. */
	RVX_WITNESS_TASK_SPAWN = 2,      /**< A task was created. */
	RVX_WITNESS_TASK_EXIT = 3,       /**< A task exited or was killed. */
	RVX_WITNESS_OBJECT_CREATE = 4,   /**< A kernel object was registered. */
	RVX_WITNESS_OBJECT_DESTROY = 5,  /**< A kernel object was destroyed. */
	RVX_WITNESS_CAP_MINT = 6,        /**< A root capability was minted. */
	RVX_WITNESS_CAP_GRANT = 7,       /**< A capability was derived or granted. */
	RVX_WITNESS_CAP_REVOKE = 8,      /**< A capability subtree was revoked. */
	RVX_WITNESS_CAP_DELETE = 9,      /**< A capability was deleted. */
	RVX_WITNESS_REGION_MAP = 10,     /**< A region was created or mapped. */
	RVX_WITNESS_REGION_WRITE = 11,   /**< Bytes were appended to or written in a region. */
	RVX_WITNESS_QUEUE_CREATE = 12,   /**< A queue was created. */
	RVX_WITNESS_QUEUE_SEND = 13,     /**< A journaled (state-changing) queue send. */
	RVX_WITNESS_QUEUE_RECV = 14,     /**< A journaled (state-changing) queue receive. */
	RVX_WITNESS_VECTOR_PUT = 15,     /**< A vector was stored. */
	RVX_WITNESS_GRAPH_APPLY = 16,    /**< A graph mutation was applied. */
	RVX_WITNESS_MOUNT = 17,          /**< A package was mounted. */
	RVX_WITNESS_SUBSCRIBE = 18,      /**< A sensor subscription was made. */
	RVX_WITNESS_PROOF_REJECTED = 19, /**< A proof was rejected (nothing else changed). */
	RVX_WITNESS_ATTEST = 20,         /**< An attestation was issued. */
	RVX_WITNESS_EPOCH_SUMMARY = 21,  /**< Summary of one epoch's traffic. */
	RVX_WITNESS_CHECKPOINT = 22,     /**< A checkpoint was taken. */
	RVX_WITNESS_PARTITION_CREATE = 23,  /**< A partition was created (hypervisor layer). */
	RVX_WITNESS_PARTITION_DESTROY = 24, /**< A partition was destroyed. */
	RVX_WITNESS_PARTITION_SUSPEND = 25, /**< A partition was suspended. */
	RVX_WITNESS_PARTITION_RESUME = 26,  /**< A partition was resumed. */
	RVX_WITNESS_LEASE_GRANT = 27,       /**< A device lease was granted to a partition. */
	RVX_WITNESS_LEASE_EXPIRE = 28,      /**< A device lease expired. */
	RVX_WITNESS_LEASE_REVOKE = 29,      /**< A device lease was revoked. */
	RVX_WITNESS_PARTITION_CAP_GRANT = 30, /**< A capability was granted across partitions. */
	RVX_WITNESS_FAULT = 31,             /**< A fault was stopped and contained. */
	RVX_WITNESS_RECOVERY = 32,          /**< A recovery step (restart, reconstruct, rollback, reboot). */
	RVX_WITNESS_SWITCH_SUMMARY = 33,    /**< Summary of one epoch's partition switches. */
	RVX_WITNESS_TASK_HOLD = 34,      /**< A port held a task off the CPU. */
	RVX_WITNESS_TASK_RELEASE = 35,   /**< A port released a held task. */
	RVX_WITNESS_TASK_MIGRATE = 36,   /**< A port moved a task to another CPU. */
	RVX_WITNESS_REGION_APPEND = 37,  /**< A port appended to a region for a task. */
	RVX_WITNESS_PROVE_KEY = 38,      /**< A task obtained the proof key of its PROVE capability (arguments: identity and object, never the key). */
	/** TimerWait calls on the clock in one epoch: only an epoch-summary
	 *  descriptor (rvx_witness_note_traffic()), never a record's kind. */
	RVX_WITNESS_TIMER_WAIT = 39,
	/** VectorGet calls (lookups and k-NN queries) on one vector store in
	 *  one epoch: only an epoch-summary descriptor, never a record's kind. */
	RVX_WITNESS_VECTOR_GET = 40,
	RVX_WITNESS_KIND_COUNT,          /**< Number of defined kinds; not a kind. */
	RVX_WITNESS_KIND_USER = 0x8000   /**< First kind free for embedders (up to 0xFFFF). */
};

/**
 * A record in host form. The wire form has the same offsets with every
 * integer little-endian; convert with rvx_witness_record_encode() /
 * rvx_witness_record_decode(), never by copying the struct.
 */
struct rvx_witness_record {
	uint64_t sequence; /**< Position from the log's origin (0 for the first record). */
	uint64_t time;     /**< Kernel time of the mutation, in the embedder's units. */
	uint16_t kind;     /**< An `enum rvx_witness_kind` value. */
	uint8_t tier;      /**< Proof tier that authorised the mutation (0 if none). */
	uint8_t flags;     /**< Kind-specific flags; 0 if unused. */
	uint32_t actor;    /**< Task (or epoch number for summaries) that caused it. */
	uint64_t target;   /**< Raw handle of the object changed (or event count for summaries). */
	/** First 16 bytes of SHA-256 of the exact canonical arguments. */
	uint8_t args_digest[RVX_WITNESS_DIGEST_SIZE];
	/** First 16 bytes of the chaining value before this record. */
	uint8_t link[RVX_WITNESS_LINK_SIZE];
};

_Static_assert(sizeof(struct rvx_witness_record) == RVX_WITNESS_RECORD_SIZE,
	       "a witness record is 64 bytes");
_Static_assert(offsetof(struct rvx_witness_record, time) == 8 &&
		       offsetof(struct rvx_witness_record, kind) == 16 &&
		       offsetof(struct rvx_witness_record, tier) == 18 &&
		       offsetof(struct rvx_witness_record, flags) == 19 &&
		       offsetof(struct rvx_witness_record, actor) == 20 &&
		       offsetof(struct rvx_witness_record, target) == 24 &&
		       offsetof(struct rvx_witness_record, args_digest) == 32 &&
		       offsetof(struct rvx_witness_record, link) == 48,
	       "witness record layout (the wire offsets)");

/** What the caller says about a mutation; the log adds sequence, digest and link. */
struct rvx_witness_event {
	uint64_t time;   /**< Kernel time. */
	uint16_t kind;   /**< An `enum rvx_witness_kind` value, not NONE. */
	uint8_t tier;    /**< Proof tier (0 if none). */
	uint8_t flags;   /**< Kind-specific flags. */
	uint32_t actor;  /**< Acting task. */
	uint64_t target; /**< Raw handle of the object changed. */
};

/**
 * Where appended records go. `write` stores the 64 wire bytes of one record
 * and must be all-or-nothing: on failure it stored nothing, and the log then
 * does not advance.
 */
struct rvx_witness_sink {
	/** Store one record; 0 or a negated `RVX_E*` code. */
	int (*write)(void *ctx, const uint8_t rec[RVX_WITNESS_RECORD_SIZE]);
	/** Passed to `write`. */
	void *ctx;
};

/**
 * A witness log. Plain state apart from the sink: `state` and `sequence`
 * define the chain, and are what a checkpoint stores.
 */
struct rvx_witness_log {
	/** SHA-256 chaining value after `sequence` records (big-endian words). */
	uint8_t state[32];
	/** Sequence of the next record = records since the origin. */
	uint64_t sequence;
	/** SHA-256 chaining value of this epoch's traffic descriptors. */
	uint8_t epoch_state[32];
	/** 32-byte traffic descriptors buffered for the next compression (0 or 1). */
	uint8_t epoch_pending[32];
	/** Current epoch number (starts at 0, moves on at each summary). */
	uint64_t epoch;
	/** Traffic events noted in this epoch. */
	uint64_t epoch_events;
	/** Traffic bytes noted in this epoch. */
	uint64_t epoch_bytes;
	/** Where records go. */
	struct rvx_witness_sink sink;
};

/** A point in a log: the chaining value before record `sequence`. */
struct rvx_witness_anchor {
	uint64_t sequence; /**< Records before this point. */
	uint8_t state[32]; /**< Chaining value there (big-endian words). */
};

/** A chain head: what a log of `count` records hashes to. */
struct rvx_witness_head {
	uint64_t count;                       /**< Records covered. */
	uint8_t head[RVX_WITNESS_HEAD_SIZE];  /**< SHA-256 of their wire bytes. */
};

/**
 * A memory ring of wire records (bare-metal sink). With `overwrite` set the
 * oldest record gives way when the ring is full; otherwise a full ring
 * refuses the record (and the log does not advance).
 */
struct rvx_witness_ring {
	uint8_t *base;      /**< capacity x 64 bytes of caller storage. */
	uint32_t capacity;  /**< Records the ring holds. */
	uint32_t count;     /**< Records held now. */
	uint32_t next;      /**< Slot the next record goes to. */
	uint32_t overwrite; /**< 1: drop the oldest when full; 0: refuse. */
	uint64_t dropped;   /**< Records overwritten so far. */
};

/**
 * The newest records of a log, in order, in caller memory: an embedder sink
 * for a log that must not lose a record. Held records are contiguous:
 * `base[i]` has sequence `start.sequence + i`, and `start` is the chain
 * point before the first of them, so what is held verifies from there
 * (rvx_witness_verify() with `start`). When full, the records the embedder
 * has released (rvx_witness_keep_release(): kept elsewhere, e.g.
 * acknowledged by a persistent store) give way and `start` moves past them;
 * with none released a full keep refuses the record (the log does not
 * advance).
 */
struct rvx_witness_keep {
	uint8_t *base;                    /**< capacity x 64 bytes of caller storage. */
	uint32_t capacity;                /**< Records it holds at most. */
	uint32_t count;                   /**< Records held now. */
	struct rvx_witness_anchor start;  /**< The chain point before `base[0]`. */
	uint64_t released;                /**< Records below this sequence may give way. */
	uint64_t gave_way;                /**< Released records that gave way so far. */
};

/**
 * An append-only journal in caller memory: a sequence of frames, each
 * `[magic u32][payload length u32][record 64 B][payload][digest 16 B]`
 * (little-endian), where the digest is the first 16 bytes of SHA-256 over
 * everything before it in the frame. The hosted port writes the same frames
 * to a file.
 */
struct rvx_witness_journal {
	uint8_t *base;       /**< Caller storage. */
	size_t capacity;     /**< Bytes at `base`. */
	size_t used;         /**< Bytes of whole frames. */
	uint64_t count;      /**< Frames held. */
	uint64_t first_seq;  /**< Sequence of the first frame's record (valid if count > 0). */
	uint64_t next_seq;   /**< Sequence the next frame must carry (valid if count > 0). */
};

/** One journal entry as read back. */
struct rvx_witness_entry {
	struct rvx_witness_record record;           /**< The decoded record. */
	const uint8_t *wire;                        /**< The record's 64 wire bytes, in the frame. */
	const uint8_t *args;                        /**< The payload (the canonical arguments). */
	uint32_t args_len;                          /**< Payload bytes. */
};

/** What the verifier found. */
enum rvx_witness_fault {
	RVX_WITNESS_OK = 0,            /**< Every check passed. */
	RVX_WITNESS_F_GAP = 1,         /**< A sequence number is missing (dropped record). */
	RVX_WITNESS_F_REORDER = 2,     /**< Records are out of order. */
	RVX_WITNESS_F_DUPLICATE = 3,   /**< A record repeats the previous sequence number. */
	RVX_WITNESS_F_EDITED = 4,      /**< The record does not match the chain (edited or forged). */
	RVX_WITNESS_F_HEAD = 5,        /**< The chain head differs from the trusted head. */
	RVX_WITNESS_F_TRUNCATED = 6,   /**< Fewer records than the trusted head covers. */
	RVX_WITNESS_F_ARGS = 7,        /**< The record's args digest does not match its journal entry. */
	RVX_WITNESS_F_JOURNAL = 8,     /**< The journal lacks the record's entry or holds another record. */
	RVX_WITNESS_F_KIND = 9         /**< The record's kind is NONE. */
};

/** The verifier's report. */
struct rvx_witness_report {
	enum rvx_witness_fault fault;  /**< First fault found, or RVX_WITNESS_OK. */
	uint64_t index;                /**< Index (into the array given) of the first bad record. */
	uint64_t expected_sequence;    /**< Sequence expected at `index`. */
	uint64_t checked;              /**< Records that passed every check. */
	/** Chain head after the records that passed. */
	struct rvx_witness_head head;
};

/**
 * Apply one journaled mutation during replay.
 * @param ctx the embedder's context
 * @param rec the record (sequence, kind, actor, target...)
 * @param args the canonical arguments
 * @param args_len bytes at @p args
 * @return 0 or any non-negative value to go on, or a negated code that
 *         stops the replay
 */
typedef int (*rvx_witness_apply_fn)(void *ctx, const struct rvx_witness_record *rec,
				    const uint8_t *args, uint32_t args_len);

/**
 * Encode a record into its 64 wire bytes (little-endian fields).
 * @param rec the record
 * @param[out] out 64 bytes
 */
void rvx_witness_record_encode(const struct rvx_witness_record *rec,
			       uint8_t out[RVX_WITNESS_RECORD_SIZE]);

/**
 * Decode 64 wire bytes into a record (any bytes decode; the verifier judges them).
 * @param in 64 bytes
 * @param[out] rec the record
 */
void rvx_witness_record_decode(const uint8_t in[RVX_WITNESS_RECORD_SIZE],
			       struct rvx_witness_record *rec);

/**
 * Compute the args digest: the first 16 bytes of SHA-256 of @p args.
 * @param args the canonical arguments (may be NULL if @p len is 0)
 * @param len bytes at @p args
 * @param[out] out 16 bytes
 */
void rvx_witness_args_digest(const void *args, size_t len,
			     uint8_t out[RVX_WITNESS_DIGEST_SIZE]);

/**
 * One piece of a record's canonical arguments, for the calls that take the
 * arguments in pieces (rvx_witness_args_digestv(), rvx_witness_commitv()):
 * the arguments are the pieces' bytes back to back, so a caller never has
 * to assemble a large payload in one buffer of its own.
 */
struct rvx_witness_piece {
	const void *data; /**< The bytes (may be NULL if @c len is 0). */
	size_t len;       /**< Bytes at @c data. */
};

/**
 * Compute the args digest of arguments given in pieces: the same value as
 * rvx_witness_args_digest() over the pieces' bytes back to back.
 * @param pieces the pieces (may be NULL if @p count is 0)
 * @param count  pieces at @p pieces
 * @param[out] out 16 bytes
 */
void rvx_witness_args_digestv(const struct rvx_witness_piece *pieces, uint32_t count,
			      uint8_t out[RVX_WITNESS_DIGEST_SIZE]);

/**
 * Initialise an empty log (sequence 0, chaining value = SHA-256's IV).
 * @param[out] log the log
 * @param sink where records go (`write` must not be NULL)
 * @retval 0 done
 * @retval -RVX_EINVAL @p log or @p sink or its `write` is NULL
 */
int rvx_witness_log_init(struct rvx_witness_log *log, const struct rvx_witness_sink *sink);

/**
 * Append one record whose args digest the caller computed.
 * Cost: one SHA-256 compression plus the sink.
 * @param log the log
 * @param ev the mutation
 * @param digest its args digest (rvx_witness_args_digest())
 * @param[out] out the appended record (may be NULL)
 * @retval 0 appended
 * @retval -RVX_EINVAL a NULL pointer, or `ev->kind` is NONE
 * @retval -RVX_ELIMIT the sequence would wrap
 * @retval other the sink's error (the log did not advance)
 */
int rvx_witness_append_digest(struct rvx_witness_log *log, const struct rvx_witness_event *ev,
			      const uint8_t digest[RVX_WITNESS_DIGEST_SIZE],
			      struct rvx_witness_record *out);

/**
 * Append one record, hashing its canonical arguments.
 * @param log the log
 * @param ev the mutation
 * @param args the canonical arguments (may be NULL if @p args_len is 0)
 * @param args_len bytes at @p args
 * @param[out] out the appended record (may be NULL)
 * @retval 0 appended
 * @retval -RVX_EINVAL a NULL pointer, or `ev->kind` is NONE
 * @retval -RVX_ELIMIT the sequence would wrap
 * @retval other the sink's error (the log did not advance)
 */
int rvx_witness_append(struct rvx_witness_log *log, const struct rvx_witness_event *ev,
		       const void *args, size_t args_len, struct rvx_witness_record *out);

/**
 * Append one record and its journal entry, both or neither.
 * @param log the log
 * @param journal the journal
 * @param ev the mutation
 * @param args the canonical arguments (may be NULL if @p args_len is 0)
 * @param args_len bytes at @p args, at most RVX_WITNESS_ARGS_MAX
 * @param[out] out the appended record (may be NULL)
 * @retval 0 appended to both
 * @retval -RVX_EINVAL a NULL pointer, `ev->kind` is NONE, @p args_len too
 *         large, or the journal's next sequence is not the log's
 * @retval -RVX_EFULL the journal has no room for the entry
 * @retval -RVX_ELIMIT the sequence would wrap
 * @retval other the sink's error (neither changed)
 */
int rvx_witness_commit(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
		       const struct rvx_witness_event *ev, const void *args, size_t args_len,
		       struct rvx_witness_record *out);

/**
 * rvx_witness_commit() with the arguments in pieces. Each piece is read
 * once, straight into the journal's free space (beyond its valid end), and
 * the args digest is computed from that copy, so the journal entry always
 * matches its record even if a piece's memory changes meanwhile. A failure
 * leaves the log and the journal as they were (only bytes past the
 * journal's valid end, which hold nothing, may have been written).
 * @param log the log
 * @param journal the journal
 * @param ev the mutation
 * @param pieces the canonical arguments' pieces (may be NULL if @p count is 0)
 * @param count pieces at @p pieces
 * @param[out] out the appended record (may be NULL)
 * @retval 0 appended to both
 * @retval -RVX_EINVAL a NULL pointer, a piece with NULL data and a non-zero
 *         length, `ev->kind` is NONE, the pieces' total exceeds
 *         RVX_WITNESS_ARGS_MAX, or the journal's next sequence is not the log's
 * @retval -RVX_EFULL the journal has no room for the entry
 * @retval -RVX_ELIMIT the sequence would wrap
 * @retval other the sink's error (neither changed)
 */
int rvx_witness_commitv(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
			const struct rvx_witness_event *ev, const struct rvx_witness_piece *pieces,
			uint32_t count, struct rvx_witness_record *out);

/**
 * The chain head after every record appended so far (SHA-256 finalised on a
 * copy of the running state; the log does not change).
 * @param log the log
 * @param[out] out count and head
 */
void rvx_witness_head(const struct rvx_witness_log *log, struct rvx_witness_head *out);

/**
 * The log's current point, to verify records appended from here on.
 * @param log the log
 * @param[out] out sequence and chaining value
 */
void rvx_witness_anchor(const struct rvx_witness_log *log, struct rvx_witness_anchor *out);

/**
 * Fold one high-rate event (queue traffic, partition switch) into the
 * current epoch's running hash and counters, without appending a record.
 * Cost: half a SHA-256 compression (32-byte descriptors, two per block).
 * @param log the log
 * @param kind what happened (an `enum rvx_witness_kind` or user kind)
 * @param actor the task
 * @param target raw handle of the object
 * @param bytes payload bytes moved
 */
void rvx_witness_note_traffic(struct rvx_witness_log *log, uint16_t kind, uint32_t actor,
			      uint64_t target, uint32_t bytes);

/**
 * The canonical payload of the open epoch's summary, as
 * rvx_witness_epoch_close() would append it, without appending anything
 * (for an embedder that appends the summary itself and then starts the
 * next epoch with rvx_witness_epoch_begin()).
 * @param log the log
 * @param[out] payload epoch u64, events u64, bytes u64, SHA-256 of the
 *             traffic descriptors
 */
void rvx_witness_epoch_summary(const struct rvx_witness_log *log,
			       uint8_t payload[RVX_WITNESS_EPOCH_PAYLOAD_SIZE]);

/**
 * Close the current epoch: append one EPOCH_SUMMARY record (actor = epoch
 * number, target = event count, args digest = digest of the canonical
 * summary: epoch u64, events u64, bytes u64, SHA-256 of the traffic
 * descriptors 32 B), then start the next epoch.
 * @param log the log
 * @param journal if not NULL, the summary is committed with its journal entry
 * @param now kernel time for the record
 * @param[out] payload if not NULL, the 56-byte canonical summary
 * @retval 0 appended; the next epoch has begun
 * @retval -RVX_EINVAL @p log is NULL (or the journal refuses the sequence)
 * @retval -RVX_EFULL the journal is full
 * @retval -RVX_ELIMIT the sequence would wrap
 * @retval other the sink's error (the epoch stays open, unchanged)
 */
int rvx_witness_epoch_close(struct rvx_witness_log *log, struct rvx_witness_journal *journal,
			    uint64_t now, uint8_t payload[RVX_WITNESS_EPOCH_PAYLOAD_SIZE]);

/**
 * Start epoch @p epoch with nothing noted, discarding the open epoch's
 * accumulator. For replay, after re-appending a journaled EPOCH_SUMMARY
 * whose traffic was not itself replayed.
 * @param log the log
 * @param epoch the number of the epoch that begins
 */
void rvx_witness_epoch_begin(struct rvx_witness_log *log, uint64_t epoch);

/**
 * Initialise a ring of records in caller storage.
 * @param[out] ring the ring
 * @param storage capacity x 64 bytes
 * @param capacity records (at least 1)
 * @param overwrite true to drop the oldest record when full
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer or zero capacity
 */
int rvx_witness_ring_init(struct rvx_witness_ring *ring, void *storage, uint32_t capacity,
			  bool overwrite);

/**
 * A sink that writes into @p ring.
 * @param ring the ring
 * @return the sink (its `write` returns -RVX_EFULL on a full refusing ring)
 */
struct rvx_witness_sink rvx_witness_ring_sink(struct rvx_witness_ring *ring);

/**
 * The wire bytes of the @p i-th oldest record held.
 * @param ring the ring
 * @param i 0 for the oldest held record
 * @return the 64 bytes, or NULL if @p i >= count
 */
const uint8_t *rvx_witness_ring_at(const struct rvx_witness_ring *ring, uint32_t i);

/**
 * Initialise an empty keep at the log's origin (sequence 0).
 * @param[out] keep the keep
 * @param storage capacity x 64 bytes
 * @param capacity records (at least 1)
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer or zero capacity
 */
int rvx_witness_keep_init(struct rvx_witness_keep *keep, void *storage, uint32_t capacity);

/**
 * A sink that writes into @p keep. Its `write` takes only the record that
 * follows the held ones (sequence `start.sequence + count`): anything else
 * is another history (a log restored elsewhere: rvx_witness_keep_restart()
 * first) and gets -RVX_EINVAL; a full keep with no released record gets
 * -RVX_EFULL. Either way the keep is unchanged.
 * @param keep the keep
 * @return the sink
 */
struct rvx_witness_sink rvx_witness_keep_sink(struct rvx_witness_keep *keep);

/**
 * Empty @p keep and start it at @p at (a log restored from a checkpoint:
 * rvx_witness_anchor() of the restored log). Records before @p at are not
 * held, so they count as released.
 * @param keep the keep
 * @param at the chain point the next record follows
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer
 */
int rvx_witness_keep_restart(struct rvx_witness_keep *keep, const struct rvx_witness_anchor *at);

/**
 * Let the records below @p sequence give way when the keep is full: the
 * caller states they are kept elsewhere (acknowledged by a persistent
 * store). Nothing is dropped until room is needed. A mark at or below the
 * current one changes nothing.
 * @param keep the keep
 * @param sequence the first record still to keep
 * @retval 0 done
 * @retval -RVX_EINVAL NULL @p keep, or @p sequence is beyond the records
 *         held (`start.sequence + count`): a record not yet written cannot
 *         have been kept elsewhere; nothing changed
 */
int rvx_witness_keep_release(struct rvx_witness_keep *keep, uint64_t sequence);

/**
 * Initialise an empty journal in caller memory.
 * @param[out] j the journal
 * @param storage bytes for frames
 * @param capacity bytes at @p storage
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer
 */
int rvx_witness_journal_init(struct rvx_witness_journal *j, void *storage, size_t capacity);

/**
 * Adopt existing frames (a file read back, a memory dump): accept the
 * longest prefix of whole valid frames with consecutive sequences.
 * @param[out] j the journal
 * @param storage the frames (the journal appends after the valid prefix)
 * @param capacity bytes at @p storage
 * @param len bytes of frames present
 * @param[out] valid_len bytes of the accepted prefix (may be NULL)
 * @retval 0 every byte formed valid frames
 * @retval -RVX_EBADDESC a torn or corrupt tail was left out (see @p valid_len)
 * @retval -RVX_EINVAL NULL pointer or @p len > @p capacity
 */
int rvx_witness_journal_load(struct rvx_witness_journal *j, void *storage, size_t capacity,
			     size_t len, size_t *valid_len);

/**
 * Append a frame holding an encoded record and its payload.
 * @param j the journal
 * @param wire the record's 64 wire bytes
 * @param args the payload (may be NULL if @p args_len is 0)
 * @param args_len bytes, at most RVX_WITNESS_ARGS_MAX
 * @retval 0 appended
 * @retval -RVX_EINVAL NULL pointer, payload too large, or the record's
 *         sequence is not the journal's next
 * @retval -RVX_EFULL no room
 */
int rvx_witness_journal_append(struct rvx_witness_journal *j,
			       const uint8_t wire[RVX_WITNESS_RECORD_SIZE], const void *args,
			       uint32_t args_len);

/**
 * Read the frame at byte offset @p *cursor and move the cursor past it.
 * @param j the journal
 * @param[in,out] cursor 0 for the first frame
 * @param[out] out the entry (pointers into the journal's storage)
 * @retval 0 an entry was read
 * @retval -RVX_ENOENT no more frames
 * @retval -RVX_EINVAL NULL pointer or a cursor not on a frame
 */
int rvx_witness_journal_next(const struct rvx_witness_journal *j, size_t *cursor,
			     struct rvx_witness_entry *out);

/**
 * Drop every frame whose sequence is below @p sequence (after a checkpoint).
 * @param j the journal
 * @param sequence first sequence to keep
 * @retval 0 done (frames are moved down; O(bytes kept))
 * @retval -RVX_EINVAL @p j is NULL
 */
int rvx_witness_journal_trim(struct rvx_witness_journal *j, uint64_t sequence);

/**
 * Encode one frame into @p out.
 * @param[out] out at least RVX_WITNESS_FRAME_SIZE(@p args_len) bytes
 * @param cap bytes at @p out
 * @param wire the record's wire bytes
 * @param args the payload (may be NULL if @p args_len is 0)
 * @param args_len payload bytes, at most RVX_WITNESS_ARGS_MAX
 * @return the frame's size, or -RVX_EINVAL (bad argument) / -RVX_EBUFSMALL
 */
long rvx_witness_frame_encode(uint8_t *out, size_t cap,
			      const uint8_t wire[RVX_WITNESS_RECORD_SIZE], const void *args,
			      uint32_t args_len);

/**
 * Parse one frame at the start of @p buf.
 * @param buf bytes
 * @param avail bytes at @p buf
 * @param[out] out the entry (pointers into @p buf; may be NULL)
 * @return the frame's size; -RVX_EBUFSMALL if @p avail ends inside a frame
 *         that is intact so far (a torn tail); -RVX_EBADDESC if the bytes are
 *         not a valid frame (bad magic, length or digest)
 */
long rvx_witness_frame_parse(const uint8_t *buf, size_t avail, struct rvx_witness_entry *out);

/**
 * Verify a sequence of wire records: consecutive sequences, each link,
 * each args digest against the journal (if given), and the chain head
 * against a trusted head (if given).
 * @param records count x 64 wire bytes
 * @param count records
 * @param start the point before records[0] (NULL: the log's origin, sequence 0)
 * @param journal if not NULL, every record at or after its first sequence
 *        must have an identical record in a frame whose payload has the
 *        record's args digest
 * @param trusted if not NULL, the head a trusted party saw; records must
 *        reach `trusted->count` and hash to `trusted->head` there
 * @param[out] report first fault and where; head after the good prefix
 * @retval 0 the log is intact
 * @retval -RVX_EBADSIG a fault was found (see @p report)
 * @retval -RVX_EINVAL NULL @p report, NULL @p records with @p count > 0, or
 *         a trusted count before @p start
 */
int rvx_witness_verify(const uint8_t *records, size_t count,
		       const struct rvx_witness_anchor *start,
		       const struct rvx_witness_journal *journal,
		       const struct rvx_witness_head *trusted,
		       struct rvx_witness_report *report);

/**
 * Replay the journal into a log restored from a checkpoint: for each entry
 * from @p from_sequence, check its payload against its record, call
 * @p apply, then re-append the record (same time, kind, tier, flags, actor,
 * target, digest). The re-appended bytes must equal the journal's record, so
 * a diverging state is caught at the first record it changes. Each entry is
 * check-then-commit; on error the log holds every record replayed before it.
 * @param log the restored log (its sequence must be @p from_sequence)
 * @param journal the journal
 * @param from_sequence first sequence to replay
 * @param apply re-applies one mutation
 * @param ctx passed to @p apply
 * @param[out] replayed entries replayed (may be NULL)
 * @retval 0 every entry from @p from_sequence was replayed
 * @retval -RVX_EINVAL NULL pointer, the log is not at @p from_sequence, or
 *         the journal skips a sequence
 * @retval -RVX_EBADSIG an entry's payload does not match its digest, or the
 *         re-appended record differs from the journal's (diverged state)
 * @retval other @p apply's or the sink's error
 */
int rvx_witness_replay(struct rvx_witness_log *log, const struct rvx_witness_journal *journal,
		       uint64_t from_sequence, rvx_witness_apply_fn apply, void *ctx,
		       uint64_t *replayed);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_WITNESS_H */
