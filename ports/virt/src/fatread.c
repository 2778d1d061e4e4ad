/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx.fat=<path>: read one file from a FAT32 image on a virtio-blk disk (the
 * one in the lowest free slot: QEMU's last -device, so a second disk after
 * the persistent log's) through lib/fs (the FAT32 driver under the VFS), and
 * print its size and SHA-256:
 *   RVX-FAT-FILE <path> <bytes> <sha256>
 * A damaged image is refused ("RVX-FAT-REFUSED <reason>", exit 7). The
 * disk is leased through the board's seam (vdev.h), which witnesses it.
 */
#include <bearssl.h>

#include "ruvix/fs.h"
#include "ruvix/nucleus.h"
#include "vblk.h"
#include "virt.h"

static struct vblk fat_disk;
static struct rvx_fs_fat fat;
static struct rvx_fs_vfs vfs;
static struct rvx_fs_mount mounts[1];
static struct rvx_fs_file files[2];
static uint8_t fat_scratch[RVX_FS_FAT_SCRATCH];
static uint8_t chunk[4096];

static int fat_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	return vblk_read_sectors(ctx, lba, count, buf);
}

void rvx_virt_fat_main(struct rvx_kernel *k)
{
	const char *p = rvx_a64_board.bootargs, *arg = NULL;
	struct rvx_fs_fat_config cfg;
	enum rvx_fs_fat_damage damage;
	br_sha256_context sha;
	char path[RVX_FS_PATH_MAX + 1];
	uint8_t digest[32];
	uint64_t total = 0;
	rvx_handle_t h;
	size_t n = 0;
	int rc;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, "rvx.fat=", 8) == 0) {
			arg = p + 8;
			break;
		}
		while (*p != ' ' && *p != '\0')
			p++;
	}
	if (arg == NULL)
		return;
	while (arg[n] != ' ' && arg[n] != '\0' && n < RVX_FS_PATH_MAX)
		n++;
	memcpy(path, arg, n);
	path[n] = '\0';
	(void)k;
	rc = vblk_open(&fat_disk, 0, false);
	if (rc != 0) {
		rvx_a64_printf("RVX-FAT-FAIL no virtio-blk disk: %s (%d)\n", rvx_strerror(rc), rc);
		rvx_a64_exit(7);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.read = fat_read;
	cfg.ctx = &fat_disk;
	cfg.block_count = fat_disk.sectors;
	cfg.scratch = fat_scratch;
	cfg.scratch_size = sizeof(fat_scratch);
	rc = rvx_fs_fat_mount(&fat, &cfg, &damage);
	if (rc != 0) {
		rvx_a64_printf("RVX-FAT-REFUSED %s (%d)\n", rvx_fs_fat_damage_name(damage), rc);
		rvx_a64_exit(7);
	}
	rc = rvx_fs_vfs_init(&vfs, mounts, 1, files, 2);
	if (rc == 0)
		rc = rvx_fs_mount(&vfs, "/", &rvx_fs_fat_ops, &fat);
	if (rc == 0)
		rc = rvx_fs_open(&vfs, path, RVX_FS_O_READ, &h);
	if (rc != 0) {
		rvx_a64_printf("RVX-FAT-FAIL %s: %s (%d)\n", path, rvx_strerror(rc), rc);
		rvx_a64_exit(7);
	}
	br_sha256_init(&sha);
	for (;;) {
		int got = rvx_fs_read(&vfs, h, chunk, sizeof(chunk));

		if (got < 0) {
			rvx_a64_printf("RVX-FAT-FAIL reading %s: %s (%d)\n", path, rvx_strerror(got),
				       got);
			rvx_a64_exit(7);
		}
		if (got == 0)
			break;
		br_sha256_update(&sha, chunk, (size_t)got);
		total += (uint64_t)got;
	}
	(void)rvx_fs_close(&vfs, h);
	rc = rvx_virt_vdev_summary(&fat_disk.lease, &fat_disk.requests, 1);
	if (rc != 0) {
		rvx_a64_printf("RVX-FAT-FAIL lease summary: %s (%d)\n", rvx_strerror(rc), rc);
		rvx_a64_exit(7);
	}
	br_sha256_out(&sha, digest);
	rvx_a64_printf("RVX-FAT-FILE %s %lu ", path, total);
	for (int i = 0; i < 32; i++)
		rvx_a64_printf("%02x", digest[i]);
	rvx_a64_printf("\nRVX-FAT-DONE %lu requests\n", fat_disk.requests);
	rvx_a64_exit(0);
}
