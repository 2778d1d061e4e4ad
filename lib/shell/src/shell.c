/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvsh: line editing, the tokenizer and the sixteen commands. Every command
 * reads the kernel through its public calls; the two that change something
 * (trace on/off, reboot) write their witness record first and act only if
 * it was written. Output goes through the caller's callback, formatted here
 * by a small printf of our own (no libc I/O in a library).
 */
#include "ruvix/shell.h"
#include "ruvix/nucleus_query.h"
#include "ruvix/witness.h"

#include <stdarg.h>

#ifndef RVX_SHELL_VERSION
#define RVX_SHELL_VERSION "unknown"
#endif

/* ---- output ---- */

static void put(struct rvx_shell *sh, const char *s, size_t n)
{
	if (n != 0)
		sh->write(sh->write_ctx, s, n);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* Digits of @p v in @p base into the end of @p buf; returns the first. */
static char *utoa(char *end, uint64_t v, unsigned base)
{
	static const char digits[] = "0123456789abcdef";

	*--end = '\0';
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v != 0);
	return end;
}

/*
 * A printf for the shell: %s %c %d %u %x with the l/ll/z length modifiers
 * (all read as 64-bit where given), a width and the '-' and '0' flags.
 */
static void out(struct rvx_shell *sh, const char *fmt, ...)
{
	va_list ap;
	const char *lit = fmt;

	va_start(ap, fmt);
	while (*fmt != '\0') {
		char num[24];
		const char *s;
		unsigned width = 0;
		bool left = false, zero = false, wide = false, neg = false;
		size_t n;

		if (*fmt != '%') {
			fmt++;
			continue;
		}
		put(sh, lit, (size_t)(fmt - lit));
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				zero = true;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10u + (unsigned)(*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			wide = true;
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "-";
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			num[1] = '\0';
			s = num;
			break;
		case 'd': {
			int64_t v = wide ? va_arg(ap, int64_t) : va_arg(ap, int);

			neg = v < 0;
			s = utoa(num + sizeof(num), neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = wide ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);

			s = utoa(num + sizeof(num), v, *fmt == 'u' ? 10u : 16u);
			break;
		}
		default:
			s = "%";
			break;
		}
		if (*fmt != '\0')
			fmt++;
		lit = fmt;
		n = str_len(s) + (neg ? 1u : 0u);
		if (neg && zero)
			put(sh, "-", 1);
		if (!left) {
			for (; n < width; n++)
				put(sh, zero ? "0" : " ", 1);
		}
		if (neg && !zero)
			put(sh, "-", 1);
		put(sh, s, str_len(s));
		if (left) {
			for (; n < width; n++)
				put(sh, " ", 1);
		}
	}
	put(sh, lit, (size_t)(fmt - lit));
	va_end(ap);
}

/* A refusal: one line, counted. */
static int fail(struct rvx_shell *sh, int err, const char *what, const char *detail)
{
	sh->errors++;
	if (detail != NULL)
		out(sh, "rvsh: %s: %s\n", what, detail);
	else
		out(sh, "rvsh: %s: %s\n", what, rvx_strerror(err));
	return err;
}

static void hexbytes(struct rvx_shell *sh, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char two[2];

	for (size_t i = 0; i < n; i++) {
		two[0] = digits[p[i] >> 4];
		two[1] = digits[p[i] & 15u];
		put(sh, two, 2);
	}
}

/* ---- tokens and numbers ---- */

struct tok {
	const char *s;
	size_t n;
};

static bool tok_is(const struct tok *t, const char *word)
{
	size_t n = str_len(word);

	return t->n == n && memcmp(t->s, word, n) == 0;
}

int rvx_shell_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out_v)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i = 0;

	if (s == NULL || out_v == NULL || len == 0)
		return -RVX_EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a') + 10u;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A') + 10u;
		else
			return -RVX_EINVAL;
		if (v > (max - d) / base)
			return -RVX_EINVAL;
		v = v * base + d;
	}
	*out_v = v;
	return 0;
}

/* ---- names ---- */

static const char *state_name(uint32_t s)
{
	static const char *const names[] = {"free", "ready", "running", "blocked", "dead"};

	return s < RVX_ARRAY_COUNT(names) ? names[s] : "?";
}

static const char *type_name(uint32_t t)
{
	static const char *const names[] = {"none",	 "task",   "region", "queue",
					    "timer",	 "vector", "graph",  "mount",
					    "sensor",	 "partition", "edge", "lease"};

	return t < RVX_ARRAY_COUNT(names) ? names[t] : "?";
}

static const char *tier_name(uint32_t t)
{
	static const char *const names[] = {"none", "reflex", "standard", "deep"};

	return t < RVX_ARRAY_COUNT(names) ? names[t] : "?";
}

static const char *reason_name(uint32_t r)
{
	static const char *const names[] = {
		"ok",	     "format",	     "target",	     "issuer",	   "rights",
		"revoked",   "tier",	     "expired",	     "size",	   "key-range",
		"coherence", "rate",	     "nonce-replay", "nonce-old",  "hash",
		"merkle",    "mac",	     "sig-format",   "signature", "authority"};

	_Static_assert(RVX_ARRAY_COUNT(names) == RVX_PROOF_REASON_COUNT, "a name per reason");
	return r < RVX_ARRAY_COUNT(names) ? names[r] : "?";
}

static const char *kind_name(uint16_t kind)
{
	static const char *const names[] = {
		"none",	       "boot_stage",	 "task_spawn",	     "task_exit",
		"object_create", "object_destroy", "cap_mint",	     "cap_grant",
		"cap_revoke",    "cap_delete",	 "region_map",	     "region_write",
		"queue_create",  "queue_send",	 "queue_recv",	     "vector_put",
		"graph_apply",   "mount",	 "subscribe",	     "proof_rejected",
		"attest",	       "epoch_summary", "checkpoint",	     "partition_create",
		"partition_destroy", "partition_suspend", "partition_resume", "lease_grant",
		"lease_expire",  "lease_revoke",  "partition_cap_grant", "fault",
		"recovery",      "switch_summary", "task_hold",	     "task_release",
		"task_migrate",  "region_append", "prove_key",	     "timer_wait",
		"vector_get"};

	if (kind == RVX_SHELL_WITNESS_TRACE)
		return "shell_trace";
	if (kind == RVX_SHELL_WITNESS_REBOOT)
		return "shell_reboot";
	if (kind >= RVX_WITNESS_KIND_USER)
		return "user";
	return kind < RVX_ARRAY_COUNT(names) ? names[kind] : "?";
}

static const char *metric_name(uint32_t m)
{
	static const char *const names[] = {"l2", "cosine", "dot"};

	return m < RVX_ARRAY_COUNT(names) ? names[m] : "?";
}

static uint64_t now_ns(const struct rvx_shell *sh)
{
	return sh->port->now_ns != NULL ? sh->port->now_ns(sh->port->ctx) : 0;
}

/* ---- commands ---- */

static int cmd_help(struct rvx_shell *sh, const struct tok *t, uint32_t n);

static int cmd_info(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	const struct rvx_shell_port *p = sh->port;
	struct rvx_kernel_stats st;
	uint64_t now = now_ns(sh), up = now > p->boot_ns ? now - p->boot_ns : 0;
	uint32_t cpus = 0;

	(void)t;
	(void)n;
	if (rvx_kernel_stats(sh->k, &st) != 0)
		return fail(sh, -RVX_EINVAL, "info", "the kernel is not booted");
	if (p->cpu != NULL) {
		struct rvx_shell_cpu c;

		while (cpus < 256u && p->cpu(p->ctx, cpus, &c) == 0)
			cpus++;
	}
	out(sh, "RuVix %s on %s\n", RVX_SHELL_VERSION, p->board != NULL ? p->board : "unknown board");
	out(sh, "cpu: %s x%u\n", p->cpu_model != NULL ? p->cpu_model : "unknown", cpus);
	out(sh, "ram: %lu KiB\n", p->ram_bytes / 1024u);
	out(sh, "boot: at %lu ns, up %lu.%03lu s\n", p->boot_ns, up / 1000000000u,
	    (up / 1000000u) % 1000u);
	out(sh, "kernel: %u tasks, %u objects, %lu witness records\n", st.tasks, st.objects,
	    st.witness_records);
	return 0;
}

static void pool_line(struct rvx_shell *sh, const char *name, const struct rvx_kernel_pool_use *u)
{
	out(sh, "%-12s %10lu of %10lu bytes used\n", name, u->used, u->size);
}

static int cmd_mem(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	struct rvx_kernel_mem_info m;
	uint64_t free_pages, total_pages;
	uint32_t page;

	(void)t;
	(void)n;
	if (rvx_kernel_mem_info(sh->k, &m) != 0)
		return fail(sh, -RVX_EINVAL, "mem", "the kernel is not booted");
	if (sh->port->phys != NULL && sh->port->phys(sh->port->ctx, &free_pages, &total_pages,
						     &page) == 0)
		out(sh, "physical: %lu of %lu pages free (%u bytes each)\n", free_pages, total_pages,
		    page);
	out(sh, "kernel tables: %lu bytes\n", m.kernel_bytes);
	pool_line(sh, "region pool", &m.region_pool);
	pool_line(sh, "queue pool", &m.queue_pool);
	pool_line(sh, "store pool", &m.store_pool);
	pool_line(sh, "journal", &m.journal);
	out(sh, "regions: immutable %u (%lu bytes), append-only %u (%lu bytes, %lu written), "
		"slab %u (%lu bytes, %u of %u slots used)\n",
	    m.regions[1], m.region_bytes[1], m.regions[2], m.region_bytes[2], m.append_used,
	    m.regions[3], m.region_bytes[3], m.slab_used, m.slab_slots);
	return 0;
}

static int cmd_tasks(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	(void)t;
	(void)n;
	out(sh, "%-4s %-12s %-8s %4s %4s %3s\n", "id", "name", "state", "caps", "prio", "cpu");
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_kernel_task_info ti;
		const char *name = NULL;

		if (rvx_kernel_task_info(sh->k, i, &ti) != 0)
			continue;
		if (sh->port->task_name != NULL)
			name = sh->port->task_name(sh->port->ctx, i);
		if (name == NULL && ti.name[0] != '\0')
			name = ti.name; /* its package manifest's */
		if (name == NULL)
			name = i == sh->self ? "rvsh" : "-";
		out(sh, "%-4u %-12s %-8s %4u %4u %3u%s\n", i, name,
		    ti.held ? "held" : state_name(ti.state), ti.caps, ti.priority, ti.cpu,
		    i == sh->self ? " (this shell)" : "");
	}
	return 0;
}

static void rights_str(char *buf, rvx_rights_t r)
{
	static const char letters[] = "rwgRxpo"; /* read write grant Revoke execute prove once */

	for (uint32_t i = 0; i < 7u; i++)
		buf[i] = (r & (1u << i)) ? letters[i] : '-';
	buf[7] = '\0';
}

static int cmd_caps(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	struct rvx_kernel_task_info ti;
	uint64_t task;
	uint32_t shown = 0;

	if (n != 2)
		return fail(sh, -RVX_EINVAL, "caps", "usage: caps TASK");
	if (rvx_shell_parse_u64(t[1].s, t[1].n, RVX_KERNEL_TASKS - 1u, &task) != 0)
		return fail(sh, -RVX_EINVAL, "caps", "TASK is a task number (see `tasks`)");
	if (rvx_kernel_task_info(sh->k, (uint32_t)task, &ti) != 0)
		return fail(sh, -RVX_ENOENT, "caps", "no such task");
	out(sh, "task %u: %u capabilities\n", (uint32_t)task, ti.caps);
	out(sh, "%-4s %-10s %-6s %-7s %5s %s\n", "slot", "type", "object", "rights", "depth",
	    "badge");
	for (uint32_t s = 0; s < RVX_KERNEL_SLOTS; s++) {
		struct rvx_cap_info ci;
		char rights[8];

		if (rvx_kernel_cap_slot_info(sh->k, (uint32_t)task, s, &ci) != 0)
			continue;
		rights_str(rights, ci.rights);
		out(sh, "%-4u %-10s %-6u %-7s %5u %lx%s\n", s, type_name(ci.type),
		    rvx_handle_index(ci.object), rights, ci.depth, ci.badge,
		    ci.revoked ? " revoked" : "");
		shown++;
	}
	if (shown == 0)
		out(sh, "(none)\n");
	return 0;
}

static int cmd_queues(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	uint32_t shown = 0;

	(void)t;
	(void)n;
	out(sh, "%-3s %-6s %-9s %7s %10s %12s %10s %12s %7s\n", "idx", "object", "depth", "payload",
	    "sent", "sent-bytes", "recv", "recv-bytes", "dropped");
	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++) {
		struct rvx_kernel_queue_info q;
		char depth[24], *d;
		uint32_t len;

		if (rvx_kernel_queue_info(sh->k, i, &q) != 0)
			continue;
		/* "depth/capacity" in one column. */
		d = utoa(depth + 12, q.capacity, 10);
		*--d = '/';
		len = q.depth;
		do {
			*--d = (char)('0' + len % 10u);
			len /= 10u;
		} while (len != 0);
		out(sh, "%-3u %-6u %-9s %7u %10lu %12lu %10lu %12lu %7lu\n", i,
		    rvx_handle_index(q.object), d, q.max_payload, q.sent_messages, q.sent_bytes,
		    q.received_messages, q.received_bytes, q.dropped);
		shown++;
	}
	if (shown == 0)
		out(sh, "(no queues)\n");
	return 0;
}

static int cmd_vectors(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	uint32_t shown = 0;

	(void)t;
	(void)n;
	out(sh, "%-3s %-6s %4s %8s %8s %-7s %-8s %6s %s\n", "idx", "object", "dim", "vectors",
	    "capacity", "metric", "tier", "epoch", "memory");
	for (uint32_t i = 0; i < RVX_KERNEL_VECTOR_STORES; i++) {
		struct rvx_kernel_vstore_info v;

		if (rvx_kernel_vstore_info(sh->k, i, &v) != 0)
			continue;
		out(sh, "%-3u %-6u %4u %8u %8u %-7s %-8s %6lu %s\n", i, rvx_handle_index(v.object),
		    v.dim, v.count, v.capacity, metric_name(v.metric), tier_name(v.tier), v.epoch,
		    v.mounted ? "package" : "embedder");
		shown++;
	}
	if (shown == 0)
		out(sh, "(no vector stores)\n");
	return 0;
}

static int cmd_graphs(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	uint32_t shown = 0;

	(void)t;
	(void)n;
	out(sh, "%-3s %-6s %8s %8s %8s %8s %-8s %s\n", "idx", "object", "nodes", "node-cap",
	    "edges", "edge-cap", "tier", "memory");
	for (uint32_t i = 0; i < RVX_KERNEL_GRAPH_STORES; i++) {
		struct rvx_kernel_gstore_info g;

		if (rvx_kernel_gstore_info(sh->k, i, &g) != 0)
			continue;
		out(sh, "%-3u %-6u %8u %8u %8u %8u %-8s %s\n", i, rvx_handle_index(g.object), g.nodes,
		    g.node_capacity, g.edges, g.edge_capacity, tier_name(g.tier),
		    g.mounted ? "package" : "embedder");
		shown++;
	}
	if (shown == 0)
		out(sh, "(no graph stores)\n");
	return 0;
}

static int cmd_proofs(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	struct rvx_kernel_proof_counts c;
	uint64_t rejected = 0;

	(void)t;
	(void)n;
	if (rvx_kernel_proof_counts(sh->k, &c) != 0)
		return fail(sh, -RVX_EINVAL, "proofs", "the kernel is not booted");
	out(sh, "%-9s %10s %10s\n", "tier", "verified", "rejected");
	for (uint32_t i = 1; i < 4u; i++)
		out(sh, "%-9s %10lu %10lu\n", tier_name(i), c.accepted[i], c.rejected[i]);
	for (uint32_t r = 1; r < RVX_PROOF_REASON_COUNT; r++) {
		if (c.reasons[r] == 0)
			continue;
		out(sh, "rejected %-13s %lu\n", reason_name(r), c.reasons[r]);
		rejected += c.reasons[r];
	}
	if (rejected == 0)
		out(sh, "no rejections\n");
	return 0;
}

static int cmd_irq(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	const struct rvx_shell_port *p = sh->port;
	struct rvx_shell_irq q;

	(void)t;
	(void)n;
	if (p->irq == NULL)
		return fail(sh, -RVX_ENOTSUP, "irq", "this port has no interrupt counts");
	out(sh, "%-6s %-10s %12s\n", "intid", "source", "count");
	for (uint32_t i = 0; i < 1024u && p->irq(p->ctx, i, &q) == 0; i++)
		out(sh, "%-6u %-10s %12lu\n", q.intid, q.name, q.count);
	return 0;
}

static int cmd_cpu(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	const struct rvx_shell_port *p = sh->port;
	uint32_t ready[RVX_KERNEL_CPUS] = {0}, blocked[RVX_KERNEL_CPUS] = {0};

	(void)t;
	(void)n;
	for (uint32_t i = 0; i < RVX_KERNEL_TASKS; i++) {
		struct rvx_kernel_task_info ti;

		if (rvx_kernel_task_info(sh->k, i, &ti) != 0 || ti.cpu >= RVX_KERNEL_CPUS)
			continue;
		if (ti.state == RVX_TASK_BLOCKED)
			blocked[ti.cpu]++;
		else if (ti.state == RVX_TASK_READY || ti.state == RVX_TASK_RUNNING)
			ready[ti.cpu]++;
	}
	out(sh, "%-3s %-7s %-8s %9s %7s %12s %8s\n", "cpu", "online", "running", "runnable",
	    "blocked", "dispatches", "kicks");
	for (uint32_t c = 0; c < RVX_KERNEL_CPUS; c++) {
		struct rvx_shell_cpu pc;
		bool have = p->cpu != NULL && p->cpu(p->ctx, c, &pc) == 0;

		if (!have && c > 0)
			break;
		if (!have) {
			memset(&pc, 0, sizeof(pc));
			pc.online = 1;
			pc.current = RVX_CAP_NIL;
		}
		if (pc.current == RVX_CAP_NIL)
			out(sh, "%-3u %-7s %-8s %9u %7u %12lu %8lu\n", c, pc.online ? "yes" : "no",
			    "idle", ready[c], blocked[c], pc.dispatches, pc.kicks);
		else
			out(sh, "%-3u %-7s task %-3u %9u %7u %12lu %8lu\n", c,
			    pc.online ? "yes" : "no", pc.current, ready[c], blocked[c],
			    pc.dispatches, pc.kicks);
	}
	return 0;
}

/* The records to read: the port's (an embedder sink) or the kernel's ring. */
static int record_at(struct rvx_shell *sh, uint64_t seq, uint8_t rec[RVX_WITNESS_RECORD_SIZE])
{
	const struct rvx_shell_port *p = sh->port;
	const uint8_t *recs;
	uint64_t first, count;

	if (p->witness == NULL)
		return rvx_kernel_witness_read(sh->k, seq, rec);
	if (p->witness(p->ctx, &recs, &first, &count) != 0)
		return -RVX_ENOTSUP;
	if (seq < first || seq - first >= count)
		return -RVX_ENOENT;
	memcpy(rec, recs + (seq - first) * RVX_WITNESS_RECORD_SIZE, RVX_WITNESS_RECORD_SIZE);
	return 0;
}

static int held(struct rvx_shell *sh, uint64_t *first, uint64_t *count)
{
	const struct rvx_shell_port *p = sh->port;
	const uint8_t *recs;

	if (p->witness == NULL)
		return rvx_kernel_witness_held(sh->k, first, count);
	return p->witness(p->ctx, &recs, first, count) == 0 ? 0 : -RVX_ENOTSUP;
}

static void record_line(struct rvx_shell *sh, const uint8_t wire[RVX_WITNESS_RECORD_SIZE])
{
	struct rvx_witness_record r;

	rvx_witness_record_decode(wire, &r);
	out(sh, "%6lu %14lu %-18s %4u %-8s %lx\n", r.sequence, r.time, kind_name(r.kind), r.actor,
	    r.tier != 0 ? tier_name(r.tier) : "-", r.target);
}

static int witness_tail(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	uint64_t want, first, count, from;
	uint8_t rec[RVX_WITNESS_RECORD_SIZE];

	if (n != 3 || rvx_shell_parse_u64(t[2].s, t[2].n, 4096, &want) != 0 || want == 0)
		return fail(sh, -RVX_EINVAL, "witness tail", "usage: witness tail N (1..4096)");
	if (held(sh, &first, &count) != 0)
		return fail(sh, -RVX_ENOTSUP, "witness tail", "no witness records are kept here");
	from = count > want ? first + count - want : first;
	out(sh, "%6s %14s %-18s %4s %-8s %s\n", "seq", "time", "kind", "actor", "tier", "target");
	for (uint64_t s = from; s < first + count; s++) {
		if (record_at(sh, s, rec) != 0)
			return fail(sh, -RVX_ENOENT, "witness tail", "a record went away while read");
		record_line(sh, rec);
	}
	return 0;
}

static int witness_verify(struct rvx_shell *sh)
{
	const struct rvx_shell_port *p = sh->port;
	struct rvx_witness_head head;
	struct rvx_witness_report rep;
	struct rvx_witness_anchor at;
	const uint8_t *recs;
	uint64_t first = 0, count;
	bool anchored = false;
	int ret;

	if (rvx_kernel_witness_head(sh->k, &head) != 0)
		return fail(sh, -RVX_EINVAL, "witness verify", "the kernel is not booted");
	if (p->witness != NULL)
		ret = p->witness(p->ctx, &recs, &first, &count) == 0 ? 0 : -RVX_ENOTSUP;
	else
		ret = rvx_kernel_witness_span(sh->k, &recs, &count);
	/* Not from the origin: verified from the port's anchor, if it has one
	 * at exactly the first record held. */
	if (ret == 0 && first != 0 && p->witness_anchor != NULL &&
	    p->witness_anchor(p->ctx, &at) == 0 && at.sequence == first)
		anchored = true;
	if (ret == -RVX_ENOENT || (ret == 0 && first != 0 && !anchored))
		return fail(sh, -RVX_ENOTSUP, "witness verify",
			    "the whole log is not kept here (its oldest records were "
			    "overwritten, or the kernel restored since); verify it with `ruvix "
			    "monitor`");
	if (ret != 0)
		return fail(sh, -RVX_ENOTSUP, "witness verify", "no witness records are kept here");
	ret = rvx_witness_verify(recs, (size_t)count, anchored ? &at : NULL, NULL, &head, &rep);
	if (ret == 0) {
		if (anchored)
			out(sh, "witness: %lu records verified from the anchor at sequence %lu; head ",
			    rep.checked, first);
		else
			out(sh, "witness: %lu records verified from the origin; head ", rep.checked);
		hexbytes(sh, head.head, 8);
		out(sh, "... matches the kernel's\n");
		return 0;
	}
	if (ret != -RVX_EBADSIG)
		return fail(sh, ret, "witness verify", NULL);
	sh->errors++;
	out(sh, "rvsh: witness verify: FAILED at record %lu (fault %u), %lu records good before it\n",
	    rep.index, (uint32_t)rep.fault, rep.checked);
	return -RVX_EBADSIG;
}

static int cmd_witness(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	if (n >= 2 && tok_is(&t[1], "tail"))
		return witness_tail(sh, t, n);
	if (n == 2 && tok_is(&t[1], "verify"))
		return witness_verify(sh);
	return fail(sh, -RVX_EINVAL, "witness", "usage: witness tail N | witness verify");
}

static int cmd_trace(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	struct rvx_kernel_trace_entry e;
	uint32_t on;
	uint64_t count;
	int ret;

	if (n == 1) {
		(void)rvx_kernel_trace_state(sh->k, &on, &count);
		out(sh, "trace: %s, %lu calls traced\n", on ? "on" : "off", count);
		for (uint32_t b = RVX_KERNEL_TRACE_ENTRIES; b-- > 0;) {
			if (rvx_kernel_trace_read(sh->k, b, &e) == 0)
				out(sh, "%14lu task %-3u syscall %-2u -> %d\n", e.time, e.task, e.nr,
				    e.ret);
		}
		return 0;
	}
	if (n != 2 || (!tok_is(&t[1], "on") && !tok_is(&t[1], "off")))
		return fail(sh, -RVX_EINVAL, "trace", "usage: trace [on|off]");
	on = tok_is(&t[1], "on") ? 1u : 0u;
	/* Witnessed first: the switch happens only once its record is written. */
	ret = rvx_kernel_port_record(sh->k, RVX_SHELL_WITNESS_TRACE, sh->self, on, NULL, 0);
	if (ret != 0)
		return fail(sh, ret, "trace", NULL);
	ret = rvx_kernel_trace_set(sh->k, on);
	if (ret != 0)
		return fail(sh, ret, "trace", NULL);
	out(sh, "trace: %s (witnessed)\n", on ? "on" : "off");
	return 0;
}

static int cmd_perf(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	const struct rvx_shell_port *p = sh->port;
	struct rvx_kernel_stats st;
	struct rvx_shell_counter c;
	uint64_t traced = 0;

	(void)t;
	(void)n;
	if (rvx_kernel_stats(sh->k, &st) != 0)
		return fail(sh, -RVX_EINVAL, "perf", "the kernel is not booted");
	(void)rvx_kernel_trace_state(sh->k, NULL, &traced);
	out(sh, "%-24s %lu\n", "witness.records", st.witness_records);
	out(sh, "%-24s %u\n", "tasks.blocked", st.blocked);
	out(sh, "%-24s %u\n", "subscriptions", st.subs);
	out(sh, "%-24s %lu\n", "syscalls.traced", traced);
	out(sh, "%-24s %lu\n", "shell.lines", sh->lines);
	out(sh, "%-24s %lu\n", "shell.errors", sh->errors);
	if (p->counter != NULL) {
		for (uint32_t i = 0; i < 256u && p->counter(p->ctx, i, &c) == 0; i++)
			out(sh, "%-24s %lu\n", c.name, c.value);
	}
	return 0;
}

static int cmd_panic(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	const struct rvx_shell_port *p = sh->port;
	struct rvx_shell_panic pe;
	uint8_t rec[RVX_WITNESS_RECORD_SIZE];
	uint64_t first, count;
	uint32_t shown = 0;

	(void)t;
	(void)n;
	if (p->panic != NULL) {
		for (uint32_t i = 0; i < 256u && p->panic(p->ctx, i, &pe) == 0; i++, shown++)
			out(sh, "%14lu %s\n", pe.time, pe.what);
	}
	/* Contained faults and recovery steps are witnessed: show those kept. */
	if (held(sh, &first, &count) == 0) {
		for (uint64_t s = first; s < first + count; s++) {
			struct rvx_witness_record r;

			if (record_at(sh, s, rec) != 0)
				break;
			rvx_witness_record_decode(rec, &r);
			if (r.kind != RVX_WITNESS_FAULT && r.kind != RVX_WITNESS_RECOVERY)
				continue;
			record_line(sh, rec);
			shown++;
		}
	}
	if (shown == 0)
		out(sh, "no panics or contained faults since boot\n");
	return 0;
}

static int cmd_reboot(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	int ret;

	(void)t;
	(void)n;
	if (sh->port->reboot == NULL)
		return fail(sh, -RVX_ENOTSUP, "reboot", "this port cannot reboot");
	ret = rvx_kernel_port_record(sh->k, RVX_SHELL_WITNESS_REBOOT, sh->self, 0, NULL, 0);
	if (ret != 0)
		return fail(sh, ret, "reboot", NULL);
	out(sh, "reboot: witnessed; rebooting\n");
	ret = sh->port->reboot(sh->port->ctx);
	if (ret != 0)
		return fail(sh, ret, "reboot", NULL);
	return RVX_SHELL_STOP;
}

struct command {
	const char *name;
	int (*run)(struct rvx_shell *sh, const struct tok *t, uint32_t n);
	const char *help;
};

static const struct command commands[] = {
	{"help", cmd_help, "this list"},
	{"info", cmd_info, "version, board, CPU, RAM, boot time"},
	{"mem", cmd_mem, "physical memory, kernel pools, regions by policy, slabs"},
	{"tasks", cmd_tasks, "tasks: id, name, state, capabilities, priority, CPU"},
	{"caps", cmd_caps, "caps TASK: the capabilities a task holds"},
	{"queues", cmd_queues, "queues: depth and traffic"},
	{"vectors", cmd_vectors, "vector stores"},
	{"graphs", cmd_graphs, "graph stores"},
	{"proofs", cmd_proofs, "proofs verified and rejected, by tier and reason"},
	{"irq", cmd_irq, "interrupt counts"},
	{"cpu", cmd_cpu, "per-CPU scheduling"},
	{"witness", cmd_witness, "witness tail N | witness verify"},
	{"trace", cmd_trace, "trace [on|off]: syscall tracing (witnessed)"},
	{"perf", cmd_perf, "counters"},
	{"panic", cmd_panic, "panics and contained faults"},
	{"reboot", cmd_reboot, "reboot (witnessed)"},
};

_Static_assert(RVX_ARRAY_COUNT(commands) == 16, "the sixteen commands");

static int cmd_help(struct rvx_shell *sh, const struct tok *t, uint32_t n)
{
	(void)t;
	(void)n;
	for (uint32_t i = 0; i < RVX_ARRAY_COUNT(commands); i++)
		out(sh, "%-8s %s\n", commands[i].name, commands[i].help);
	return 0;
}

/* ---- lines ---- */

int rvx_shell_init(struct rvx_shell *sh, struct rvx_kernel *k, uint32_t self, char *line,
		   size_t cap, rvx_shell_write_fn write, void *write_ctx,
		   const struct rvx_shell_port *port, uint32_t echo)
{
	static const struct rvx_shell_port none;
	struct rvx_kernel_task_info ti;

	if (sh == NULL || k == NULL || line == NULL || write == NULL || cap < RVX_SHELL_LINE_MIN ||
	    echo > 1u || rvx_kernel_task_info(k, self, &ti) != 0)
		return -RVX_EINVAL;
	memset(sh, 0, sizeof(*sh));
	sh->k = k;
	sh->port = port != NULL ? port : &none;
	sh->write = write;
	sh->write_ctx = write_ctx;
	sh->line = line;
	sh->cap = cap;
	sh->self = self;
	sh->echo = echo;
	return 0;
}

void rvx_shell_prompt(struct rvx_shell *sh)
{
	if (sh != NULL)
		put(sh, "rvsh> ", 6);
}

int rvx_shell_exec(struct rvx_shell *sh, const char *line, size_t len)
{
	struct tok t[RVX_SHELL_TOKENS_MAX];
	uint32_t n = 0;
	size_t i = 0;

	if (sh == NULL || (line == NULL && len != 0))
		return -RVX_EINVAL;
	sh->lines++;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20u && c != '\t') || c > 0x7eu)
			return fail(sh, -RVX_EINVAL, "input", "the line holds a byte that is not text");
	}
	i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (n == RVX_SHELL_TOKENS_MAX)
			return fail(sh, -RVX_EINVAL, "input", "too many words");
		t[n].s = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		t[n].n = (size_t)(line + i - t[n].s);
		n++;
	}
	if (n == 0) {
		sh->lines--;
		return 0;
	}
	for (i = 0; i < RVX_ARRAY_COUNT(commands); i++) {
		if (tok_is(&t[0], commands[i].name))
			return commands[i].run(sh, t, n);
	}
	sh->errors++;
	out(sh, "rvsh: ");
	put(sh, t[0].s, t[0].n > 32u ? 32u : t[0].n);
	out(sh, ": unknown command (try `help`)\n");
	return -RVX_ENOENT;
}

/* The line being edited ended: run it (or refuse it), then prompt. */
static int line_end(struct rvx_shell *sh)
{
	int ret = 0;

	if (sh->echo)
		put(sh, "\n", 1);
	if (sh->overflow) {
		sh->lines++;
		(void)fail(sh, -RVX_EINVAL, "input", "line too long; dropped");
	} else if (sh->binary) {
		sh->lines++;
		(void)fail(sh, -RVX_EINVAL, "input", "the line holds a byte that is not text");
	} else {
		ret = rvx_shell_exec(sh, sh->line, sh->len);
	}
	sh->len = 0;
	sh->overflow = 0;
	sh->binary = 0;
	if (ret == RVX_SHELL_STOP)
		return ret;
	rvx_shell_prompt(sh);
	return 0;
}

int rvx_shell_input(struct rvx_shell *sh, const char *in, size_t len)
{
	if (sh == NULL || (in == NULL && len != 0))
		return -RVX_EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		bool after_cr = sh->last_cr != 0;

		sh->last_cr = c == '\r';
		if (c == '\n' && after_cr)
			continue;
		if (c == '\r' || c == '\n') {
			if (line_end(sh) == RVX_SHELL_STOP)
				return RVX_SHELL_STOP;
		} else if (c == 0x08u || c == 0x7fu) {
			if (sh->len > 0 && !sh->overflow) {
				sh->len--;
				if (sh->echo)
					put(sh, "\b \b", 3);
			}
		} else if (c == 0x15u || c == 0x03u) {
			sh->len = 0;
			sh->overflow = 0;
			sh->binary = 0;
			if (sh->echo)
				put(sh, c == 0x03u ? "^C\n" : "\n", c == 0x03u ? 3 : 1);
			rvx_shell_prompt(sh);
		} else if (sh->len + 1u >= sh->cap) {
			sh->overflow = 1;
		} else {
			if ((c < 0x20u && c != '\t') || c > 0x7eu)
				sh->binary = 1;
			sh->line[sh->len++] = (char)c;
			if (sh->echo && !sh->binary)
				put(sh, (const char *)&in[i], 1);
		}
	}
	return 0;
}
