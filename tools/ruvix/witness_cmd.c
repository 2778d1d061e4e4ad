/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix witness verify-dump: read a serial transcript, take the witness dump
 * out of it (ruvix/witness_dump.h gives the line format and the parser the
 * target's formatter is tested against), check the record count and the
 * sequence numbers, verify the hash chain against the END line's head with
 * lib/witness's verifier, print every record, and optionally check which
 * kinds of records appear in which order.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ruvix/witness.h"
#include "ruvix/witness_dump.h"

/* Names of the record kinds, by `enum rvx_witness_kind` value. */
static const char *const kind_names[RVX_WITNESS_KIND_COUNT] = {
	[RVX_WITNESS_NONE] = "none",
	[RVX_WITNESS_BOOT_STAGE] = "boot_stage",
	[RVX_WITNESS_TASK_SPAWN] = "task_spawn",
	[RVX_WITNESS_TASK_EXIT] = "task_exit",
	[RVX_WITNESS_OBJECT_CREATE] = "object_create",
	[RVX_WITNESS_OBJECT_DESTROY] = "object_destroy",
	[RVX_WITNESS_CAP_MINT] = "cap_mint",
	[RVX_WITNESS_CAP_GRANT] = "cap_grant",
	[RVX_WITNESS_CAP_REVOKE] = "cap_revoke",
	[RVX_WITNESS_CAP_DELETE] = "cap_delete",
	[RVX_WITNESS_REGION_MAP] = "region_map",
	[RVX_WITNESS_REGION_WRITE] = "region_write",
	[RVX_WITNESS_QUEUE_CREATE] = "queue_create",
	[RVX_WITNESS_QUEUE_SEND] = "queue_send",
	[RVX_WITNESS_QUEUE_RECV] = "queue_recv",
	[RVX_WITNESS_VECTOR_PUT] = "vector_put",
	[RVX_WITNESS_GRAPH_APPLY] = "graph_apply",
	[RVX_WITNESS_MOUNT] = "mount",
	[RVX_WITNESS_SUBSCRIBE] = "subscribe",
	[RVX_WITNESS_PROOF_REJECTED] = "proof_rejected",
	[RVX_WITNESS_ATTEST] = "attest",
	[RVX_WITNESS_EPOCH_SUMMARY] = "epoch_summary",
	[RVX_WITNESS_CHECKPOINT] = "checkpoint",
	[RVX_WITNESS_PARTITION_CREATE] = "partition_create",
	[RVX_WITNESS_PARTITION_DESTROY] = "partition_destroy",
	[RVX_WITNESS_PARTITION_SUSPEND] = "partition_suspend",
	[RVX_WITNESS_PARTITION_RESUME] = "partition_resume",
	[RVX_WITNESS_LEASE_GRANT] = "lease_grant",
	[RVX_WITNESS_LEASE_EXPIRE] = "lease_expire",
	[RVX_WITNESS_LEASE_REVOKE] = "lease_revoke",
	[RVX_WITNESS_PARTITION_CAP_GRANT] = "partition_cap_grant",
	[RVX_WITNESS_FAULT] = "fault",
	[RVX_WITNESS_RECOVERY] = "recovery",
	[RVX_WITNESS_SWITCH_SUMMARY] = "switch_summary",
	[RVX_WITNESS_TASK_HOLD] = "task_hold",
	[RVX_WITNESS_TASK_RELEASE] = "task_release",
	[RVX_WITNESS_TASK_MIGRATE] = "task_migrate",
	[RVX_WITNESS_REGION_APPEND] = "region_append",
	[RVX_WITNESS_PROVE_KEY] = "prove_key",
	[RVX_WITNESS_TIMER_WAIT] = "timer_wait",
	[RVX_WITNESS_VECTOR_GET] = "vector_get",
};

/*
 * Boot stages, by the nucleus's `enum rvx_kernel_boot_stage` value (a
 * BOOT_STAGE record's target): the values are fixed for the whole project,
 * so the tool names them without linking the nucleus.
 */
static const char *const stage_names[] = {
	NULL, "reset", "hardware", "console", "mmu", "objects_ready", "package", "first_task",
};
#define STAGE_COUNT (sizeof(stage_names) / sizeof(stage_names[0]))

static const char *const tier_names[] = { "none", "reflex", "standard", "deep" };

/* One expected entry of --expect-kinds: a kind, and for boot stages maybe a stage. */
struct expect {
	uint16_t kind;
	int stage; /* -1: any */
	const char *text;
};

static void kind_str(uint16_t kind, char *buf, size_t size)
{
	if (kind == RVX_WITNESS_KIND_USER + 0x100u)
		snprintf(buf, size, "shell_trace");   /* lib/shell's RVX_SHELL_WITNESS_TRACE */
	else if (kind == RVX_WITNESS_KIND_USER + 0x101u)
		snprintf(buf, size, "shell_reboot");  /* RVX_SHELL_WITNESS_REBOOT */
	else if (kind < RVX_WITNESS_KIND_COUNT)
		snprintf(buf, size, "%s", kind_names[kind]);
	else if (kind >= RVX_WITNESS_KIND_USER)
		snprintf(buf, size, "user+%u", (unsigned)(kind - RVX_WITNESS_KIND_USER));
	else
		snprintf(buf, size, "kind%u", (unsigned)kind);
}

void cli_kind_str(uint16_t kind, char *buf, size_t size)
{
	kind_str(kind, buf, size);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 0);
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Parse "kind" or "boot_stage:stage" (names or numbers). */
static int parse_expect(char *tok, struct expect *e)
{
	char *colon = strchr(tok, ':');
	unsigned long v;
	size_t k;

	e->text = tok;
	e->stage = -1;
	if (colon != NULL)
		*colon = '\0';
	for (k = 1; k < RVX_WITNESS_KIND_COUNT; k++)
		if (strcmp(tok, kind_names[k]) == 0)
			break;
	if (k < RVX_WITNESS_KIND_COUNT)
		e->kind = (uint16_t)k;
	else if (parse_uint(tok, 0xffff, &v) == 0 && v != 0)
		e->kind = (uint16_t)v;
	else
		return -1;
	if (colon != NULL) {
		const char *st = colon + 1;
		if (e->kind != RVX_WITNESS_BOOT_STAGE)
			return -1;
		for (k = 1; k < STAGE_COUNT; k++)
			if (strcmp(st, stage_names[k]) == 0)
				break;
		if (k < STAGE_COUNT)
			e->stage = (int)k;
		else if (parse_uint(st, 0xffff, &v) == 0)
			e->stage = (int)v;
		else
			return -1;
		*colon = ':';
	}
	return 0;
}

static bool expect_matches(const struct expect *e, const struct rvx_witness_record *r)
{
	return r->kind == e->kind && (e->stage < 0 || r->target == (uint64_t)e->stage);
}

static void print_record(const struct rvx_witness_record *r)
{
	char kind[32], target[64], digest[2 * 8 + 1];

	kind_str(r->kind, kind, sizeof(kind));
	if (r->kind == RVX_WITNESS_BOOT_STAGE && r->target > 0 && r->target < STAGE_COUNT)
		snprintf(target, sizeof(target), "%llu (%s)", (unsigned long long)r->target,
			 stage_names[r->target]);
	else
		snprintf(target, sizeof(target), "0x%llx", (unsigned long long)r->target);
	for (int i = 0; i < 8; i++)
		sprintf(digest + 2 * i, "%02x", r->args_digest[i]);
	printf("  seq %-4llu time %-12llu %-14s tier %-8s actor %-4u target %-20s digest %s\n",
	       (unsigned long long)r->sequence, (unsigned long long)r->time, kind,
	       r->tier < 4 ? tier_names[r->tier] : "?", r->actor, target, digest);
}

/* The dump taken out of a transcript. */
struct dump {
	uint64_t count;          /* announced by BEGIN */
	uint64_t first;          /* first sequence announced by BEGIN */
	unsigned long begin_line;
	unsigned long end_line;
	unsigned long anchor_line; /* 0: no ANCHOR line */
	struct rvx_witness_anchor anchor;
	uint8_t head[RVX_WITNESS_HEAD_SIZE];
	uint8_t *records;        /* n x 64 wire bytes */
	unsigned long *lines;    /* line of each record */
	size_t n, cap;
};

static int add_record(struct dump *d, const uint8_t rec[64], unsigned long line)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		uint8_t *r = realloc(d->records, cap * RVX_WITNESS_RECORD_SIZE);
		if (r == NULL)
			return -1;
		d->records = r;
		unsigned long *l = realloc(d->lines, cap * sizeof(*l));
		if (l == NULL)
			return -1;
		d->lines = l;
		d->cap = cap;
	}
	memcpy(d->records + d->n * RVX_WITNESS_RECORD_SIZE, rec, RVX_WITNESS_RECORD_SIZE);
	d->lines[d->n++] = line;
	return 0;
}

/* Take the one dump out of the transcript; -1 with a message if there is none or it is broken. */
static int extract(const char *path, const uint8_t *text, size_t len, struct dump *d)
{
	static struct rvx_witness_dump_item it;
	enum { BEFORE, INSIDE, AFTER } where = BEFORE;
	unsigned long line = 0;
	size_t start = 0;

	for (size_t i = 0; i < len; i = start) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		start = end < len ? end + 1 : end;
		line++;
		int t = rvx_witness_dump_parse((const char *)text + i, end - i, &it);
		if (t < 0) {
			fprintf(stderr, "%s:%lu: malformed witness dump line\n", path, line);
			return -1;
		}
		switch (t) {
		case RVX_WITNESS_DUMP_BEGIN:
			if (where == INSIDE) {
				fprintf(stderr, "%s:%lu: a new dump begins, but the dump begun at line %lu has no END line (truncated)\n",
					path, line, d->begin_line);
				return -1;
			}
			if (where == AFTER) {
				fprintf(stderr, "%s:%lu: a second witness dump (one per transcript is verified)\n",
					path, line);
				return -1;
			}
			where = INSIDE;
			d->count = it.count;
			d->first = it.first_sequence;
			d->begin_line = line;
			break;
		case RVX_WITNESS_DUMP_ANCHOR:
			if (where != INSIDE || d->n != 0 || d->anchor_line != 0) {
				fprintf(stderr,
					"%s:%lu: an anchor line that does not follow the BEGIN line\n",
					path, line);
				return -1;
			}
			d->anchor_line = line;
			d->anchor = it.anchor;
			break;
		case RVX_WITNESS_DUMP_RECORD:
			if (where != INSIDE) {
				fprintf(stderr, "%s:%lu: a witness record line outside a dump\n", path, line);
				return -1;
			}
			if (add_record(d, it.record, line) != 0) {
				fprintf(stderr, "out of memory\n");
				return -1;
			}
			break;
		case RVX_WITNESS_DUMP_END:
			if (where != INSIDE) {
				fprintf(stderr, "%s:%lu: RVX-WITNESS-END without RVX-WITNESS-BEGIN\n", path, line);
				return -1;
			}
			where = AFTER;
			d->end_line = line;
			memcpy(d->head, it.head, sizeof(d->head));
			break;
		default:
			break; /* other console output */
		}
	}
	if (where == BEFORE) {
		fprintf(stderr, "%s: no witness dump (no RVX-WITNESS-BEGIN line)\n", path);
		return -1;
	}
	if (where == INSIDE) {
		fprintf(stderr, "%s: truncated witness dump: %zu of %llu records, no RVX-WITNESS-END line\n",
			path, d->n, (unsigned long long)d->count);
		return -1;
	}
	return 0;
}

/* Sequence continuity: names the first record out of place. */
static int check_sequences(const char *path, const struct dump *d)
{
	struct rvx_witness_record r;

	for (size_t i = 0; i < d->n; i++) {
		uint64_t want = d->first + i;
		rvx_witness_record_decode(d->records + i * RVX_WITNESS_RECORD_SIZE, &r);
		if (r.sequence == want)
			continue;
		const char *what = r.sequence + 1 == want ? "a repeated record" : "records out of order";
		if (r.sequence > want) {
			/* Out of order if the expected record comes later, else dropped. */
			struct rvx_witness_record later;
			what = "a record is missing before it";
			for (size_t k = i + 1; k < d->n; k++) {
				rvx_witness_record_decode(d->records + k * RVX_WITNESS_RECORD_SIZE, &later);
				if (later.sequence == want)
					what = "records out of order";
			}
		}
		fprintf(stderr, "%s:%lu: record %zu has sequence %llu, expected %llu: %s\n", path,
			d->lines[i], i, (unsigned long long)r.sequence, (unsigned long long)want, what);
		return -1;
	}
	if (d->n != d->count) {
		fprintf(stderr, "%s:%lu: the dump announces %llu records (line %lu) but holds %zu\n",
			path, d->end_line, (unsigned long long)d->count, d->begin_line, d->n);
		return -1;
	}
	return 0;
}

static int check_chain(const char *path, const struct dump *d)
{
	struct rvx_witness_head trusted = { .count = d->first + d->n };
	struct rvx_witness_report rep;
	int rc;

	if (d->first != 0 && d->anchor_line == 0) {
		fprintf(stderr, "%s:%lu: the dump starts at sequence %llu, not at the log's origin, and has no anchor line: the chain state before it is unknown, so the chain cannot be verified\n",
			path, d->begin_line, (unsigned long long)d->first);
		return -1;
	}
	if (d->anchor_line != 0 && (d->first == 0 || d->anchor.sequence != d->first)) {
		fprintf(stderr, "%s:%lu: the anchor is at sequence %llu, the dump starts at %llu\n",
			path, d->anchor_line, (unsigned long long)d->anchor.sequence,
			(unsigned long long)d->first);
		return -1;
	}
	memcpy(trusted.head, d->head, sizeof(trusted.head));
	rc = rvx_witness_verify(d->records, d->n, d->anchor_line != 0 ? &d->anchor : NULL, NULL,
				&trusted, &rep);
	if (rc == 0)
		return 0;
	if (rc != -RVX_EBADSIG) {
		fprintf(stderr, "%s: verifier error: %s\n", path, rvx_strerror(rc));
		return -1;
	}
	switch (rep.fault) {
	case RVX_WITNESS_F_HEAD:
		fprintf(stderr, "%s:%lu: the chain head does not match the records (the END line or the last record was altered)\n",
			path, d->end_line);
		break;
	case RVX_WITNESS_F_TRUNCATED:
		fprintf(stderr, "%s:%lu: the head covers more records than the dump holds\n", path,
			d->end_line);
		break;
	default: {
		static const char *const what[] = {
			[RVX_WITNESS_F_GAP] = "a record is missing before it",
			[RVX_WITNESS_F_REORDER] = "records out of order",
			[RVX_WITNESS_F_DUPLICATE] = "a repeated record",
			[RVX_WITNESS_F_EDITED] = "it does not match the chain (altered)",
			[RVX_WITNESS_F_KIND] = "its kind is NONE",
		};
		const char *w = (size_t)rep.fault < sizeof(what) / sizeof(what[0]) && what[rep.fault]
				? what[rep.fault] : "fault";
		unsigned long line = rep.index < d->n ? d->lines[rep.index] : d->end_line;
		fprintf(stderr, "%s:%lu: record %llu (sequence %llu) is bad: %s\n", path, line,
			(unsigned long long)rep.index, (unsigned long long)rep.expected_sequence, w);
	}
	}
	return -1;
}

static int check_kinds(const char *path, const struct dump *d, char *list, bool exact)
{
	struct expect want[256];
	struct rvx_witness_record r;
	size_t n = 0, j = 0;

	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == sizeof(want) / sizeof(want[0])) {
			fprintf(stderr, "--expect-kinds: too many entries\n");
			return -1;
		}
		if (parse_expect(t, &want[n]) != 0) {
			fprintf(stderr, "--expect-kinds: unknown kind '%s'\n", t);
			return -1;
		}
		n++;
	}
	if (exact && n != d->n) {
		fprintf(stderr, "%s: %zu records, but %zu kinds expected\n", path, d->n, n);
		return -1;
	}
	for (size_t i = 0; i < d->n && j < n; i++) {
		rvx_witness_record_decode(d->records + i * RVX_WITNESS_RECORD_SIZE, &r);
		if (expect_matches(&want[j], &r)) {
			j++;
		} else if (exact) {
			char k[32];
			kind_str(r.kind, k, sizeof(k));
			fprintf(stderr, "%s:%lu: record %zu is %s (target %llu), expected %s\n", path,
				d->lines[i], i, k, (unsigned long long)r.target, want[j].text);
			return -1;
		}
	}
	if (j < n) {
		fprintf(stderr, "%s: expected kind '%s' (entry %zu of --expect-kinds) not found in order\n",
			path, want[j].text, j + 1);
		return -1;
	}
	return 0;
}

int cli_witness_verify_dump(int argc, char **argv)
{
	static struct dump d;
	const char *path = NULL;
	char *kinds = NULL;
	bool exact = false, quiet = false;
	uint8_t *text;
	size_t len;
	int rc = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--expect-kinds") == 0 && i + 1 < argc)
			kinds = argv[++i];
		else if (strcmp(argv[i], "--exact") == 0)
			exact = true;
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			path = argv[i];
		else
			return cli_usage(), 2;
	}
	if (path == NULL || (exact && kinds == NULL))
		return cli_usage(), 2;
	/* "-" reads the transcript from a pipe (QEMU's output). */
	if (cli_read_file(strcmp(path, "-") == 0 ? "/dev/stdin" : path, &text, &len) != 0)
		return 1;
	if (extract(path, text, len, &d) != 0) {
		fprintf(stderr, "%s: witness dump REFUSED\n", path);
		goto done;
	}
	if (!quiet) {
		struct rvx_witness_record r;
		printf("%s: witness dump at lines %lu-%lu, %zu records from sequence %llu\n", path,
		       d.begin_line, d.end_line, d.n, (unsigned long long)d.first);
		for (size_t i = 0; i < d.n; i++) {
			rvx_witness_record_decode(d.records + i * RVX_WITNESS_RECORD_SIZE, &r);
			print_record(&r);
		}
	}
	if (check_sequences(path, &d) != 0 || check_chain(path, &d) != 0) {
		fprintf(stderr, "%s: witness dump REFUSED\n", path);
		goto done;
	}
	if (kinds != NULL && check_kinds(path, &d, kinds, exact) != 0) {
		fprintf(stderr, "%s: witness dump intact, but the records are not the expected ones\n", path);
		goto done;
	}
	char h[2 * RVX_WITNESS_HEAD_SIZE + 1];
	for (size_t i = 0; i < RVX_WITNESS_HEAD_SIZE; i++)
		sprintf(h + 2 * i, "%02x", d.head[i]);
	if (d.anchor_line != 0)
		printf("%s: OK, %zu records from the anchor at sequence %llu, chain intact, "
		       "head %s\n", path, d.n, (unsigned long long)d.first, h);
	else
		printf("%s: OK, %zu records, chain intact, head %s\n", path, d.n, h);
	rc = 0;
done:
	free(text);
	free(d.records);
	free(d.lines);
	return rc;
}

static void put_line(void *ctx, const char *line, size_t len)
{
	bool crlf = *(const bool *)ctx;

	/* The line ends in "\n"; a console may send "\r\n" instead. */
	fwrite(line, 1, len - 1, stdout);
	fputs(crlf ? "\r\n" : "\n", stdout);
}

/*
 * `ruvix witness sample-dump`: print a transcript like the virt image's (a
 * boot with every stage, a mount and three task spawns, console lines
 * around the dump), made with lib/witness's log and dump formatter. It
 * gives the verifier's tests a known-good input to damage.
 */
int cli_witness_sample_dump(int argc, char **argv)
{
	static uint8_t storage[64 * RVX_WITNESS_RECORD_SIZE];
	struct rvx_witness_ring ring;
	struct rvx_witness_log log;
	struct rvx_witness_sink sink;
	struct rvx_witness_head head;
	bool crlf = false;
	uint64_t t = 1000;
	static const struct { uint16_t kind; uint32_t actor; uint64_t target; } boot[] = {
		{ RVX_WITNESS_BOOT_STAGE, 0, 1 }, { RVX_WITNESS_BOOT_STAGE, 0, 2 },
		{ RVX_WITNESS_BOOT_STAGE, 0, 3 }, { RVX_WITNESS_BOOT_STAGE, 0, 4 },
		{ RVX_WITNESS_BOOT_STAGE, 0, 5 }, { RVX_WITNESS_MOUNT, 0, 0x100000001u },
		{ RVX_WITNESS_TASK_SPAWN, 0, 0x100000002u }, { RVX_WITNESS_TASK_SPAWN, 0, 0x100000003u },
		{ RVX_WITNESS_TASK_SPAWN, 0, 0x100000004u }, { RVX_WITNESS_BOOT_STAGE, 0, 6 },
		{ RVX_WITNESS_BOOT_STAGE, 1, 7 },
	};

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--crlf") == 0)
			crlf = true;
		else
			return cli_usage(), 2;
	}
	if (rvx_witness_ring_init(&ring, storage, 64, false) != 0)
		return 1;
	sink = rvx_witness_ring_sink(&ring);
	if (rvx_witness_log_init(&log, &sink) != 0)
		return 1;
	for (size_t i = 0; i < sizeof(boot) / sizeof(boot[0]); i++) {
		struct rvx_witness_event ev = {
			.time = t, .kind = boot[i].kind, .actor = boot[i].actor, .target = boot[i].target,
		};
		uint8_t args[8];
		for (int k = 0; k < 8; k++)
			args[k] = (uint8_t)(i * 8 + (size_t)k);
		if (rvx_witness_append(&log, &ev, args, sizeof(args), NULL) != 0)
			return 1;
		t += 1500 + 250 * i;
	}
	rvx_witness_head(&log, &head);
	printf("ruvix: booting (sample transcript)%s", crlf ? "\r\n" : "\n");
	if (rvx_witness_dump_ring(&ring, &head, put_line, &crlf) != 0)
		return 1;
	printf("ruvix: power off, exit 0%s", crlf ? "\r\n" : "\n");
	return 0;
}
