/* SPDX-License-Identifier: Apache-2.0 */
#include "kern.h"

#include <criterion/criterion.h>
#include <string.h>

#include "ruvix/endian.h"

enum { OP_CREATE = 1, OP_MINT, OP_DERIVE, OP_REVOKE, OP_APPEND, OP_SEND, OP_RECV };


static int sink_write(void *ctx, const uint8_t rec[64])
{
	struct rvx_witness_sink s = rvx_witness_ring_sink(ctx);

	return s.write(s.ctx, rec);
}

void kern_init(struct kern *k, size_t regsize)
{
	struct rvx_witness_sink s = {sink_write, NULL};

	memset(k, 0, sizeof(*k));
	cr_assert_eq(rvx_cap_space_init(&k->cs, k->slots, KERN_TASKS * KERN_SPT, k->tables,
					KERN_TASKS, KERN_SPT, k->objects, KERN_OBJECTS),
		     0);
	cr_assert_eq(rvx_region_init_append(&k->reg, k->regmem, regsize), 0);
	cr_assert_eq(rvx_queue_init(&k->q, k->qmem, sizeof(k->qmem), KERN_QSLOTS, KERN_QPAYLOAD),
		     0);
	cr_assert_eq(rvx_witness_ring_init(&k->ring, k->records, KERN_RECORDS, true), 0);
	s.ctx = &k->ring;
	cr_assert_eq(rvx_witness_log_init(&k->log, &s), 0);
	k->items[0] = (struct rvx_ckpt_item){&rvx_ckpt_witness_ops, &k->log};
	k->items[1] = (struct rvx_ckpt_item){&rvx_cap_ckpt_ops, &k->cs};
	k->items[2] = (struct rvx_ckpt_item){&rvx_region_ckpt_ops, &k->reg};
	k->items[3] = (struct rvx_ckpt_item){&rvx_queue_ckpt_ops, &k->q};
}

static int apply_op(void *ctx, const struct rvx_witness_record *rec, const uint8_t *a, uint32_t len)
{
	struct kern *k = ctx;
	rvx_handle_t h;

	switch (rec->kind) {
	case RVX_WITNESS_OBJECT_CREATE:
		if (len != 8)
			return -RVX_EINVAL;
		return rvx_cap_object_create(&k->cs, (enum rvx_obj_type)rvx_le_get32(a), rvx_le_get32(a + 4), &h);
	case RVX_WITNESS_CAP_MINT:
		if (len != 21)
			return -RVX_EINVAL;
		return rvx_cap_mint(&k->cs, rvx_le_get32(a), (rvx_handle_t){rvx_le_get64(a + 4)}, a[12],
				    rvx_le_get64(a + 13), &h);
	case RVX_WITNESS_CAP_GRANT:
		if (len != 25)
			return -RVX_EINVAL;
		return rvx_cap_derive(&k->cs, rvx_le_get32(a), (rvx_handle_t){rvx_le_get64(a + 4)}, rvx_le_get32(a + 12),
				      a[16], rvx_le_get64(a + 17), &h);
	case RVX_WITNESS_CAP_REVOKE:
		if (len != 12)
			return -RVX_EINVAL;
		return rvx_cap_revoke(&k->cs, rvx_le_get32(a), (rvx_handle_t){rvx_le_get64(a + 4)});
	case RVX_WITNESS_REGION_WRITE:
		return rvx_region_append(&k->reg, a, len, NULL);
	case RVX_WITNESS_QUEUE_SEND: {
		struct rvx_queue_msg_hdr hdr;

		if (len < 5)
			return -RVX_EINVAL;
		memset(&hdr, 0, sizeof(hdr));
		hdr.priority = a[0];
		hdr.type_id = rvx_le_get32(a + 1);
		hdr.length = len - 5;
		return rvx_queue_send(&k->q, &hdr, a + 5);
	}
	case RVX_WITNESS_QUEUE_RECV: {
		struct rvx_queue_msg_hdr hdr;
		uint8_t buf[KERN_QPAYLOAD];

		if (len != 0)
			return -RVX_EINVAL;
		return rvx_queue_recv(&k->q, &hdr, buf, sizeof(buf));
	}
	default:
		return -RVX_EINVAL;
	}
}

/* Some calls return a count on success (revoke): success is >= 0. */
int kern_apply(void *ctx, const struct rvx_witness_record *rec, const uint8_t *a, uint32_t len)
{
	int rc = apply_op(ctx, rec, a, len);

	return rc < 0 ? rc : 0;
}

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A handle of some occupied slot of `task` (a guess; failures are fine). */
static uint64_t some_cap(struct kern *k, uint32_t task, uint32_t r)
{
	for (uint32_t i = 0; i < KERN_SPT; i++) {
		uint32_t idx = (r + i) % KERN_SPT;
		const struct rvx_cap_slot *s = &k->slots[task * KERN_SPT + idx];

		if (s->type != RVX_OBJ_NONE)
			return rvx_handle_make(idx, s->gen).raw;
	}
	return rvx_handle_make(0, 1).raw;
}

int kern_step(struct kern *k, struct rvx_witness_journal *j, uint32_t *rng, uint64_t time)
{
	uint8_t a[64];
	uint32_t len = 0, r = next(rng);
	struct rvx_witness_event ev = {.time = time, .tier = (uint8_t)(r & 1u), .actor = r % KERN_TASKS};
	struct rvx_witness_record rec;

	switch (r % 8u) {
	case 0:
		ev.kind = RVX_WITNESS_OBJECT_CREATE;
		rvx_le_put32(a, 1u + (r >> 8) % 3u);
		rvx_le_put32(a + 4, r >> 12);
		len = 8;
		break;
	case 1: {
		/* mint: an object handle guessed from the registry */
		uint32_t o = (r >> 8) % KERN_OBJECTS;

		ev.kind = RVX_WITNESS_CAP_MINT;
		rvx_le_put32(a, (r >> 4) % KERN_TASKS);
		rvx_le_put64(a + 4, rvx_handle_make(o, k->objects[o].gen).raw);
		a[12] = (uint8_t)RVX_RIGHTS_ALL;
		rvx_le_put64(a + 13, (r >> 20) & 3u);
		len = 21;
		break;
	}
	case 2:
	case 3: {
		uint32_t src = (r >> 4) % KERN_TASKS;

		ev.kind = RVX_WITNESS_CAP_GRANT;
		rvx_le_put32(a, src);
		rvx_le_put64(a + 4, some_cap(k, src, r >> 8));
		rvx_le_put32(a + 12, (r >> 12) % KERN_TASKS);
		a[16] = (uint8_t)((r >> 16) & RVX_RIGHTS_ALL);
		rvx_le_put64(a + 17, 0);
		len = 25;
		break;
	}
	case 4: {
		uint32_t t = (r >> 4) % KERN_TASKS;

		ev.kind = RVX_WITNESS_CAP_REVOKE;
		rvx_le_put32(a, t);
		rvx_le_put64(a + 4, some_cap(k, t, r >> 8));
		len = 12;
		break;
	}
	case 5:
		ev.kind = RVX_WITNESS_REGION_WRITE;
		len = 1u + (r >> 8) % 48u;
		for (uint32_t i = 0; i < len; i++)
			a[i] = (uint8_t)(r >> (i % 24));
		break;
	case 6:
		ev.kind = RVX_WITNESS_QUEUE_SEND;
		a[0] = (uint8_t)((r >> 4) % RVX_QUEUE_PRIORITIES);
		rvx_le_put32(a + 1, r);
		len = 5u + (r >> 8) % (KERN_QPAYLOAD + 1u);
		for (uint32_t i = 5; i < len; i++)
			a[i] = (uint8_t)(i * r);
		break;
	default:
		ev.kind = RVX_WITNESS_QUEUE_RECV;
		len = 0;
		break;
	}
	rec.kind = ev.kind;
	if (kern_apply(k, &rec, a, len) != 0)
		return 0;
	cr_assert_eq(rvx_witness_commit(&k->log, j, &ev, a, len, NULL), 0);
	return 1;
}
