/* SPDX-License-Identifier: Apache-2.0 */
/* Known-answer tests of the BearSSL primitives the engine uses: FIPS 180-4
 * SHA-256 examples, RFC 4231 HMAC-SHA256 test cases 1-7, and the RFC 6979
 * A.2.5 P-256/SHA-256 ECDSA signatures verified through br_ec_p256_m31. */
#include "proof_fixture.h"

static void sha256(const void *data, size_t len, uint8_t out[32])
{
	br_sha256_context sc;

	br_sha256_init(&sc);
	br_sha256_update(&sc, data, len);
	br_sha256_out(&sc, out);
}

static void expect_hex(const uint8_t *got, const char *hex, size_t len)
{
	uint8_t want[64];

	cr_assert_eq(fx_hex(hex, want, sizeof(want)), len);
	cr_assert(memcmp(got, want, len) == 0, "digest differs from the published value");
}

Test(kat_sha256, abc)
{
	uint8_t d[32];
	sha256("abc", 3, d);
	expect_hex(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32);
}

Test(kat_sha256, empty)
{
	uint8_t d[32];
	sha256("", 0, d);
	expect_hex(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 32);
}

Test(kat_sha256, two_block_448_bits)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[32];
	sha256(m, strlen(m), d);
	expect_hex(d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 32);
}

Test(kat_sha256, million_a)
{
	static uint8_t buf[1000];
	br_sha256_context sc;
	uint8_t d[32];

	memset(buf, 'a', sizeof(buf));
	br_sha256_init(&sc);
	for (int i = 0; i < 1000; i++)
		br_sha256_update(&sc, buf, sizeof(buf));
	br_sha256_out(&sc, d);
	expect_hex(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", 32);
}

struct hmac_case {
	const char *key_hex;   /* or NULL with key_fill/key_len */
	uint8_t key_fill;
	size_t key_len;
	const char *data;      /* text, or NULL with data_fill/data_len */
	uint8_t data_fill;
	size_t data_len;
	const char *mac;
	size_t mac_len;
};

static const struct hmac_case rfc4231[] = {
	{NULL, 0x0b, 20, "Hi There", 0, 0,
	 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
	{"4a656665", 0, 4, "what do ya want for nothing?", 0, 0,
	 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
	{NULL, 0xaa, 20, NULL, 0xdd, 50,
	 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
	{"0102030405060708090a0b0c0d0e0f10111213141516171819", 0, 25, NULL, 0xcd, 50,
	 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
	{NULL, 0x0c, 20, "Test With Truncation", 0, 0, "a3b6167473100ee06e0c796c2955552b", 16},
	{NULL, 0xaa, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 0, 0,
	 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
	{NULL, 0xaa, 131,
	 "This is a test using a larger than block-size key and a larger than block-size data."
	 " The key needs to be hashed before being used by the HMAC algorithm.", 0, 0,
	 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
};

Test(kat_hmac, rfc4231_cases_1_to_7)
{
	for (size_t i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
		const struct hmac_case *c = &rfc4231[i];
		uint8_t key[200], data[200], mac[32], want[32];
		size_t dlen;
		br_hmac_key_context kc;
		br_hmac_context hc;

		if (c->key_hex)
			cr_assert_eq(fx_hex(c->key_hex, key, sizeof(key)), c->key_len);
		else
			memset(key, c->key_fill, c->key_len);
		if (c->data) {
			dlen = strlen(c->data);
			memcpy(data, c->data, dlen);
		} else {
			dlen = c->data_len;
			memset(data, c->data_fill, dlen);
		}
		br_hmac_key_init(&kc, &br_sha256_vtable, key, c->key_len);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, data, dlen);
		br_hmac_out(&hc, mac);
		cr_assert_eq(fx_hex(c->mac, want, sizeof(want)), c->mac_len);
		cr_assert(rvx_proof_ct_equal(mac, want, c->mac_len), "RFC 4231 test case %zu", i + 1);
	}
}

/* RFC 6979 A.2.5: P-256 key U = xG and the deterministic SHA-256 signatures
 * of "sample" and "test". */
static const char *ux = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
static const char *uy = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
static const struct {
	const char *msg, *r, *s;
} rfc6979[] = {
	{"sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
	 "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"},
	{"test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
	 "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"},
};

static uint32_t vrfy(const uint8_t q[65], const uint8_t h[32], const uint8_t sig[64])
{
	uint8_t qq[65];
	br_ec_public_key pk = {BR_EC_secp256r1, qq, 65};

	memcpy(qq, q, 65);
	return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, h, 32, &pk, sig, 64);
}

Test(kat_ecdsa, rfc6979_p256_sha256)
{
	uint8_t q[65], h[32], sig[64];

	q[0] = 0x04;
	fx_hex(ux, q + 1, 32);
	fx_hex(uy, q + 33, 32);
	for (size_t i = 0; i < 2; i++) {
		sha256(rfc6979[i].msg, strlen(rfc6979[i].msg), h);
		fx_hex(rfc6979[i].r, sig, 32);
		fx_hex(rfc6979[i].s, sig + 32, 32);
		cr_assert_eq(vrfy(q, h, sig), 1, "published signature %zu verifies", i);
		/* modified: message, r, s, key */
		h[5] ^= 1;
		cr_assert_eq(vrfy(q, h, sig), 0);
		h[5] ^= 1;
		sig[31] ^= 0x80;
		cr_assert_eq(vrfy(q, h, sig), 0);
		sig[31] ^= 0x80;
		sig[63] ^= 1;
		cr_assert_eq(vrfy(q, h, sig), 0);
		sig[63] ^= 1;
		q[64] ^= 1; /* no longer on the curve */
		cr_assert_eq(vrfy(q, h, sig), 0);
		q[64] ^= 1;
		cr_assert_eq(vrfy(q, h, sig), 1);
	}
}

/* The same vectors cross-checked with the other implementations Debian's
 * BearSSL 0.6 ships, so the choice of m31 changes no answer. */
Test(kat_ecdsa, implementations_agree)
{
	const br_ec_impl *impls[] = {&br_ec_p256_m15, &br_ec_prime_i31, br_ec_get_default()};
	uint8_t q[65], h[32], sig[64];

	q[0] = 0x04;
	fx_hex(ux, q + 1, 32);
	fx_hex(uy, q + 33, 32);
	sha256("sample", 6, h);
	fx_hex(rfc6979[0].r, sig, 32);
	fx_hex(rfc6979[0].s, sig + 32, 32);
	for (size_t i = 0; i < 3; i++) {
		br_ec_public_key pk = {BR_EC_secp256r1, q, 65};
		cr_assert_eq(br_ecdsa_i31_vrfy_raw(impls[i], h, 32, &pk, sig, 64), 1);
		h[0] ^= 1;
		cr_assert_eq(br_ecdsa_i31_vrfy_raw(impls[i], h, 32, &pk, sig, 64), 0);
		h[0] ^= 1;
	}
}

Test(kat_proof, ct_equal)
{
	uint8_t a[40], b[40];

	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	cr_assert(rvx_proof_ct_equal(a, b, sizeof(a)));
	cr_assert(rvx_proof_ct_equal(a, b, 0));
	b[39] ^= 1;
	cr_assert_not(rvx_proof_ct_equal(a, b, sizeof(a)));
	cr_assert(rvx_proof_ct_equal(a, b, 39));
	b[0] ^= 0x80;
	cr_assert_not(rvx_proof_ct_equal(a, b, 39));
}

/* The mutation hash's byte layout is fixed: recompute it from the
 * documented encoding with BearSSL directly. */
Test(kat_proof, mutation_hash_layout)
{
	const uint8_t payload[3] = {0xde, 0xad, 0x01};
	struct rvx_proof_mutation m = {10, 0x0000000200000003ull, 0x1122334455667788ull, payload, 3};
	const uint8_t enc[] = {
		'r', 'u', 'v', 'i', 'x', '.', 'm', 'u', 't', 'a', 't', 'i', 'o', 'n', '.', 'v', '1',
		10, 0, 0, 0,
		3, 0, 0, 0, 2, 0, 0, 0,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		3, 0, 0, 0, 0, 0, 0, 0,
		0xde, 0xad, 0x01,
	};
	uint8_t got[32], want[32];

	cr_assert(rvx_proof_mutation_hash(&m, got) == 0);
	sha256(enc, sizeof(enc), want);
	cr_assert(memcmp(got, want, 32) == 0);
	/* Moving a byte from the payload into the length changes the hash. */
	m.len = 2;
	cr_assert(rvx_proof_mutation_hash(&m, got) == 0);
	cr_assert(memcmp(got, want, 32) != 0);
	/* Errors. */
	m.payload = NULL;
	cr_assert_eq(rvx_proof_mutation_hash(&m, got), -RVX_EINVAL);
	m.len = 0;
	cr_assert_eq(rvx_proof_mutation_hash(&m, got), 0);
	cr_assert_eq(rvx_proof_mutation_hash(NULL, got), -RVX_EINVAL);
	cr_assert_eq(rvx_proof_mutation_hash(&m, NULL), -RVX_EINVAL);
}

Test(kat_proof, merkle_layout)
{
	uint8_t h[32], leaf[32], node[32], buf[65], want[32];

	memset(h, 0x5a, 32);
	rvx_proof_merkle_leaf(h, leaf);
	buf[0] = 0;
	memcpy(buf + 1, h, 32);
	sha256(buf, 33, want);
	cr_assert(memcmp(leaf, want, 32) == 0);
	rvx_proof_merkle_node(leaf, h, node);
	buf[0] = 1;
	memcpy(buf + 1, leaf, 32);
	memcpy(buf + 33, h, 32);
	sha256(buf, 65, want);
	cr_assert(memcmp(node, want, 32) == 0);
}

/* The MAC input's byte layout is fixed: the short form (no batch flag) and
 * the long form (batch flag: the signed encoding) built by hand, and a
 * token MAC'd over the hand-built short form verifies. */
Test(kat_proof, mac_input_layout)
{
	struct rvx_proof_token t;
	uint8_t h[32], got[RVX_PROOF_SIGNED_SIZE], key[32];
	uint8_t want_short[52] = {
		1, 0, 2, 0,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
		0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
	};
	uint8_t want_long[102] = {
		'r', 'u', 'v', 'i', 'x', '.', 't', 'o', 'k', 'e', 'n', '.', 'v', '2',
		1, 0, 2, 1,
		8, 0, 0, 0,
		0x05, 0, 0, 0, 0x01, 0, 0, 0,
		0x03, 0, 0, 0, 0x02, 0, 0, 0,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
		0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
	};
	br_hmac_key_context kc;
	br_hmac_context hc;

	fx_setup();
	memset(&t, 0, sizeof(t));
	t.version = RVX_PROOF_VERSION;
	t.tier = RVX_PROOF_TIER_STANDARD;
	t.issuer = fx_issuer.id;
	t.target = fx_req.mutation.target;
	t.nonce = 0x0102030405060708ull;
	t.expiry_ns = 0x1112131415161718ull;
	cr_assert(rvx_proof_mutation_hash(&fx_req.mutation, h) == 0);
	memcpy(t.mutation_hash, h, 32);
	memcpy(want_short + 20, h, 32);
	cr_assert_eq(rvx_proof_mac_input(&t, &fx_issuer, h, got), 52);
	cr_assert(memcmp(got, want_short, 52) == 0);
	/* HMAC over the hand-built short form is the tag verify accepts. */
	cr_assert(rvx_proof_issuer_key(&fx_engine, &fx_issuer, key) == 0);
	br_hmac_key_init(&kc, &br_sha256_vtable, key, 32);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, want_short, sizeof(want_short));
	br_hmac_out(&hc, t.tag);
	fx_token = t;
	fx_expect_ok(RVX_PROOF_TIER_STANDARD);
	/* The batch form is the 102-byte signed encoding: the token's fields,
	 * the root, then the rest of the issuer identity (badge, object, epoch). */
	t.flags = RVX_PROOF_FLAG_BATCH;
	t.batch_count = 8;
	memcpy(want_long + 54, h, 32);
	for (int i = 0; i < 8; i++)
		want_long[86 + i] = (uint8_t)(fx_issuer.badge >> (8 * i));
	for (int i = 0; i < 4; i++) {
		want_long[94 + i] = (uint8_t)(fx_issuer.object >> (8 * i));
		want_long[98 + i] = (uint8_t)(fx_issuer.epoch >> (8 * i));
	}
	cr_assert_eq(rvx_proof_mac_input(&t, &fx_issuer, h, got), 102);
	cr_assert(memcmp(got, want_long, 102) == 0);
}
