/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture of the stage-2 tests: a pool at a fake physical address,
 * the independent walker over it, and byte snapshots for failure checks. */
#ifndef S2_FIXTURE_H
#define S2_FIXTURE_H

#include <criterion/criterion.h>
#include <stdalign.h>
#include <string.h>

#include "ruvix/stage2.h"
#include "s2_walk.h"

#define POOL_PAGES 256u
#define PA_BASE UINT64_C(0x40000000)
#define KB4 UINT64_C(0x1000)
#define MB2 UINT64_C(0x200000)
#define GB1 UINT64_C(0x40000000)

#define ATTR_WB 0xFu
#define ATTR_NC 0x5u
#define ATTR_DEV 0x1u

extern uint64_t (*const s2t_pool)[RVX_STAGE2_ENTRIES];
extern struct rvx_stage2 s2t;

/* Initialise s2t with @ipa_bits IPA (pa_bits = 48 unless smaller), auto level. */
void s2t_init(unsigned ipa_bits, unsigned pa_bits, unsigned start_level, uint32_t pages);
struct s2w_result s2t_walk(uint64_t ipa);
/* Every page in [ipa, ipa+size) (sampled every @step bytes) maps as given. */
void s2t_expect_mapped(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t perms,
		       unsigned memattr, uint64_t step);
void s2t_expect_unmapped(uint64_t ipa, uint64_t size, uint64_t step);
void s2t_snap(void);
void s2t_unchanged(void);

#endif
