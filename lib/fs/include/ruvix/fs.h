/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fs.h
 * @brief Filesystems: a VFS with mounts and file handles, FAT32 read-only
 *        over a block-read callback, and a read-write RamFS.
 *
 * The VFS (`struct rvx_fs_vfs`) keeps a mount table and a file table, both
 * in caller storage. A filesystem is anything with a `struct rvx_fs_ops`
 * table; two come with the library: FAT32 (read-only, over the caller's
 * 512-byte block-read callback) and RamFS (read-write, in a caller arena).
 *
 * Order of use:
 *  1. Prepare each filesystem: rvx_fs_fat_mount() on a disk, or
 *     rvx_fs_ramfs_init() on an arena.
 *  2. rvx_fs_vfs_init() on the tables, then rvx_fs_mount() each filesystem
 *     at a path ("/" included).
 *  3. rvx_fs_open(), rvx_fs_read(), rvx_fs_write(), rvx_fs_seek(),
 *     rvx_fs_readdir(), rvx_fs_close(); rvx_fs_stat(), rvx_fs_mkdir(),
 *     rvx_fs_unlink() by path. rvx_fs_umount() once nothing is open on it.
 *
 * Paths are absolute and normalised before anything else
 * (rvx_fs_path_normalise()): repeated slashes and "." vanish, ".." removes
 * the component before it, and a ".." above the root is refused, so no
 * path escapes upwards. The longest mount path that is a whole-component
 * prefix owns the path; its filesystem sees only the components below its
 * mount point, one at a time, and never "." or "..". Bounded: at most
 * RVX_FS_PATH_MAX bytes, RVX_FS_DEPTH_MAX components of at most
 * RVX_FS_NAME_MAX bytes each.
 *
 * A FAT32 image is untrusted input: the boot sector is checked before
 * mount accepts it; every cluster chain is checked against the FAT's size,
 * for free, bad or out-of-range clusters, for loops, and against the size
 * its directory entry claims, before a file is opened; every read the
 * library asks of the callback lies inside the blocks the caller declared.
 * Given a bitmap at mount, the whole tree is walked once and cross-linked
 * chains (a cluster claimed twice) are refused too. A damaged image gives
 * -RVX_EINVAL and a reason (`enum rvx_fs_fat_damage`), never a crash.
 *
 * Every call validates before it changes anything: a refused call leaves
 * the tables and the filesystems as they were. No allocation, no libc.
 * The library takes no locks: the embedder serialises calls on one VFS.
 */
#ifndef RUVIX_FS_H
#define RUVIX_FS_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest normalised path in bytes, without the terminating NUL. */
#define RVX_FS_PATH_MAX 511u
/** Longest path component in bytes (UTF-8). */
#define RVX_FS_NAME_MAX 255u
/** Most components in a path. */
#define RVX_FS_DEPTH_MAX 16u
/** Largest byte count one read or write moves (a larger read is shortened). */
#define RVX_FS_IO_MAX ((size_t)1 << 30)

/** Node types. */
enum rvx_fs_type {
	RVX_FS_TYPE_FILE = 1, /**< A regular file. */
	RVX_FS_TYPE_DIR = 2,  /**< A directory. */
};

/**
 * A filesystem's node as the VFS carries it (filled by the filesystem;
 * opaque to everybody else apart from `type` and `size`).
 */
struct rvx_fs_node {
	uint64_t id;      /**< Identity within its filesystem, stable while the node exists. */
	uint64_t size;    /**< Bytes in a file; 0 for a directory. */
	uint32_t type;    /**< An `enum rvx_fs_type`. */
	uint32_t first;   /**< The filesystem's: FAT first cluster, RamFS node index. */
	uint64_t hint[2]; /**< The filesystem's: a read position cache. */
};

/** One directory entry, as rvx_fs_readdir() returns it. */
struct rvx_fs_dirent {
	char name[RVX_FS_NAME_MAX + 1]; /**< NUL-terminated name (UTF-8). */
	uint32_t name_len;              /**< Its length in bytes. */
	uint32_t type;                  /**< An `enum rvx_fs_type`. */
	uint64_t size;                  /**< Bytes in a file; 0 for a directory. */
};

/** What rvx_fs_stat() reports. */
struct rvx_fs_stat {
	uint64_t id;   /**< Identity within its filesystem. */
	uint64_t size; /**< Bytes in a file; 0 for a directory. */
	uint32_t type; /**< An `enum rvx_fs_type`. */
};

/**
 * A filesystem's operations. Names reach them one component at a time
 * (1..RVX_FS_NAME_MAX bytes, never "." or "..", no '/' or NUL). The write
 * calls are NULL on a read-only filesystem. Each returns 0 (or a count),
 * or a negated RVX_E* code.
 */
struct rvx_fs_ops {
	/** Fill @p out with the root directory. */
	int (*root)(void *fs, struct rvx_fs_node *out);
	/** Find @p name in @p dir: 0, -RVX_ENOENT, or an error. */
	int (*lookup)(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len,
		      struct rvx_fs_node *out);
	/** Read up to @p len bytes at @p off: the count (0 at the end), or an error. */
	int (*read)(void *fs, struct rvx_fs_node *file, uint64_t off, void *buf, size_t len);
	/** The entry at @p *cookie (0 first), advancing it: 1, 0 at the end, or an error. */
	int (*readdir)(void *fs, const struct rvx_fs_node *dir, uint64_t *cookie,
		       struct rvx_fs_dirent *out);
	/** Write all @p len bytes at @p off, updating @p file's size: the count, or an error. */
	int (*write)(void *fs, struct rvx_fs_node *file, uint64_t off, const void *buf, size_t len);
	/** Create @p name in @p dir as @p type: 0, -RVX_EEXIST, or an error. */
	int (*create)(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len,
		      uint32_t type, struct rvx_fs_node *out);
	/** Remove @p name from @p dir (a directory only when empty): 0, or an error. */
	int (*unlink)(void *fs, const struct rvx_fs_node *dir, const char *name, size_t len);
};

/** One mount table entry (caller storage; the contents are the library's). */
struct rvx_fs_mount {
	const struct rvx_fs_ops *ops;     /**< The filesystem's operations, NULL when free. */
	void *fs;                         /**< The filesystem. */
	uint32_t path_len;                /**< Length of @ref path. */
	char path[RVX_FS_PATH_MAX + 1];   /**< Normalised mount path. */
};

/** One file table entry (caller storage; the contents are the library's). */
struct rvx_fs_file {
	struct rvx_fs_node node; /**< The open node. */
	uint64_t pos;            /**< Position of the next read or write; the readdir cookie. */
	uint32_t mount;          /**< Index of its mount. */
	uint32_t gen;            /**< Generation, so a closed handle is stale. */
	uint32_t flags;          /**< RVX_FS_O_* it was opened with; 0 when free. */
	uint32_t reserved;       /**< Zero. */
};

/** The VFS: a mount table and a file table over caller storage. */
struct rvx_fs_vfs {
	struct rvx_fs_mount *mounts; /**< Mount table. */
	uint32_t mount_count;        /**< Its entries. */
	uint32_t file_count;         /**< Entries of the file table. */
	struct rvx_fs_file *files;   /**< File table. */
};

/** Open for reading. */
#define RVX_FS_O_READ 0x1u
/** Open for writing. */
#define RVX_FS_O_WRITE 0x2u
/** Create the file if it does not exist (with RVX_FS_O_WRITE). */
#define RVX_FS_O_CREATE 0x4u

/**
 * Normalise an absolute path: collapse repeated slashes, drop ".", resolve
 * "..", drop a trailing slash. "/" stays "/".
 * @param path NUL-terminated input, at most RVX_FS_PATH_MAX bytes
 * @param[out] out the normalised path, NUL-terminated
 * @param out_size bytes at @p out
 * @return its length (>= 1)
 * @retval -RVX_EINVAL a pointer is NULL or the path does not start with '/'
 * @retval -RVX_ELIMIT the input is longer than RVX_FS_PATH_MAX, a component
 *         longer than RVX_FS_NAME_MAX, or more than RVX_FS_DEPTH_MAX remain
 * @retval -RVX_EPERM a ".." would climb above the root
 * @retval -RVX_EBUFSMALL @p out cannot hold the result
 */
int rvx_fs_path_normalise(const char *path, char *out, size_t out_size);

/**
 * Initialise a VFS over the caller's tables (zeroed here).
 * @param[out] vfs the VFS
 * @param mounts mount table
 * @param mount_count its entries, at least 1
 * @param files file table
 * @param file_count its entries, at least 1, below 2^31
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL or a count is out of range
 */
int rvx_fs_vfs_init(struct rvx_fs_vfs *vfs, struct rvx_fs_mount *mounts, uint32_t mount_count,
		    struct rvx_fs_file *files, uint32_t file_count);

/**
 * Mount a filesystem at @p path (need not exist in the filesystem below).
 * @param vfs the VFS
 * @param path where, an absolute path
 * @param ops the filesystem's operations (root, lookup, read, readdir set)
 * @param fs the filesystem
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL, @p ops lacks a read call, or the
 *         path is not absolute
 * @retval -RVX_ELIMIT the path is too long or too deep
 * @retval -RVX_EPERM a ".." in the path climbs above the root
 * @retval -RVX_EEXIST something is mounted at that path already
 * @retval -RVX_ENOMEM the mount table is full
 * @retval other the filesystem's root call failed (it is not mounted)
 */
int rvx_fs_mount(struct rvx_fs_vfs *vfs, const char *path, const struct rvx_fs_ops *ops,
		 void *fs);

/**
 * Unmount the filesystem at @p path.
 * @param vfs the VFS
 * @param path its mount path
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL or the path is invalid
 * @retval -RVX_ENOENT nothing is mounted there
 * @retval -RVX_EBUSY a file on it is open
 */
int rvx_fs_umount(struct rvx_fs_vfs *vfs, const char *path);

/**
 * Open a file or directory.
 * @param vfs the VFS
 * @param path absolute path
 * @param flags RVX_FS_O_READ and/or RVX_FS_O_WRITE, optionally RVX_FS_O_CREATE
 * @param[out] out the handle
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL, @p flags has no access bit, an
 *         unknown bit or RVX_FS_O_CREATE without RVX_FS_O_WRITE, the path is
 *         not absolute, or the filesystem found its data damaged
 * @retval -RVX_ELIMIT the path is too long or too deep
 * @retval -RVX_EPERM a ".." in the path climbs above the root, or writing
 *         was asked of a read-only filesystem
 * @retval -RVX_ENOENT no mount owns the path, or a component does not exist
 *         (and RVX_FS_O_CREATE was not given for the last)
 * @retval -RVX_ETYPE a component before the last is not a directory, or a
 *         directory was asked for writing
 * @retval -RVX_ENOMEM the file table is full (or the filesystem has no
 *         room for the created file)
 * @retval other the filesystem's error (a FAT block read's, for example)
 */
int rvx_fs_open(struct rvx_fs_vfs *vfs, const char *path, uint32_t flags, rvx_handle_t *out);

/**
 * Close a handle.
 * @param vfs the VFS
 * @param h the handle
 * @retval 0 success
 * @retval -RVX_EINVAL @p vfs is NULL
 * @retval -RVX_ESTALE @p h names no open file (closed already, or never)
 */
int rvx_fs_close(struct rvx_fs_vfs *vfs, rvx_handle_t h);

/**
 * Read from the handle's position, advancing it.
 * @param vfs the VFS
 * @param h a file opened with RVX_FS_O_READ
 * @param[out] buf destination
 * @param len bytes wanted (at most RVX_FS_IO_MAX are read)
 * @return bytes read, 0 at the end of the file
 * @retval -RVX_EINVAL a pointer is NULL, or the filesystem found its data
 *         damaged
 * @retval -RVX_ESTALE @p h names no open file
 * @retval -RVX_EPERM not opened for reading
 * @retval -RVX_ETYPE @p h is a directory
 * @retval other the filesystem's error
 */
int rvx_fs_read(struct rvx_fs_vfs *vfs, rvx_handle_t h, void *buf, size_t len);

/**
 * Write at the handle's position, advancing it (a gap past the end reads
 * as zeros). All or nothing.
 * @param vfs the VFS
 * @param h a file opened with RVX_FS_O_WRITE
 * @param buf the bytes
 * @param len their count, at most RVX_FS_IO_MAX
 * @return @p len
 * @retval -RVX_EINVAL a pointer is NULL or @p len is above RVX_FS_IO_MAX
 * @retval -RVX_ESTALE @p h names no open file, or the file was removed
 * @retval -RVX_EPERM not opened for writing
 * @retval -RVX_ETYPE @p h is a directory
 * @retval -RVX_ENOMEM the filesystem has no room
 * @retval other the filesystem's error
 */
int rvx_fs_write(struct rvx_fs_vfs *vfs, rvx_handle_t h, const void *buf, size_t len);

/**
 * Set the handle's position (past the end is allowed).
 * @param vfs the VFS
 * @param h a file handle
 * @param pos the new position
 * @retval 0 success
 * @retval -RVX_EINVAL @p vfs is NULL
 * @retval -RVX_ESTALE @p h names no open file
 * @retval -RVX_ETYPE @p h is a directory
 */
int rvx_fs_seek(struct rvx_fs_vfs *vfs, rvx_handle_t h, uint64_t pos);

/**
 * Read the next entry of an open directory ("." and ".." are not listed).
 * @param vfs the VFS
 * @param h a directory handle
 * @param[out] out the entry
 * @return 1 with an entry, 0 at the end
 * @retval -RVX_EINVAL a pointer is NULL, or the filesystem found its data
 *         damaged
 * @retval -RVX_ESTALE @p h names no open directory
 * @retval -RVX_ETYPE @p h is a file
 * @retval other the filesystem's error
 */
int rvx_fs_readdir(struct rvx_fs_vfs *vfs, rvx_handle_t h, struct rvx_fs_dirent *out);

/**
 * Describe the node at @p path.
 * @param vfs the VFS
 * @param path absolute path
 * @param[out] st what it is
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL, the path is not absolute, or the
 *         filesystem found its data damaged
 * @retval -RVX_ELIMIT the path is too long or too deep
 * @retval -RVX_EPERM a ".." in the path climbs above the root
 * @retval -RVX_ENOENT no mount owns the path, or a component does not exist
 * @retval -RVX_ETYPE a component before the last is not a directory
 * @retval other the filesystem's error
 */
int rvx_fs_stat(struct rvx_fs_vfs *vfs, const char *path, struct rvx_fs_stat *st);

/**
 * Create a directory.
 * @param vfs the VFS
 * @param path absolute path of the new directory
 * @retval 0 success
 * @retval -RVX_EINVAL @p vfs is NULL, the path is not absolute, the name is
 *         not one the filesystem can hold, or the filesystem found its data
 *         damaged
 * @retval -RVX_ELIMIT the path is too long or too deep
 * @retval -RVX_ENOENT no mount owns the path, or the parent does not exist
 * @retval -RVX_ETYPE the parent is not a directory
 * @retval -RVX_EEXIST something exists at @p path (a mount point included)
 * @retval -RVX_EPERM the filesystem is read-only, or a ".." climbs above the root
 * @retval -RVX_ENOMEM the filesystem has no room
 */
int rvx_fs_mkdir(struct rvx_fs_vfs *vfs, const char *path);

/**
 * Remove a file or an empty directory.
 * @param vfs the VFS
 * @param path absolute path
 * @retval 0 success
 * @retval -RVX_EINVAL @p vfs is NULL, the path is not absolute, or the
 *         filesystem found its data damaged
 * @retval -RVX_ELIMIT the path is too long or too deep
 * @retval -RVX_ENOENT no mount owns the path, or nothing is there
 * @retval -RVX_ETYPE the parent is not a directory
 * @retval -RVX_EPERM the filesystem is read-only, the path is a mount's root,
 *         or a ".." climbs above the root
 * @retval -RVX_EBUSY it is open, or a directory that is not empty
 */
int rvx_fs_unlink(struct rvx_fs_vfs *vfs, const char *path);

/* ---- FAT32, read-only ------------------------------------------------- */

/**
 * Block-read callback: read @p count 512-byte blocks from block @p lba.
 * The library only asks for blocks below the count it was given.
 * @param ctx the `ctx` given at mount
 * @param lba first block
 * @param count blocks, at least 1
 * @param[out] buf destination, `count * 512` bytes
 * @return 0, or a negated RVX_E* code
 */
typedef int (*rvx_fs_block_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

/** Why a FAT image was refused (`struct rvx_fs_fat`'s `damage`). */
enum rvx_fs_fat_damage {
	RVX_FS_FAT_OK = 0,            /**< Nothing found. */
	RVX_FS_FAT_BOOT_SIGNATURE,    /**< No 0x55AA at the end of the boot sector, or no jump. */
	RVX_FS_FAT_SECTOR_SIZE,       /**< Bytes per sector not 512, 1024, 2048 or 4096. */
	RVX_FS_FAT_CLUSTER_SIZE,      /**< Sectors per cluster not a power of two, or a cluster above 64 KiB. */
	RVX_FS_FAT_NOT_FAT32,         /**< Root entries, a 16-bit FAT size, a zero FAT size, or a version other than 0. */
	RVX_FS_FAT_GEOMETRY,          /**< Reserved sectors, FAT count, total sectors or data area inconsistent, or beyond the disk. */
	RVX_FS_FAT_FAT_TOO_SMALL,     /**< The FAT cannot hold an entry for every cluster. */
	RVX_FS_FAT_MEDIA,             /**< FAT entry 0 does not repeat the media byte. */
	RVX_FS_FAT_ROOT_CLUSTER,      /**< Root cluster out of range. */
	RVX_FS_FAT_CHAIN_RANGE,       /**< A chain points outside the clusters. */
	RVX_FS_FAT_CHAIN_FREE,        /**< A chain runs into a free cluster. */
	RVX_FS_FAT_CHAIN_BAD,         /**< A chain runs into a cluster marked bad. */
	RVX_FS_FAT_CHAIN_LOOP,        /**< A chain loops (or a directory grows past 65536 entries). */
	RVX_FS_FAT_CHAIN_LENGTH,      /**< A file's chain is shorter or longer than its size needs. */
	RVX_FS_FAT_CROSS_LINK,        /**< Two chains (or one twice) claim the same cluster. */
	RVX_FS_FAT_DIR_ENTRY,         /**< A directory entry is invalid (a name with '/' or control bytes, a directory without clusters). */
	RVX_FS_FAT_TOO_DEEP,          /**< Directories nest deeper than RVX_FS_DEPTH_MAX (full check only). */
	RVX_FS_FAT_DAMAGE_COUNT       /**< Number of reasons; not a reason. */
};

/** What rvx_fs_fat_mount() needs. */
struct rvx_fs_fat_config {
	rvx_fs_block_read_fn read; /**< Block-read callback. */
	void *ctx;                 /**< Its context. */
	uint64_t block_count;      /**< 512-byte blocks on the disk; nothing beyond is read. */
	uint8_t *scratch;          /**< Two sectors of scratch, RVX_FS_FAT_SCRATCH bytes suffice. */
	size_t scratch_size;       /**< Its size. */
	uint8_t *bitmap;           /**< Optional: one bit per cluster for the full check, or NULL. */
	size_t bitmap_size;        /**< Its size in bytes. */
};

/** Scratch bytes enough for any sector size. */
#define RVX_FS_FAT_SCRATCH 8192u

/** A mounted FAT32 volume (caller storage; fill it with rvx_fs_fat_mount()). */
struct rvx_fs_fat {
	struct rvx_fs_fat_config cfg;  /**< The configuration, as given. */
	uint32_t bytes_per_sector;     /**< From the boot sector. */
	uint32_t sectors_per_cluster;  /**< From the boot sector. */
	uint32_t cluster_bytes;        /**< Bytes per cluster. */
	uint32_t fat_start;            /**< First sector of the FAT in use. */
	uint32_t fat_sectors;          /**< Sectors per FAT. */
	uint32_t data_start;           /**< First sector of cluster 2. */
	uint32_t cluster_count;        /**< Data clusters: valid ones are 2..cluster_count+1. */
	uint32_t root_cluster;         /**< First cluster of the root directory. */
	uint32_t total_sectors;        /**< Sectors in the volume. */
	uint32_t fat_cached;           /**< Sector in the FAT cache, or UINT32_MAX. */
	uint32_t data_cached;          /**< Sector in the data cache, or UINT32_MAX. */
	uint32_t damage;               /**< The last damage found (`enum rvx_fs_fat_damage`), diagnostics only. */
};

/**
 * Mount a FAT32 volume: check its boot sector and FAT, and with a bitmap
 * walk every directory and chain once (refusing cross links as well).
 * @param[out] fat the volume
 * @param cfg callback, disk size and storage (copied)
 * @param[out] damage why the image was refused, or RVX_FS_FAT_OK (may be NULL)
 * @retval 0 success
 * @retval -RVX_EINVAL @p fat or @p cfg is NULL, the callback or scratch is
 *         NULL; or the image is damaged (see @p damage)
 * @retval -RVX_EBUFSMALL the scratch is smaller than two sectors, or the
 *         bitmap smaller than one bit per cluster
 * @retval other the callback's error
 */
int rvx_fs_fat_mount(struct rvx_fs_fat *fat, const struct rvx_fs_fat_config *cfg,
		     enum rvx_fs_fat_damage *damage);

/** The FAT32 operations for rvx_fs_mount() (read-only: no write calls). */
extern const struct rvx_fs_ops rvx_fs_fat_ops;

/**
 * Name a damage reason, for logs and tests.
 * @param damage an `enum rvx_fs_fat_damage` value
 * @return a static string; "unknown" outside the enumeration
 */
const char *rvx_fs_fat_damage_name(enum rvx_fs_fat_damage damage);

/* ---- RamFS, read-write ------------------------------------------------ */

/** Longest RamFS name in bytes. */
#define RVX_FS_RAMFS_NAME_MAX 47u
/** Bytes in one RamFS data block. */
#define RVX_FS_RAMFS_BLOCK 512u

/** One RamFS node (caller storage; the contents are the library's). */
struct rvx_fs_ramfs_node {
	uint64_t size;                         /**< Bytes in a file. */
	uint32_t gen;                          /**< Generation, advanced when the node is removed. */
	uint32_t parent;                       /**< Index of the directory holding it. */
	uint32_t first_block;                  /**< First data block, or RVX_FS_RAMFS_NONE. */
	uint8_t type;                          /**< 0 free, else an `enum rvx_fs_type`. */
	uint8_t name_len;                      /**< Bytes of @ref name. */
	char name[RVX_FS_RAMFS_NAME_MAX + 1];  /**< The name (not NUL-terminated when full). */
	uint8_t reserved[2];                   /**< Zero. */
};

/** No block: the end of a chain, or an empty file. */
#define RVX_FS_RAMFS_NONE 0xffffffffu

/** A RamFS (caller storage; fill it with rvx_fs_ramfs_init()). */
struct rvx_fs_ramfs {
	struct rvx_fs_ramfs_node *nodes; /**< Node table; node 0 is the root. */
	uint32_t node_count;             /**< Its entries. */
	uint32_t block_count;            /**< Data blocks. */
	uint8_t *data;                   /**< block_count * RVX_FS_RAMFS_BLOCK bytes. */
	uint32_t *next;                  /**< Per block: the next block, RVX_FS_RAMFS_NONE, or free. */
	uint32_t free_blocks;            /**< Blocks not in any file. */
	uint32_t free_nodes;             /**< Nodes not in use. */
};

/**
 * Initialise an empty RamFS (just its root directory) over caller arrays.
 * @param[out] rfs the filesystem
 * @param nodes node table
 * @param node_count its entries, 1..2^31
 * @param data block storage, @p block_count * RVX_FS_RAMFS_BLOCK bytes
 * @param next one link per block
 * @param block_count blocks (may be 0: then only directories and empty files)
 * @retval 0 success
 * @retval -RVX_EINVAL a pointer is NULL (@p data and @p next may be NULL
 *         when @p block_count is 0) or a count is out of range
 */
int rvx_fs_ramfs_init(struct rvx_fs_ramfs *rfs, struct rvx_fs_ramfs_node *nodes,
		      uint32_t node_count, uint8_t *data, uint32_t *next, uint32_t block_count);

/** The RamFS operations for rvx_fs_mount(). */
extern const struct rvx_fs_ops rvx_fs_ramfs_ops;

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_FS_H */
