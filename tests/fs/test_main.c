/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fs tests' main: before any test runs, make the FAT32 image with
 * mkfs.fat and mtools (tests/fs/make_images.sh) in a fresh temporary
 * folder and name it in RVX_FS_IMAGES, which every test process inherits;
 * remove the folder at the end.
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char *argv[])
{
	struct criterion_test_set *tests;
	char dir[] = "/tmp/ruvix-fs-XXXXXX";
	char cmd[1024];
	bool owner = false;
	int result = 0;

	if (getenv("RVX_FS_IMAGES") == NULL) {
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		snprintf(cmd, sizeof(cmd), "sh %s %s", FS_MAKE_IMAGES, dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "making the FAT images failed (mkfs.fat and mtools "
					"installed? scripts/setup installs them)\n");
			return 1;
		}
		setenv("RVX_FS_IMAGES", dir, 1);
		owner = true;
	}
	tests = criterion_initialize();
	if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	criterion_finalize(tests);
	if (owner) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return result;
}
