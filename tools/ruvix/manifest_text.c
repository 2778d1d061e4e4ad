/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text manifest: one declaration per line, `key=value` attributes,
 * `#` comments. Grammar in docs/rvf.md ("Text manifest").
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct ctx {
	const char *path;
	unsigned line;
	struct rvx_rvf_manifest *m;
	uint8_t *keys;
	const struct cli_file *files;
	size_t nfiles;
	char authority_paths[RVX_RVF_MAX_AUTHORITY_KEYS][512];
};

static int err(struct ctx *c, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s:%u: ", c->path, c->line);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return -1;
}

static int parse_u64(struct ctx *c, const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return err(c, "not a number: '%s'", s);
	*v = x;
	return 0;
}

static int parse_u32(struct ctx *c, const char *s, uint32_t *v)
{
	uint64_t x;
	if (parse_u64(c, s, &x) != 0)
		return -1;
	if (x > UINT32_MAX)
		return err(c, "number too large: '%s'", s);
	*v = (uint32_t)x;
	return 0;
}

static int set_name(struct ctx *c, char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= size)
		return err(c, "name '%s' is empty or too long", s);
	memset(dst, 0, size);
	memcpy(dst, s, n);
	return 0;
}

static int parse_rights(struct ctx *c, const char *s, uint32_t *out)
{
	static const struct { const char *name; uint32_t bit; } tab[] = {
		{ "read", RVX_RIGHT_READ }, { "write", RVX_RIGHT_WRITE },
		{ "grant", RVX_RIGHT_GRANT }, { "revoke", RVX_RIGHT_REVOKE },
		{ "execute", RVX_RIGHT_EXECUTE }, { "prove", RVX_RIGHT_PROVE },
		{ "grant_once", RVX_RIGHT_GRANT_ONCE },
	};
	char buf[256];
	uint32_t r = 0;
	if (strlen(s) >= sizeof(buf))
		return err(c, "rights too long: '%s'", s);
	strcpy(buf, s);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcmp(t, tab[i].name) == 0)
				break;
		if (i == sizeof(tab) / sizeof(tab[0]))
			return err(c, "unknown right '%s'", t);
		r |= tab[i].bit;
	}
	*out = r;
	return 0;
}

static int find_file(struct ctx *c, const char *base, uint16_t type, uint32_t *seg)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].base, base) == 0) {
			if (c->files[i].type != type)
				return err(c, "file '%s' is given with another segment type", base);
			*seg = c->files[i].segment;
			return 0;
		}
	return err(c, "file '%s' is not on the command line", base);
}

/* Index of a named object of @kind ("task", "region", "queue", "required"). */
static int find_object(struct ctx *c, const char *ref, uint8_t *kind, uint16_t *index)
{
	const struct rvx_rvf_manifest *m = c->m;
	const char *colon = strchr(ref, ':');
	if (colon == NULL)
		return err(c, "object reference '%s' is not KIND:NAME", ref);
	size_t kl = (size_t)(colon - ref);
	const char *name = colon + 1;
#define LOOKUP(kstr, K, arr, count)                                          \
	if (kl == strlen(kstr) && strncmp(ref, kstr, kl) == 0) {             \
		for (uint32_t i = 0; i < m->count; i++)                      \
			if (strncmp(m->arr[i].name, name, RVX_RVF_NAME_SIZE) == 0) { \
				*kind = K;                                   \
				*index = (uint16_t)i;                        \
				return 0;                                    \
			}                                                    \
		return err(c, "no such object '%s' (declare it earlier)", ref); \
	}
	LOOKUP("task", RVX_RVF_WIRE_TASK, tasks, task_count)
	LOOKUP("region", RVX_RVF_WIRE_REGION, regions, region_count)
	LOOKUP("queue", RVX_RVF_WIRE_QUEUE, queues, queue_count)
	LOOKUP("required", RVX_RVF_WIRE_REQUIRED, required, required_count)
	LOOKUP("vector", RVX_RVF_WIRE_VECTOR, vectors, vector_count)
	LOOKUP("graph", RVX_RVF_WIRE_GRAPH, graphs, graph_count)
#undef LOOKUP
	return err(c, "unknown object kind in '%s'", ref);
}

static int load_authority(struct ctx *c, const char *path, uint32_t *index)
{
	struct rvx_rvf_manifest *m = c->m;
	for (uint32_t i = 0; i < m->authority_count; i++)
		if (strcmp(c->authority_paths[i], path) == 0) {
			*index = i;
			return 0;
		}
	if (m->authority_count >= RVX_RVF_MAX_AUTHORITY_KEYS)
		return err(c, "too many authority keys (at %s)", path);
	if (strlen(path) >= sizeof(c->authority_paths[0]))
		return err(c, "path too long: %s", path);
	if (cli_read_hex(path, c->keys + (size_t)m->authority_count * RVX_RVF_PUBKEY_SIZE,
			 RVX_RVF_PUBKEY_SIZE) != 0)
		return err(c, "cannot load public key '%s'", path);
	strcpy(c->authority_paths[m->authority_count], path);
	*index = m->authority_count++;
	return 0;
}

/* Split "key=value"; returns the value or NULL. */
static char *attr(char *tok, const char **key)
{
	char *eq = strchr(tok, '=');
	if (eq == NULL)
		return NULL;
	*eq = '\0';
	*key = tok;
	return eq + 1;
}

#define NEXT_ATTRS(tok, save) for (char *tok = strtok_r(NULL, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))

static int line_task(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	if (name == NULL)
		return err(c, "%s", "task needs a name");
	if (m->task_count >= RVX_RVF_MAX_TASKS)
		return err(c, "%s", "too many tasks");
	struct rvx_rvf_task *t = &m->tasks[m->task_count];
	memset(t, 0, sizeof(*t));
	if (set_name(c, t->name, sizeof(t->name), name) != 0)
		return -1;
	t->code_segment = RVX_RVF_NONE;
	t->stack_size = 4096;
	bool have_entry = false;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		uint32_t x;
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "code") == 0) {
			if (find_file(c, v, RVX_RVF_SEG_CODE, &t->code_segment) != 0)
				return -1;
		} else if (strcmp(k, "entry") == 0) {
			if (parse_u32(c, v, &t->entry) != 0)
				return -1;
			have_entry = true;
		} else if (strcmp(k, "symbol") == 0) {
			if (parse_u32(c, v, &t->entry) != 0)
				return -1;
			t->flags |= RVX_RVF_TASK_ENTRY_SYMBOL;
			have_entry = true;
		} else if (strcmp(k, "stack") == 0) {
			if (parse_u32(c, v, &t->stack_size) != 0)
				return -1;
		} else if (strcmp(k, "priority") == 0) {
			if (parse_u32(c, v, &x) != 0 || x > 255)
				return err(c, "bad priority '%s'", v);
			t->priority = (uint8_t)x;
		} else if (strcmp(k, "partition") == 0) {
			if (parse_u32(c, v, &x) != 0 || x > 255)
				return err(c, "bad partition '%s'", v);
			t->partition = (uint8_t)x;
		} else if (strcmp(k, "deadline_ns") == 0) {
			if (parse_u64(c, v, &t->deadline_ns) != 0)
				return -1;
		} else {
			return err(c, "unknown task attribute '%s'", k);
		}
	}
	if (!have_entry)
		return err(c, "task '%s' needs entry= (with code=) or symbol=", name);
	m->task_count++;
	return 0;
}

static int line_region(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	if (name == NULL)
		return err(c, "%s", "region needs a name");
	if (m->region_count >= RVX_RVF_MAX_REGIONS)
		return err(c, "%s", "too many regions");
	struct rvx_rvf_region *r = &m->regions[m->region_count];
	memset(r, 0, sizeof(*r));
	if (set_name(c, r->name, sizeof(r->name), name) != 0)
		return -1;
	r->init_segment = RVX_RVF_NONE;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "policy") == 0) {
			if (strcmp(v, "immutable") == 0)
				r->policy = 1;
			else if (strcmp(v, "append") == 0)
				r->policy = 2;
			else if (strcmp(v, "slab") == 0)
				r->policy = 3;
			else
				return err(c, "unknown region policy '%s'", v);
		} else if (strcmp(k, "size") == 0) {
			if (parse_u64(c, v, &r->size) != 0)
				return -1;
		} else if (strcmp(k, "slot") == 0) {
			if (parse_u64(c, v, &r->slot_size) != 0)
				return -1;
		} else if (strcmp(k, "init") == 0) {
			if (find_file(c, v, RVX_RVF_SEG_REGION_DATA, &r->init_segment) != 0)
				return -1;
		} else {
			return err(c, "unknown region attribute '%s'", k);
		}
	}
	if (r->policy == 0)
		return err(c, "region '%s' needs policy=", name);
	m->region_count++;
	return 0;
}

static int line_queue(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	if (name == NULL)
		return err(c, "%s", "queue needs a name");
	if (m->queue_count >= RVX_RVF_MAX_QUEUES)
		return err(c, "%s", "too many queues");
	struct rvx_rvf_queue *q = &m->queues[m->queue_count];
	memset(q, 0, sizeof(*q));
	if (set_name(c, q->name, sizeof(q->name), name) != 0)
		return -1;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "slots") == 0) {
			if (parse_u32(c, v, &q->slot_count) != 0)
				return -1;
		} else if (strcmp(k, "payload") == 0) {
			if (parse_u32(c, v, &q->max_payload) != 0)
				return -1;
		} else {
			return err(c, "unknown queue attribute '%s'", k);
		}
	}
	m->queue_count++;
	return 0;
}

static int line_vector(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	uint32_t x;
	if (name == NULL)
		return err(c, "%s", "vector needs a name");
	if (m->vector_count >= RVX_RVF_MAX_VECTOR_STORES)
		return err(c, "%s", "too many vector stores");
	struct rvx_rvf_vector_store *v = &m->vectors[m->vector_count];
	memset(v, 0, sizeof(*v));
	if (set_name(c, v->name, sizeof(v->name), name) != 0)
		return -1;
	v->seed_segment = RVX_RVF_NONE;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *val = attr(tok, &k);
		if (val == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "dim") == 0) {
			if (parse_u32(c, val, &v->dim) != 0)
				return -1;
		} else if (strcmp(k, "capacity") == 0) {
			if (parse_u32(c, val, &v->capacity) != 0)
				return -1;
		} else if (strcmp(k, "metric") == 0) {
			if (strcmp(val, "l2") == 0)
				v->metric = RVX_RVF_METRIC_L2;
			else if (strcmp(val, "cosine") == 0)
				v->metric = RVX_RVF_METRIC_COSINE;
			else if (strcmp(val, "dot") == 0)
				v->metric = RVX_RVF_METRIC_DOT;
			else
				return err(c, "unknown metric '%s' (l2, cosine, dot)", val);
		} else if (strcmp(k, "m") == 0 || strcmp(k, "m0") == 0 || strcmp(k, "ef") == 0 ||
			   strcmp(k, "ef_search") == 0) {
			if (parse_u32(c, val, &x) != 0 || x == 0 || x > UINT16_MAX)
				return err(c, "bad HNSW parameter '%s'", val);
			if (strcmp(k, "m") == 0)
				v->m = (uint16_t)x;
			else if (strcmp(k, "m0") == 0)
				v->m0 = (uint16_t)x;
			else if (strcmp(k, "ef") == 0)
				v->ef_construction = (uint16_t)x;
			else
				v->ef_search = (uint16_t)x;
		} else if (strcmp(k, "hnsw_seed") == 0) {
			if (parse_u64(c, val, &v->hnsw_seed) != 0)
				return -1;
		} else if (strcmp(k, "seed") == 0) {
			if (find_file(c, val, RVX_RVF_SEG_VECTOR_SEED, &v->seed_segment) != 0)
				return -1;
		} else {
			return err(c, "unknown vector attribute '%s'", k);
		}
	}
	if (v->dim == 0 || v->capacity == 0)
		return err(c, "vector '%s' needs dim= and capacity=", name);
	m->vector_count++;
	return 0;
}

static int line_graph(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	if (name == NULL)
		return err(c, "%s", "graph needs a name");
	if (m->graph_count >= RVX_RVF_MAX_GRAPH_STORES)
		return err(c, "%s", "too many graph stores");
	struct rvx_rvf_graph_store *g = &m->graphs[m->graph_count];
	memset(g, 0, sizeof(*g));
	if (set_name(c, g->name, sizeof(g->name), name) != 0)
		return -1;
	g->seed_segment = RVX_RVF_NONE;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *val = attr(tok, &k);
		if (val == NULL) {
			if (strcmp(tok, "self_loops") == 0) {
				g->flags |= RVX_RVF_GRAPH_SELF_LOOPS;
				continue;
			}
			return err(c, "expected key=value, got '%s'", tok);
		}
		if (strcmp(k, "nodes") == 0) {
			if (parse_u32(c, val, &g->node_capacity) != 0)
				return -1;
		} else if (strcmp(k, "edges") == 0) {
			if (parse_u32(c, val, &g->edge_capacity) != 0)
				return -1;
		} else if (strcmp(k, "hash_seed") == 0) {
			if (parse_u64(c, val, &g->hash_seed) != 0)
				return -1;
		} else if (strcmp(k, "seed") == 0) {
			if (find_file(c, val, RVX_RVF_SEG_GRAPH_SEED, &g->seed_segment) != 0)
				return -1;
		} else {
			return err(c, "unknown graph attribute '%s'", k);
		}
	}
	if (g->node_capacity == 0 || g->edge_capacity == 0)
		return err(c, "graph '%s' needs nodes= and edges=", name);
	m->graph_count++;
	return 0;
}

static int line_require(struct ctx *c, char *save)
{
	static const char *const types[] = { "none", "task", "region", "queue", "timer", "vector",
		"graph", "mount", "sensor", "partition", "edge", "lease" };
	struct rvx_rvf_manifest *m = c->m;
	char *name = strtok_r(NULL, " \t", &save);
	if (name == NULL)
		return err(c, "%s", "require needs a name");
	if (m->required_count >= RVX_RVF_MAX_REQUIRED)
		return err(c, "%s", "too many required capabilities");
	struct rvx_rvf_required *r = &m->required[m->required_count];
	memset(r, 0, sizeof(*r));
	if (set_name(c, r->name, sizeof(r->name), name) != 0)
		return -1;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "type") == 0) {
			size_t i;
			for (i = 1; i < sizeof(types) / sizeof(types[0]); i++)
				if (strcmp(v, types[i]) == 0)
					break;
			if (i == sizeof(types) / sizeof(types[0]))
				return err(c, "unknown object type '%s'", v);
			r->object_type = (uint8_t)i;
		} else if (strcmp(k, "rights") == 0) {
			if (parse_rights(c, v, &r->rights) != 0)
				return -1;
		} else {
			return err(c, "unknown require attribute '%s'", k);
		}
	}
	m->required_count++;
	return 0;
}

static int line_wire(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *task = strtok_r(NULL, " \t", &save);
	char *obj = strtok_r(NULL, " \t", &save);
	uint8_t kind;
	uint16_t idx;
	if (task == NULL || obj == NULL)
		return err(c, "%s", "wire needs TASK KIND:NAME rights=...");
	if (m->wire_count >= RVX_RVF_MAX_WIRES)
		return err(c, "%s", "too many wires");
	struct rvx_rvf_wire *w = &m->wires[m->wire_count];
	memset(w, 0, sizeof(*w));
	char ref[64];
	if (strlen(task) + 6 > sizeof(ref))
		return err(c, "task name too long: %s", task);
	snprintf(ref, sizeof(ref), "task:%s", task);
	if (find_object(c, ref, &kind, &idx) != 0)
		return -1;
	w->task = idx;
	if (find_object(c, obj, &kind, &idx) != 0)
		return -1;
	w->kind = kind;
	w->object = idx;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL || strcmp(k, "rights") != 0)
			return err(c, "expected rights=..., got '%s'", tok);
		if (parse_rights(c, v, &w->rights) != 0)
			return -1;
	}
	m->wire_count++;
	return 0;
}

static int line_proof(struct ctx *c, char *save)
{
	struct rvx_rvf_manifest *m = c->m;
	char *obj = strtok_r(NULL, " \t", &save);
	uint16_t idx;
	uint8_t kind;
	if (obj == NULL)
		return err(c, "%s", "proof needs KIND:NAME (region, queue, vector, graph)");
	if (m->policy_count >= RVX_RVF_MAX_PROOF_POLICIES)
		return err(c, "%s", "too many proof policies");
	if (find_object(c, obj, &kind, &idx) != 0)
		return -1;
	struct rvx_rvf_proof_policy *p = &m->policies[m->policy_count];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->object = idx;
	p->key_hi = UINT64_MAX;
	p->max_payload = UINT64_MAX;
	p->authority = RVX_RVF_NONE;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "tier") == 0) {
			if (strcmp(v, "reflex") == 0)
				p->tier = 1;
			else if (strcmp(v, "standard") == 0)
				p->tier = 2;
			else if (strcmp(v, "deep") == 0)
				p->tier = 3;
			else
				return err(c, "unknown tier '%s'", v);
		} else if (strcmp(k, "payload") == 0) {
			if (parse_u64(c, v, &p->max_payload) != 0)
				return -1;
		} else if (strcmp(k, "keys") == 0) {
			char *dash = strchr(v, '-');
			if (dash == NULL)
				return err(c, "keys= wants LO-HI, got '%s'", v);
			*dash = '\0';
			if (parse_u64(c, v, &p->key_lo) != 0 || parse_u64(c, dash + 1, &p->key_hi) != 0)
				return -1;
		} else if (strcmp(k, "coherence") == 0) {
			if (parse_u32(c, v, &p->min_coherence) != 0)
				return -1;
		} else if (strcmp(k, "rate") == 0) {
			char *slash = strchr(v, '/');
			if (slash == NULL)
				return err(c, "rate= wants COUNT/WINDOW_NS, got '%s'", v);
			*slash = '\0';
			if (parse_u32(c, v, &p->rate_count) != 0 ||
			    parse_u64(c, slash + 1, &p->rate_window_ns) != 0)
				return -1;
		} else if (strcmp(k, "authority") == 0) {
			if (load_authority(c, v, &p->authority) != 0)
				return -1;
		} else {
			return err(c, "unknown proof attribute '%s'", k);
		}
	}
	m->policy_count++;
	return 0;
}

static int line_witness(struct ctx *c, char *save)
{
	static const struct { const char *name; uint32_t bit; } tab[] = {
		{ "mutations", RVX_RVF_WITNESS_MUTATIONS }, { "caps", RVX_RVF_WITNESS_CAPS },
		{ "ipc", RVX_RVF_WITNESS_IPC }, { "sched", RVX_RVF_WITNESS_SCHED },
	};
	struct rvx_rvf_manifest *m = c->m;
	if (m->has_witness_policy)
		return err(c, "%s", "a second witness line");
	m->has_witness_policy = 1;
	NEXT_ATTRS(tok, save) {
		const char *k;
		char *v = attr(tok, &k);
		if (v == NULL)
			return err(c, "expected key=value, got '%s'", tok);
		if (strcmp(k, "flags") == 0) {
			for (char *s2 = NULL, *f = strtok_r(v, ",", &s2); f; f = strtok_r(NULL, ",", &s2)) {
				size_t i;
				for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
					if (strcmp(f, tab[i].name) == 0)
						break;
				if (i == sizeof(tab) / sizeof(tab[0]))
					return err(c, "unknown witness flag '%s'", f);
				m->witness.flags |= tab[i].bit;
			}
		} else if (strcmp(k, "checkpoint") == 0) {
			if (parse_u32(c, v, &m->witness.checkpoint_every) != 0)
				return -1;
		} else if (strcmp(k, "log") == 0) {
			if (parse_u64(c, v, &m->witness.log_records) != 0)
				return -1;
		} else {
			return err(c, "unknown witness attribute '%s'", k);
		}
	}
	return 0;
}

int cli_parse_manifest(const char *path, struct rvx_rvf_manifest *m, uint8_t *keys,
		       const struct cli_file *files, size_t nfiles)
{
	static struct ctx c;
	char line[1024];
	bool have_name = false;
	FILE *fp = fopen(path, "r");

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(&c, 0, sizeof(c));
	memset(m, 0, sizeof(*m));
	c.path = path;
	c.m = m;
	c.keys = keys;
	c.files = files;
	c.nfiles = nfiles;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *save = NULL, *hash, *kw;
		int rc;
		c.line++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			fclose(fp);
			return err(&c, "%s", "line too long");
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		kw = strtok_r(line, " \t", &save);
		if (kw == NULL)
			continue;
		if (strcmp(kw, "package") == 0) {
			char *n = strtok_r(NULL, " \t", &save);
			rc = n == NULL ? err(&c, "%s", "package needs a name")
				       : set_name(&c, m->name, sizeof(m->name), n);
			have_name = rc == 0;
		} else if (strcmp(kw, "task") == 0) {
			rc = line_task(&c, save);
		} else if (strcmp(kw, "region") == 0) {
			rc = line_region(&c, save);
		} else if (strcmp(kw, "queue") == 0) {
			rc = line_queue(&c, save);
		} else if (strcmp(kw, "require") == 0) {
			rc = line_require(&c, save);
		} else if (strcmp(kw, "vector") == 0) {
			rc = line_vector(&c, save);
		} else if (strcmp(kw, "graph") == 0) {
			rc = line_graph(&c, save);
		} else if (strcmp(kw, "wire") == 0) {
			rc = line_wire(&c, save);
		} else if (strcmp(kw, "proof") == 0) {
			rc = line_proof(&c, save);
		} else if (strcmp(kw, "witness") == 0) {
			rc = line_witness(&c, save);
		} else {
			rc = err(&c, "unknown declaration '%s'", kw);
		}
		if (rc != 0) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	if (!have_name) {
		fprintf(stderr, "%s: no 'package NAME' line\n", path);
		return -1;
	}
	return 0;
}
