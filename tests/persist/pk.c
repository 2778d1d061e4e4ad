/* SPDX-License-Identifier: Apache-2.0 */
#include "pk.h"

#include <string.h>

#define PK_NOW 1000000u

static const uint8_t pk_secret[32] = "persist test kernel secret 32 b";

int pk_boot(struct pk_world *w)
{
	struct rvx_kernel_config cfg;
	struct rvx_witness_sink sink;
	int rc;

	memset(&w->k, 0, sizeof(w->k));
	memset(&cfg, 0, sizeof(cfg));
	cfg.region_pool = w->region_pool;
	cfg.region_pool_size = sizeof(w->region_pool);
	cfg.queue_pool = w->queue_pool;
	cfg.queue_pool_size = sizeof(w->queue_pool);
	cfg.journal = w->journal;
	cfg.journal_size = sizeof(w->journal);
	if (w->keep_records != 0) {
		if (w->keep_records > PK_KEEP_MAX)
			return -RVX_EINVAL;
		rc = rvx_witness_keep_init(&w->keep, w->keep_mem, w->keep_records);
		if (rc != 0)
			return rc;
		sink = rvx_witness_keep_sink(&w->keep);
		cfg.sink = &sink;
		cfg.witness_records = w->keep_records;
	} else {
		cfg.witness_ring = w->ring;
		cfg.witness_records = 256;
	}
	cfg.cpu_count = 1;
	cfg.period_ns = 1000000;
	return rvx_kernel_boot(&w->k, &cfg, pk_secret, sizeof(pk_secret), PK_NOW, NULL);
}

int pk_step(struct pk_world *w, uint64_t i)
{
	uint8_t args[40];
	int rc;

	for (unsigned b = 0; b < sizeof(args); b++)
		args[b] = (uint8_t)(i * 31u + b);
	rc = rvx_kernel_tick(&w->k, PK_NOW + 1000u * (i + 1u));
	if (rc < 0)
		return rc;
	return rvx_kernel_port_record(&w->k, (uint16_t)(RVX_WITNESS_KIND_USER + (i % 7u)),
				      (uint32_t)(i % 5u), i, args, 8u + (size_t)(i % 32u));
}

int pk_format(struct pk_world *w, struct rvx_persist *p, const struct rvx_persist_dev *dev,
	      uint64_t volume)
{
	struct rvx_witness_head h;
	int rc = pk_boot(w);

	if (rc != 0)
		return rc;
	rc = rvx_kernel_checkpoint(&w->k, w->ck, sizeof(w->ck), &w->ck_len, NULL);
	if (rc != 0)
		return rc;
	rvx_kernel_witness_head(&w->k, &h);
	return rvx_persist_format(p, dev, w->block, volume, w->ck, w->ck_len, h.count);
}

struct pk_ack {
	struct pk_world *w;
	pk_ack_fn fn;
	void *ctx;
};

static void pk_on_ack(void *ctx, uint64_t seq)
{
	struct pk_ack *a = ctx;
	struct rvx_witness_head h;

	/* The head is known only after the log's last record. */
	rvx_kernel_witness_head(&a->w->k, &h);
	a->fn(a->ctx, seq, seq + 1u == h.count ? &h : NULL);
}

int pk_sync(struct pk_world *w, struct rvx_persist *p, pk_ack_fn ack, void *ctx)
{
	struct rvx_witness_journal j;
	struct pk_ack a = {w, ack, ctx};
	long n;
	int rc = rvx_kernel_journal_view(&w->k, &j);

	if (rc != 0)
		return rc;
	n = rvx_persist_append_journal(p, &j, ack != NULL ? pk_on_ack : NULL, &a);
	if (w->keep_records != 0 && w->keep_release) {
		/* What the store acknowledged is durable: it may give way. */
		rc = rvx_witness_keep_release(&w->keep, p->next_seq);
		if (rc != 0)
			return rc;
	}
	return n < 0 ? (int)n : 0;
}

int pk_checkpoint(struct pk_world *w, struct rvx_persist *p)
{
	struct rvx_witness_head h;
	int rc;

	rc = rvx_kernel_checkpoint(&w->k, w->ck, sizeof(w->ck), &w->ck_len, NULL);
	if (rc != 0)
		return rc;
	rvx_kernel_witness_head(&w->k, &h);
	rc = rvx_persist_checkpoint(p, w->ck, w->ck_len, h.count);
	if (rc != 0)
		return rc;
	return rvx_kernel_restore(&w->k, w->ck, w->ck_len);
}

int pk_recover(struct pk_world *w, struct rvx_persist *p, const struct rvx_persist_dev *dev,
	       struct rvx_persist_report *r, uint64_t *replayed)
{
	struct rvx_witness_journal j;
	size_t valid;
	int rc;

	*replayed = 0;
	rc = pk_boot(w);
	if (rc != 0)
		return rc;
	rc = rvx_persist_open(p, dev, w->block, w->ck, sizeof(w->ck), w->frames,
			      sizeof(w->frames), r);
	if (rc != 0)
		return rc;
	if (!r->has_ckpt)
		return -RVX_ENOENT;
	w->ck_len = r->ckpt_len;
	rc = rvx_witness_journal_load(&j, w->frames, sizeof(w->frames), r->frames_len, &valid);
	if (rc != 0)
		return rc;
	if (w->keep_records != 0) {
		struct rvx_witness_anchor at;

		rc = rvx_kernel_restore(&w->k, w->ck, w->ck_len);
		if (rc != 0)
			return rc;
		rc = rvx_kernel_witness_anchor(&w->k, &at);
		if (rc != 0)
			return rc;
		rc = rvx_witness_keep_restart(&w->keep, &at);
		if (rc != 0)
			return rc;
		return rvx_kernel_replay(&w->k, &j, r->ckpt_seq, NULL, 0, NULL, NULL, replayed);
	}
	return rvx_kernel_replay(&w->k, &j, r->ckpt_seq, w->ck, w->ck_len, NULL, NULL, replayed);
}

int pk_state(struct pk_world *w, struct rvx_witness_head *head, uint8_t state_hash[32])
{
	static uint8_t tmp[PK_CKPT_CAP];

	rvx_kernel_witness_head(&w->k, head);
	return rvx_kernel_checkpoint(&w->k, tmp, sizeof(tmp), NULL, state_hash);
}
