/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix config show / set / check: the kernel configuration in a small text
 * file (KEY = VALUE lines, # comments): the compile-time limits of
 * ruvix/config.h (their defaults are the header's own, compiled into this
 * tool; their bounds are the header's static asserts, and the nucleus's),
 * the build's features, and the image's boot arguments, each checked alone
 * and against each other.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ruvix/config.h"

const char cli_config_usage[] =
	"usage: ruvix config show [--file CONF] [--json]\n"
	"       ruvix config set KEY VALUE --file CONF\n"
	"       ruvix config check --file CONF [--json]\n"
	"  Keys: cap_max_depth, cap_slots_per_task, max_tasks, max_vector_stores,\n"
	"  max_graph_stores, queue_priorities, cache_line (ruvix/config.h limits),\n"
	"  kernel-shell (auto|enabled|disabled), coherence (enabled|disabled),\n"
	"  buildtype (debug|debugoptimized|release|minsize), bootargs (the image's\n"
	"  -append words: rvx.shell=on, rvx.partitions[=bench|smp|smp-shared],\n"
	"  rvx.coherence=on, rvx.selftest[=inject], rvx.test=fault|wx|undef|stack,\n"
	"  rvx.store-digest=KEY+COUNT). set checks the whole result before it writes.\n"
	"  exit: 0 valid (written); 1 a value outside its limits or a conflict;\n"
	"        2 usage or an unknown key; 3 the file cannot be read or written\n";

enum kind { LIMIT, CHOICE, ARGS };

struct key {
	const char *name;
	enum kind kind;
	const char *macro;       /* LIMIT: its RVX_CONFIG_ name */
	unsigned long deflt;     /* LIMIT */
	unsigned long lo, hi;    /* LIMIT bounds (hi 0: none) */
	bool pow2;               /* LIMIT: a power of two */
	const char *choices;     /* CHOICE: |-separated */
	const char *deflt_str;   /* CHOICE, ARGS */
};

/* The bounds are ruvix/config.h's static asserts (and the nucleus's: at
 * most 256 tasks, ruvix/nucleus.h). */
static const struct key keys[] = {
	{"cap_max_depth", LIMIT, "RVX_CONFIG_CAP_MAX_DEPTH", RVX_CONFIG_CAP_MAX_DEPTH, 1, 8, false,
	 NULL, NULL},
	{"cap_slots_per_task", LIMIT, "RVX_CONFIG_CAP_SLOTS_PER_TASK",
	 RVX_CONFIG_CAP_SLOTS_PER_TASK, 4, 4096, false, NULL, NULL},
	{"max_tasks", LIMIT, "RVX_CONFIG_MAX_TASKS", RVX_CONFIG_MAX_TASKS, 64, 256, false, NULL,
	 NULL},
	{"max_vector_stores", LIMIT, "RVX_CONFIG_MAX_VECTOR_STORES", RVX_CONFIG_MAX_VECTOR_STORES,
	 16, 0, false, NULL, NULL},
	{"max_graph_stores", LIMIT, "RVX_CONFIG_MAX_GRAPH_STORES", RVX_CONFIG_MAX_GRAPH_STORES, 16,
	 0, false, NULL, NULL},
	{"queue_priorities", LIMIT, "RVX_CONFIG_QUEUE_PRIORITIES", RVX_CONFIG_QUEUE_PRIORITIES, 1,
	 8, false, NULL, NULL},
	{"cache_line", LIMIT, "RVX_CONFIG_CACHE_LINE", RVX_CONFIG_CACHE_LINE, 16, 0, true, NULL,
	 NULL},
	{"kernel-shell", CHOICE, NULL, 0, 0, 0, false, "auto|enabled|disabled", "auto"},
	{"coherence", CHOICE, NULL, 0, 0, 0, false, "enabled|disabled", "enabled"},
	{"buildtype", CHOICE, NULL, 0, 0, 0, false, "debug|debugoptimized|release|minsize",
	 "debugoptimized"},
	{"bootargs", ARGS, NULL, 0, 0, 0, false, NULL, ""},
};
#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

struct conf {
	char value[KEY_COUNT][128];
	bool set[KEY_COUNT];
};

static int key_index(const char *name)
{
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static void defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (keys[i].kind == LIMIT)
			snprintf(c->value[i], sizeof(c->value[i]), "%lu", keys[i].deflt);
		else
			snprintf(c->value[i], sizeof(c->value[i]), "%s", keys[i].deflt_str);
	}
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Read @path over the defaults: CLI_OK, CLI_IO, or CLI_USAGE for a line
 * that is not KEY = VALUE with a known key (message printed). A missing
 * file is CLI_IO unless @missing_ok. */
static int load(const char *path, struct conf *c, bool missing_ok)
{
	char line[512];
	unsigned lineno = 0;
	FILE *fp;

	defaults(c);
	if (path == NULL)
		return CLI_OK;
	fp = fopen(path, "r");
	if (fp == NULL) {
		if (errno == ENOENT && missing_ok)
			return CLI_OK;
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return CLI_IO;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *s = trim(line), *eq, *k, *v;
		int i;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			fprintf(stderr, "%s:%u: not KEY = VALUE\n", path, lineno);
			fclose(fp);
			return CLI_USAGE;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		i = key_index(k);
		if (i < 0) {
			fprintf(stderr, "%s:%u: unknown key '%s'\n", path, lineno, k);
			fclose(fp);
			return CLI_USAGE;
		}
		if (strlen(v) >= sizeof(c->value[i])) {
			fprintf(stderr, "%s:%u: value too long\n", path, lineno);
			fclose(fp);
			return CLI_FAILED;
		}
		strcpy(c->value[i], v);
		c->set[i] = true;
	}
	fclose(fp);
	return CLI_OK;
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = choices; *p != '\0';) {
		const char *e = strchr(p, '|');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0 && n != 0)
			return true;
		p += len + (e != NULL ? 1 : 0);
	}
	return false;
}

/* A boot argument the virt image understands (ports/virt/src/main.c). */
static bool bootarg_ok(const char *w)
{
	static const char *const words[] = {
		"rvx.shell=on",	      "rvx.partitions",	  "rvx.partitions=bench", "rvx.partitions=smp",
		"rvx.partitions=smp-shared", "rvx.coherence=on", "rvx.selftest", "rvx.selftest=inject",
		"rvx.test=fault",     "rvx.test=wx",	  "rvx.test=undef",	  "rvx.test=stack",
	};
	const char *p;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(w, words[i]) == 0)
			return true;
	}
	if (strncmp(w, "rvx.store-digest=", 17) != 0)
		return false;
	p = w + 17;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '+' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

static bool has_word(const char *args, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = args; *p != '\0';) {
		while (*p == ' ')
			p++;
		if (strncmp(p, prefix, n) == 0)
			return true;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return false;
}

/* Check every value and the conflicts; print one line per problem (to
 * @out, prefixed "error: "); returns the number of problems. */
static int check(const struct conf *c, FILE *out)
{
	int errors = 0;
	const char *shell = c->value[key_index("kernel-shell")];
	const char *coh = c->value[key_index("coherence")];
	const char *bt = c->value[key_index("buildtype")];
	const char *args = c->value[key_index("bootargs")];

	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct key *k = &keys[i];
		const char *v = c->value[i];

		if (k->kind == LIMIT) {
			char *end;
			unsigned long x;

			errno = 0;
			x = strtoul(v, &end, 0);
			if (*v == '\0' || *v == '-' || *end != '\0' || errno != 0) {
				fprintf(out, "error: %s = %s: not a number\n", k->name, v);
				errors++;
			} else if (x < k->lo || (k->hi != 0 && x > k->hi) ||
				   (k->pow2 && (x & (x - 1)) != 0)) {
				fprintf(out, "error: %s = %lu: %s needs %lu", k->name, x, k->macro, k->lo);
				if (k->hi != 0)
					fprintf(out, "..%lu", k->hi);
				else
					fprintf(out, " or more");
				fprintf(out, "%s (ruvix/config.h)\n", k->pow2 ? ", a power of two" : "");
				errors++;
			}
		} else if (k->kind == CHOICE) {
			if (!choice_ok(k->choices, v)) {
				fprintf(out, "error: %s = %s: one of %s\n", k->name, v, k->choices);
				errors++;
			}
		} else {
			char words[128], *save = NULL;

			if (strlen(v) > 127) {
				fprintf(out, "error: bootargs: longer than the 127 bytes the image keeps\n");
				errors++;
				continue;
			}
			strcpy(words, v);
			for (char *w = strtok_r(words, " ", &save); w != NULL;
			     w = strtok_r(NULL, " ", &save)) {
				if (!bootarg_ok(w)) {
					fprintf(out, "error: bootargs: '%s' is not a boot argument the "
						     "image knows\n", w);
					errors++;
				}
			}
		}
	}
	if (has_word(args, "rvx.shell=on") &&
	    (strcmp(shell, "disabled") == 0 ||
	     (strcmp(shell, "auto") == 0 &&
	      (strcmp(bt, "release") == 0 || strcmp(bt, "minsize") == 0)))) {
		fprintf(out, "error: bootargs asks for rvx.shell=on, but kernel-shell = %s with "
			     "buildtype = %s builds no shell\n", shell, bt);
		errors++;
	}
	if (has_word(args, "rvx.coherence=on") && strcmp(coh, "disabled") == 0) {
		fprintf(out, "error: bootargs asks for rvx.coherence=on, but coherence = disabled\n");
		errors++;
	}
	return errors;
}

static void show(const struct conf *c, bool json)
{
	if (json)
		printf("{");
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct key *k = &keys[i];

		if (json) {
			printf("%s\"%s\": {\"value\": ", i ? ", " : "", k->name);
			if (k->kind == LIMIT && strspn(c->value[i], "0123456789") == strlen(c->value[i]) &&
			    c->value[i][0] != '\0')
				printf("%s", c->value[i]);
			else
				cli_json_str(c->value[i]);
			printf(", \"source\": \"%s\"", c->set[i] ? "file" : "default");
			if (k->kind == LIMIT)
				printf(", \"default\": %lu, \"min\": %lu, \"max\": %lu, \"macro\": \"%s\"",
				       k->deflt, k->lo, k->hi, k->macro);
			printf("}");
			continue;
		}
		printf("%-20s = %-24s", k->name, c->value[i]);
		if (k->kind == LIMIT) {
			printf(" # %s, default %lu, ", k->macro, k->deflt);
			if (k->hi != 0)
				printf("%lu..%lu", k->lo, k->hi);
			else
				printf(">= %lu%s", k->lo, k->pow2 ? ", power of two" : "");
		} else if (k->kind == CHOICE) {
			printf(" # %s", k->choices);
		} else {
			printf(" # boot arguments");
		}
		printf("%s\n", c->set[i] ? " (set)" : "");
	}
	if (json)
		printf("}\n");
}

/* Write @c to @path: the keys set, in table order. */
static int save(const char *path, const struct conf *c)
{
	char tmp[4096];
	FILE *fp;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return fputs("path too long\n", stderr), CLI_USAGE;
	fp = fopen(tmp, "w");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
		return CLI_IO;
	}
	fprintf(fp, "# RuVix kernel configuration (ruvix config)\n");
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (c->set[i])
			fprintf(fp, "%s = %s\n", keys[i].name, c->value[i]);
	}
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		remove(tmp);
		return CLI_IO;
	}
	return CLI_OK;
}

int cli_config_problems(const char *path)
{
	struct conf c;
	FILE *null;
	int n;

	if (load(path, &c, false) != CLI_OK)
		return -1;
	null = fopen("/dev/null", "w");
	if (null == NULL)
		return -1;
	n = check(&c, null);
	fclose(null);
	return n;
}

int cli_config_for_build(const char *path, struct cli_build_config *out)
{
	struct conf c;
	size_t used = 0;
	int rc = load(path, &c, false);

	if (rc != CLI_OK)
		return rc;
	if (check(&c, stderr) != 0) {
		fprintf(stderr, "ruvix build: %s: the configuration does not check (ruvix config "
				"check --file %s)\n", path, path);
		return CLI_FAILED;
	}
	memset(out, 0, sizeof(*out));
	used += (size_t)snprintf(out->header + used, sizeof(out->header) - used,
				 "/* Generated by ruvix build --config from %s: the limits of\n"
				 " * ruvix/config.h (included through RVX_CONFIG_HEADER). */\n"
				 "#ifndef RUVIX_BUILD_CONFIG_H\n#define RUVIX_BUILD_CONFIG_H\n", path);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		const struct key *k = &keys[i];
		const char *v = c.value[i];

		if (k->kind == LIMIT) {
			used += (size_t)snprintf(out->header + used, sizeof(out->header) - used,
						 "#define %s %lu\n", k->macro, strtoul(v, NULL, 0));
		} else if (!c.set[i]) {
			continue;
		} else if (strcmp(k->name, "kernel-shell") == 0) {
			snprintf(out->shell, sizeof(out->shell), "-Dkernel-shell=%s", v);
		} else if (strcmp(k->name, "coherence") == 0) {
			snprintf(out->coherence, sizeof(out->coherence), "-Dcoherence=%s", v);
		} else if (strcmp(k->name, "buildtype") == 0) {
			snprintf(out->buildtype, sizeof(out->buildtype), "%s", v);
		} else {
			snprintf(out->bootargs, sizeof(out->bootargs), "%s", v);
		}
	}
	used += (size_t)snprintf(out->header + used, sizeof(out->header) - used, "#endif\n");
	return used < sizeof(out->header) ? CLI_OK : CLI_USAGE;
}

int cli_config(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "", *file = NULL;
	const char *pos[2] = {NULL, NULL};
	bool json = false;
	struct conf c;
	int npos = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (npos < 2 && (argv[i][0] != '-' || npos == 1))
			pos[npos++] = argv[i];
		else
			return fputs(cli_config_usage, stderr), CLI_USAGE;
	}
	if (strcmp(sub, "show") == 0 && npos == 0) {
		rc = load(file, &c, false);
		if (rc != CLI_OK)
			return rc;
		show(&c, json);
		return CLI_OK;
	}
	if (strcmp(sub, "check") == 0 && npos == 0 && file != NULL) {
		int errors;

		rc = load(file, &c, false);
		if (rc != CLI_OK)
			return rc;
		errors = check(&c, json ? stderr : stdout);
		if (json) {
			printf("{\"file\": ");
			cli_json_str(file);
			printf(", \"ok\": %s, \"errors\": %d}\n", errors ? "false" : "true", errors);
		}
		else if (errors == 0)
			printf("%s: valid\n", file);
		return errors ? CLI_FAILED : CLI_OK;
	}
	if (strcmp(sub, "set") == 0 && npos == 2 && file != NULL) {
		int i = key_index(pos[0]), errors;

		if (i < 0) {
			fprintf(stderr, "ruvix config set: unknown key '%s'\n", pos[0]);
			return CLI_USAGE;
		}
		rc = load(file, &c, true);
		if (rc != CLI_OK)
			return rc;
		if (strlen(pos[1]) >= sizeof(c.value[i])) {
			fprintf(stderr, "ruvix config set: value too long\n");
			return CLI_FAILED;
		}
		strcpy(c.value[i], pos[1]);
		c.set[i] = true;
		/* Check the whole result first: a refused value changes nothing. */
		errors = check(&c, stderr);
		if (errors != 0) {
			fprintf(stderr, "ruvix config set: %s unchanged\n", file);
			return CLI_FAILED;
		}
		rc = save(file, &c);
		if (rc == CLI_OK)
			printf("%s: %s = %s\n", file, keys[i].name, c.value[i]);
		return rc;
	}
	fputs(cli_config_usage, stderr);
	return CLI_USAGE;
}
