/* SPDX-License-Identifier: Apache-2.0 */
#include "rvf_fixture.h"

#include <criterion/criterion.h>
#include <string.h>

#include "bearssl.h"

uint8_t fx_signer_pub[65];
uint8_t fx_other_pub[65];
uint8_t fx_rogue_pub[65];
uint8_t fx_authority_pub[65];
struct rvx_rvf_trusted_keys fx_trusted;
static uint8_t trusted_buf[2 * 65];

static br_ec_private_key signer_sk, rogue_sk;
static uint8_t signer_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], rogue_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];

const uint8_t fx_code[40] = { 0xd5, 0x03, 0x20, 0x1f, 1, 2, 3, 4, 5, 6, 7, 8 };
const uint8_t fx_data[20] = "initial region data";
const uint8_t fx_vseed[12] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

static void keygen(const char *seed, br_ec_private_key *sk, uint8_t *kbuf, uint8_t pub[65])
{
	br_hmac_drbg_context rng;
	br_ec_public_key pk;
	uint8_t pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
	uint8_t local_kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
	br_ec_private_key local_sk;

	if (sk == NULL) {
		sk = &local_sk;
		kbuf = local_kbuf;
	}
	br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, strlen(seed));
	cr_assert(br_ec_keygen(&rng.vtable, &br_ec_p256_m31, sk, kbuf, BR_EC_secp256r1) == 32);
	cr_assert(br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, sk) == 65);
	memcpy(pub, pk.q, 65);
}

void fx_init(void)
{
	keygen("rvf test signer", &signer_sk, signer_kbuf, fx_signer_pub);
	keygen("rvf test rogue", &rogue_sk, rogue_kbuf, fx_rogue_pub);
	keygen("rvf test other", NULL, NULL, fx_other_pub);
	keygen("rvf test authority", NULL, NULL, fx_authority_pub);
	memcpy(trusted_buf, fx_other_pub, 65);
	memcpy(trusted_buf + 65, fx_signer_pub, 65);
	fx_trusted.keys = trusted_buf;
	fx_trusted.count = 2;
}

static void name(char *dst, size_t size, const char *s)
{
	memset(dst, 0, size);
	memcpy(dst, s, strlen(s));
}

void fx_manifest(struct rvx_rvf_manifest *m)
{
	memset(m, 0, sizeof(*m));
	name(m->name, sizeof(m->name), "hello");
	m->task_count = 2;
	name(m->tasks[0].name, 16, "sensor");
	m->tasks[0].code_segment = S_CODE;
	m->tasks[0].entry = 4;
	m->tasks[0].deadline_ns = 1000000;
	m->tasks[0].stack_size = 4096;
	m->tasks[0].priority = 1;
	name(m->tasks[1].name, 16, "reason");
	m->tasks[1].code_segment = RVX_RVF_NONE;
	m->tasks[1].entry = 7;
	m->tasks[1].flags = RVX_RVF_TASK_ENTRY_SYMBOL;
	m->tasks[1].stack_size = 8192;
	m->tasks[1].partition = 1;
	m->region_count = 3;
	name(m->regions[0].name, 16, "config");
	m->regions[0].policy = 1;
	m->regions[0].init_segment = S_DATA;
	m->regions[0].size = 64;
	name(m->regions[1].name, 16, "log");
	m->regions[1].policy = 2;
	m->regions[1].init_segment = RVX_RVF_NONE;
	m->regions[1].size = 4096;
	name(m->regions[2].name, 16, "slots");
	m->regions[2].policy = 3;
	m->regions[2].init_segment = RVX_RVF_NONE;
	m->regions[2].size = 1024;
	m->regions[2].slot_size = 64;
	m->queue_count = 1;
	name(m->queues[0].name, 16, "events");
	m->queues[0].slot_count = 16;
	m->queues[0].max_payload = 64;
	m->required_count = 1;
	name(m->required[0].name, 16, "sensor0");
	m->required[0].object_type = RVX_OBJ_SENSOR;
	m->required[0].rights = RVX_RIGHT_READ | RVX_RIGHT_GRANT;
	m->wire_count = 6;
	m->wires[0] = (struct rvx_rvf_wire){ .task = 0, .kind = RVX_RVF_WIRE_QUEUE, .object = 0, .rights = RVX_RIGHT_WRITE };
	m->wires[1] = (struct rvx_rvf_wire){ .task = 1, .kind = RVX_RVF_WIRE_QUEUE, .object = 0, .rights = RVX_RIGHT_READ };
	m->wires[2] = (struct rvx_rvf_wire){ .task = 0, .kind = RVX_RVF_WIRE_REQUIRED, .object = 0, .rights = RVX_RIGHT_READ };
	m->wires[3] = (struct rvx_rvf_wire){ .task = 1, .kind = RVX_RVF_WIRE_REGION, .object = 0, .rights = RVX_RIGHT_READ };
	m->wires[4] = (struct rvx_rvf_wire){ .task = 1, .kind = RVX_RVF_WIRE_REGION, .object = 2, .rights = RVX_RIGHT_READ | RVX_RIGHT_WRITE | RVX_RIGHT_PROVE };
	m->wires[5] = (struct rvx_rvf_wire){ .task = 0, .kind = RVX_RVF_WIRE_TASK, .object = 1, .rights = RVX_RIGHT_EXECUTE };
	m->authority_count = 1;
	m->policy_count = 2;
	m->policies[0] = (struct rvx_rvf_proof_policy){ .kind = RVX_RVF_WIRE_REGION, .tier = 3, .object = 2,
		.max_payload = 64, .key_lo = 0, .key_hi = 1000, .rate_window_ns = 1000000, .rate_count = 10, .authority = 0 };
	m->policies[1] = (struct rvx_rvf_proof_policy){ .kind = RVX_RVF_WIRE_QUEUE, .tier = 1, .object = 0,
		.max_payload = 64, .key_hi = UINT64_MAX, .authority = RVX_RVF_NONE };
	m->has_witness_policy = 1;
	m->witness.flags = RVX_RVF_WITNESS_MUTATIONS | RVX_RVF_WITNESS_CAPS;
	m->witness.checkpoint_every = 128;
	m->witness.log_records = 4096;
}

static void sign_digest(const uint8_t digest[32], enum fx_signer who, uint8_t sig[64])
{
	const br_ec_private_key *sk = who == FX_SIGNER ? &signer_sk : &rogue_sk;
	cr_assert(br_ecdsa_i31_sign_raw(&br_ec_p256_m31, &br_sha256_vtable, digest, sk, sig) == 64);
}

size_t fx_build_segs(const struct rvx_rvf_input *segs, uint32_t n, uint8_t *out)
{
	uint8_t id[8], digest[32], sig[64];
	size_t len = 0;

	rvx_rvf_key_id(fx_signer_pub, id);
	cr_assert_eq(rvx_rvf_build(segs, n, id, out, PKG_CAP, &len, digest), 0);
	sign_digest(digest, FX_SIGNER, sig);
	cr_assert_eq(rvx_rvf_attach_signature(out, len, sig), 0);
	return len;
}

size_t fx_build(const struct rvx_rvf_manifest *m, uint8_t *out)
{
	static uint8_t seg[4][2048];
	size_t l[4];
	struct rvx_rvf_input in[S_COUNT];

	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_MANIFEST, m, NULL, seg[0], sizeof(seg[0]), &l[0]), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_REQUIRED_CAPS, m, NULL, seg[1], sizeof(seg[1]), &l[1]), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_PROOF_POLICY, m, fx_authority_pub, seg[2], sizeof(seg[2]), &l[2]), 0);
	cr_assert_eq(rvx_rvf_segment_encode(RVX_RVF_SEG_WITNESS_POLICY, m, NULL, seg[3], sizeof(seg[3]), &l[3]), 0);
	in[S_MANIFEST] = (struct rvx_rvf_input){ RVX_RVF_SEG_MANIFEST, seg[0], l[0] };
	in[S_CODE] = (struct rvx_rvf_input){ RVX_RVF_SEG_CODE, fx_code, sizeof(fx_code) };
	in[S_DATA] = (struct rvx_rvf_input){ RVX_RVF_SEG_REGION_DATA, fx_data, sizeof(fx_data) };
	in[S_VSEED] = (struct rvx_rvf_input){ RVX_RVF_SEG_VECTOR_SEED, fx_vseed, sizeof(fx_vseed) };
	in[S_REQ] = (struct rvx_rvf_input){ RVX_RVF_SEG_REQUIRED_CAPS, seg[1], l[1] };
	in[S_PROOF] = (struct rvx_rvf_input){ RVX_RVF_SEG_PROOF_POLICY, seg[2], l[2] };
	in[S_WITNESS] = (struct rvx_rvf_input){ RVX_RVF_SEG_WITNESS_POLICY, seg[3], l[3] };
	return fx_build_segs(in, S_COUNT, out);
}

void fx_resign(uint8_t *pkg, size_t len, enum fx_signer who)
{
	uint8_t digest[32], sig[64];
	uint32_t n = (uint32_t)pkg[16] | ((uint32_t)pkg[17] << 8);
	br_sha256_context sc;

	if (who == FX_ROGUE)
		rvx_rvf_key_id(fx_rogue_pub, pkg + 32);
	br_sha256_init(&sc);
	br_sha256_update(&sc, pkg, 64 + (size_t)n * 56);
	br_sha256_out(&sc, digest);
	sign_digest(digest, who, sig);
	memcpy(pkg + len - 64, sig, 64);
}

void fx_expect_refused(const uint8_t *pkg, size_t len, int want_ret, enum rvx_rvf_reason want_reason)
{
	static struct rvx_rvf_package view, snap;
	enum rvx_rvf_reason why = RVX_RVF_OK;

	/* before: the view holds a known pattern */
	memset(&view, 0xa5, sizeof(view));
	memcpy(&snap, &view, sizeof(view));
	int rc = rvx_rvf_verify(pkg, len, &fx_trusted, &view, &why);
	/* after: refused as expected, the view not written */
	cr_assert_eq(rc, want_ret, "ret %d want %d (reason %d: %s)", rc, want_ret, why, rvx_rvf_reason_str(why));
	cr_assert_eq(why, want_reason, "reason %d (%s) want %d (%s)", why, rvx_rvf_reason_str(why),
		     want_reason, rvx_rvf_reason_str(want_reason));
	cr_assert(memcmp(&view, &snap, sizeof(view)) == 0, "view written on failure");
}

size_t fx_entry(uint32_t i, size_t field)
{
	return 64 + (size_t)i * 56 + field;
}
