/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file stage2.h
 * @brief AArch64 stage-2 translation tables (VMSAv8-64, 4 KiB granule)
 *        built in a caller's page pool.
 *
 * One `struct rvx_stage2` is the stage-2 address space of one partition
 * (one VMID): a root table (one page, or 2..16 concatenated pages) and the
 * level 1..3 tables below it, all taken from one contiguous array of 4 KiB
 * pages that the caller owns. The descriptors are exactly what the
 * hardware's stage-2 walker reads, so the embedder loads VTTBR_EL2 with
 * `rvx_stage2_vttbr()` and VTCR_EL2 with `rvx_stage2_geometry()`'s `vtcr`.
 *
 * Order of use:
 * 1. Choose the IPA and PA sizes (`struct rvx_stage2_config`) and size the
 *    pool: `rvx_stage2_geometry()` gives the root's page count,
 *    `rvx_stage2_tables_bound()` the tables a mapping can need.
 *    `RVX_STAGE2_POOL_DEFINE()` declares suitably aligned static pages.
 * 2. `rvx_stage2_init()` over the pool and the pool's physical address.
 * 3. `rvx_stage2_map()` ranges IPA -> PA with permissions and a memory type
 *    (2 MiB and 1 GiB blocks are used wherever IPA, PA and length allow),
 *    `rvx_stage2_unmap()` them (a device lease that expires),
 *    `rvx_stage2_protect()` to change permissions, `rvx_stage2_lookup()` to
 *    read one translation back.
 * 4. Program VTCR_EL2 and VTTBR_EL2 (see below) and run the partition.
 *
 * Every call checks everything first (alignment, ranges, overlap, whether
 * the pool holds enough pages for every table the call needs) and changes
 * no byte of the tables or the object when it fails. Tables emptied by an
 * unmap return to the pool.
 *
 * What the embedder must do around the library (it cannot, being
 * freestanding and port-independent):
 * - Make descriptor writes visible to the walker before relying on them:
 *   `DSB ISHST` after map/protect; after unmap or protect also
 *   `TLBI IPAS2E1IS` per page (or `TLBI VMALLS12E1IS` for the VMID), then
 *   `DSB ISH` and `ISB`.
 * - Splitting a block (an unmap or protect that covers part of a 2 MiB or
 *   1 GiB block) replaces the block by a table of equal translations, a
 *   change of block size that the architecture allows on live tables only
 *   with break-before-make. Do such calls while the VMID runs on no CPU
 *   and invalidate with `TLBI VMALLS12E1IS` before it runs again; or map
 *   ranges that will be unmapped piecewise (device leases) at 4 KiB.
 * - The pool must be Normal Write-Back memory in the EL2 stage-1 mapping,
 *   matching IRGN0/ORGN0/SH0 below, so that walks are coherent with the
 *   library's stores.
 * - Leave HCR_EL2.FWB at 0: the MemAttr encodings below are those of the
 *   stage-2 attribute combining scheme without FEAT_S2FWB. Every leaf has
 *   AF = 1, so no access-flag faults occur and VTCR_EL2.HA may stay 0.
 *
 * VTCR_EL2 fields computed by `rvx_stage2_geometry()`:
 * - T0SZ  [5:0]   64 - IPA bits.
 * - SL0   [7:6]   start level for the 4 KiB granule: 0b01 = level 1,
 *                 0b10 = level 0.
 * - IRGN0 [9:8]   0b01 table walks Inner Write-Back Read/Write-Allocate.
 * - ORGN0 [11:10] 0b01 table walks Outer Write-Back Read/Write-Allocate.
 * - SH0   [13:12] 0b11 table walks Inner Shareable.
 * - TG0   [15:14] 0b00 4 KiB granule.
 * - PS    [18:16] physical address size: 0b000 32, 0b001 36, 0b010 40,
 *                 0b011 42, 0b100 44, 0b101 48 bits.
 * - VS    [19]    0: 8-bit VMID. Bit 31 is RES1 and is set.
 * Every other field (HA, HD, NSW, NSA...) is 0.
 *
 * VTTBR_EL2 = root table physical address (BADDR, aligned to the root's
 * size) | VMID << 48; CnP (bit 0) is 0.
 */
#ifndef RUVIX_STAGE2_H
#define RUVIX_STAGE2_H

#include "ruvix/env.h"
#include "ruvix/err.h"
#include "ruvix/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a translation granule and of a pool page. */
#define RVX_STAGE2_PAGE_SIZE 4096u
/** Descriptors in one table page. */
#define RVX_STAGE2_ENTRIES 512u
/** Bytes of a level-2 block. */
#define RVX_STAGE2_BLOCK_2M (UINT64_C(1) << 21)
/** Bytes of a level-1 block. */
#define RVX_STAGE2_BLOCK_1G (UINT64_C(1) << 30)
/** Alignment of pool storage: enough for a root of 16 concatenated tables. */
#define RVX_STAGE2_POOL_ALIGN 65536u
/** `rvx_stage2_config.start_level`: let the library choose (level 1 up to 43 IPA bits, else 0). */
#define RVX_STAGE2_START_AUTO 0xFFu
/** Largest VMID (VTCR_EL2.VS = 0: 8-bit VMIDs). */
#define RVX_STAGE2_VMID_MAX 255u
/** Index that names no pool page (end of the free list). */
#define RVX_STAGE2_NIL UINT32_C(0xFFFFFFFF)

/** Access permission bits for map and protect. */
#define RVX_STAGE2_R 1u /**< The partition may read (S2AP[0]). */
#define RVX_STAGE2_W 2u /**< The partition may write (S2AP[1]). */
#define RVX_STAGE2_X 4u /**< The partition may execute (XN clear). */
/** Every permission bit. */
#define RVX_STAGE2_RWX (RVX_STAGE2_R | RVX_STAGE2_W | RVX_STAGE2_X)

/** Memory type of a mapping (the stage-2 MemAttr field). Values are ABI. */
enum rvx_stage2_memtype {
	RVX_STAGE2_NORMAL_WB = 0, /**< Normal, Inner+Outer Write-Back, Inner Shareable (MemAttr 0b1111). */
	RVX_STAGE2_NORMAL_NC = 1, /**< Normal, Inner+Outer Non-cacheable, Inner Shareable (MemAttr 0b0101). */
	RVX_STAGE2_DEVICE = 2,    /**< Device-nGnRE, for MMIO (MemAttr 0b0001). */
	RVX_STAGE2_MEMTYPE_COUNT  /**< Number of types; not a type. */
};

/** Declare static, aligned storage for a pool of @p pages 4 KiB pages. */
#define RVX_STAGE2_POOL_DEFINE(name, pages)                                    \
	_Static_assert((pages) >= 1 && (unsigned long long)(pages) < 0xFFFFFFFFull, \
		       "a stage-2 pool needs 1..2^32-2 pages");                \
	static alignas(RVX_STAGE2_POOL_ALIGN) uint64_t name[(pages)][RVX_STAGE2_ENTRIES]

/** What the caller chooses for one stage-2 address space. */
struct rvx_stage2_config {
	uint8_t ipa_bits;    /**< Input (IPA) size, 32..48 bits. */
	uint8_t pa_bits;     /**< Output size: 32, 36, 40, 42, 44 or 48; at least `ipa_bits`. */
	uint8_t start_level; /**< 0, 1 or `RVX_STAGE2_START_AUTO`. */
	uint8_t reserved;    /**< Must be 0. */
	uint16_t vmid;       /**< The partition's VMID, 0..`RVX_STAGE2_VMID_MAX`. */
	uint16_t reserved2;  /**< Must be 0. */
};

/** The shape the configuration implies, and the VTCR_EL2 value for it. */
struct rvx_stage2_geometry {
	uint8_t start_level; /**< Level of the root table (0 or 1). */
	uint8_t levels;      /**< Levels walked: 4 from level 0, 3 from level 1. */
	uint8_t t0sz;        /**< VTCR_EL2.T0SZ = 64 - IPA bits. */
	uint8_t sl0;         /**< VTCR_EL2.SL0 (0b01 level 1, 0b10 level 0). */
	uint8_t ps;          /**< VTCR_EL2.PS. */
	uint8_t reserved[3]; /**< Zero. */
	uint32_t root_pages; /**< Concatenated pages of the root table (1, 2, 4, 8 or 16). */
	uint32_t root_entries; /**< Descriptors of the root that the IPA size can reach. */
	uint64_t vtcr;       /**< The VTCR_EL2 value to program. */
};

/**
 * A stage-2 address space over a caller's page pool. Pages are named by
 * index into the pool; descriptors hold `pa_base + index * 4096`. The root
 * occupies pool pages 0..root_pages-1.
 */
struct rvx_stage2 {
	uint64_t *pages;         /**< The pool: page_count x 512 descriptors (caller storage). */
	uint64_t pa_base;        /**< Physical address of pool page 0. */
	uint32_t page_count;     /**< Pages in the pool. */
	uint32_t next;           /**< Pages below this index have been handed out at least once. */
	uint32_t free_head;      /**< First page of the free list, or `RVX_STAGE2_NIL`. */
	uint32_t free_count;     /**< Pages on the free list. */
	uint32_t tables;         /**< Tables in use below the root. */
	uint16_t vmid;           /**< VMID for VTTBR_EL2. */
	uint8_t ipa_bits;        /**< IPA size. */
	uint8_t pa_bits;         /**< PA size. */
	struct rvx_stage2_geometry geo; /**< Shape and VTCR_EL2 value. */
	uint64_t mapped_bytes;   /**< Bytes of IPA space currently mapped. */
};

/** One translation, as `rvx_stage2_lookup()` reads it back. */
struct rvx_stage2_mapping {
	uint64_t pa;       /**< Output address of the IPA asked for. */
	uint64_t size;     /**< Bytes the leaf descriptor maps (4 KiB, 2 MiB or 1 GiB). */
	uint64_t ipa_base; /**< First IPA the leaf maps. */
	uint32_t perms;    /**< `RVX_STAGE2_R`/`W`/`X` bits. */
	uint32_t memtype;  /**< An `enum rvx_stage2_memtype`. */
	uint8_t level;     /**< Level of the leaf (1, 2 or 3). */
	uint8_t reserved[7]; /**< Zero. */
};

/**
 * Compute the table shape and VTCR_EL2 value for a configuration.
 * @param cfg the configuration
 * @param[out] out the geometry
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer, an IPA or PA size out of range, IPA
 *         larger than PA, a start level that cannot reach the IPA size
 *         (level 1 takes 32..43 bits, level 0 takes 40..48), a VMID above
 *         `RVX_STAGE2_VMID_MAX`, or a reserved field set
 */
int rvx_stage2_geometry(const struct rvx_stage2_config *cfg, struct rvx_stage2_geometry *out);

/**
 * Upper bound of the tables below the root that mapping [@p ipa, @p ipa + @p size)
 * into empty tables can take (at 4 KiB granularity, no blocks).
 * @param geo a geometry from `rvx_stage2_geometry()`
 * @param ipa first IPA
 * @param size bytes (0 gives 0)
 * @return the page count; UINT64_MAX if @p geo is NULL or the range wraps
 */
uint64_t rvx_stage2_tables_bound(const struct rvx_stage2_geometry *geo, uint64_t ipa,
				 uint64_t size);

/**
 * Bind an empty stage-2 address space to a page pool and zero its root.
 * @param[out] s2 the address space
 * @param cfg IPA/PA sizes, start level, VMID
 * @param pages the pool (@p page_count 4 KiB pages, 4 KiB aligned)
 * @param page_count pages at @p pages
 * @param pa_base physical address of @p pages (what the walker reads)
 * @retval 0 done
 * @retval -RVX_EINVAL NULL pointer, a configuration `rvx_stage2_geometry()`
 *         refuses, @p pages not 4 KiB aligned, @p pa_base not aligned to
 *         the root's size or beyond the PA size, or @p page_count 0xFFFFFFFF
 * @retval -RVX_ENOMEM fewer pages than the root needs
 */
int rvx_stage2_init(struct rvx_stage2 *s2, const struct rvx_stage2_config *cfg, void *pages,
		    uint32_t page_count, uint64_t pa_base);

/**
 * Map [@p ipa, @p ipa + @p size) to [@p pa, @p pa + @p size).
 * @param s2 the address space
 * @param ipa first IPA (4 KiB aligned)
 * @param pa first output address (4 KiB aligned)
 * @param size bytes (a non-zero multiple of 4 KiB)
 * @param perms `RVX_STAGE2_R`/`W`/`X` bits, at least one
 * @param memtype an `enum rvx_stage2_memtype`
 * @retval 0 mapped
 * @retval -RVX_EINVAL NULL @p s2, misaligned or zero size, a range beyond
 *         the IPA or PA size, perms 0 or unknown bits, an unknown memtype,
 *         or X on device memory
 * @retval -RVX_EEXIST part of the range is already mapped
 * @retval -RVX_ENOMEM the pool lacks the tables the mapping needs
 */
int rvx_stage2_map(struct rvx_stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size,
		   uint32_t perms, uint32_t memtype);

/**
 * Unmap [@p ipa, @p ipa + @p size); every page of it must be mapped.
 * Blocks partly covered are split; tables left empty go back to the pool.
 * @param s2 the address space
 * @param ipa first IPA (4 KiB aligned)
 * @param size bytes (a non-zero multiple of 4 KiB)
 * @retval 0 unmapped (the embedder then invalidates the TLB)
 * @retval -RVX_EINVAL NULL @p s2, misaligned or zero size, beyond the IPA size
 * @retval -RVX_ENOENT part of the range is not mapped
 * @retval -RVX_ENOMEM splitting a block needs a table the pool lacks
 */
int rvx_stage2_unmap(struct rvx_stage2 *s2, uint64_t ipa, uint64_t size);

/**
 * Change the permissions of [@p ipa, @p ipa + @p size); every page must be
 * mapped. The memory type and output addresses stay.
 * @param s2 the address space
 * @param ipa first IPA (4 KiB aligned)
 * @param size bytes (a non-zero multiple of 4 KiB)
 * @param perms `RVX_STAGE2_R`/`W`/`X` bits, at least one
 * @retval 0 changed (the embedder then invalidates the TLB)
 * @retval -RVX_EINVAL NULL @p s2, misaligned or zero size, beyond the IPA
 *         size, perms 0 or unknown bits, or X asked on device memory
 * @retval -RVX_ENOENT part of the range is not mapped
 * @retval -RVX_ENOMEM splitting a block needs a table the pool lacks
 */
int rvx_stage2_protect(struct rvx_stage2 *s2, uint64_t ipa, uint64_t size, uint32_t perms);

/**
 * Read the translation of one IPA back from the tables.
 * @param s2 the address space
 * @param ipa the IPA
 * @param[out] out the translation
 * @retval 0 mapped; @p out filled
 * @retval -RVX_EINVAL NULL pointer or @p ipa beyond the IPA size
 * @retval -RVX_ENOENT not mapped
 */
int rvx_stage2_lookup(const struct rvx_stage2 *s2, uint64_t ipa, struct rvx_stage2_mapping *out);

/**
 * The VTTBR_EL2 value: root table address | VMID << 48.
 * @param s2 the address space
 * @return the register value
 */
uint64_t rvx_stage2_vttbr(const struct rvx_stage2 *s2);

/**
 * The VTCR_EL2 value for this address space (same as its geometry's `vtcr`).
 * @param s2 the address space
 * @return the register value
 */
uint64_t rvx_stage2_vtcr(const struct rvx_stage2 *s2);

/**
 * Pages of the pool not in use (free list plus never handed out).
 * @param s2 the address space
 * @return the count
 */
uint32_t rvx_stage2_pages_free(const struct rvx_stage2 *s2);

#ifdef __cplusplus
}
#endif

#endif /* RUVIX_STAGE2_H */
