/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix keys sign / keys verify: a detached ECDSA P-256 signature over the
 * SHA-256 of any file (a kernel image, a DTB, a config.txt), in a small
 * text file next to it:
 *
 *   ruvix-signature 1
 *   size <bytes>
 *   sha256 <64 hex>
 *   key-id <16 hex>       (first 8 bytes of SHA-256 of the public key)
 *   signature <128 hex>   (r || s, 32 bytes each)
 *
 * Packages carry their own signature (ruvix pkg); this is for the rest.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bearssl.h"
#include "cli.h"

/* SHA-256 and size of a file of any size. */
static int hash_file(const char *path, uint8_t out[32], uint64_t *size)
{
	FILE *fp = fopen(path, "rb");
	br_sha256_context sc;
	uint8_t buf[65536];
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return CLI_IO;
	}
	br_sha256_init(&sc);
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		br_sha256_update(&sc, buf, n);
		*size += n;
	}
	if (ferror(fp)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(fp);
		return CLI_IO;
	}
	fclose(fp);
	br_sha256_out(&sc, out);
	return CLI_OK;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly @n bytes of lowercase hex, then the end of the line. */
static int unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(s[2 * i]), lo = hi < 0 ? -1 : nibble(s[2 * i + 1]);

		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[2 * n] == '\0' || s[2 * n] == '\n' ? 0 : -1;
}

int cli_keys_sign(int argc, char **argv)
{
	const char *kpath = NULL, *file = NULL, *out = NULL;
	uint8_t x[32], pbuf[BR_EC_KBUF_PUB_MAX_SIZE], digest[32], sig[64], id[RVX_RVF_KEY_ID_SIZE];
	br_ec_private_key sk = {BR_EC_secp256r1, x, sizeof(x)};
	br_ec_public_key pk;
	char path[4096], h[129];
	uint64_t size;
	FILE *fp;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			kpath = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] != '-' && file == NULL)
			file = argv[i];
		else
			return fprintf(stderr, "usage: ruvix keys sign --key KEY [--out SIG] FILE\n"),
			       CLI_USAGE;
	}
	if (kpath == NULL || file == NULL)
		return fprintf(stderr, "usage: ruvix keys sign --key KEY [--out SIG] FILE\n"),
		       CLI_USAGE;
	if (out == NULL) {
		if (snprintf(path, sizeof(path), "%s.sig", file) >= (int)sizeof(path))
			return fprintf(stderr, "path too long\n"), CLI_USAGE;
		out = path;
	}
	if (cli_read_hex(kpath, x, sizeof(x)) != 0)
		return CLI_IO;
	if (br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &sk) != RVX_RVF_PUBKEY_SIZE) {
		fprintf(stderr, "%s: not a P-256 private key\n", kpath);
		return CLI_FAILED;
	}
	rc = hash_file(file, digest, &size);
	if (rc != CLI_OK)
		return rc;
	if (br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &sk, sig) !=
	    sizeof(sig)) {
		fprintf(stderr, "signing failed\n");
		return CLI_FAILED;
	}
	memset(x, 0, sizeof(x));
	rvx_rvf_key_id(pk.q, id);
	fp = fopen(out, "w");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		return CLI_IO;
	}
	fprintf(fp, "ruvix-signature 1\nsize %llu\n", (unsigned long long)size);
	cli_hex(h, digest, 32);
	fprintf(fp, "sha256 %s\n", h);
	cli_hex(h, id, sizeof(id));
	fprintf(fp, "key-id %s\n", h);
	cli_hex(h, sig, sizeof(sig));
	fprintf(fp, "signature %s\n", h);
	if (fclose(fp) != 0) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		return CLI_IO;
	}
	cli_hex(h, id, sizeof(id));
	printf("%s: signed by key %s into %s\n", file, h, out);
	return CLI_OK;
}

int cli_sig_check(const char *file, const char *sigpath, const uint8_t *keys, uint32_t nkeys,
		  char idhex[17], const char **why)
{
	uint8_t digest[32], want[32], sig[64], id[RVX_RVF_KEY_ID_SIZE], kid[RVX_RVF_KEY_ID_SIZE];
	unsigned long long want_size = 0;
	char line[512];
	uint32_t have = 0;
	uint64_t size;
	FILE *fp;
	int rc;

	idhex[0] = '\0';
	fp = fopen(sigpath, "r");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", sigpath, strerror(errno));
		return CLI_IO;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strcmp(line, "ruvix-signature 1\n") == 0)
			have |= 1;
		else if (sscanf(line, "size %llu", &want_size) == 1)
			have |= 2;
		else if (strncmp(line, "sha256 ", 7) == 0 && unhex(line + 7, want, 32) == 0)
			have |= 4;
		else if (strncmp(line, "key-id ", 7) == 0 && unhex(line + 7, kid, sizeof(kid)) == 0)
			have |= 8;
		else if (strncmp(line, "signature ", 10) == 0 && unhex(line + 10, sig, 64) == 0)
			have |= 16;
		else
			have |= 32;
	}
	fclose(fp);
	if (have != 31) {
		*why = "not a ruvix signature file";
		return CLI_FAILED;
	}
	rc = hash_file(file, digest, &size);
	if (rc != CLI_OK)
		return rc;
	cli_hex(idhex, kid, sizeof(kid));
	if (size != want_size || memcmp(digest, want, 32) != 0) {
		*why = "the file is not the one signed (size or SHA-256 differs)";
		return CLI_FAILED;
	}
	for (uint32_t i = 0; i < nkeys; i++) {
		const uint8_t *k = keys + (size_t)i * RVX_RVF_PUBKEY_SIZE;
		br_ec_public_key pk = {BR_EC_secp256r1, (unsigned char *)(uintptr_t)k,
				       RVX_RVF_PUBKEY_SIZE};

		rvx_rvf_key_id(k, id);
		if (memcmp(id, kid, sizeof(id)) != 0)
			continue;
		if (br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, digest, 32, &pk, sig, 64) != 1) {
			*why = "the signature does not verify under its key";
			return CLI_FAILED;
		}
		return CLI_OK;
	}
	*why = nkeys == 0 ? "signed, but no public key was given to verify it"
			  : "signed by a key that is not among the keys given";
	return CLI_FAILED;
}

int cli_keys_verify(int argc, char **argv)
{
	static uint8_t keys[16 * RVX_RVF_PUBKEY_SIZE];
	const char *file = NULL, *sigpath = NULL, *why = NULL;
	char path[4096], idhex[17];
	uint32_t nkeys = 0;
	bool json = false;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--pub") == 0 && i + 1 < argc) {
			if (nkeys == 16)
				return fprintf(stderr, "too many keys\n"), CLI_USAGE;
			if (cli_read_hex(argv[++i], keys + (size_t)nkeys * RVX_RVF_PUBKEY_SIZE,
					 RVX_RVF_PUBKEY_SIZE) != 0)
				return CLI_IO;
			nkeys++;
		} else if (strcmp(argv[i], "--sig") == 0 && i + 1 < argc) {
			sigpath = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] != '-' && file == NULL) {
			file = argv[i];
		} else {
			file = NULL;
			nkeys = 0;
			break;
		}
	}
	if (file == NULL || nkeys == 0)
		return fprintf(stderr, "usage: ruvix keys verify FILE --pub PUB [--pub PUB...] "
				       "[--sig SIG] [--json]\n"),
		       CLI_USAGE;
	if (sigpath == NULL) {
		if (snprintf(path, sizeof(path), "%s.sig", file) >= (int)sizeof(path))
			return fprintf(stderr, "path too long\n"), CLI_USAGE;
		sigpath = path;
	}
	rc = cli_sig_check(file, sigpath, keys, nkeys, idhex, &why);
	if (rc == CLI_IO)
		return rc;
	if (json) {
		printf("{\"file\": ");
		cli_json_str(file);
		printf(", \"ok\": %s, \"key_id\": \"%s\"", rc == CLI_OK ? "true" : "false", idhex);
		if (rc != CLI_OK) {
			printf(", \"error\": ");
			cli_json_str(why);
		}
		printf("}\n");
	}
	if (rc != CLI_OK) {
		fprintf(stderr, "%s: REFUSED: %s%s%s\n", file, why, idhex[0] ? "; key " : "", idhex);
		return rc;
	}
	if (!json)
		printf("%s: OK, signed by key %s\n", file, idhex);
	return CLI_OK;
}
