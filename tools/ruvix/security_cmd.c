/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix security audit: an image and its configuration, as a reviewer
 * would check them before shipping:
 *  - W^X: no loadable segment of the image's ELF is both writable and
 *    executable, and no 4 KiB page holds both (the MMU maps pages);
 *  - signatures and key ids: the image's detached signature (keys sign)
 *    and the keys built into it (rvx_*_trusted_keys), a package's signer;
 *  - what a release image must not carry: the debug shell (rvsh), the
 *    semihosting exit, the on-target self-tests, debug information, and
 *    boot arguments that turn on test modes or the shell;
 *  - a package's rights: what it asks of the kernel that lets it pass
 *    objects on (grant, revoke), and against a baseline package, every
 *    right a new version adds (widening).
 * Findings are printed one per line; in a release audit (--release, or a
 * configuration with buildtype release) the release rules are findings,
 * otherwise notes.
 */
#define _DEFAULT_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bearssl.h"
#include "cli.h"

const char cli_security_usage[] =
	"usage: ruvix security audit [--image ELF] [--sig SIG] [--config CONF]\n"
	"                            [--pkg PKG [--baseline OLDPKG]] [--pub PUB...]\n"
	"                            [--release] [--json]\n"
	"  --image    the image's ELF (ruvix-virt.elf): W^X of its segments and pages,\n"
	"             the keys built in, and (release) shell, semihosting, self-tests,\n"
	"             debug information\n"
	"  --sig      the image's detached signature (ruvix keys sign), checked with\n"
	"             --pub; default IMAGE.sig when it exists\n"
	"  --config   the configuration (ruvix config): its checks, and (release) no\n"
	"             shell or test boot arguments, no kernel-shell=enabled\n"
	"  --pkg      a package: its signer (with --pub), required rights that pass\n"
	"             objects on; --baseline: rights it adds over an older version\n"
	"  exit: 0 no findings; 1 findings; 2 usage; 3 a file cannot be read\n";

struct audit {
	bool json, release;
	unsigned findings, notes;
	bool first;
};

static void report(struct audit *a, bool finding, const char *area, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct audit *a, bool finding, const char *area, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (finding)
		a->findings++;
	else
		a->notes++;
	if (a->json) {
		printf("%s{\"level\": \"%s\", \"area\": \"%s\", \"message\": ", a->first ? "" : ", ",
		       finding ? "finding" : "note", area);
		cli_json_str(msg);
		printf("}");
		a->first = false;
	} else {
		printf("%-8s %-10s %s\n", finding ? "FINDING" : "note", area, msg);
	}
}

/* ---- ELF ---- */

struct elf {
	const uint8_t *data;
	size_t len;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
};

static int elf_open(struct elf *e, const uint8_t *data, size_t len)
{
	e->data = data;
	e->len = len;
	e->eh = (const Elf64_Ehdr *)(const void *)data;
	if (len < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0 ||
	    data[EI_CLASS] != ELFCLASS64 || data[EI_DATA] != ELFDATA2LSB)
		return -1;
	if (e->eh->e_phoff > len || e->eh->e_phnum > (len - e->eh->e_phoff) / sizeof(Elf64_Phdr))
		return -1;
	if (e->eh->e_shoff > len || e->eh->e_shnum > (len - e->eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    (e->eh->e_shnum != 0 && e->eh->e_shstrndx >= e->eh->e_shnum))
		return -1;
	e->sh = (const Elf64_Shdr *)(const void *)(data + e->eh->e_shoff);
	return 0;
}

static const Elf64_Shdr *elf_section(const struct elf *e, const char *name)
{
	const Elf64_Shdr *strs;

	if (e->eh->e_shnum == 0)
		return NULL;
	strs = &e->sh[e->eh->e_shstrndx];
	for (unsigned i = 0; i < e->eh->e_shnum; i++) {
		uint64_t off = strs->sh_offset + e->sh[i].sh_name;

		if (off < e->len && strncmp((const char *)e->data + off, name, e->len - off) == 0)
			return &e->sh[i];
	}
	return NULL;
}

/* A symbol's value and size by name; false if absent. */
static bool elf_symbol(const struct elf *e, const char *name, uint64_t *value, uint64_t *size)
{
	const Elf64_Shdr *symtab = elf_section(e, ".symtab"), *strtab;

	if (symtab == NULL || symtab->sh_link >= e->eh->e_shnum ||
	    symtab->sh_offset > e->len || symtab->sh_size > e->len - symtab->sh_offset)
		return false;
	strtab = &e->sh[symtab->sh_link];
	for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= symtab->sh_size; off += sizeof(Elf64_Sym)) {
		const Elf64_Sym *s = (const Elf64_Sym *)(const void *)(e->data + symtab->sh_offset + off);
		uint64_t n = strtab->sh_offset + s->st_name;

		if (n < e->len && strncmp((const char *)e->data + n, name, e->len - n) == 0 &&
		    s->st_shndx != SHN_UNDEF) {
			*value = s->st_value;
			*size = s->st_size;
			return true;
		}
	}
	return false;
}

/* The file bytes at virtual address @va (a PROGBITS section), or NULL. */
static const uint8_t *elf_bytes(const struct elf *e, uint64_t va, uint64_t size)
{
	for (unsigned i = 0; i < e->eh->e_shnum; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type == SHT_PROGBITS && va >= s->sh_addr && size <= s->sh_size &&
		    va - s->sh_addr <= s->sh_size - size && s->sh_offset + s->sh_size <= e->len)
			return e->data + s->sh_offset + (va - s->sh_addr);
	}
	return NULL;
}

static void audit_image(struct audit *a, const char *path, const uint8_t *data, size_t len)
{
	const Elf64_Phdr *ph;
	struct elf e;
	uint64_t v, sz, keys_va, keys_sz;
	unsigned wx = a->findings;

	if (elf_open(&e, data, len) != 0) {
		report(a, true, "image", "%s: not a 64-bit little-endian ELF (give the .elf, not the "
					 "raw .img: W^X needs its segments)", path);
		return;
	}
	ph = (const Elf64_Phdr *)(const void *)(data + e.eh->e_phoff);
	for (unsigned i = 0; i < e.eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if ((ph[i].p_flags & PF_W) && (ph[i].p_flags & PF_X))
			report(a, true, "w^x", "segment %u at 0x%llx is writable and executable", i,
			       (unsigned long long)ph[i].p_vaddr);
		for (unsigned j = 0; j < e.eh->e_phnum; j++) {
			uint64_t lo_i = ph[i].p_vaddr & ~UINT64_C(0xfff);
			uint64_t hi_i = ph[i].p_vaddr + ph[i].p_memsz;
			uint64_t lo_j = ph[j].p_vaddr & ~UINT64_C(0xfff);
			uint64_t hi_j = ph[j].p_vaddr + ph[j].p_memsz;

			if (ph[j].p_type != PT_LOAD || !(ph[i].p_flags & PF_X) ||
			    !(ph[j].p_flags & PF_W) || i == j)
				continue;
			if (lo_i < hi_j && lo_j < hi_i)
				report(a, true, "w^x", "executable segment %u and writable segment %u share "
						       "a 4 KiB page", i, j);
		}
	}
	if (a->findings == wx)
		report(a, false, "w^x", "%u loadable segments, none writable and executable, no "
					"page both", e.eh->e_phnum);
	if (elf_symbol(&e, "rvx_virt_trusted_key_count", &v, &sz) &&
	    elf_symbol(&e, "rvx_virt_trusted_keys", &keys_va, &keys_sz)) {
		const uint8_t *cnt = elf_bytes(&e, v, 4);
		uint32_t n = 0;

		if (cnt != NULL)
			memcpy(&n, cnt, 4);
		for (uint32_t i = 0; i < n && i < 16; i++) {
			const uint8_t *k = elf_bytes(&e, keys_va + (uint64_t)i * RVX_RVF_PUBKEY_SIZE,
						     RVX_RVF_PUBKEY_SIZE);
			uint8_t id[RVX_RVF_KEY_ID_SIZE];
			char h[17];

			if (k == NULL)
				break;
			rvx_rvf_key_id(k, id);
			cli_hex(h, id, sizeof(id));
			report(a, false, "keys", "the image trusts package key %s", h);
		}
		if (n == 0)
			report(a, true, "keys", "the image trusts no package key: it mounts nothing");
	} else {
		report(a, false, "keys", "no trusted package keys built in (rvx_virt_trusted_keys)");
	}
	if (elf_symbol(&e, "rvx_shell_exec", &v, &sz))
		report(a, a->release, "shell", "the debug shell (rvsh) is linked in%s",
		       a->release ? " a release image (build with -Dkernel-shell=disabled)" : "");
	if (elf_symbol(&e, "rvx_a64_semihost", &v, &sz))
		report(a, a->release, "debug", "semihosting is linked in (the host can be called from "
					       "the guest: QEMU only)");
	if (elf_symbol(&e, "rvx_selftest_run", &v, &sz))
		report(a, a->release, "debug", "the on-target self-tests are linked in (rvx.selftest)");
	if (elf_section(&e, ".debug_info") != NULL)
		report(a, a->release, "debug", "debug information is present (strip the ELF you ship)");
}

/* ---- configuration ---- */

static void audit_config(struct audit *a, const char *path)
{
	char line[512];
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "buildtype", 9) == 0 && strstr(line, "release") != NULL &&
		    !a->release)
			a->release = true;
	}
	rewind(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "kernel-shell", 12) == 0 && strstr(line, "enabled") != NULL)
			report(a, a->release, "config", "kernel-shell = enabled: the shell is built in");
		if (strncmp(line, "bootargs", 8) == 0) {
			if (strstr(line, "rvx.shell=on") != NULL)
				report(a, a->release, "config", "the boot arguments start the shell");
			if (strstr(line, "rvx.test=") != NULL || strstr(line, "rvx.selftest") != NULL)
				report(a, a->release, "config", "the boot arguments select a test mode");
		}
	}
	fclose(fp);
}

/* ---- packages ---- */

static const char *right_names(uint32_t r, char *buf, size_t n)
{
	static const char *const names[] = {"read", "write", "grant", "revoke", "execute", "prove",
					    "grant_once"};
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 7; i++) {
		if (r & (1u << i))
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "," : "", names[i]);
	}
	return buf;
}

static void audit_pkg(struct audit *a, const char *path, const struct rvx_rvf_package *v,
		      const struct rvx_rvf_package *base)
{
	const struct rvx_rvf_manifest *m = &v->manifest;
	char rb[96];

	for (uint32_t i = 0; i < m->required_count; i++) {
		const struct rvx_rvf_required *r = &m->required[i];
		uint32_t pass_on = r->rights & (RVX_RIGHT_GRANT | RVX_RIGHT_REVOKE);

		if (pass_on != 0)
			report(a, false, "rights", "%s asks for '%.*s' with %s: it may pass the kernel's "
						   "object on", path, (int)sizeof(r->name), r->name,
			       right_names(pass_on, rb, sizeof(rb)));
		if (base == NULL)
			continue;
		uint32_t before = 0;
		bool found = false;

		for (uint32_t j = 0; j < base->manifest.required_count; j++) {
			const struct rvx_rvf_required *o = &base->manifest.required[j];

			if (strncmp(o->name, r->name, sizeof(r->name)) == 0 &&
			    o->object_type == r->object_type) {
				before = o->rights;
				found = true;
			}
		}
		if (!found)
			report(a, true, "rights", "%s asks for '%.*s' (%s), which the baseline did not",
			       path, (int)sizeof(r->name), r->name, right_names(r->rights, rb, sizeof(rb)));
		else if ((r->rights & ~before) != 0)
			report(a, true, "rights", "%s widens '%.*s' by %s over the baseline", path,
			       (int)sizeof(r->name), r->name,
			       right_names(r->rights & ~before, rb, sizeof(rb)));
	}
	if (base == NULL)
		return;
	for (uint32_t i = 0; i < m->wire_count; i++) {
		const struct rvx_rvf_wire *w = &m->wires[i];
		uint32_t before = 0;

		for (uint32_t j = 0; j < base->manifest.wire_count; j++) {
			const struct rvx_rvf_wire *o = &base->manifest.wires[j];

			if (o->task == w->task && o->kind == w->kind && o->object == w->object)
				before |= o->rights;
		}
		if ((w->rights & ~before) != 0)
			report(a, true, "rights", "%s: task %u gains %s on wire %u over the baseline", path,
			       w->task, right_names(w->rights & ~before, rb, sizeof(rb)), i);
	}
}

int cli_security(int argc, char **argv)
{
	static uint8_t keys[16 * RVX_RVF_PUBKEY_SIZE];
	static struct rvx_rvf_package view, base_view;
	const char *image = NULL, *sig = NULL, *config = NULL, *pkg = NULL, *baseline = NULL;
	struct audit a = {false, false, 0, 0, true};
	uint32_t nkeys = 0;
	char sigbuf[4096];
	int rc;

	if (argc < 1 || strcmp(argv[0], "audit") != 0)
		return fputs(cli_security_usage, stderr), CLI_USAGE;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--image") == 0 && i + 1 < argc)
			image = argv[++i];
		else if (strcmp(argv[i], "--sig") == 0 && i + 1 < argc)
			sig = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--pkg") == 0 && i + 1 < argc)
			pkg = argv[++i];
		else if (strcmp(argv[i], "--baseline") == 0 && i + 1 < argc)
			baseline = argv[++i];
		else if (strcmp(argv[i], "--pub") == 0 && i + 1 < argc) {
			if (nkeys == 16)
				return fputs("too many keys\n", stderr), CLI_USAGE;
			if (cli_read_hex(argv[++i], keys + (size_t)nkeys * RVX_RVF_PUBKEY_SIZE,
					 RVX_RVF_PUBKEY_SIZE) != 0)
				return CLI_IO;
			nkeys++;
		} else if (strcmp(argv[i], "--release") == 0)
			a.release = true;
		else if (strcmp(argv[i], "--json") == 0)
			a.json = true;
		else
			return fputs(cli_security_usage, stderr), CLI_USAGE;
	}
	if (image == NULL && config == NULL && pkg == NULL)
		return fputs(cli_security_usage, stderr), CLI_USAGE;
	if (baseline != NULL && pkg == NULL)
		return fputs(cli_security_usage, stderr), CLI_USAGE;
	if (config != NULL) {
		FILE *fp = fopen(config, "r");

		if (fp == NULL) {
			fprintf(stderr, "%s: %s\n", config, strerror(errno));
			return CLI_IO;
		}
		fclose(fp);
	}
	if (a.json)
		printf("{\"findings\": [");
	if (config != NULL) {
		int problems;

		audit_config(&a, config);
		/* The configuration's own checks (config check). */
		problems = cli_config_problems(config);
		if (problems != 0)
			report(&a, true, "config", "%s does not pass `ruvix config check`%s", config,
			       problems < 0 ? " (unreadable or malformed)" : "");
	}
	if (image != NULL) {
		uint8_t *data;
		size_t len;

		rc = cli_slurp(image, &data, &len);
		if (rc != CLI_OK)
			return rc;
		audit_image(&a, image, data, len);
		free(data);
		if (sig == NULL && snprintf(sigbuf, sizeof(sigbuf), "%s.sig", image) < (int)sizeof(sigbuf)) {
			FILE *fp = fopen(sigbuf, "r");

			if (fp != NULL) {
				fclose(fp);
				sig = sigbuf;
			}
		}
		if (sig == NULL) {
			report(&a, a.release, "signature", "%s has no detached signature (ruvix keys sign)",
			       image);
		} else {
			char id[17];
			const char *why = NULL;

			rc = cli_sig_check(image, sig, keys, nkeys, id, &why);
			if (rc == CLI_OK)
				report(&a, false, "signature", "%s is signed by key %s, which verifies", image,
				       id);
			else if (rc == CLI_IO)
				return rc;
			else
				report(&a, true, "signature", "%s: %s", image, why);
		}
	}
	if (pkg != NULL) {
		struct rvx_rvf_trusted_keys tk = {keys, nkeys};
		enum rvx_rvf_reason why;
		uint8_t *data, *bdata = NULL;
		size_t len, blen;
		char id[17];

		if (cli_read_file(pkg, &data, &len) != 0)
			return CLI_IO;
		if (nkeys != 0 && rvx_rvf_verify(data, len, &tk, &view, &why) == 0) {
			cli_hex(id, view.key_id, sizeof(view.key_id));
			report(&a, false, "signature", "%s is signed by key %s, which verifies", pkg, id);
		} else if (rvx_rvf_inspect(data, len, &view, &why) == 0) {
			cli_hex(id, view.key_id, sizeof(view.key_id));
			report(&a, nkeys != 0 || a.release, "signature", "%s names signer %s; %s", pkg, id,
			       nkeys != 0 ? "its signature does not verify with the keys given"
					  : "not verified (no --pub)");
		} else {
			report(&a, true, "package", "%s is not a valid package: %s", pkg,
			       rvx_rvf_reason_str(why));
			free(data);
			data = NULL;
		}
		if (data != NULL && baseline != NULL) {
			if (cli_read_file(baseline, &bdata, &blen) != 0)
				return CLI_IO;
			if (rvx_rvf_inspect(bdata, blen, &base_view, &why) != 0) {
				report(&a, true, "package", "%s (baseline) is not a valid package: %s",
				       baseline, rvx_rvf_reason_str(why));
				free(bdata);
				bdata = NULL;
			}
		}
		if (data != NULL)
			audit_pkg(&a, pkg, &view, bdata != NULL ? &base_view : NULL);
		free(data);
		free(bdata);
	}
	if (a.json)
		printf("], \"release\": %s, \"findings_count\": %u, \"notes\": %u}\n",
		       a.release ? "true" : "false", a.findings, a.notes);
	else
		printf("audit: %u finding(s), %u note(s)%s\n", a.findings, a.notes,
		       a.release ? " (release rules)" : "");
	return a.findings ? CLI_FAILED : CLI_OK;
}
