/* SPDX-License-Identifier: Apache-2.0 */
/* Internal interfaces of the ruvix host CLI. */
#ifndef RUVIX_CLI_H
#define RUVIX_CLI_H

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

#endif
