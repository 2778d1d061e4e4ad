/* SPDX-License-Identifier: Apache-2.0 */
#include "coh_fixture.h"

uint64_t cf_rand(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

void cf_random_graph(struct cf_graph *g, uint64_t seed, uint32_t n, uint32_t m, uint64_t wmax)
{
	uint64_t s = seed;
	uint32_t i;

	cr_assert(m <= CF_NE && n <= CF_NV);
	memset(g, 0, sizeof(*g));
	g->n = n;
	for (i = 0; i < m; i++) {
		uint32_t a = (uint32_t)(cf_rand(&s) % n), b = (uint32_t)(cf_rand(&s) % n);

		if (a == b)
			continue;
		g->a[g->m] = a;
		g->b[g->m] = b;
		g->w[g->m] = 1 + cf_rand(&s) % wmax;
		g->m++;
	}
}

void cf_start(struct cf *f, const struct rvx_coh_config *cfg, const struct cf_graph *g,
	      const uint32_t *part)
{
	uint32_t i, e;

	memset(f, 0xA5, sizeof(*f));
	cr_assert_eq(rvx_coh_init(&f->c, cfg, f->v, CF_NV, f->e, CF_NE, f->scratch,
				  sizeof(f->scratch)), 0);
	for (i = 0; i < g->n; i++)
		cr_assert_eq(rvx_coh_vertex_add(&f->c, i, part ? part[i] : RVX_COH_NONE), 0);
	for (i = 0; i < g->m; i++) {
		cr_assert_eq(rvx_coh_edge_add(&f->c, g->a[i], g->b[i], &e), 0);
		cr_assert_eq(e, i);
	}
}

void cf_note(struct cf *f, const struct cf_graph *g)
{
	uint32_t i;

	for (i = 0; i < g->n; i++)
		cr_assert_eq(rvx_coh_vertex_note(&f->c, i, 1), 0);
	for (i = 0; i < g->m; i++)
		cr_assert_eq(rvx_coh_edge_note(&f->c, i, g->w[i]), 0);
}

uint64_t cf_cut(const struct cf_graph *g, const uint32_t *part)
{
	uint64_t cut = 0;
	uint32_t i;

	for (i = 0; i < g->m; i++)
		if (part[g->a[i]] != part[g->b[i]])
			cut += g->w[i];
	return cut;
}

uint32_t cf_max_count(const uint32_t *part, uint32_t n, uint32_t k)
{
	uint32_t cnt[RVX_COH_MAX_PARTS] = {0}, i, m = 0;

	for (i = 0; i < n; i++)
		cnt[part[i]]++;
	for (i = 0; i < k; i++)
		if (cnt[i] > m)
			m = cnt[i];
	return m;
}

void cf_placement(const struct cf *f, uint32_t n, uint32_t *part)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		int p = rvx_coh_part_of(&f->c, i);

		cr_assert(p >= 0);
		part[i] = (uint32_t)p;
	}
}

uint64_t cf_clock_read(void *ctx)
{
	struct cf_clock *k = ctx;

	k->reads++;
	k->now += k->step;
	return k->now;
}
