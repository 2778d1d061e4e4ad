/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An independent stage-2 walker for the tests: it reads VTCR_EL2 and
 * VTTBR_EL2 values and descriptors in "physical memory" (the test's pool at
 * a fake physical address) and translates an IPA the way the Arm ARM's
 * AArch64 stage-2 translation does for the 4 KiB granule without FEAT_LPA,
 * FEAT_XNX, FEAT_S2FWB or hardware AF management. It shares no code or
 * constants with lib/stage2, so it checks the descriptors rather than the
 * library's idea of them.
 */
#ifndef S2_WALK_H
#define S2_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum s2w_fault {
	S2W_OK = 0,
	S2W_TRANSLATION = 1, /* invalid or reserved descriptor, IPA out of range */
	S2W_ACCESS_FLAG = 2, /* AF = 0 */
	S2W_ADDR_SIZE = 3,   /* an address above the PS size */
	S2W_CONFIG = 4,      /* VTCR/VTTBR combination the architecture refuses */
	S2W_STRAY = 5,       /* the walk read outside test memory, or odd bits were set */
};

struct s2w_result {
	enum s2w_fault fault;
	int level;        /* level of the leaf, or of the fault */
	uint64_t pa;
	bool r, w, x;
	unsigned memattr; /* the 4-bit stage-2 MemAttr */
	unsigned sh;
	uint64_t block;   /* bytes the leaf maps */
};

/* Physical memory as the walker sees it: one window of test storage. */
struct s2w_mem {
	const uint64_t *base; /* host pointer of physical address pa */
	uint64_t pa;
	uint64_t bytes;
};

static inline bool s2w_read(const struct s2w_mem *m, uint64_t pa, uint64_t *out)
{
	if (pa < m->pa || pa - m->pa + 8 > m->bytes || (pa & 7))
		return false;
	*out = m->base[(pa - m->pa) / 8];
	return true;
}

static inline unsigned s2w_ps_bits(unsigned ps)
{
	static const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 0};
	return bits[ps & 7];
}

static inline struct s2w_result s2w_translate(const struct s2w_mem *m, uint64_t vtcr,
					      uint64_t vttbr, uint64_t ipa)
{
	struct s2w_result r;
	unsigned t0sz = (unsigned)(vtcr & 0x3f);
	unsigned sl0 = (unsigned)((vtcr >> 6) & 3);
	unsigned tg0 = (unsigned)((vtcr >> 14) & 3);
	unsigned pabits = s2w_ps_bits((unsigned)((vtcr >> 16) & 7));
	unsigned iasize = 64 - t0sz;
	int level;
	uint64_t table;

	memset(&r, 0, sizeof(r));
	r.fault = S2W_CONFIG;
	if (tg0 != 0 || pabits == 0 || pabits > 48)
		return r;
	/* 4 KiB granule: SL0 0 -> level 2, 1 -> level 1, 2 -> level 0. */
	if (sl0 == 3)
		return r;
	level = 2 - (int)sl0;
	{
		/* AArch64.S2InconsistentSL: the start level resolves from 1 bit
		 * up to a full level plus 4 bits of concatenation. */
		int levels = 3 - level;
		unsigned min_ia = (unsigned)levels * 9 + 12 + 1;
		unsigned max_ia = min_ia + 8 + 4;
		if (iasize < min_ia || iasize > max_ia)
			return r;
	}
	if (iasize > pabits && iasize > 48)
		return r;
	{
		unsigned lsb = 12 + 9 * (unsigned)(3 - level); /* lowest IPA bit the root resolves */
		unsigned root_bits = iasize - lsb;
		uint64_t root_bytes = (UINT64_C(1) << root_bits) * 8;
		if (root_bytes < 4096)
			root_bytes = 4096;
		table = vttbr & UINT64_C(0x0000FFFFFFFFFFFE);
		if (table & (root_bytes - 1))
			return r; /* BADDR must be aligned to the root's size */
		if (table >> pabits) {
			r.fault = S2W_ADDR_SIZE;
			return r;
		}
	}
	if (iasize < 64 && (ipa >> iasize)) {
		r.fault = S2W_TRANSLATION;
		r.level = level;
		return r;
	}
	for (bool first = true;; level++, first = false) {
		unsigned lsb = 12 + 9 * (unsigned)(3 - level);
		uint64_t index = ipa >> lsb;
		uint64_t d;

		/* The root is indexed by every IPA bit above lsb (concatenated
		 * tables form one array); lower levels by 9 bits. */
		if (!first)
			index &= 511;
		r.level = level;
		if (!s2w_read(m, table + index * 8, &d)) {
			r.fault = S2W_STRAY;
			return r;
		}
		if (!(d & 1)) {
			r.fault = S2W_TRANSLATION;
			return r;
		}
		if (level < 3 && (d & 2)) {
			/* Table: next-level address [47:12]; stage 2 has no
			 * hierarchical attributes and this library sets nothing else. */
			uint64_t next = d & UINT64_C(0x0000FFFFFFFFF000);
			if (d & ~(next | 3)) {
				r.fault = S2W_STRAY;
				return r;
			}
			if (next >> pabits) {
				r.fault = S2W_ADDR_SIZE;
				return r;
			}
			table = next;
			continue;
		}
		if (level == 3 && !(d & 2)) {
			r.fault = S2W_TRANSLATION; /* reserved at level 3 */
			return r;
		}
		if (level == 0) {
			r.fault = S2W_TRANSLATION; /* no level-0 blocks with 4 KiB granule */
			return r;
		}
		{
			uint64_t bsize = UINT64_C(1) << lsb;
			uint64_t oa = d & UINT64_C(0x0000FFFFFFFFF000) & ~(bsize - 1);
			/* Known bits: valid/type, MemAttr, S2AP, SH, AF, OA, XN. */
			uint64_t known = 3 | (0xfu << 2) | (3u << 6) | (3u << 8) | (1u << 10) |
					 UINT64_C(0x0000FFFFFFFFF000) | (UINT64_C(1) << 54);
			if (d & ~known) {
				r.fault = S2W_STRAY;
				return r;
			}
			if ((d & UINT64_C(0x0000FFFFFFFFF000)) & (bsize - 1)) {
				r.fault = S2W_STRAY; /* OA bits below the block size are RES0 */
				return r;
			}
			if (oa >> pabits) {
				r.fault = S2W_ADDR_SIZE;
				return r;
			}
			if (!(d & (1u << 10))) {
				r.fault = S2W_ACCESS_FLAG;
				return r;
			}
			r.fault = S2W_OK;
			r.block = bsize;
			r.pa = oa | (ipa & (bsize - 1));
			r.r = (d >> 6) & 1;
			r.w = (d >> 7) & 1;
			r.x = !((d >> 54) & 1);
			r.memattr = (unsigned)((d >> 2) & 0xf);
			r.sh = (unsigned)((d >> 8) & 3);
			return r;
		}
	}
}

#endif /* S2_WALK_H */
