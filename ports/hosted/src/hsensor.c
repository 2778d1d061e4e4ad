/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sensor sources: timer ticks, synthetic vectors and fd bytes as queue
 * messages. Every event is built in full before rvx_queue_send(); if the
 * queue is full the source's state is not advanced, so the same event is
 * rebuilt (or, for fd bytes, still in the buffer) at the next poll.
 */
#define _GNU_SOURCE
#include "ruvix/hosted_sensor.h"
#include "ruvix/err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static void hdr_make(struct rvx_queue_msg_hdr *h, uint32_t type, uint32_t len,
		     uint8_t priority)
{
	memset(h, 0, sizeof(*h));
	h->type_id = type;
	h->length = len;
	h->priority = priority;
	h->coherence = RVX_QUEUE_COHERENCE_ONE;
}

/* ---- timer ------------------------------------------------------------ */

int rvx_hsensor_timer_init(struct rvx_hsensor *s, uint64_t start_ns,
			   uint64_t period_ns, uint32_t max_catchup,
			   uint8_t priority)
{
	if (s == NULL || period_ns == 0 || max_catchup == 0 ||
	    max_catchup > RVX_HSENSOR_BATCH_MAX || priority >= RVX_QUEUE_PRIORITIES)
		return -RVX_EINVAL;
	memset(s, 0, sizeof(*s));
	s->kind = RVX_HSENSOR_TIMER;
	s->priority = priority;
	s->u.timer.period_ns = period_ns;
	s->u.timer.start_ns = start_ns;
	s->u.timer.next_tick = 1;
	s->u.timer.max_catchup = max_catchup;
	return 0;
}

static int timer_poll(struct rvx_hsensor *s, uint64_t now, struct rvx_queue *q)
{
	struct rvx_hsensor_timer *t = &s->u.timer;
	struct rvx_queue_msg_hdr h;
	struct rvx_hsensor_tick ev;
	uint64_t last_due, due;
	int delivered = 0;

	if (q->max_payload < sizeof(ev))
		return -RVX_EMSGSIZE;
	if (now < t->start_ns)
		return 0;
	/* Ticks 1..last_due are due. Tick n's time, start + n * period, is at
	 * most now for every n <= last_due, so it cannot overflow. */
	last_due = (now - t->start_ns) / t->period_ns;
	if (last_due < t->next_tick)
		return 0;
	due = last_due - t->next_tick + 1u;
	if (due > t->max_catchup) {
		/* The loss policy: skip the oldest, keep the newest. */
		uint64_t skip = due - t->max_catchup;

		t->missed += skip;
		t->next_tick += skip;
		due = t->max_catchup;
	}
	hdr_make(&h, RVX_HSENSOR_TYPE_TICK, (uint32_t)sizeof(ev), s->priority);
	while (due-- > 0) {
		ev.tick = t->next_tick;
		ev.time_ns = t->start_ns + t->next_tick * t->period_ns;
		ev.missed = t->missed;
		if (rvx_queue_send(q, &h, &ev) != 0)
			break; /* full: this tick stays next */
		t->next_tick++;
		s->delivered++;
		delivered++;
	}
	return delivered;
}

/* ---- synthetic vectors ------------------------------------------------ */

static uint64_t splitmix64_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* One splitmix64 output for a key, for values that are a function of
 * their coordinates rather than of a position in a stream. */
static uint64_t hash64(uint64_t key)
{
	uint64_t s = key;

	return splitmix64_next(&s);
}

/* Component @p j of cluster @p c's centre, uniform in [-1, 1) in Q16.16. */
static int32_t centre_q16(uint64_t seed, uint32_t c, uint32_t j)
{
	uint64_t h = hash64(seed ^ hash64(((uint64_t)c << 32 | j) ^ 0x5eedc0de00000000u));

	return (int32_t)(h >> 47) - 65536; /* 17 random bits, centred */
}

/* Uniform integer in [0, n) for small n; the modulo bias of a 32-bit draw
 * is below 2^-14 for n <= 2^18, irrelevant for test data. */
static uint32_t draw_below(uint64_t *st, uint32_t n)
{
	return (uint32_t)((splitmix64_next(st) >> 32) % n);
}

/* Build vector @p seq of the stream into @p out (head + dim floats). */
static void vector_make(const struct rvx_hsensor_vector_cfg *cfg, uint64_t seq,
			uint8_t *out)
{
	uint64_t st = cfg->seed ^ hash64(seq ^ 0xd1b54a32d192ed03u);
	struct rvx_hsensor_vector_hdr vh;
	uint32_t width = 2u * cfg->spread_q16 + 1u;

	vh.seq = seq;
	vh.cluster = draw_below(&st, cfg->clusters);
	vh.dim = cfg->dim;
	memcpy(out, &vh, sizeof(vh));
	for (uint32_t j = 0; j < cfg->dim; j++) {
		/* Triangular noise: the mean of two uniforms, so values crowd
		 * the centre. */
		int32_t a = (int32_t)draw_below(&st, width);
		int32_t b = (int32_t)draw_below(&st, width);
		int32_t noise = (a + b) / 2 - (int32_t)cfg->spread_q16;
		int32_t v = centre_q16(cfg->seed, vh.cluster, j) + noise;
		/* |v| < 2^18, so the float is exact and the division by a
		 * power of two too: the bytes do not depend on the compiler's
		 * floating-point choices. */
		float f = (float)v / 65536.0f;

		memcpy(out + sizeof(vh) + (size_t)j * sizeof(f), &f, sizeof(f));
	}
}

int rvx_hsensor_vector_init(struct rvx_hsensor *s,
			    const struct rvx_hsensor_vector_cfg *cfg,
			    uint8_t priority)
{
	if (s == NULL || cfg == NULL || priority >= RVX_QUEUE_PRIORITIES)
		return -RVX_EINVAL;
	if (cfg->dim == 0 || cfg->dim > RVX_HSENSOR_VECTOR_DIM_MAX ||
	    cfg->clusters == 0 || cfg->spread_q16 > RVX_HSENSOR_VECTOR_SPREAD_MAX ||
	    cfg->burst == 0 || cfg->burst > RVX_HSENSOR_BATCH_MAX)
		return -RVX_EINVAL;
	memset(s, 0, sizeof(*s));
	s->kind = RVX_HSENSOR_VECTOR;
	s->priority = priority;
	s->u.vector.cfg = *cfg;
	s->u.vector.next_seq = 0;
	return 0;
}

static int vector_poll(struct rvx_hsensor *s, uint64_t now, struct rvx_queue *q)
{
	struct rvx_hsensor_vector *v = &s->u.vector;
	const struct rvx_hsensor_vector_cfg *cfg = &v->cfg;
	uint8_t buf[sizeof(struct rvx_hsensor_vector_hdr) +
		    RVX_HSENSOR_VECTOR_DIM_MAX * sizeof(float)];
	size_t len = sizeof(struct rvx_hsensor_vector_hdr) + (size_t)cfg->dim * sizeof(float);
	struct rvx_queue_msg_hdr h;
	uint64_t offer = cfg->burst;
	int delivered = 0;

	if (q->max_payload < len)
		return -RVX_EMSGSIZE;
	if (cfg->period_ns != 0) {
		/* Vectors 0..(now - start) / period are due. */
		uint64_t due_end;

		if (now < cfg->start_ns)
			return 0;
		due_end = (now - cfg->start_ns) / cfg->period_ns;
		if (due_end < v->next_seq)
			return 0;
		if (due_end - v->next_seq < offer)
			offer = due_end - v->next_seq + 1u;
	}
	if (cfg->count != 0) {
		uint64_t left = cfg->count - v->next_seq;

		if (left < offer)
			offer = left;
	}
	hdr_make(&h, RVX_HSENSOR_TYPE_VECTOR, (uint32_t)len, s->priority);
	while (offer-- > 0) {
		vector_make(cfg, v->next_seq, buf);
		if (rvx_queue_send(q, &h, buf) != 0)
			break; /* full: rebuilt from next_seq next time */
		v->next_seq++;
		s->delivered++;
		delivered++;
	}
	return delivered;
}

/* ---- file descriptors ------------------------------------------------- */

int rvx_hsensor_fd_init(struct rvx_hsensor *s, int fd,
			enum rvx_hsensor_fd_mode mode, void *buf,
			size_t buf_size, uint8_t priority)
{
	if (s == NULL || buf == NULL || buf_size == 0 ||
	    priority >= RVX_QUEUE_PRIORITIES)
		return -RVX_EINVAL;
	if (mode != RVX_HSENSOR_FD_CHUNK && mode != RVX_HSENSOR_FD_LINE)
		return -RVX_EINVAL;
	if (fd < 0 || fcntl(fd, F_GETFL) < 0)
		return -RVX_EINVAL;
	memset(s, 0, sizeof(*s));
	s->kind = RVX_HSENSOR_FD;
	s->priority = priority;
	s->u.fd.fd = fd;
	s->u.fd.mode = (uint32_t)mode;
	s->u.fd.buf = buf;
	s->u.fd.buf_size = buf_size;
	return 0;
}

/* Read what is available into the free end of the buffer without
 * blocking. Returns 0 (maybe nothing read) or -RVX_EINVAL. */
static int fd_fill(struct rvx_hsensor_fd *f)
{
	struct pollfd p = {.fd = f->fd, .events = POLLIN, .revents = 0};
	ssize_t n;
	int r;

	if (f->eof || f->fill == f->buf_size)
		return 0;
	r = poll(&p, 1, 0);
	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		f->last_errno = errno;
		return -RVX_EINVAL;
	}
	if (r == 0)
		return 0;
	if ((p.revents & POLLNVAL) != 0) {
		f->last_errno = EBADF;
		return -RVX_EINVAL;
	}
	/* POLLIN, POLLHUP or POLLERR: read() says which. */
	n = read(f->fd, f->buf + f->fill, f->buf_size - f->fill);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		f->last_errno = errno;
		return -RVX_EINVAL;
	}
	if (n == 0)
		f->eof = true;
	f->fill += (size_t)n;
	return 0;
}

/* The next message in the buffer: sets its length and the bytes it
 * consumes (a line also consumes its '\n'); false if none is ready. */
static bool fd_next(const struct rvx_hsensor_fd *f, size_t limit, size_t *len,
		    size_t *consume)
{
	size_t look;
	const uint8_t *nl;

	if (f->fill == 0)
		return false;
	if (f->mode == RVX_HSENSOR_FD_CHUNK) {
		*len = f->fill < limit ? f->fill : limit;
		*consume = *len;
		return true;
	}
	/* A line of exactly `limit` bytes has its '\n' just past the limit. */
	look = f->fill < limit + 1u ? f->fill : limit + 1u;
	nl = memchr(f->buf, '\n', look);
	if (nl != NULL) {
		*len = (size_t)(nl - f->buf);
		*consume = *len + 1u;
		return true;
	}
	/* No '\n' in reach: a piece of a long line once the limit is full, or
	 * the last line at end of file. */
	if (f->fill >= limit || f->eof) {
		*len = f->fill < limit ? f->fill : limit;
		*consume = *len;
		return true;
	}
	return false;
}

static int fd_poll(struct rvx_hsensor *s, struct rvx_queue *q)
{
	struct rvx_hsensor_fd *f = &s->u.fd;
	size_t limit = f->buf_size < q->max_payload ? f->buf_size : q->max_payload;
	struct rvx_queue_msg_hdr h;
	int delivered = 0;

	if (q->max_payload == 0)
		return -RVX_EMSGSIZE;
	if (f->eof_sent)
		return 0;
	while (delivered < RVX_HSENSOR_FD_POLL_MAX) {
		size_t len, consume;
		int r = fd_fill(f);

		if (r < 0)
			return delivered > 0 ? delivered : r;
		if (!fd_next(f, limit, &len, &consume)) {
			if (!f->eof || f->fill != 0)
				break; /* waiting for more bytes */
			hdr_make(&h, RVX_HSENSOR_TYPE_EOF, 0, s->priority);
			if (rvx_queue_send(q, &h, NULL) != 0)
				break;
			f->eof_sent = true;
			s->delivered++;
			delivered++;
			break;
		}
		hdr_make(&h, RVX_HSENSOR_TYPE_BYTES, (uint32_t)len, s->priority);
		if (rvx_queue_send(q, &h, f->buf) != 0)
			break; /* full: the bytes stay at the front of buf */
		memmove(f->buf, f->buf + consume, f->fill - consume);
		f->fill -= consume;
		s->delivered++;
		delivered++;
	}
	return delivered;
}

/* ---- common ----------------------------------------------------------- */

int rvx_hsensor_poll(struct rvx_hsensor *s, uint64_t now, struct rvx_queue *q)
{
	if (s == NULL || q == NULL)
		return -RVX_EINVAL;
	switch (s->kind) {
	case RVX_HSENSOR_TIMER:
		return timer_poll(s, now, q);
	case RVX_HSENSOR_VECTOR:
		return vector_poll(s, now, q);
	case RVX_HSENSOR_FD:
		return fd_poll(s, q);
	default:
		return -RVX_EINVAL;
	}
}

bool rvx_hsensor_done(const struct rvx_hsensor *s)
{
	if (s->kind == RVX_HSENSOR_VECTOR)
		return s->u.vector.cfg.count != 0 &&
		       s->u.vector.next_seq >= s->u.vector.cfg.count;
	if (s->kind == RVX_HSENSOR_FD)
		return s->u.fd.eof_sent;
	return false;
}
