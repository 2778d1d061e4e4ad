/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The key property: checkpoint at op 100, run to op 200, restore the
 * checkpoint into fresh objects, replay the journal from there through the
 * same apply function, and get the identical state (checkpoint bytes, whose
 * trailer is the state hash) and chain head, bit for bit.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kern.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* struct kern holds cache-line aligned members: calloc is not enough. */
static struct kern *kern_alloc(void)
{
	size_t n = (sizeof(struct kern) + 63u) & ~(size_t)63u;

	return aligned_alloc(64, n);
}

#define JBYTES (256u * 1024u)
#define CKBYTES (64u * 1024u)

Test(witness_replay, restore_and_replay_reproduce_state_and_head)
{
	struct kern *k = kern_alloc(), *k2 = kern_alloc();
	uint8_t *jbuf = malloc(JBYTES), *ck100 = malloc(CKBYTES), *ck200 = malloc(CKBYTES),
		*ck2 = malloc(CKBYTES);
	struct rvx_witness_journal j;
	struct rvx_witness_head h1, h2;
	enum rvx_ckpt_reason why;
	size_t n100, n200, n2;
	uint32_t rng = 12345u;
	uint64_t seq100, replayed, t0, t_orig, t_replay;
	int rc;
	unsigned ops = 0, kinds_seen[RVX_WITNESS_KIND_COUNT] = {0};

	cr_assert(k && k2 && jbuf && ck100 && ck200 && ck2);
	kern_init(k, KERN_REGION);
	cr_assert_eq(rvx_witness_journal_init(&j, jbuf, JBYTES), 0);
	while (ops < 100)
		ops += (unsigned)kern_step(k, &j, &rng, 1000u + 7u * ops);
	cr_assert_eq(rvx_ckpt_write(k->items, 4, ck100, CKBYTES, &n100), 0);
	seq100 = k->log.sequence;
	cr_assert_eq(seq100, 100);
	t0 = now_ns();
	while (ops < 200)
		ops += (unsigned)kern_step(k, &j, &rng, 1000u + 7u * ops);
	t_orig = now_ns() - t0;
	cr_assert_eq(rvx_ckpt_write(k->items, 4, ck200, CKBYTES, &n200), 0);
	rvx_witness_head(&k->log, &h1);
	cr_assert_eq(h1.count, 200);
	for (uint32_t i = 0; i < k->ring.count; i++)
		kinds_seen[rvx_witness_ring_at(&k->ring, i)[16]]++;
	/* the run exercised every kind of mutation */
	cr_assert(kinds_seen[RVX_WITNESS_CAP_MINT] && kinds_seen[RVX_WITNESS_CAP_GRANT] &&
		  kinds_seen[RVX_WITNESS_CAP_REVOKE] && kinds_seen[RVX_WITNESS_REGION_WRITE] &&
		  kinds_seen[RVX_WITNESS_QUEUE_SEND] && kinds_seen[RVX_WITNESS_QUEUE_RECV] &&
		  kinds_seen[RVX_WITNESS_OBJECT_CREATE]);

	/* before: a fresh kernel on other memory; after: restored + replayed */
	kern_init(k2, KERN_REGION);
	cr_assert_eq(rvx_ckpt_restore(ck100, n100, k2->items, 4, &why), 0, "reason %d", why);
	cr_assert_eq(k2->log.sequence, 100);
	t0 = now_ns();
	rc = rvx_witness_replay(&k2->log, &j, seq100, kern_apply, k2, &replayed);
	cr_assert_eq(rc, 0, "replay: %d after %llu", rc, (unsigned long long)replayed);
	t_replay = now_ns() - t0;
	cr_assert_eq(replayed, 100);
	rvx_witness_head(&k2->log, &h2);
	cr_assert_eq(h2.count, h1.count);
	cr_assert_eq(memcmp(h2.head, h1.head, 32), 0);
	cr_assert_eq(rvx_ckpt_write(k2->items, 4, ck2, CKBYTES, &n2), 0);
	cr_assert_eq(n2, n200);
	{
		size_t d = 0;

		while (d < n200 && ck2[d] == ck200[d])
			d++;
		cr_assert_eq(d, n200, "state differs after replay at byte %zu", d);
	}
	/* the replayed records are the original records, byte for byte */
	for (uint32_t i = 0; i < 100; i++)
		cr_assert_eq(memcmp(rvx_witness_ring_at(&k2->ring, i),
				    rvx_witness_ring_at(&k->ring, 100 + i), 64),
			     0);
	printf("replay: ops 100..200 original %.1f us, replay %.1f us (checkpoint %zu B)\n",
	       t_orig / 1e3, t_replay / 1e3, n200);
	free(k);
	free(k2);
	free(jbuf);
	free(ck100);
	free(ck200);
	free(ck2);
}

Test(witness_replay, diverged_state_is_caught_at_first_record)
{
	struct kern *k = kern_alloc(), *k2 = kern_alloc();
	uint8_t *jbuf = malloc(JBYTES);
	struct rvx_witness_journal j;
	uint32_t rng = 777u;
	uint64_t replayed;
	unsigned ops = 0;

	cr_assert(k && k2 && jbuf);
	kern_init(k, KERN_REGION);
	cr_assert_eq(rvx_witness_journal_init(&j, jbuf, JBYTES), 0);
	while (ops < 20)
		ops += (unsigned)kern_step(k, &j, &rng, ops);
	/* Replay into a log that is at sequence 0 but whose chain differs. */
	kern_init(k2, KERN_REGION);
	k2->log.state[0] ^= 1u;
	cr_assert_eq(rvx_witness_replay(&k2->log, &j, 0, kern_apply, k2, &replayed), -RVX_EBADSIG);
	cr_assert_eq(replayed, 0);
	cr_assert_eq(k2->log.sequence, 0);
	/* wrong starting sequence */
	cr_assert_eq(rvx_witness_replay(&k->log, &j, 3, kern_apply, k, NULL), -RVX_EINVAL);
	/* a tampered payload is refused before apply */
	kern_init(k2, KERN_REGION);
	jbuf[8 + 64] ^= 1u; /* first payload byte of frame 0; frame digest now fails */
	cr_assert_eq(rvx_witness_replay(&k2->log, &j, 0, kern_apply, k2, &replayed), -RVX_EINVAL);
	cr_assert_eq(k2->log.sequence, 0);
	free(k);
	free(k2);
	free(jbuf);
}
