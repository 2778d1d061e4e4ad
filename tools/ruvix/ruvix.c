/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix, the host CLI: keys (generate, export as C), package tools (pack,
 * inspect, verify) and the witness dump verifier (witness_cmd.c). See
 * docs/rvf.md for the package format and the text manifest.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bearssl.h"
#include "cli.h"

#define MAX_FILES (RVX_RVF_MAX_SEGMENTS - 4)

#ifndef RUVIX_VERSION
#define RUVIX_VERSION "unknown"
#endif

static const char keys_usage[] =
	"usage: ruvix keys generate --out KEY          writes KEY (private) and KEY.pub\n"
	"       ruvix keys sign --key KEY [--out SIG] FILE\n"
	"             a detached signature of any file (default FILE.sig)\n"
	"       ruvix keys verify FILE --pub PUB [--pub PUB...] [--sig SIG] [--json]\n"
	"       ruvix keys export-c --out OUT.c [--name ARRAY [--count-name COUNT]] PUB [PUB...]\n"
	"             writes C source defining ARRAY[] (the 65-byte public keys back to back)\n"
	"             and COUNT (default rvx_virt_trusted_keys and rvx_virt_trusted_key_count;\n"
	"             with --name only, COUNT is ARRAY_count)\n"
	"  exit: 0 done or verified; 1 refused (bad signature, unknown key, not a key);\n"
	"        2 usage; 3 (sign, verify) a file cannot be read or written\n";

static const char pkg_usage[] =
	"usage: ruvix pkg pack --manifest M.txt (--key KEY | --unsigned [--key KEY]) --out PKG [KIND:FILE...]\n"
	"             KIND is code, data, vector or graph; --unsigned leaves the signature empty;\n"
	"             a vector or graph seed FILE ending in .txt is text, converted (docs/rvf.md)\n"
	"       ruvix pkg inspect PKG\n"
	"       ruvix pkg verify PKG --pub PUB [--pub PUB...]\n"
	"  exit: 0 done or verified; 1 refused, or a file cannot be read; 2 usage\n";

static const char witness_usage[] =
	"usage: ruvix witness verify-dump TRANSCRIPT|- [--expect-kinds K1,K2,...] [--exact] [--quiet]\n"
	"             K is a kind name (boot_stage, mount, task_spawn, ...) or number, or\n"
	"             boot_stage:STAGE (reset, hardware, console, mmu, objects_ready, package,\n"
	"             first_task); the kinds must appear in this order (with --exact: be all records)\n"
	"       ruvix witness sample-dump [--crlf]     prints a sample transcript with a valid dump\n"
	"  exit: 0 verified; 1 a bad dump, or a file cannot be read; 2 usage\n";

static int cmd_keys(int argc, char **argv);
static int cmd_pkg(int argc, char **argv);
static int cmd_witness(int argc, char **argv);

/* The commands, one line each (`ruvix --help` lists them in this order). A
 * command lives in a file of its own and adds its line here. */
static const struct cli_command commands[] = {
	{"build", cli_build, "configure and build a target (hosted, virt, rpi4)", cli_build_usage},
	{"config", cli_config, "show, set or check the kernel configuration", cli_config_usage},
	{"keys", cmd_keys, "generate, sign, verify, export-c: signing keys", keys_usage},
	{"pkg", cmd_pkg, "pack, inspect, verify: signed packages", pkg_usage},
	{"dtb", cli_dtb, "validate or inspect a device tree blob", cli_dtb_usage},
	{"monitor", cli_monitor, "watch a console: witness records decoded, chain verified", cli_monitor_usage},
	{"security", cli_security, "audit an image, its configuration and packages", cli_security_usage},
	{"flash", cli_flash, "write an SD card image or card (rpi4)", cli_flash_usage},
	{"witness", cmd_witness, "verify-dump, sample-dump: a console's witness dump", witness_usage},
};

void cli_usage(void)
{
	fputs("usage: ruvix COMMAND [ARGS...]     (ruvix COMMAND --help for its arguments)\n", stderr);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

static void help(FILE *out)
{
	fprintf(out, "ruvix %s, the RuVix host tool\n"
		     "usage: ruvix COMMAND [ARGS...]\n"
		     "       ruvix COMMAND --help     a command's arguments and exit statuses\n"
		     "       ruvix --version\n\ncommands:\n", RUVIX_VERSION);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nexit statuses: 0 success; 1 what was checked or done failed; 2 usage;\n"
	      "3 a file, device or socket cannot be read or written; 4 not available here\n"
	      "(a target port not in the tree, meson or ninja missing). Errors go to stderr.\n",
	      out);
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

void cli_json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void cli_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15u];
	}
	out[2 * n] = '\0';
}

int cli_slurp(const char *path, uint8_t **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return CLI_IO;
	}
	for (;;) {
		size_t r;

		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				break;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0) {
			if (ferror(fp)) {
				fprintf(stderr, "%s: read error\n", path);
				break;
			}
			fclose(fp);
			*data = buf;
			*len = n;
			return CLI_OK;
		}
	}
	fclose(fp);
	free(buf);
	return CLI_IO;
}

int cli_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > RVX_RVF_MAX_PACKAGE) {
				fprintf(stderr, "%s: too large\n", path);
				break;
			}
			uint8_t *nb = realloc(buf, cap);
			if (nb == NULL)
				break;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0) {
			if (ferror(fp))
				break;
			fclose(fp);
			*data = buf;
			*len = n;
			return 0;
		}
	}
	fprintf(stderr, "%s: read failed\n", path);
	fclose(fp);
	free(buf);
	return -1;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int cli_read_hex(const char *path, uint8_t *out, size_t n)
{
	uint8_t *data;
	size_t len, k = 0;
	int hi = -1;

	if (cli_read_file(path, &data, &len) != 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int v = hexval(data[i]);
		if (v < 0) {
			if (data[i] == '\n' || data[i] == ' ' || data[i] == '\r')
				continue;
			break;
		}
		if (hi < 0) {
			hi = v;
		} else {
			if (k == n) {
				k = n + 1;
				break;
			}
			out[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	free(data);
	if (k != n || hi >= 0) {
		fprintf(stderr, "%s: not a %zu-byte hex key\n", path, n);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	const uint8_t *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int write_hex(const char *path, const uint8_t *p, size_t n, mode_t mode)
{
	char buf[2 * 128 + 2];
	hex(buf, p, n);
	buf[2 * n] = '\n';
	return write_file(path, buf, 2 * n + 1, mode);
}

static int cmd_keys_generate(int argc, char **argv)
{
	const char *out = NULL;
	uint8_t seed[48], kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
	br_hmac_drbg_context rng;
	br_ec_private_key sk;
	br_ec_public_key pk;
	char pubpath[4096];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else
			return cli_usage(), 2;
	}
	if (out == NULL)
		return cli_usage(), 2;
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", out) >= (int)sizeof(pubpath))
		return fprintf(stderr, "path too long\n"), 1;
	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		fprintf(stderr, "getrandom: %s\n", strerror(errno));
		return 1;
	}
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, sizeof(seed));
	if (br_ec_keygen(&rng.vtable, &br_ec_p256_m31, &sk, kbuf, BR_EC_secp256r1) != 32 ||
	    br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &sk) != RVX_RVF_PUBKEY_SIZE) {
		fprintf(stderr, "key generation failed\n");
		return 1;
	}
	if (write_hex(out, sk.x, sk.xlen, 0600) != 0 ||
	    write_hex(pubpath, pk.q, pk.qlen, 0644) != 0)
		return 1;
	uint8_t id[RVX_RVF_KEY_ID_SIZE];
	char idhex[2 * RVX_RVF_KEY_ID_SIZE + 1];
	rvx_rvf_key_id(pk.q, id);
	hex(idhex, id, sizeof(id));
	printf("private key: %s\npublic key:  %s\nkey id:      %s\n", out, pubpath, idhex);
	return 0;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/*
 * Write C source that defines the trusted keys for an image: ARRAY[] holds
 * the 65-byte uncompressed P-256 public keys back to back (the form
 * rvx_kernel_trusted_keys_set() and struct rvx_rvf_trusted_keys take), and
 * COUNT how many there are.
 */
static int cmd_keys_export_c(int argc, char **argv)
{
	static uint8_t keys[16 * RVX_RVF_PUBKEY_SIZE];
	const char *out = NULL, *name = "rvx_virt_trusted_keys", *paths[16];
	const char *count_name = NULL;
	char count_buf[256];
	uint32_t nkeys = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--count-name") == 0 && i + 1 < argc) {
			count_name = argv[++i];
		} else if (argv[i][0] != '-') {
			if (nkeys == 16)
				return fprintf(stderr, "too many keys (at most 16)\n"), 2;
			paths[nkeys++] = argv[i];
		} else {
			return cli_usage(), 2;
		}
	}
	if (out == NULL || nkeys == 0)
		return cli_usage(), 2;
	if (count_name == NULL) {
		if (strcmp(name, "rvx_virt_trusted_keys") == 0)
			count_name = "rvx_virt_trusted_key_count";
		else if (snprintf(count_buf, sizeof(count_buf), "%s_count", name) < (int)sizeof(count_buf))
			count_name = count_buf;
		else
			return fprintf(stderr, "name too long\n"), 2;
	}
	for (int k = 0; k < 2; k++) {
		const char *id = k ? count_name : name;
		bool ok = id[0] != '\0' && strlen(id) < 128;
		for (const char *p = id; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
			      (p != id && *p >= '0' && *p <= '9')))
				ok = false;
		if (!ok)
			return fprintf(stderr, "'%s' is not a C identifier\n", id), 2;
	}

	for (uint32_t k = 0; k < nkeys; k++) {
		uint8_t *q = keys + (size_t)k * RVX_RVF_PUBKEY_SIZE, tmp[RVX_RVF_PUBKEY_SIZE];
		static const uint8_t one[1] = { 1 };
		if (cli_read_hex(paths[k], q, RVX_RVF_PUBKEY_SIZE) != 0)
			return 1;
		/* BearSSL's mul() checks that the point is on the curve. */
		memcpy(tmp, q, sizeof(tmp));
		if (q[0] != 0x04 || br_ec_p256_m31.mul(tmp, sizeof(tmp), one, sizeof(one), BR_EC_secp256r1) != 1)
			return fprintf(stderr, "%s: not a P-256 public key\n", paths[k]), 1;
	}

	FILE *fp = fopen(out, "w");
	if (fp == NULL)
		return fprintf(stderr, "%s: %s\n", out, strerror(errno)), 1;
	fprintf(fp, "/* SPDX-License-Identifier: Apache-2.0 */\n"
		    "/* Generated by `ruvix keys export-c`; do not edit. Trusted package signer\n"
		    " * keys: 65-byte uncompressed P-256 public keys back to back, the form\n"
		    " * rvx_kernel_trusted_keys_set() takes. */\n"
		    "#include <stdint.h>\n\n"
		    "extern const uint8_t %s[%u];\n"
		    "extern const uint32_t %s;\n\n"
		    "const uint8_t %s[%u] = {\n",
		name, nkeys * RVX_RVF_PUBKEY_SIZE, count_name, name, nkeys * RVX_RVF_PUBKEY_SIZE);
	for (uint32_t k = 0; k < nkeys; k++) {
		const uint8_t *q = keys + (size_t)k * RVX_RVF_PUBKEY_SIZE;
		uint8_t id[RVX_RVF_KEY_ID_SIZE];
		char idhex[2 * RVX_RVF_KEY_ID_SIZE + 1];
		rvx_rvf_key_id(q, id);
		hex(idhex, id, sizeof(id));
		fprintf(fp, "\t/* key %u: key id %s (%s) */", k, idhex, basename_of(paths[k]));
		for (unsigned i = 0; i < RVX_RVF_PUBKEY_SIZE; i++)
			fprintf(fp, "%s0x%02x,", i % 12 == 0 ? "\n\t" : " ", q[i]);
		fputc('\n', fp);
	}
	fprintf(fp, "};\n\nconst uint32_t %s = %u;\n", count_name, nkeys);
	if (ferror(fp) | (fclose(fp) != 0)) {
		fprintf(stderr, "%s: write failed\n", out);
		return 1;
	}
	return 0;
}

static int cmd_pkg_pack(int argc, char **argv)
{
	const char *mpath = NULL, *kpath = NULL, *out = NULL;
	static struct cli_file files[MAX_FILES];
	static struct rvx_rvf_manifest m;
	static uint8_t keys[RVX_RVF_MAX_AUTHORITY_KEYS * RVX_RVF_PUBKEY_SIZE];
	static uint8_t segbuf[4][8192];
	struct rvx_rvf_input in[RVX_RVF_MAX_SEGMENTS];
	size_t nfiles = 0;
	uint32_t n = 0;
	bool unsigned_pkg = false;
	int rc = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--manifest") == 0 && i + 1 < argc) {
			mpath = argv[++i];
		} else if (strcmp(argv[i], "--unsigned") == 0) {
			unsigned_pkg = true;
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			kpath = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] != '-') {
			static const struct { const char *kind; uint16_t type; } kinds[] = {
				{ "code", RVX_RVF_SEG_CODE }, { "data", RVX_RVF_SEG_REGION_DATA },
				{ "vector", RVX_RVF_SEG_VECTOR_SEED }, { "graph", RVX_RVF_SEG_GRAPH_SEED },
			};
			char *colon = strchr(argv[i], ':');
			size_t k;
			if (nfiles == MAX_FILES)
				return fprintf(stderr, "too many files (at most %d)\n", MAX_FILES), 2;
			if (colon == NULL)
				return fprintf(stderr, "'%s': files are given as KIND:PATH\n", argv[i]), 2;
			for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
				if (strncmp(argv[i], kinds[k].kind, (size_t)(colon - argv[i])) == 0 &&
				    strlen(kinds[k].kind) == (size_t)(colon - argv[i]))
					break;
			if (k == sizeof(kinds) / sizeof(kinds[0]))
				return fprintf(stderr, "'%s': unknown kind (code, data, vector, graph)\n", argv[i]), 2;
			files[nfiles].type = kinds[k].type;
			files[nfiles].path = colon + 1;
			files[nfiles].base = basename_of(colon + 1);
			files[nfiles].segment = (uint32_t)(1 + nfiles); /* segment 0 is the manifest */
			nfiles++;
		} else {
			return cli_usage(), 2;
		}
	}
	if (mpath == NULL || (kpath == NULL && !unsigned_pkg) || out == NULL)
		return cli_usage(), 2;

	/* An unsigned package (for tests of the refusal) names the key given,
	 * or a zero key id, and keeps an all-zero signature block. */
	uint8_t x[32], pub[RVX_RVF_PUBKEY_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
	br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof(x) };
	br_ec_public_key pk;
	memset(pub, 0, sizeof(pub));
	if (kpath != NULL) {
		if (cli_read_hex(kpath, x, sizeof(x)) != 0)
			return 1;
		if (br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &sk) != RVX_RVF_PUBKEY_SIZE) {
			fprintf(stderr, "%s: not a P-256 private key\n", kpath);
			return 1;
		}
		memcpy(pub, pk.q, sizeof(pub));
	}

	for (size_t i = 0; i < nfiles; i++) {
		if (cli_read_file(files[i].path, &files[i].data, &files[i].length) != 0)
			goto done;
		if (files[i].length == 0) {
			fprintf(stderr, "%s: empty file\n", files[i].path);
			goto done;
		}
		size_t bl = strlen(files[i].base);
		if ((files[i].type == RVX_RVF_SEG_VECTOR_SEED || files[i].type == RVX_RVF_SEG_GRAPH_SEED) &&
		    bl > 4 && strcmp(files[i].base + bl - 4, ".txt") == 0) {
			/* A text seed: converted to the binary segment. */
			uint8_t *seg;
			size_t seg_len;
			if (cli_seed_from_text(files[i].type, files[i].path, files[i].data,
					       files[i].length, &seg, &seg_len) != 0)
				goto done;
			free(files[i].data);
			files[i].data = seg;
			files[i].length = seg_len;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(files[j].base, files[i].base) == 0) {
				fprintf(stderr, "%s: two files with the same name\n", files[i].base);
				goto done;
			}
	}
	if (cli_parse_manifest(mpath, &m, keys, files, nfiles) != 0)
		goto done;

	size_t l;
	if (rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, &m, NULL, segbuf[0], sizeof(segbuf[0]), &l) != 0)
		goto encode_fail;
	in[n++] = (struct rvx_rvf_input){ RVX_RVF_SEG_MANIFEST, segbuf[0], l };
	for (size_t i = 0; i < nfiles; i++)
		in[n++] = (struct rvx_rvf_input){ files[i].type, files[i].data, files[i].length };
	if (m.required_count > 0) {
		if (rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, &m, NULL, segbuf[1], sizeof(segbuf[1]), &l) != 0)
			goto encode_fail;
		in[n++] = (struct rvx_rvf_input){ RVX_RVF_SEG_REQUIRED_CAPS, segbuf[1], l };
	}
	if (m.policy_count > 0 || m.authority_count > 0) {
		if (rvx_rvf_segment_encode(RVX_RVF_SEG_PROOF_POLICY, &m, keys, segbuf[2], sizeof(segbuf[2]), &l) != 0)
			goto encode_fail;
		in[n++] = (struct rvx_rvf_input){ RVX_RVF_SEG_PROOF_POLICY, segbuf[2], l };
	}
	if (m.has_witness_policy) {
		if (rvx_rvf_segment_encode(RVX_RVF_SEG_WITNESS_POLICY, &m, NULL, segbuf[3], sizeof(segbuf[3]), &l) != 0)
			goto encode_fail;
		in[n++] = (struct rvx_rvf_input){ RVX_RVF_SEG_WITNESS_POLICY, segbuf[3], l };
	}

	size_t size = rvx_rvf_build_size(in, n), len;
	uint8_t id[RVX_RVF_KEY_ID_SIZE], digest[RVX_RVF_HASH_SIZE], sig[RVX_RVF_SIG_SIZE];
	uint8_t *pkg = size ? malloc(size) : NULL;
	if (pkg == NULL) {
		fprintf(stderr, "package too large\n");
		goto done;
	}
	if (kpath != NULL)
		rvx_rvf_key_id(pub, id);
	else
		memset(id, 0, sizeof(id));
	if (rvx_rvf_build(in, n, id, pkg, size, &len, digest) != 0 ||
	    (!unsigned_pkg &&
	     (br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, &sk, sig) != RVX_RVF_SIG_SIZE ||
	      rvx_rvf_attach_signature(pkg, len, sig) != 0))) {
		fprintf(stderr, "building or signing the package failed\n");
		free(pkg);
		goto done;
	}
	/* Check what we made with the library's own verifier before writing it
	 * (an unsigned package: everything but the signature). */
	struct rvx_rvf_trusted_keys tk = { pub, 1 };
	static struct rvx_rvf_package view;
	enum rvx_rvf_reason why;
	if ((unsigned_pkg ? rvx_rvf_inspect(pkg, len, &view, &why)
			  : rvx_rvf_verify(pkg, len, &tk, &view, &why)) != 0) {
		fprintf(stderr, "%s: the manifest is not valid: %s\n", mpath, rvx_rvf_reason_str(why));
		free(pkg);
		goto done;
	}
	if (write_file(out, pkg, len, 0644) == 0) {
		printf("%s: %zu bytes, %u segments, package '%s'%s\n", out, len, n, view.manifest.name,
		       unsigned_pkg ? " (UNSIGNED)" : "");
		rc = 0;
	}
	free(pkg);
	goto done;
encode_fail:
	fprintf(stderr, "%s: encoding failed\n", mpath);
done:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i].data);
	return rc;
}

static const char *rights_str(uint32_t r, char *buf)
{
	static const char *const names[] = { "read", "write", "grant", "revoke", "execute", "prove", "grant_once" };
	buf[0] = '\0';
	for (unsigned i = 0; i < 7; i++)
		if (r & (1u << i)) {
			if (buf[0])
				strcat(buf, ",");
			strcat(buf, names[i]);
		}
	return buf;
}

static const char *kind_str(uint8_t k)
{
	switch (k) {
	case RVX_RVF_WIRE_TASK: return "task";
	case RVX_RVF_WIRE_REGION: return "region";
	case RVX_RVF_WIRE_QUEUE: return "queue";
	case RVX_RVF_WIRE_REQUIRED: return "required";
	case RVX_RVF_WIRE_VECTOR: return "vector";
	case RVX_RVF_WIRE_GRAPH: return "graph";
	default: return "?";
	}
}

static const char *obj_name(const struct rvx_rvf_manifest *m, uint8_t kind, uint16_t i)
{
	switch (kind) {
	case RVX_RVF_WIRE_TASK: return m->tasks[i].name;
	case RVX_RVF_WIRE_REGION: return m->regions[i].name;
	case RVX_RVF_WIRE_QUEUE: return m->queues[i].name;
	case RVX_RVF_WIRE_REQUIRED: return m->required[i].name;
	case RVX_RVF_WIRE_VECTOR: return m->vectors[i].name;
	case RVX_RVF_WIRE_GRAPH: return m->graphs[i].name;
	default: return "?";
	}
}

static void print_package(const struct rvx_rvf_package *v)
{
	static const char *const pol[] = { "none", "immutable", "append", "slab" };
	static const char *const tier[] = { "none", "reflex", "standard", "deep" };
	const struct rvx_rvf_manifest *m = &v->manifest;
	char h[65], rb[128];

	printf("header:\n  version %u, %u segments, %llu bytes\n", v->version, v->segment_count,
	       (unsigned long long)v->total_length);
	hex(h, v->key_id, RVX_RVF_KEY_ID_SIZE);
	printf("  signer key id %s\n", h);
	hex(h, v->package_hash, RVX_RVF_HASH_SIZE);
	printf("  package sha256 %s\n", h);
	printf("segments:\n");
	for (uint32_t i = 0; i < v->segment_count; i++) {
		const struct rvx_rvf_segment *s = &v->segments[i];
		hex(h, s->hash, RVX_RVF_HASH_SIZE);
		printf("  [%u] %-14s offset %-6llu length %-6llu sha256 %s\n", i,
		       rvx_rvf_segment_type_str(s->type), (unsigned long long)s->offset,
		       (unsigned long long)s->length, h);
	}
	printf("manifest: package '%s'\n", m->name);
	for (uint32_t i = 0; i < m->task_count; i++) {
		const struct rvx_rvf_task *t = &m->tasks[i];
		if (t->flags & RVX_RVF_TASK_ENTRY_SYMBOL)
			printf("  task[%u] %s symbol=%u", i, t->name, t->entry);
		else
			printf("  task[%u] %s code=[%u] entry=%u", i, t->name, t->code_segment, t->entry);
		printf(" stack=%u priority=%u partition=%u deadline_ns=%llu\n", t->stack_size,
		       t->priority, t->partition, (unsigned long long)t->deadline_ns);
	}
	for (uint32_t i = 0; i < m->region_count; i++) {
		const struct rvx_rvf_region *r = &m->regions[i];
		printf("  region[%u] %s policy=%s size=%llu", i, r->name, pol[r->policy],
		       (unsigned long long)r->size);
		if (r->slot_size)
			printf(" slot=%llu", (unsigned long long)r->slot_size);
		if (r->init_segment != RVX_RVF_NONE)
			printf(" init=[%u]", r->init_segment);
		printf("\n");
	}
	for (uint32_t i = 0; i < m->queue_count; i++)
		printf("  queue[%u] %s slots=%u payload=%u\n", i, m->queues[i].name,
		       m->queues[i].slot_count, m->queues[i].max_payload);
	for (uint32_t i = 0; i < m->vector_count; i++) {
		static const char *const metric[] = { "l2", "cosine", "dot" };
		const struct rvx_rvf_vector_store *vs = &m->vectors[i];
		printf("  vector[%u] %s dim=%u metric=%s capacity=%u", i, vs->name, vs->dim,
		       metric[vs->metric], vs->capacity);
		if (vs->m)
			printf(" m=%u", vs->m);
		if (vs->m0)
			printf(" m0=%u", vs->m0);
		if (vs->ef_construction)
			printf(" ef=%u", vs->ef_construction);
		if (vs->ef_search)
			printf(" ef_search=%u", vs->ef_search);
		if (vs->hnsw_seed)
			printf(" hnsw_seed=%llu", (unsigned long long)vs->hnsw_seed);
		if (vs->seed_segment != RVX_RVF_NONE) {
			const struct rvx_rvf_segment *sg = &v->segments[vs->seed_segment];
			printf(" seed=[%u] (%llu vectors)", vs->seed_segment,
			       (unsigned long long)((sg->length - RVX_RVF_SEED_HEADER_SIZE) /
						    RVX_RVF_VECTOR_SEED_RECORD_SIZE(vs->dim)));
		}
		printf("\n");
	}
	for (uint32_t i = 0; i < m->graph_count; i++) {
		const struct rvx_rvf_graph_store *gs = &m->graphs[i];
		printf("  graph[%u] %s nodes=%u edges=%u", i, gs->name, gs->node_capacity,
		       gs->edge_capacity);
		if (gs->flags & RVX_RVF_GRAPH_SELF_LOOPS)
			printf(" self_loops");
		if (gs->hash_seed)
			printf(" hash_seed=%llu", (unsigned long long)gs->hash_seed);
		if (gs->seed_segment != RVX_RVF_NONE) {
			const struct rvx_rvf_segment *sg = &v->segments[gs->seed_segment];
			printf(" seed=[%u] (%llu mutations)", gs->seed_segment,
			       (unsigned long long)((sg->length - RVX_RVF_SEED_HEADER_SIZE) /
						    RVX_RVF_GRAPH_SEED_RECORD_SIZE));
		}
		printf("\n");
	}
	for (uint32_t i = 0; i < m->required_count; i++)
		printf("  require[%u] %s type=%u rights=%s\n", i, m->required[i].name,
		       m->required[i].object_type, rights_str(m->required[i].rights, rb));
	for (uint32_t i = 0; i < m->wire_count; i++) {
		const struct rvx_rvf_wire *w = &m->wires[i];
		printf("  wire[%u] %s <- %s:%s rights=%s\n", i, m->tasks[w->task].name,
		       kind_str(w->kind), obj_name(m, w->kind, w->object), rights_str(w->rights, rb));
	}
	for (uint32_t i = 0; i < m->policy_count; i++) {
		const struct rvx_rvf_proof_policy *p = &m->policies[i];
		printf("  proof[%u] %s:%s tier=%s payload<=%llu keys=%llu-%llu coherence>=%u rate=%u/%lluns",
		       i, kind_str(p->kind), obj_name(m, p->kind, p->object), tier[p->tier],
		       (unsigned long long)p->max_payload, (unsigned long long)p->key_lo,
		       (unsigned long long)p->key_hi, p->min_coherence, p->rate_count,
		       (unsigned long long)p->rate_window_ns);
		if (p->authority != RVX_RVF_NONE)
			printf(" authority=%u", p->authority);
		printf("\n");
	}
	if (m->has_witness_policy)
		printf("  witness flags=0x%x checkpoint=%u log=%llu\n", m->witness.flags,
		       m->witness.checkpoint_every, (unsigned long long)m->witness.log_records);
}

static int cmd_pkg_inspect(int argc, char **argv)
{
	static struct rvx_rvf_package view;
	enum rvx_rvf_reason why;
	uint8_t *pkg;
	size_t len;

	if (argc != 1)
		return cli_usage(), 2;
	if (cli_read_file(argv[0], &pkg, &len) != 0)
		return 1;
	int rc = rvx_rvf_inspect(pkg, len, &view, &why);
	free(pkg);
	if (rc != 0) {
		fprintf(stderr, "%s: invalid package: %s\n", argv[0], rvx_rvf_reason_str(why));
		return 1;
	}
	print_package(&view);
	printf("signature: not checked (use 'ruvix pkg verify')\n");
	return 0;
}

static int cmd_pkg_verify(int argc, char **argv)
{
	static struct rvx_rvf_package view;
	static uint8_t keys[16 * RVX_RVF_PUBKEY_SIZE];
	const char *path = NULL;
	uint32_t nkeys = 0;
	enum rvx_rvf_reason why;
	uint8_t *pkg;
	size_t len;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--pub") == 0 && i + 1 < argc) {
			if (nkeys == 16)
				return fprintf(stderr, "too many keys\n"), 2;
			if (cli_read_hex(argv[++i], keys + (size_t)nkeys * RVX_RVF_PUBKEY_SIZE,
					 RVX_RVF_PUBKEY_SIZE) != 0)
				return 1;
			nkeys++;
		} else if (path == NULL && argv[i][0] != '-') {
			path = argv[i];
		} else {
			return cli_usage(), 2;
		}
	}
	if (path == NULL || nkeys == 0)
		return cli_usage(), 2;
	if (cli_read_file(path, &pkg, &len) != 0)
		return 1;
	struct rvx_rvf_trusted_keys tk = { keys, nkeys };
	int rc = rvx_rvf_verify(pkg, len, &tk, &view, &why);
	free(pkg);
	if (rc != 0) {
		fprintf(stderr, "%s: REFUSED: %s (%s, reason %d)\n", path, rvx_rvf_reason_str(why),
			rvx_strerror(rc), (int)why);
		return 1;
	}
	char h[65];
	hex(h, view.package_hash, RVX_RVF_HASH_SIZE);
	printf("%s: OK, package '%s', signed by key %u, sha256 %s\n", path, view.manifest.name,
	       view.key_index, h);
	return 0;
}

static int cmd_keys(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "generate") == 0)
		return cmd_keys_generate(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "export-c") == 0)
		return cmd_keys_export_c(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "sign") == 0)
		return cli_keys_sign(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return cli_keys_verify(argc - 1, argv + 1);
	fputs(keys_usage, stderr);
	return CLI_USAGE;
}

static int cmd_pkg(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "pack") == 0)
		return cmd_pkg_pack(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "inspect") == 0)
		return cmd_pkg_inspect(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "verify") == 0)
		return cmd_pkg_verify(argc - 1, argv + 1);
	fputs(pkg_usage, stderr);
	return CLI_USAGE;
}

static int cmd_witness(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "verify-dump") == 0)
		return cli_witness_verify_dump(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "sample-dump") == 0)
		return cli_witness_sample_dump(argc - 1, argv + 1);
	fputs(witness_usage, stderr);
	return CLI_USAGE;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "help") == 0)) {
		help(stdout);
		return CLI_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("ruvix %s\n", RUVIX_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; argc >= 2 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (cli_wants_help(argc - 2, argv + 2)) {
			fputs(commands[i].usage, stdout);
			return CLI_OK;
		}
		return commands[i].run(argc - 2, argv + 2);
	}
	if (argc >= 2)
		fprintf(stderr, "ruvix: unknown command '%s'\n", argv[1]);
	cli_usage();
	return CLI_USAGE;
}
