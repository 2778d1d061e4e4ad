/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hosted_sensor.h
 * @brief Host sensor sources: events from timers, a synthetic vector
 *        stream and file descriptors, delivered as typed queue messages.
 *
 * A sensor source turns something of the host into a stream of events, each
 * one message (`struct rvx_queue_msg_hdr` with a type id naming its kind,
 * the source's priority, and a payload) sent with rvx_queue_send() into a
 * queue of ruvix/queue.h. SensorSubscribe will hand such a queue to a task.
 *
 * Kinds:
 *  - timer: one RVX_HSENSOR_TYPE_TICK event per elapsed period;
 *  - vector: a seeded, deterministic stream of clustered float vectors
 *    (RVX_HSENSOR_TYPE_VECTOR);
 *  - fd: bytes read from a file descriptor without blocking, in chunks or
 *    lines (RVX_HSENSOR_TYPE_BYTES), then one RVX_HSENSOR_TYPE_EOF message.
 *
 * Order of use: init a source with its kind's rvx_hsensor_*_init(), then
 * call rvx_hsensor_poll() whenever convenient (the runtime does it from its
 * scheduler loop) with the current time and the destination queue; the
 * source is the queue's producer side. There is no teardown (an fd source
 * never closes its descriptor).
 *
 * Back-pressure: a full queue never loses an event. The event that did not
 * fit stays pending in the source (its bytes, or for the generated kinds
 * the state that regenerates it) and is the first one retried at the next
 * poll. The one explicit loss policy is the timer's bounded catch-up: when
 * more than `max_catchup` ticks are due at one poll, the oldest ones are
 * skipped and counted in `missed` (a timer that fell far behind reports how
 * far rather than replaying a backlog).
 *
 * Work per poll is bounded: at most `max_catchup` ticks, `burst` vectors, or
 * RVX_HSENSOR_FD_POLL_MAX messages (each after at most one read()).
 */
#ifndef RUVIX_HOSTED_SENSOR_H
#define RUVIX_HOSTED_SENSOR_H

#include "ruvix/env.h"
#include "ruvix/queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Message type id of a timer tick; payload `struct rvx_hsensor_tick`. */
#define RVX_HSENSOR_TYPE_TICK ((uint32_t)0x52534e01u)
/**
 * Message type id of a synthetic vector; payload
 * `struct rvx_hsensor_vector_hdr` followed by `dim` floats.
 */
#define RVX_HSENSOR_TYPE_VECTOR ((uint32_t)0x52534e02u)
/** Message type id of bytes from an fd source; payload the bytes. */
#define RVX_HSENSOR_TYPE_BYTES ((uint32_t)0x52534e03u)
/** Message type id of an fd source's end of file; empty payload. */
#define RVX_HSENSOR_TYPE_EOF ((uint32_t)0x52534e04u)

/** Largest dimension of a synthetic vector. */
#define RVX_HSENSOR_VECTOR_DIM_MAX ((uint32_t)1024u)
/** Largest noise half-width of a synthetic vector (Q16.16, i.e. 1.0). */
#define RVX_HSENSOR_VECTOR_SPREAD_MAX ((uint32_t)65536u)
/** Largest `max_catchup` of a timer and `burst` of a vector stream. */
#define RVX_HSENSOR_BATCH_MAX ((uint32_t)4096u)
/** Most messages an fd source delivers per poll. */
#define RVX_HSENSOR_FD_POLL_MAX 64

/** Kinds of source. */
enum rvx_hsensor_kind {
	RVX_HSENSOR_NONE = 0,   /**< Not initialised; poll rejects it. */
	RVX_HSENSOR_TIMER = 1,  /**< Periodic timer. */
	RVX_HSENSOR_VECTOR = 2, /**< Synthetic vector stream. */
	RVX_HSENSOR_FD = 3,     /**< File or pipe. */
};

/** How an fd source cuts its bytes into messages. */
enum rvx_hsensor_fd_mode {
	/**
	 * Whatever has been read, up to the limit (the queue's maximum payload
	 * and the source's buffer size, whichever is smaller) per message.
	 */
	RVX_HSENSOR_FD_CHUNK = 0,
	/**
	 * One message per line, without its '\n'. A line longer than the limit
	 * is cut into limit-sized messages (no marker: a consumer that needs
	 * whole lines makes the limit larger than any line); a last line without
	 * '\n' is sent at end of file.
	 */
	RVX_HSENSOR_FD_LINE = 1,
};

/** Payload of a RVX_HSENSOR_TYPE_TICK message (24 bytes). */
struct rvx_hsensor_tick {
	/** Number of the tick, from 1; skipped ticks leave gaps. */
	uint64_t tick;
	/** The time the tick was due: `start + tick * period`. */
	uint64_t time_ns;
	/** Ticks skipped by the bounded catch-up before this one, in total. */
	uint64_t missed;
};

/** Head of a RVX_HSENSOR_TYPE_VECTOR payload, followed by `dim` floats. */
struct rvx_hsensor_vector_hdr {
	/** Sequence number of the vector in the stream, from 0. */
	uint64_t seq;
	/** Cluster the vector was drawn around, below the stream's `clusters`. */
	uint32_t cluster;
	/** Number of floats that follow. */
	uint32_t dim;
};

_Static_assert(sizeof(struct rvx_hsensor_tick) == 24, "tick payload is 24 bytes");
_Static_assert(sizeof(struct rvx_hsensor_vector_hdr) == 16, "vector head is 16 bytes");

/**
 * Parameters of a synthetic vector stream.
 *
 * Vector `seq` is a function of (`seed`, `seq`) alone: a splitmix64 stream
 * seeded from both picks a cluster uniformly and, per component, a
 * triangular noise in `[-spread, spread]` added to the cluster's centre,
 * whose components (uniform in [-1, 1)) are a hash of (`seed`, cluster,
 * component). The arithmetic is integer (Q16.16) until the exact conversion
 * to float, so the same seed gives the same bytes on every run and every
 * compiler of the same byte order, whatever the poll times and the queue's
 * back-pressure.
 */
struct rvx_hsensor_vector_cfg {
	/** Seed of the stream. */
	uint64_t seed;
	/** Components per vector, 1..RVX_HSENSOR_VECTOR_DIM_MAX. */
	uint32_t dim;
	/** Number of clusters, at least 1. */
	uint32_t clusters;
	/** Noise half-width in Q16.16, at most RVX_HSENSOR_VECTOR_SPREAD_MAX. */
	uint32_t spread_q16;
	/** Most vectors per poll, 1..RVX_HSENSOR_BATCH_MAX. */
	uint32_t burst;
	/**
	 * 0: every poll offers `burst` vectors. Otherwise vector `seq` becomes
	 * due at `start_ns + seq * period_ns`; late vectors are delivered late,
	 * never skipped.
	 */
	uint64_t period_ns;
	/** Time of vector 0 when `period_ns` is not 0. */
	uint64_t start_ns;
	/** Vectors in the stream; 0 for an endless stream. */
	uint64_t count;
};

/** State of a timer source. */
struct rvx_hsensor_timer {
	uint64_t period_ns;    /**< Period, non-zero. */
	uint64_t start_ns;     /**< Tick n is due at start + n * period. */
	uint64_t next_tick;    /**< Number of the next tick to deliver. */
	uint64_t missed;       /**< Ticks skipped so far. */
	uint32_t max_catchup;  /**< Most ticks delivered per poll. */
};

/** State of a vector source. */
struct rvx_hsensor_vector {
	struct rvx_hsensor_vector_cfg cfg; /**< The stream's parameters. */
	uint64_t next_seq;                 /**< Next vector to deliver. */
};

/** State of an fd source. */
struct rvx_hsensor_fd {
	int fd;             /**< The descriptor read from (never closed here). */
	uint32_t mode;      /**< An `enum rvx_hsensor_fd_mode`. */
	uint8_t *buf;       /**< Caller's buffer: bytes read, not yet delivered. */
	size_t buf_size;    /**< Bytes at `buf`. */
	size_t fill;        /**< Bytes pending in `buf`. */
	bool eof;           /**< read() returned 0. */
	bool eof_sent;      /**< The RVX_HSENSOR_TYPE_EOF message was delivered. */
	int last_errno;     /**< errno of the last failed read, 0 if none. */
};

/** A sensor source. Caller storage; fill with an rvx_hsensor_*_init(). */
struct rvx_hsensor {
	/** An `enum rvx_hsensor_kind`. */
	uint32_t kind;
	/** Priority of the messages, below RVX_QUEUE_PRIORITIES. */
	uint8_t priority;
	/** Events delivered so far. */
	uint64_t delivered;
	/** Per-kind state, selected by `kind`. */
	union {
		struct rvx_hsensor_timer timer;   /**< RVX_HSENSOR_TIMER. */
		struct rvx_hsensor_vector vector; /**< RVX_HSENSOR_VECTOR. */
		struct rvx_hsensor_fd fd;         /**< RVX_HSENSOR_FD. */
	} u;
};

/**
 * Make @p s a periodic timer: tick n is due at `start_ns + n * period_ns`
 * (n from 1).
 * @param[out] s the source
 * @param start_ns time origin (ticks are due after it)
 * @param period_ns period, non-zero
 * @param max_catchup most ticks delivered per poll,
 *        1..RVX_HSENSOR_BATCH_MAX; more due
 *        ticks than that at one poll skip the oldest (counted as missed)
 * @param priority message priority, below RVX_QUEUE_PRIORITIES
 * @retval 0 the source is ready
 * @retval -RVX_EINVAL @p s is NULL, or a parameter is out of range;
 *         nothing is written
 */
int rvx_hsensor_timer_init(struct rvx_hsensor *s, uint64_t start_ns,
			   uint64_t period_ns, uint32_t max_catchup,
			   uint8_t priority);

/**
 * Make @p s a synthetic vector stream.
 * @param[out] s the source
 * @param cfg the stream's parameters, copied
 * @param priority message priority, below RVX_QUEUE_PRIORITIES
 * @retval 0 the source is ready
 * @retval -RVX_EINVAL @p s or @p cfg is NULL, or a parameter is out of
 *         range; nothing is written
 */
int rvx_hsensor_vector_init(struct rvx_hsensor *s,
			    const struct rvx_hsensor_vector_cfg *cfg,
			    uint8_t priority);

/**
 * Make @p s read @p fd. Reads never block: each is preceded by a zero-time
 * poll(2), so the descriptor's own flags are left alone.
 * @param[out] s the source
 * @param fd an open, readable descriptor (a file, pipe, socket or terminal)
 * @param mode an `enum rvx_hsensor_fd_mode`
 * @param buf buffer for bytes read but not delivered, owned by the source
 *        from now on
 * @param buf_size bytes at @p buf, at least 1; also a message size limit
 * @param priority message priority, below RVX_QUEUE_PRIORITIES
 * @retval 0 the source is ready
 * @retval -RVX_EINVAL @p s or @p buf is NULL, @p buf_size is 0, @p mode or
 *         @p priority is out of range, or @p fd is not an open descriptor;
 *         nothing is written
 */
int rvx_hsensor_fd_init(struct rvx_hsensor *s, int fd,
			enum rvx_hsensor_fd_mode mode, void *buf,
			size_t buf_size, uint8_t priority);

/**
 * Deliver the events due at @p now into @p q, as many as fit.
 * @param s the source
 * @param now current time in ns (real or virtual; only timer and paced
 *        vector sources look at it)
 * @param q the destination queue; the caller is its producer side
 * @return the number of events delivered (0 if none was due, or the queue
 *         was full: the events are kept pending)
 * @retval -RVX_EINVAL @p s or @p q is NULL, @p s is not initialised, or
 *         (fd source) the descriptor could not be read — its errno is in
 *         `u.fd.last_errno` (no byte is lost or delivered); an error after some
 *         events were delivered in this call is reported by the next call
 * @retval -RVX_EMSGSIZE the queue's maximum payload cannot hold one event of
 *         this source (a tick, a vector of the stream's dimension, or one
 *         byte); nothing is delivered
 */
int rvx_hsensor_poll(struct rvx_hsensor *s, uint64_t now, struct rvx_queue *q);

/**
 * Whether the source will deliver nothing more: a vector stream with a
 * `count` that delivered it all, or an fd source that delivered its
 * RVX_HSENSOR_TYPE_EOF message. A timer is never done.
 * @param s the source
 * @return true when the source is exhausted
 */
bool rvx_hsensor_done(const struct rvx_hsensor *s);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_HOSTED_SENSOR_H */
