/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text seeds: `ruvix pkg pack` turns a vector or graph seed file whose name
 * ends in ".txt" into the binary seed segment docs/rvf.md specifies (other
 * seed files are taken as that segment already). Text forms, one record per
 * line, `#` comments:
 *   vector seed:  KEY C1 C2 ... Cdim     (every line the same dimension)
 *   graph seed:   node ID [META_HEX]     (up to 32 bytes of metadata)
 *                 edge SRC DST [WEIGHT]  (a decimal weight, default 1.0)
 * Records may come in any order: they are sorted as the format requires
 * (vector keys ascending; nodes by id, then edges by source and target); a
 * repeated key, node or edge is an error.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ruvix/endian.h"

struct vrec {
	uint64_t key;
	float *v;
};

struct grec {
	uint8_t kind;
	uint64_t a, b;
	int32_t weight;
	uint8_t meta[32];
};

static int cmp_v(const void *x, const void *y)
{
	const struct vrec *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

static int cmp_g(const void *x, const void *y)
{
	const struct grec *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind == RVX_RVF_GRAPH_SEED_NODE ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

static int bad(const char *path, unsigned line, const char *what)
{
	fprintf(stderr, "%s:%u: %s\n", path, line, what);
	return -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno != 0 || end == s || *end != '\0' || s[0] == '-' ? -1 : 0;
}

/* The next line of @text (NUL-terminated copy in @buf, comment removed). */
static const uint8_t *next_line(const uint8_t *p, const uint8_t *end, char *buf, size_t cap,
				bool *too_long)
{
	size_t n = 0;

	*too_long = false;
	while (p < end && *p != '\n') {
		if (n + 1 < cap)
			buf[n++] = (char)*p;
		else
			*too_long = true;
		p++;
	}
	buf[n] = '\0';
	if (strchr(buf, '#') != NULL)
		*strchr(buf, '#') = '\0';
	buf[strcspn(buf, "\r")] = '\0';
	return p < end ? p + 1 : p;
}

static int vector_seed(const char *path, const uint8_t *text, size_t len, uint8_t **out,
		       size_t *out_len)
{
	static char buf[65536];
	const uint8_t *p = text, *end = text + len;
	struct vrec *recs = NULL;
	float *vals = NULL;
	size_t n = 0, cap = 0, vcap = 0, nv = 0;
	uint32_t dim = 0;
	unsigned line = 0;
	int rc = -1;

	while (p < end) {
		bool too_long;
		char *save = NULL, *tok;
		uint32_t d = 0;
		uint64_t key;

		p = next_line(p, end, buf, sizeof(buf), &too_long);
		line++;
		if (too_long) {
			bad(path, line, "line too long");
			goto out;
		}
		tok = strtok_r(buf, " \t,", &save);
		if (tok == NULL)
			continue;
		if (parse_u64(tok, &key) != 0) {
			bad(path, line, "a vector line is KEY C1 C2 ...");
			goto out;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			recs = realloc(recs, cap * sizeof(*recs));
			if (recs == NULL)
				goto out;
		}
		recs[n].key = key;
		recs[n].v = NULL;
		while ((tok = strtok_r(NULL, " \t,", &save)) != NULL) {
			char *e;
			float f;

			errno = 0;
			f = strtof(tok, &e);
			if (errno != 0 || e == tok || *e != '\0') {
				bad(path, line, "not a number");
				goto out;
			}
			if (nv == vcap) {
				vcap = vcap ? 2 * vcap : 1024;
				vals = realloc(vals, vcap * sizeof(*vals));
				if (vals == NULL)
					goto out;
			}
			vals[nv++] = f;
			d++;
		}
		if (d == 0 || (dim != 0 && d != dim) || d > RVX_RVF_MAX_VECTOR_DIM) {
			bad(path, line, "every vector needs the same dimension (1..4096)");
			goto out;
		}
		dim = d;
		n++;
	}
	if (n == 0) {
		bad(path, line, "no vectors");
		goto out;
	}
	/* Components were appended in line order: attach them, then sort. */
	for (size_t i = 0; i < n; i++)
		recs[i].v = vals + i * dim;
	qsort(recs, n, sizeof(*recs), cmp_v);
	for (size_t i = 1; i < n; i++) {
		if (recs[i].key == recs[i - 1].key) {
			fprintf(stderr, "%s: key %llu given twice\n", path,
				(unsigned long long)recs[i].key);
			goto out;
		}
	}
	*out_len = RVX_RVF_SEED_HEADER_SIZE + n * (size_t)RVX_RVF_VECTOR_SEED_RECORD_SIZE(dim);
	*out = calloc(1, *out_len);
	if (*out == NULL)
		goto out;
	rvx_le_put32(*out, dim);
	rvx_le_put32(*out + 4, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *r = *out + RVX_RVF_SEED_HEADER_SIZE +
			     i * (size_t)RVX_RVF_VECTOR_SEED_RECORD_SIZE(dim);

		rvx_le_put64(r, recs[i].key);
		for (uint32_t j = 0; j < dim; j++) {
			uint32_t w;

			memcpy(&w, &recs[i].v[j], 4);
			rvx_le_put32(r + 8 + 4 * j, w);
		}
	}
	rc = 0;
out:
	free(recs);
	free(vals);
	return rc;
}

static int hex_meta(const char *s, uint8_t meta[32])
{
	size_t n = strlen(s);

	if (n % 2 != 0 || n > 64)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		meta[i] = (uint8_t)v;
	}
	return 0;
}

static int graph_seed(const char *path, const uint8_t *text, size_t len, uint8_t **out,
		      size_t *out_len)
{
	char buf[512];
	const uint8_t *p = text, *end = text + len;
	struct grec *recs = NULL;
	size_t n = 0, cap = 0;
	unsigned line = 0;
	int rc = -1;

	while (p < end) {
		bool too_long;
		char *save = NULL, *kw, *x, *y, *z;
		struct grec g;

		p = next_line(p, end, buf, sizeof(buf), &too_long);
		line++;
		if (too_long)
			return free(recs), bad(path, line, "line too long");
		kw = strtok_r(buf, " \t", &save);
		if (kw == NULL)
			continue;
		x = strtok_r(NULL, " \t", &save);
		y = strtok_r(NULL, " \t", &save);
		z = strtok_r(NULL, " \t", &save);
		memset(&g, 0, sizeof(g));
		if (strcmp(kw, "node") == 0 && x != NULL && z == NULL) {
			g.kind = RVX_RVF_GRAPH_SEED_NODE;
			if (parse_u64(x, &g.a) != 0 || (y != NULL && hex_meta(y, g.meta) != 0))
				return free(recs), bad(path, line, "node ID [META_HEX up to 32 bytes]");
		} else if (strcmp(kw, "edge") == 0 && x != NULL && y != NULL) {
			double w = 1.0;
			char *e = NULL;

			g.kind = RVX_RVF_GRAPH_SEED_EDGE;
			if (z != NULL) {
				w = strtod(z, &e);
				if (e == z || *e != '\0')
					return free(recs), bad(path, line, "edge SRC DST [WEIGHT]");
			}
			if (parse_u64(x, &g.a) != 0 || parse_u64(y, &g.b) != 0 || !isfinite(w) ||
			    fabs(w * 65536.0) > 2147483647.0 || strtok_r(NULL, " \t", &save) != NULL)
				return free(recs), bad(path, line, "edge SRC DST [WEIGHT]");
			g.weight = (int32_t)lround(w * 65536.0);
		} else {
			return free(recs), bad(path, line, "expected 'node ID [META]' or 'edge SRC DST [W]'");
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			recs = realloc(recs, cap * sizeof(*recs));
			if (recs == NULL)
				return -1;
		}
		recs[n++] = g;
	}
	qsort(recs, n, sizeof(*recs), cmp_g);
	for (size_t i = 1; i < n; i++) {
		if (recs[i].kind == recs[i - 1].kind && recs[i].a == recs[i - 1].a &&
		    recs[i].b == recs[i - 1].b) {
			fprintf(stderr, "%s: %s %llu given twice\n", path,
				recs[i].kind == RVX_RVF_GRAPH_SEED_NODE ? "node" : "edge from",
				(unsigned long long)recs[i].a);
			goto out;
		}
	}
	*out_len = RVX_RVF_SEED_HEADER_SIZE + n * RVX_RVF_GRAPH_SEED_RECORD_SIZE;
	*out = calloc(1, *out_len);
	if (*out == NULL)
		goto out;
	rvx_le_put32(*out, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		/* The canonical mutation encoding (ruvix/vecgraph_graph.h). */
		uint8_t *r = *out + RVX_RVF_SEED_HEADER_SIZE + i * RVX_RVF_GRAPH_SEED_RECORD_SIZE;

		r[0] = RVX_RVF_GRAPH_SEED_VERSION;
		r[1] = recs[i].kind;
		rvx_le_put64(r + 8, recs[i].a);
		if (recs[i].kind == RVX_RVF_GRAPH_SEED_EDGE) {
			rvx_le_put32(r + 4, (uint32_t)recs[i].weight);
			rvx_le_put64(r + 16, recs[i].b);
		} else {
			memcpy(r + 24, recs[i].meta, 32);
		}
	}
	rc = 0;
out:
	free(recs);
	return rc;
}

int cli_seed_from_text(uint16_t type, const char *path, const uint8_t *text, size_t len,
		       uint8_t **out, size_t *out_len)
{
	if (type == RVX_RVF_SEG_VECTOR_SEED)
		return vector_seed(path, text, len, out, out_len);
	return graph_seed(path, text, len, out, out_len);
}
