/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx_fs_path_normalise(): the forms it accepts and what it makes of them,
 * and each refusal with the output buffer left untouched.
 */
#include "fs_test.h"

static void norm_is(const char *in, const char *want)
{
	char out[RVX_FS_PATH_MAX + 1];
	int n = rvx_fs_path_normalise(in, out, sizeof(out));

	cr_assert_eq(n, (int)strlen(want), "%s -> %d", in, n);
	cr_assert_str_eq(out, want, "%s", in);
}

static void norm_fails(const char *in, int err)
{
	char out[RVX_FS_PATH_MAX + 1];

	memset(out, 0x5a, sizeof(out));
	cr_assert_eq(rvx_fs_path_normalise(in, out, sizeof(out)), err, "%s", in);
	for (size_t i = 0; i < sizeof(out); i++)
		cr_assert_eq((uint8_t)out[i], 0x5a, "%s: output touched", in);
}

Test(fs_path, normal_forms)
{
	norm_is("/", "/");
	norm_is("//", "/");
	norm_is("/.", "/");
	norm_is("/a", "/a");
	norm_is("/a/", "/a");
	norm_is("//a//b///c", "/a/b/c");
	norm_is("/a/./b/.", "/a/b");
	norm_is("/a/b/..", "/a");
	norm_is("/a/b/../../c", "/c");
	norm_is("/a/..", "/");
	norm_is("/...", "/...");
	norm_is("/.a/..b/a..", "/.a/..b/a..");
	norm_is("/a b/ c ", "/a b/ c ");
}

Test(fs_path, refusals)
{
	char name[RVX_FS_NAME_MAX + 3], deep[RVX_FS_PATH_MAX + 10], out[4];

	norm_fails(NULL, -RVX_EINVAL);
	cr_assert_eq(rvx_fs_path_normalise("/a", NULL, 10), -RVX_EINVAL);
	norm_fails("", -RVX_EINVAL);
	norm_fails("a/b", -RVX_EINVAL);
	norm_fails("/..", -RVX_EPERM);
	norm_fails("/a/../..", -RVX_EPERM);
	norm_fails("/a/../../b", -RVX_EPERM);

	name[0] = '/';
	memset(name + 1, 'n', RVX_FS_NAME_MAX + 1);
	name[RVX_FS_NAME_MAX + 2] = 0;
	norm_fails(name, -RVX_ELIMIT);
	name[RVX_FS_NAME_MAX + 1] = 0;
	norm_is(name, name);

	deep[0] = 0;
	for (unsigned i = 0; i < RVX_FS_DEPTH_MAX; i++)
		strcat(deep, "/d");
	norm_is(deep, deep);
	strcat(deep, "/d");
	norm_fails(deep, -RVX_ELIMIT);
	strcat(deep, "/..");
	norm_fails(deep, -RVX_ELIMIT); /* depth counts as it goes */

	memset(deep, '/', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	norm_fails(deep, -RVX_ELIMIT); /* input longer than RVX_FS_PATH_MAX */
	deep[RVX_FS_PATH_MAX] = 0;
	norm_is(deep, "/");

	cr_assert_eq(rvx_fs_path_normalise("/abcd", out, sizeof(out)), -RVX_EBUFSMALL);
	cr_assert_eq(rvx_fs_path_normalise("/abc", out, sizeof(out)), -RVX_EBUFSMALL, "no room for the NUL");
	cr_assert_eq(rvx_fs_path_normalise("/ab", out, sizeof(out)), 3);
	cr_assert_str_eq(out, "/ab");
}
