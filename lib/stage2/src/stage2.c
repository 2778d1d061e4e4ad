/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stage-2 translation tables, VMSAv8-64, 4 KiB granule.
 *
 * Every mutating call runs twice over the range: a check pass that reads
 * the tables and counts the pages the call will need (new tables, block
 * splits) without writing anything, then a commit pass that cannot fail
 * because the check pass has proved every precondition. Both passes walk
 * the same way, one table entry at a time, recursing at most four levels.
 *
 * Descriptor formats (Arm ARM, VMSAv8-64 stage 2, 4 KiB granule):
 *   invalid     bit 0 = 0
 *   table       bits [1:0] = 0b11 at levels 0..2, next-level table address [47:12];
 *               stage 2 has no hierarchical attributes (bits 63:59 RES0)
 *   block       bits [1:0] = 0b01 at levels 1..2, output address [47:30] or [47:21]
 *   page        bits [1:0] = 0b11 at level 3, output address [47:12]
 *   leaf attrs  MemAttr [5:2], S2AP [7:6], SH [9:8], AF [10], XN [54]
 * Descriptors are stored with single 64-bit relaxed atomic stores so a
 * walker on another CPU never reads half of one.
 */
#include "ruvix/stage2.h"

#define D_VALID UINT64_C(1)
#define D_TABLE UINT64_C(2) /* table at levels 0..2, page at level 3 */
#define D_MEMATTR_SHIFT 2
#define D_MEMATTR_MASK (UINT64_C(0xF) << D_MEMATTR_SHIFT)
#define D_S2AP_R (UINT64_C(1) << 6)
#define D_S2AP_W (UINT64_C(1) << 7)
#define D_SH_INNER (UINT64_C(3) << 8)
#define D_AF (UINT64_C(1) << 10)
#define D_XN (UINT64_C(1) << 54)
#define D_OA_MASK UINT64_C(0x0000FFFFFFFFF000)
#define D_PERM_MASK (D_S2AP_R | D_S2AP_W | D_XN)

#define MEMATTR_NORMAL_WB UINT64_C(0xF)
#define MEMATTR_NORMAL_NC UINT64_C(0x5)
#define MEMATTR_DEVICE_NGNRE UINT64_C(0x1)

#define PAGE_SHIFT 12u
#define PAGE_MASK ((uint64_t)RVX_STAGE2_PAGE_SIZE - 1u)

/* Bits of IPA one entry at @level maps: 39, 30, 21, 12. */
static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + 9u * (3u - level);
}

static uint64_t *table_at(const struct rvx_stage2 *s2, uint32_t page)
{
	return s2->pages + (size_t)page * RVX_STAGE2_ENTRIES;
}

static uint64_t desc_read(const uint64_t *slot)
{
	return __atomic_load_n(slot, __ATOMIC_RELAXED);
}

static void desc_write(uint64_t *slot, uint64_t d)
{
	__atomic_store_n(slot, d, __ATOMIC_RELAXED);
}

/* Pool page a table descriptor points at; a descriptor the library did not
 * write is a broken invariant. */
static uint32_t desc_page(const struct rvx_stage2 *s2, uint64_t d)
{
	uint64_t pa = d & D_OA_MASK;
	uint64_t off = pa - s2->pa_base;

	RVX_CHECK(pa >= s2->pa_base && (off >> PAGE_SHIFT) < s2->next);
	return (uint32_t)(off >> PAGE_SHIFT);
}

static uint64_t *desc_child(const struct rvx_stage2 *s2, uint64_t d)
{
	return table_at(s2, desc_page(s2, d));
}

static bool desc_is_table(uint64_t d, unsigned level)
{
	return level < 3 && (d & (D_VALID | D_TABLE)) == (D_VALID | D_TABLE);
}

/* Index of @ipa's entry in a table at @level (the root may be concatenated,
 * and then is indexed as one array of root_pages x 512 entries). */
static size_t entry_index(const struct rvx_stage2 *s2, unsigned level, uint64_t ipa)
{
	uint64_t idx = ipa >> level_shift(level);

	if (level != s2->geo.start_level)
		idx &= RVX_STAGE2_ENTRIES - 1u;
	return (size_t)idx;
}

static uint64_t perm_bits(uint32_t perms)
{
	uint64_t d = 0;

	if (perms & RVX_STAGE2_R)
		d |= D_S2AP_R;
	if (perms & RVX_STAGE2_W)
		d |= D_S2AP_W;
	if (!(perms & RVX_STAGE2_X))
		d |= D_XN;
	return d;
}

static uint64_t leaf_attrs(uint32_t perms, uint32_t memtype)
{
	uint64_t attr;
	uint64_t sh = D_SH_INNER;

	switch (memtype) {
	case RVX_STAGE2_NORMAL_WB:
		attr = MEMATTR_NORMAL_WB;
		break;
	case RVX_STAGE2_NORMAL_NC:
		attr = MEMATTR_NORMAL_NC;
		break;
	default:
		/* Device memory ignores SH (it is always Outer Shareable). */
		attr = MEMATTR_DEVICE_NGNRE;
		sh = 0;
		break;
	}
	return (attr << D_MEMATTR_SHIFT) | sh | D_AF | perm_bits(perms);
}

static bool leaf_is_device(uint64_t d)
{
	return ((d & D_MEMATTR_MASK) >> D_MEMATTR_SHIFT) < 4u; /* MemAttr[3:2] = 0b00 */
}

static uint64_t leaf_make(uint64_t oa, uint64_t attrs, unsigned level)
{
	return (oa & D_OA_MASK) | attrs | D_VALID | (level == 3 ? D_TABLE : 0);
}

/* ---- pool ---------------------------------------------------------------- */

uint32_t rvx_stage2_pages_free(const struct rvx_stage2 *s2)
{
	return (s2->page_count - s2->next) + s2->free_count;
}

/* Take a zeroed page; the check pass proved one is there. */
static uint32_t pool_take(struct rvx_stage2 *s2)
{
	uint32_t page;

	if (s2->free_head != RVX_STAGE2_NIL) {
		page = s2->free_head;
		s2->free_head = (uint32_t)table_at(s2, page)[0];
		s2->free_count--;
	} else {
		RVX_CHECK(s2->next < s2->page_count);
		page = s2->next++;
	}
	memset(table_at(s2, page), 0, RVX_STAGE2_PAGE_SIZE);
	s2->tables++;
	return page;
}

static void pool_give(struct rvx_stage2 *s2, uint32_t page)
{
	table_at(s2, page)[0] = s2->free_head;
	s2->free_head = page;
	s2->free_count++;
	s2->tables--;
}

/* ---- geometry ------------------------------------------------------------ */

int rvx_stage2_geometry(const struct rvx_stage2_config *cfg, struct rvx_stage2_geometry *out)
{
	struct rvx_stage2_geometry g;
	unsigned ipa, level;
	uint8_t ps;

	if (!cfg || !out || cfg->reserved || cfg->reserved2 || cfg->vmid > RVX_STAGE2_VMID_MAX)
		return -RVX_EINVAL;
	switch (cfg->pa_bits) {
	case 32: ps = 0; break;
	case 36: ps = 1; break;
	case 40: ps = 2; break;
	case 42: ps = 3; break;
	case 44: ps = 4; break;
	case 48: ps = 5; break;
	default: return -RVX_EINVAL;
	}
	ipa = cfg->ipa_bits;
	if (ipa < 32 || ipa > 48 || ipa > cfg->pa_bits)
		return -RVX_EINVAL;
	level = cfg->start_level;
	if (level == RVX_STAGE2_START_AUTO)
		level = ipa <= 43 ? 1u : 0u;
	/* The start level must resolve at least one bit and at most 9 + 4
	 * (16 concatenated tables) above the levels below it. */
	if (level == 1 && ipa > 43)
		return -RVX_EINVAL;
	if (level == 0 && ipa < 40)
		return -RVX_EINVAL;
	if (level > 1)
		return -RVX_EINVAL;

	memset(&g, 0, sizeof(g));
	g.start_level = (uint8_t)level;
	g.levels = (uint8_t)(4u - level);
	g.t0sz = (uint8_t)(64u - ipa);
	g.sl0 = level == 1 ? 1u : 2u;
	g.ps = ps;
	{
		unsigned bits = ipa - level_shift(level); /* bits the root resolves */
		g.root_entries = UINT32_C(1) << bits;
		g.root_pages = bits > 9 ? UINT32_C(1) << (bits - 9) : 1u;
	}
	g.vtcr = (uint64_t)g.t0sz | ((uint64_t)g.sl0 << 6) | (UINT64_C(1) << 8) /* IRGN0 WBWA */
		 | (UINT64_C(1) << 10) /* ORGN0 WBWA */ | (UINT64_C(3) << 12) /* SH0 inner */
		 | (UINT64_C(0) << 14) /* TG0 4K */ | ((uint64_t)ps << 16) | (UINT64_C(1) << 31);
	*out = g;
	return 0;
}

uint64_t rvx_stage2_tables_bound(const struct rvx_stage2_geometry *geo, uint64_t ipa,
				 uint64_t size)
{
	uint64_t last, n = 0;

	if (!geo || ipa + size < ipa)
		return UINT64_MAX;
	if (size == 0)
		return 0;
	last = ipa + size - 1u;
	/* One table at level L for every distinct level L-1 entry the range touches. */
	for (unsigned level = geo->start_level + 1u; level <= 3u; level++) {
		unsigned sh = level_shift(level - 1u);
		n += (last >> sh) - (ipa >> sh) + 1u;
	}
	return n;
}

int rvx_stage2_init(struct rvx_stage2 *s2, const struct rvx_stage2_config *cfg, void *pages,
		    uint32_t page_count, uint64_t pa_base)
{
	struct rvx_stage2_geometry g;
	int rc;

	if (!s2 || !pages)
		return -RVX_EINVAL;
	rc = rvx_stage2_geometry(cfg, &g);
	if (rc)
		return rc;
	if (((uintptr_t)pages & PAGE_MASK) || page_count == RVX_STAGE2_NIL)
		return -RVX_EINVAL;
	if (pa_base & ((uint64_t)g.root_pages * RVX_STAGE2_PAGE_SIZE - 1u))
		return -RVX_EINVAL;
	if (cfg->pa_bits < 64 &&
	    (pa_base >> cfg->pa_bits ||
	     ((uint64_t)page_count * RVX_STAGE2_PAGE_SIZE) > (UINT64_C(1) << cfg->pa_bits) - pa_base))
		return -RVX_EINVAL;
	if (page_count < g.root_pages)
		return -RVX_ENOMEM;

	memset(s2, 0, sizeof(*s2));
	s2->pages = pages;
	s2->pa_base = pa_base;
	s2->page_count = page_count;
	s2->next = g.root_pages;
	s2->free_head = RVX_STAGE2_NIL;
	s2->vmid = cfg->vmid;
	s2->ipa_bits = cfg->ipa_bits;
	s2->pa_bits = cfg->pa_bits;
	s2->geo = g;
	memset(pages, 0, (size_t)g.root_pages * RVX_STAGE2_PAGE_SIZE);
	return 0;
}

uint64_t rvx_stage2_vttbr(const struct rvx_stage2 *s2)
{
	return (s2->pa_base & UINT64_C(0x0000FFFFFFFFFFFE)) | ((uint64_t)s2->vmid << 48);
}

uint64_t rvx_stage2_vtcr(const struct rvx_stage2 *s2)
{
	return s2->geo.vtcr;
}

/* ---- argument checks ----------------------------------------------------- */

static int check_range(const struct rvx_stage2 *s2, uint64_t ipa, uint64_t size)
{
	if ((ipa | size) & PAGE_MASK || size == 0)
		return -RVX_EINVAL;
	if (ipa >> s2->ipa_bits || size > (UINT64_C(1) << s2->ipa_bits) - ipa)
		return -RVX_EINVAL;
	return 0;
}

static int check_perms(uint32_t perms, uint32_t memtype)
{
	if (perms == 0 || (perms & ~RVX_STAGE2_RWX))
		return -RVX_EINVAL;
	if (memtype >= RVX_STAGE2_MEMTYPE_COUNT)
		return -RVX_EINVAL;
	if (memtype == RVX_STAGE2_DEVICE && (perms & RVX_STAGE2_X))
		return -RVX_EINVAL;
	return 0;
}

/* ---- map ----------------------------------------------------------------- */

/* Whether the entry [base, base + size) at @level can be one block. */
static bool block_fits(unsigned level, uint64_t base, uint64_t lo, uint64_t hi, uint64_t delta)
{
	uint64_t size = UINT64_C(1) << level_shift(level);

	return (level == 1 || level == 2) && lo == base && hi == base + size &&
	       ((lo + delta) & (size - 1u)) == 0;
}

/*
 * Check pass of map over [lo, hi) in @table at @level (NULL: a table that
 * does not exist yet, all entries invalid). Counts new tables in @need.
 * @delta is pa - ipa (mod 2^64).
 */
static int map_check(const struct rvx_stage2 *s2, unsigned level, const uint64_t *table,
		     uint64_t lo, uint64_t hi, uint64_t delta, uint64_t *need)
{
	uint64_t size = UINT64_C(1) << level_shift(level);

	if (!table && level == 3)
		return 0;
	for (uint64_t ipa = lo; ipa < hi;) {
		uint64_t base = ipa & ~(size - 1u);
		uint64_t end = base + size < hi ? base + size : hi;
		uint64_t d = table ? desc_read(&table[entry_index(s2, level, ipa)]) : 0;
		int rc = 0;

		if (d & D_VALID) {
			if (!desc_is_table(d, level))
				return -RVX_EEXIST;
			rc = map_check(s2, level + 1u, desc_child(s2, d), ipa, end, delta, need);
		} else if (level < 3 && !block_fits(level, base, ipa, end, delta)) {
			(*need)++;
			rc = map_check(s2, level + 1u, NULL, ipa, end, delta, need);
		}
		if (rc)
			return rc;
		ipa = end;
	}
	return 0;
}

static void map_commit(struct rvx_stage2 *s2, unsigned level, uint64_t *table, uint64_t lo,
		       uint64_t hi, uint64_t delta, uint64_t attrs)
{
	uint64_t size = UINT64_C(1) << level_shift(level);

	for (uint64_t ipa = lo; ipa < hi;) {
		uint64_t base = ipa & ~(size - 1u);
		uint64_t end = base + size < hi ? base + size : hi;
		uint64_t *slot = &table[entry_index(s2, level, ipa)];
		uint64_t d = desc_read(slot);

		if (d & D_VALID) {
			RVX_CHECK(desc_is_table(d, level));
			map_commit(s2, level + 1u, desc_child(s2, d), ipa, end, delta, attrs);
		} else if (level == 3 || block_fits(level, base, ipa, end, delta)) {
			desc_write(slot, leaf_make(ipa + delta, attrs, level));
		} else {
			uint32_t page = pool_take(s2);

			/* Fill the new table before it becomes reachable. */
			map_commit(s2, level + 1u, table_at(s2, page), ipa, end, delta, attrs);
			desc_write(slot, ((s2->pa_base + ((uint64_t)page << PAGE_SHIFT)) & D_OA_MASK) |
						 D_VALID | D_TABLE);
		}
		ipa = end;
	}
}

int rvx_stage2_map(struct rvx_stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size,
		   uint32_t perms, uint32_t memtype)
{
	uint64_t need = 0;
	int rc;

	if (!s2)
		return -RVX_EINVAL;
	rc = check_range(s2, ipa, size);
	if (rc)
		return rc;
	rc = check_perms(perms, memtype);
	if (rc)
		return rc;
	if (pa & PAGE_MASK || pa >> s2->pa_bits || size > (UINT64_C(1) << s2->pa_bits) - pa)
		return -RVX_EINVAL;
	rc = map_check(s2, s2->geo.start_level, s2->pages, ipa, ipa + size, pa - ipa, &need);
	if (rc)
		return rc;
	if (need > rvx_stage2_pages_free(s2))
		return -RVX_ENOMEM;
	map_commit(s2, s2->geo.start_level, s2->pages, ipa, ipa + size, pa - ipa,
		   leaf_attrs(perms, memtype));
	s2->mapped_bytes += size;
	return 0;
}

/* ---- unmap and protect ----------------------------------------------------- */

/*
 * Check pass of unmap/protect over [lo, hi): every page must be mapped.
 * @table NULL means "inside a block whose leaf descriptor is @leaf": every
 * entry is then a valid leaf. Counts block splits in @need. @want_x is set
 * when protect asks for execute (refused on device memory).
 */
static int present_check(const struct rvx_stage2 *s2, unsigned level, const uint64_t *table,
			 uint64_t leaf, uint64_t lo, uint64_t hi, bool want_x, uint64_t *need)
{
	uint64_t size = UINT64_C(1) << level_shift(level);

	for (uint64_t ipa = lo; ipa < hi;) {
		uint64_t base = ipa & ~(size - 1u);
		uint64_t end = base + size < hi ? base + size : hi;
		uint64_t d = table ? desc_read(&table[entry_index(s2, level, ipa)]) : leaf;
		int rc = 0;

		if (!(d & D_VALID))
			return -RVX_ENOENT;
		if (table && desc_is_table(d, level)) {
			rc = present_check(s2, level + 1u, desc_child(s2, d), 0, ipa, end, want_x,
					   need);
		} else {
			if (table && level == 3 && !(d & D_TABLE))
				return -RVX_ENOENT; /* reserved encoding: faults like invalid */
			if (want_x && leaf_is_device(d))
				return -RVX_EINVAL;
			if (ipa != base || end != base + size) {
				/* Only a block can be partly covered: ranges are page aligned. */
				(*need)++;
				rc = present_check(s2, level + 1u, NULL, d, ipa, end, want_x, need);
			}
		}
		if (rc)
			return rc;
		ipa = end;
	}
	return 0;
}

/* Replace the block in @slot (at @level) by a table of equal translations. */
static uint64_t *split_block(struct rvx_stage2 *s2, unsigned level, uint64_t *slot, uint64_t d)
{
	uint32_t page = pool_take(s2);
	uint64_t *child = table_at(s2, page);
	uint64_t child_size = UINT64_C(1) << level_shift(level + 1u);
	uint64_t attrs = d & ~(D_OA_MASK | D_VALID | D_TABLE);
	uint64_t oa = d & D_OA_MASK;

	for (unsigned i = 0; i < RVX_STAGE2_ENTRIES; i++)
		child[i] = leaf_make(oa + i * child_size, attrs, level + 1u);
	desc_write(slot, ((s2->pa_base + ((uint64_t)page << PAGE_SHIFT)) & D_OA_MASK) | D_VALID |
				 D_TABLE);
	return child;
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < RVX_STAGE2_ENTRIES; i++)
		if (t[i] & D_VALID)
			return false;
	return true;
}

/* Commit pass shared by unmap (@unmap) and protect (new @perm bits). */
static void change_commit(struct rvx_stage2 *s2, unsigned level, uint64_t *table, uint64_t lo,
			  uint64_t hi, bool unmap, uint64_t perm)
{
	uint64_t size = UINT64_C(1) << level_shift(level);

	for (uint64_t ipa = lo; ipa < hi;) {
		uint64_t base = ipa & ~(size - 1u);
		uint64_t end = base + size < hi ? base + size : hi;
		uint64_t *slot = &table[entry_index(s2, level, ipa)];
		uint64_t d = desc_read(slot);
		uint64_t *child = NULL;

		RVX_CHECK(d & D_VALID);
		if (desc_is_table(d, level))
			child = desc_child(s2, d);
		else if (ipa == base && end == base + size)
			desc_write(slot, unmap ? 0 : (d & ~D_PERM_MASK) | perm);
		else
			child = split_block(s2, level, slot, d);
		if (child) {
			change_commit(s2, level + 1u, child, ipa, end, unmap, perm);
			if (unmap && table_empty(child)) {
				uint32_t page = desc_page(s2, desc_read(slot));

				desc_write(slot, 0);
				pool_give(s2, page);
			}
		}
		ipa = end;
	}
}

static int change(struct rvx_stage2 *s2, uint64_t ipa, uint64_t size, bool unmap,
		  uint32_t perms)
{
	uint64_t need = 0;
	int rc;

	if (!s2)
		return -RVX_EINVAL;
	rc = check_range(s2, ipa, size);
	if (rc)
		return rc;
	if (!unmap && (perms == 0 || (perms & ~RVX_STAGE2_RWX)))
		return -RVX_EINVAL;
	rc = present_check(s2, s2->geo.start_level, s2->pages, 0, ipa, ipa + size,
			   !unmap && (perms & RVX_STAGE2_X), &need);
	if (rc)
		return rc;
	if (need > rvx_stage2_pages_free(s2))
		return -RVX_ENOMEM;
	change_commit(s2, s2->geo.start_level, s2->pages, ipa, ipa + size, unmap,
		      perm_bits(perms));
	if (unmap)
		s2->mapped_bytes -= size;
	return 0;
}

int rvx_stage2_unmap(struct rvx_stage2 *s2, uint64_t ipa, uint64_t size)
{
	return change(s2, ipa, size, true, 0);
}

int rvx_stage2_protect(struct rvx_stage2 *s2, uint64_t ipa, uint64_t size, uint32_t perms)
{
	return change(s2, ipa, size, false, perms);
}

/* ---- lookup ---------------------------------------------------------------- */

int rvx_stage2_lookup(const struct rvx_stage2 *s2, uint64_t ipa, struct rvx_stage2_mapping *out)
{
	const uint64_t *table;
	unsigned level;

	if (!s2 || !out || ipa >> s2->ipa_bits)
		return -RVX_EINVAL;
	table = s2->pages;
	for (level = s2->geo.start_level;; level++) {
		uint64_t d = desc_read(&table[entry_index(s2, level, ipa)]);
		uint64_t size = UINT64_C(1) << level_shift(level);
		uint64_t attr;

		if (!(d & D_VALID) || (level == 3 && !(d & D_TABLE)))
			return -RVX_ENOENT;
		if (desc_is_table(d, level)) {
			table = desc_child(s2, d);
			continue;
		}
		memset(out, 0, sizeof(*out));
		out->size = size;
		out->ipa_base = ipa & ~(size - 1u);
		out->pa = (d & D_OA_MASK & ~(size - 1u)) | (ipa & (size - 1u));
		out->level = (uint8_t)level;
		out->perms = ((d & D_S2AP_R) ? RVX_STAGE2_R : 0u) |
			     ((d & D_S2AP_W) ? RVX_STAGE2_W : 0u) | ((d & D_XN) ? 0u : RVX_STAGE2_X);
		attr = (d & D_MEMATTR_MASK) >> D_MEMATTR_SHIFT;
		out->memtype = attr == MEMATTR_NORMAL_WB   ? RVX_STAGE2_NORMAL_WB
			       : attr == MEMATTR_NORMAL_NC ? RVX_STAGE2_NORMAL_NC
							   : RVX_STAGE2_DEVICE;
		return 0;
	}
}
