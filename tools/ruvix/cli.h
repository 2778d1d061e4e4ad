/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interfaces of the ruvix host CLI. */
#ifndef RUVIX_CLI_H
#define RUVIX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ruvix/rvf.h"

/** A data file given on the command line: its segment type, path and basename. */
struct cli_file {
	uint16_t type;
	const char *path;
	const char *base;
	uint8_t *data;
	size_t length;
	uint32_t segment; /* index in the package */
};

/*
 * Parse the text manifest at @path into @m; authority keys referenced by
 * `authority=` are loaded into @keys (65 bytes each). Files are referenced
 * by basename. Prints "path:line: message" and returns -1 on error.
 */
int cli_parse_manifest(const char *path, struct rvx_rvf_manifest *m, uint8_t *keys,
		       const struct cli_file *files, size_t nfiles);

/*
 * Turn a text seed file (a vector or graph seed, @type) into its segment
 * bytes (malloc'd in @out); -1 with a message on error. Format in
 * seed_text.c and docs/rvf.md.
 */
int cli_seed_from_text(uint16_t type, const char *path, const uint8_t *text, size_t len,
		       uint8_t **out, size_t *out_len);

/* Read a whole file (malloc'd); -1 on error with a message. */
int cli_read_file(const char *path, uint8_t **data, size_t *len);
/* Read a hex-encoded key file of exactly @n bytes; -1 on error. */
int cli_read_hex(const char *path, uint8_t *out, size_t n);
/* Print the usage text to stderr. */
void cli_usage(void);
/* `ruvix witness verify-dump ...` (witness_cmd.c); returns the exit status. */
int cli_witness_verify_dump(int argc, char **argv);
/* `ruvix witness sample-dump ...` (witness_cmd.c); returns the exit status. */
int cli_witness_sample_dump(int argc, char **argv);
/* `ruvix flash ...` (flash_cmd.c): an SD card image or card; returns the exit status. */
int cli_flash(int argc, char **argv);
extern const char cli_flash_usage[];

/*
 * Exit statuses every command uses (documented in README.md and --help):
 * success; what was checked or done failed (a refused package, a bad
 * signature or witness record, audit findings, a failed build); usage; a
 * file, device or socket that could not be read or written; something not
 * available here (a target port absent from the tree, a missing tool).
 */
enum cli_exit {
	CLI_OK = 0,
	CLI_FAILED = 1,
	CLI_USAGE = 2,
	CLI_IO = 3,
	CLI_UNAVAILABLE = 4,
};

/* One `ruvix CMD` (ruvix.c's table, one line each). `run` gets the
 * arguments after CMD; `usage` is printed by `ruvix CMD --help`. */
struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

/* True if argv holds --help or -h (a command prints its usage, exits 0). */
int cli_wants_help(int argc, char **argv);
/* Print @s as a JSON string (quoted, escaped) to stdout. */
void cli_json_str(const char *s);
/* Lowercase hex of @n bytes into @out (2n + 1 bytes). */
void cli_hex(char *out, const uint8_t *p, size_t n);
/* Read a whole file of any size (malloc'd); CLI_IO with a message on error. */
int cli_slurp(const char *path, uint8_t **data, size_t *len);

/* The commands in their own files. */
int cli_keys_sign(int argc, char **argv);      /* keys_cmd.c */
int cli_keys_verify(int argc, char **argv);    /* keys_cmd.c */
/* Check @file against its detached signature @sigpath with @nkeys public
 * keys (65 bytes each): CLI_OK, CLI_FAILED (*why says why; @idhex the
 * signer's key id if the file names one) or CLI_IO (printed). */
int cli_sig_check(const char *file, const char *sigpath, const uint8_t *keys, uint32_t nkeys,
		  char idhex[17], const char **why);
/* `config check` of @path without printing: problems found, or -1 if the
 * file cannot be read or parsed. */
int cli_config_problems(const char *path);
/* What `ruvix build --config` takes from a configuration file. */
struct cli_build_config {
	char header[2048];   /* every RVX_CONFIG_* limit, as a C header */
	char shell[48];      /* "-Dkernel-shell=..." if the file sets it, else "" */
	char coherence[48];  /* "-Dcoherence=..." likewise */
	char buildtype[32];  /* the file's buildtype, or "" */
	char bootargs[128];  /* the file's boot arguments, or "" */
};
/* Load and check @path (problems on stderr) into @out: CLI_OK, CLI_FAILED
 * (it does not check), CLI_IO (unreadable), CLI_USAGE (a bad line). */
int cli_config_for_build(const char *path, struct cli_build_config *out);
int cli_build(int argc, char **argv);          /* build_cmd.c */
extern const char cli_build_usage[];
int cli_config(int argc, char **argv);         /* config_cmd.c */
extern const char cli_config_usage[];
int cli_dtb(int argc, char **argv);            /* dtb_cmd.c */
extern const char cli_dtb_usage[];
int cli_monitor(int argc, char **argv);        /* monitor_cmd.c */
extern const char cli_monitor_usage[];
int cli_security(int argc, char **argv);       /* security_cmd.c */
extern const char cli_security_usage[];
/* Name of a witness record kind (witness_cmd.c). */
void cli_kind_str(uint16_t kind, char *buf, size_t size);

#endif
