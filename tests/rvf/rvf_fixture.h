/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixture: deterministic keys, a reference manifest and package. */
#ifndef RVF_FIXTURE_H
#define RVF_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include "ruvix/endian.h"
#include "ruvix/rvf.h"

#define PKG_CAP 8192

/* Segment indices of the reference package. */
enum { S_MANIFEST, S_CODE, S_DATA, S_VSEED, S_REQ, S_PROOF, S_WITNESS, S_COUNT };

extern uint8_t fx_signer_pub[65];   /* trusted, signs the reference package */
extern uint8_t fx_other_pub[65];    /* trusted, unused */
extern uint8_t fx_rogue_pub[65];    /* not trusted */
extern uint8_t fx_authority_pub[65];/* Deep-proof authority in the proof policy */
extern struct rvx_rvf_trusted_keys fx_trusted;
extern const uint8_t fx_code[40];
extern const uint8_t fx_data[20];
extern const uint8_t fx_vseed[12];

enum fx_signer { FX_SIGNER, FX_ROGUE };

void fx_init(void);
/* The reference manifest (2 tasks, 3 regions, 1 queue, wires, caps, policies). */
void fx_manifest(struct rvx_rvf_manifest *m);
/* Build and sign a package from @m with the reference data segments. */
size_t fx_build(const struct rvx_rvf_manifest *m, uint8_t *out);
/* Build from explicit segments and sign. */
size_t fx_build_segs(const struct rvx_rvf_input *segs, uint32_t n, uint8_t *out);
/* Re-sign a package in place after editing its header or table. */
void fx_resign(uint8_t *pkg, size_t len, enum fx_signer who);
/* Verify expecting failure with @want_ret and @want_reason; checks the view is untouched. */
void fx_expect_refused(const uint8_t *pkg, size_t len, int want_ret, enum rvx_rvf_reason want_reason);
/* Offset of segment @i's table entry field at @field. */
size_t fx_entry(uint32_t i, size_t field);

#endif
