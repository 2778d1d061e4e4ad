/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix build: Meson and Ninja with the right cross file and options for a
 * target. hosted is the native build; virt and rpi4 share the AArch64 cross
 * build (cross/aarch64-clang.ini, or -gcc), whose tree holds both images
 * (ports/virt/ruvix-virt.img, ports/rpi4/kernel8.img). A tree that exists
 * is reconfigured (meson configure) rather than set up again.
 *
 * --config CONF (a `ruvix config` file, checked first) becomes options the
 * project declares, never c_args (which would replace the cross file's):
 * its limits a header in the tree (ruvix-config.h, -Dconfig_header=,
 * which ruvix/config.h includes), its features -Dkernel-shell,
 * -Dcoherence and -Dbuildtype.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#ifndef RUVIX_SOURCE_ROOT
#define RUVIX_SOURCE_ROOT "."
#endif

extern char **environ;

const char cli_build_usage[] =
	"usage: ruvix build --target hosted|virt|rpi4 [--release] [--features F[,F...]]\n"
	"                   [--config CONF] [--only NINJA-TARGET]\n"
	"                   [--toolchain clang|gcc] [--builddir DIR] [--source DIR] [--dry-run]\n"
	"  Configures (meson setup, or meson configure for an existing tree) and builds\n"
	"  (ninja) one target; prints where the image is. Features: shell, no-shell\n"
	"  (-Dkernel-shell), coherence, no-coherence (-Dcoherence), tests, no-tests.\n"
	"  --config: a checked `ruvix config` file; its limits go to DIR/ruvix-config.h\n"
	"  (-Dconfig_header, included by ruvix/config.h; the cross file's c_args stay),\n"
	"  kernel-shell, coherence and buildtype to their options; its bootargs are\n"
	"  printed (they are given at boot). --only builds that ninja target instead\n"
	"  of the image (and checks it is there).\n"
	"  Default tree: build, build-release, build-aarch64-clang[-release] (virt and\n"
	"  rpi4 share it). --dry-run prints the commands without running them.\n"
	"  exit: 0 built; 1 meson or ninja failed, the image is missing afterwards, or\n"
	"        the configuration does not check; 2 usage (also --release or --features\n"
	"        against the configuration's buildtype or features); 3 the configuration\n"
	"        cannot be read, or its header written; 4 the target's port is not in\n"
	"        the tree, or meson/ninja is missing\n";

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Is @name an executable in PATH? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path != NULL && *path != '\0') {
		const char *end = strchr(path, ':');
		size_t n = end != NULL ? (size_t)(end - path) : strlen(path);

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path = end != NULL ? end + 1 : NULL;
	}
	return false;
}

static void show(char *const argv[])
{
	printf("+");
	for (int i = 0; argv[i] != NULL; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
}

/* mkdir -p @path (0 or -1 with errno). */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return errno = ENAMETOOLONG, -1;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		buf[i] = i == n ? '\0' : '/';
	}
	return is_dir(path) ? 0 : (errno = ENOTDIR, -1);
}

/* Write @text to @path unless it holds exactly that already (so an
 * unchanged configuration rebuilds nothing): 0, or -1 with errno. */
static int write_if_changed(const char *path, const char *text)
{
	size_t n = strlen(text);
	char old[4096];
	FILE *fp = fopen(path, "r");

	if (fp != NULL) {
		size_t got = fread(old, 1, sizeof(old), fp);

		fclose(fp);
		if (got == n && memcmp(old, text, n) == 0)
			return 0;
	}
	fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	if (fwrite(text, 1, n, fp) != n) {
		fclose(fp);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static int run(char *const argv[], bool dry)
{
	pid_t pid;
	int status;

	show(argv);
	if (dry)
		return 0;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
		fprintf(stderr, "ruvix build: cannot run %s: %s\n", argv[0], strerror(errno));
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cli_build(int argc, char **argv)
{
	const char *target = NULL, *builddir = NULL, *source = RUVIX_SOURCE_ROOT;
	const char *toolchain = "clang", *config = NULL, *only = NULL;
	char *features = NULL;
	bool release = false, dry = false, exists, feat_shell = false, feat_coh = false;
	char dirbuf[4096], cross[4096], portdir[4096], image[8192], header[8192], hopt[8300];
	char btopt[64];
	static struct cli_build_config conf;
	char *opts[16];
	char *cmd[40];
	int nopt = 0, n = 0, rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
			target = argv[++i];
		else if (strcmp(argv[i], "--release") == 0)
			release = true;
		else if (strcmp(argv[i], "--features") == 0 && i + 1 < argc)
			features = argv[++i];
		else if (strcmp(argv[i], "--toolchain") == 0 && i + 1 < argc)
			toolchain = argv[++i];
		else if (strcmp(argv[i], "--builddir") == 0 && i + 1 < argc)
			builddir = argv[++i];
		else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
			source = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else
			return fputs(cli_build_usage, stderr), CLI_USAGE;
	}
	if (only != NULL && (only[0] == '-' || only[0] == '\0' || only[0] == '/' ||
			     strstr(only, "..") != NULL)) {
		fprintf(stderr, "ruvix build: --only %s: a ninja target in the tree (a relative "
				"path, no '..', not an option)\n", only);
		return CLI_USAGE;
	}
	if (target == NULL || (strcmp(target, "hosted") != 0 && strcmp(target, "virt") != 0 &&
			       strcmp(target, "rpi4") != 0)) {
		fprintf(stderr, "ruvix build: --target must be hosted, virt or rpi4\n");
		return CLI_USAGE;
	}
	if (strcmp(toolchain, "clang") != 0 && strcmp(toolchain, "gcc") != 0) {
		fprintf(stderr, "ruvix build: --toolchain must be clang or gcc\n");
		return CLI_USAGE;
	}
	if (features != NULL) {
		static char fbuf[512];
		char *save = NULL;

		if (strlen(features) >= sizeof(fbuf))
			return fputs("ruvix build: --features too long\n", stderr), CLI_USAGE;
		strcpy(fbuf, features);
		for (char *f = strtok_r(fbuf, ",", &save); f != NULL; f = strtok_r(NULL, ",", &save)) {
			static const struct {
				const char *name, *opt;
			} map[] = {
				{"shell", "-Dkernel-shell=enabled"},   {"no-shell", "-Dkernel-shell=disabled"},
				{"coherence", "-Dcoherence=enabled"},  {"no-coherence", "-Dcoherence=disabled"},
				{"tests", "-Dtests=enabled"},          {"no-tests", "-Dtests=disabled"},
			};
			size_t k;

			for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
				if (strcmp(f, map[k].name) == 0)
					break;
			}
			if (k == sizeof(map) / sizeof(map[0])) {
				fprintf(stderr, "ruvix build: unknown feature '%s' (shell, no-shell, "
						"coherence, no-coherence, tests, no-tests)\n", f);
				return CLI_USAGE;
			}
			if (nopt == 8)
				return fputs("ruvix build: too many features\n", stderr), CLI_USAGE;
			feat_shell |= strstr(f, "shell") != NULL;
			feat_coh |= strstr(f, "coherence") != NULL;
			opts[nopt++] = (char *)map[k].opt;
		}
	}
	if (config != NULL) {
		int crc = cli_config_for_build(config, &conf);

		if (crc != CLI_OK)
			return crc;
		if ((feat_shell && conf.shell[0] != '\0') || (feat_coh && conf.coherence[0] != '\0')) {
			fprintf(stderr, "ruvix build: --features and %s both set kernel-shell or "
					"coherence: one place only\n", config);
			return CLI_USAGE;
		}
		if (release && conf.buildtype[0] != '\0' && strcmp(conf.buildtype, "release") != 0) {
			fprintf(stderr, "ruvix build: --release, but %s says buildtype = %s\n", config,
				conf.buildtype);
			return CLI_USAGE;
		}
		if (conf.buildtype[0] != '\0')
			release = strcmp(conf.buildtype, "release") == 0 ||
				  strcmp(conf.buildtype, "minsize") == 0;
	}
	if (!is_file(source) && !is_dir(source)) {
		fprintf(stderr, "ruvix build: %s: no such source tree\n", source);
		return CLI_UNAVAILABLE;
	}
	snprintf(portdir, sizeof(portdir), "%s/ports/%s", source, target);
	if (strcmp(target, "hosted") != 0 && !is_dir(portdir)) {
		fprintf(stderr, "ruvix build: the %s port (ports/%s) is not in the tree at %s\n",
			strcmp(target, "rpi4") == 0 ? "Raspberry Pi 4" : "virt", target, source);
		return CLI_UNAVAILABLE;
	}
	if (!dry && (!in_path("meson") || !in_path("ninja"))) {
		fprintf(stderr, "ruvix build: meson and ninja must be in PATH\n");
		return CLI_UNAVAILABLE;
	}
	if (builddir == NULL) {
		if (strcmp(target, "hosted") == 0)
			snprintf(dirbuf, sizeof(dirbuf), "%s/build%s", source, release ? "-release" : "");
		else
			snprintf(dirbuf, sizeof(dirbuf), "%s/build-aarch64-%s%s", source, toolchain,
				 release ? "-release" : "");
		builddir = dirbuf;
	}
	if (config != NULL) {
		/* The limits as a header in the tree, by absolute path (meson
		 * runs the compiler from the tree). */
		if (!dry && make_dirs(builddir) != 0) {
			fprintf(stderr, "ruvix build: %s: %s\n", builddir, strerror(errno));
			return CLI_IO;
		}
		if (builddir[0] == '/' || dry)
			snprintf(header, sizeof(header), "%s/ruvix-config.h", builddir);
		else if (realpath(builddir, image) == NULL ||
			 snprintf(header, sizeof(header), "%s/ruvix-config.h", image) >=
				 (int)sizeof(header)) {
			fprintf(stderr, "ruvix build: %s: %s\n", builddir, strerror(errno));
			return CLI_IO;
		}
		if (dry) {
			printf("ruvix build: would write %s:\n%s", header, conf.header);
		} else if (write_if_changed(header, conf.header) != 0) {
			fprintf(stderr, "ruvix build: %s: %s\n", header, strerror(errno));
			return CLI_IO;
		} else {
			printf("ruvix build: limits of %s in %s\n", config, header);
		}
		snprintf(hopt, sizeof(hopt), "-Dconfig_header=%s", header);
		if (conf.shell[0] != '\0')
			opts[nopt++] = conf.shell;
		if (conf.coherence[0] != '\0')
			opts[nopt++] = conf.coherence;
		opts[nopt++] = hopt;
		if (conf.bootargs[0] != '\0')
			printf("ruvix build: boot arguments of %s (given at boot: QEMU -append, the "
			       "Pi's cmdline): %s\n", config, conf.bootargs);
	}
	snprintf(cross, sizeof(cross), "%s/cross/aarch64-%s.ini", source, toolchain);
	snprintf(image, sizeof(image), "%s/meson-private", builddir);
	exists = is_dir(image);
	cmd[n++] = "meson";
	if (exists) {
		cmd[n++] = "configure";
		cmd[n++] = (char *)builddir;
	} else {
		cmd[n++] = "setup";
		cmd[n++] = (char *)builddir;
		cmd[n++] = (char *)source;
		if (strcmp(target, "hosted") != 0) {
			cmd[n++] = "--cross-file";
			cmd[n++] = cross;
		}
	}
	snprintf(btopt, sizeof(btopt), "-Dbuildtype=%s",
		 conf.buildtype[0] != '\0' ? conf.buildtype
					     : release ? "release" : "debugoptimized");
	cmd[n++] = btopt;
	for (int i = 0; i < nopt; i++)
		cmd[n++] = opts[i];
	cmd[n] = NULL;
	printf("ruvix build: %s%s, %s tree %s\n", target, release ? " (release)" : "",
	       exists ? "reconfiguring the" : "setting up the", builddir);
	rc = run(cmd, dry);
	if (rc != 0) {
		fprintf(stderr, "ruvix build: meson failed (%d)\n", rc);
		return CLI_FAILED;
	}
	n = 0;
	cmd[n++] = "ninja";
	cmd[n++] = "-C";
	cmd[n++] = (char *)builddir;
	if (only != NULL)
		cmd[n++] = (char *)only;
	else if (strcmp(target, "virt") == 0)
		cmd[n++] = "ports/virt/ruvix-virt.img";
	else if (strcmp(target, "rpi4") == 0)
		cmd[n++] = "ports/rpi4/kernel8.img";
	cmd[n] = NULL;
	rc = run(cmd, dry);
	if (rc != 0) {
		fprintf(stderr, "ruvix build: ninja failed (%d)\n", rc);
		return CLI_FAILED;
	}
	if (only != NULL)
		snprintf(image, sizeof(image), "%s/%s", builddir, only);
	else if (strcmp(target, "hosted") == 0)
		snprintf(image, sizeof(image), "%s/libruvix.a", builddir);
	else if (strcmp(target, "virt") == 0)
		snprintf(image, sizeof(image), "%s/ports/virt/ruvix-virt.img", builddir);
	else
		snprintf(image, sizeof(image), "%s/ports/rpi4/kernel8.img", builddir);
	if (dry) {
		printf("ruvix build: would produce %s\n", image);
		return CLI_OK;
	}
	if (!is_file(image)) {
		fprintf(stderr, "ruvix build: %s is missing after the build\n", image);
		return CLI_FAILED;
	}
	printf("ruvix build: built %s\n", image);
	return CLI_OK;
}
