/* SPDX-License-Identifier: Apache-2.0 */
/* Shared checks of lib/sha256 (sha256_check.h). */
#include "bearssl_hash.h"
#include "bearssl_hmac.h"

#include "sha256_check.h"

static size_t slen(const char *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

static uint8_t hexval(char c)
{
	return (uint8_t)(c <= '9' ? c - '0' : c - 'a' + 10);
}

static bool digest_is(const uint8_t d[32], const char *hex)
{
	for (unsigned i = 0; i < 32; i++)
		if (d[i] != (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1])))
			return false;
	return true;
}

/* Hash @p len bytes of @p m, @p reps times over, in pieces of @p piece. */
static void hash_pieces(const uint8_t *m, size_t len, uint32_t reps, size_t piece, uint8_t out[32])
{
	struct rvx_sha256 c;

	rvx_sha256_init(&c);
	for (uint32_t r = 0; r < reps; r++)
		for (size_t off = 0; off < len; off += piece)
			rvx_sha256_update(&c, m + off, len - off < piece ? len - off : piece);
	rvx_sha256_out(&c, out);
}

static uint8_t million[1000];

int shachk_kats(void)
{
	static const struct {
		const char *m;
		uint32_t reps;
		const char *hex;
	} kat[] = {
		{"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		 "klmnopqrlmnopqrsmnopqrstnopqrstu", 1,
		 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
		{NULL, 1000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	};
	static const size_t pieces[] = {1000, 1, 7, 64, 65};

	memset(million, 'a', sizeof(million));
	for (unsigned i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		const uint8_t *m = kat[i].m != NULL ? (const uint8_t *)kat[i].m : million;
		size_t len = kat[i].m != NULL ? slen(kat[i].m) : sizeof(million);

		for (unsigned p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
			uint8_t d[32];

			hash_pieces(m, len, kat[i].reps, pieces[p], d);
			if (!digest_is(d, kat[i].hex))
				return (int)i + 1;
		}
	}
	return 0;
}

int shachk_hmac_kats(void)
{
	static uint8_t key[131], data[54];
	static const char *const mac[] = {
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	};
	const char *text[] = {"Hi There", "what do ya want for nothing?",
			      "Test Using Larger Than Block-Size Key - Hash Key First"};
	size_t key_len[] = {20, 4, 131};

	for (unsigned i = 0; i < 3; i++) {
		br_hmac_key_context kc;
		br_hmac_context hc;
		uint8_t out[32];

		memset(key, i == 0 ? 0x0b : 0xaa, sizeof(key));
		if (i == 1)
			memcpy(key, "Jefe", 4);
		memcpy(data, text[i], slen(text[i]));
		br_hmac_key_init(&kc, &rvx_sha256_vtable, key, key_len[i]);
		br_hmac_init(&hc, &kc, 0);
		br_hmac_update(&hc, data, slen(text[i]));
		br_hmac_out(&hc, out);
		if (!digest_is(out, mac[i]))
			return (int)i + 1;
	}
	return 0;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint8_t msg[SHACHK_MAX_LEN];

/* The same message through BearSSL and through rvx_sha256 in pieces. */
static bool one(uint64_t *rng, size_t len)
{
	br_sha256_context ref;
	struct rvx_sha256 c;
	uint8_t want[32], got[32];
	size_t off = 0;

	br_sha256_init(&ref);
	br_sha256_update(&ref, msg, len);
	br_sha256_out(&ref, want);
	rvx_sha256_init(&c);
	while (off < len) {
		/* Pieces of 0..len bytes, often small, sometimes whole blocks. */
		uint64_t r = splitmix(rng);
		size_t n = (size_t)(r % (r & 0x100u ? len - off + 1u : 66u));

		if (n > len - off)
			n = len - off;
		rvx_sha256_update(&c, msg + off, n);
		off += n;
	}
	rvx_sha256_out(&c, got);
	if (memcmp(got, want, 32) != 0)
		return false;
	/* out() leaves the context usable: one more byte on both sides. */
	br_sha256_update(&ref, msg, len != 0 ? 1 : 0);
	rvx_sha256_update(&c, msg, len != 0 ? 1 : 0);
	br_sha256_out(&ref, want);
	rvx_sha256_out(&c, got);
	return memcmp(got, want, 32) == 0;
}

/* Save at a block boundary, resume elsewhere, against BearSSL's state. */
static bool resume(size_t len)
{
	size_t blocks = len / 64u;
	br_sha256_context ref;
	struct rvx_sha256 c;
	uint8_t want[32], got[32], st[32];
	uint64_t n;

	br_sha256_init(&ref);
	br_sha256_update(&ref, msg, blocks * 64u);
	(void)br_sha256_state(&ref, want);
	memcpy(st, "\x6a\x09\xe6\x67\xbb\x67\xae\x85\x3c\x6e\xf3\x72\xa5\x4f\xf5\x3a"
		   "\x51\x0e\x52\x7f\x9b\x05\x68\x8c\x1f\x83\xd9\xab\x5b\xe0\xcd\x19", 32);
	rvx_sha256_blocks(st, msg, blocks);
	if (memcmp(st, want, 32) != 0)
		return false;
	rvx_sha256_init(&c);
	rvx_sha256_update(&c, msg, blocks * 64u);
	n = rvx_sha256_state(&c, got);
	if (n != blocks * 64u || memcmp(got, want, 32) != 0)
		return false;
	/* Resume both at the saved point, finish with the rest. */
	memset(&c, 0xa5, sizeof(c));
	rvx_sha256_set_state(&c, st, n);
	rvx_sha256_update(&c, msg + n, len - (size_t)n);
	rvx_sha256_out(&c, got);
	br_sha256_set_state(&ref, want, n);
	br_sha256_update(&ref, msg + n, len - (size_t)n);
	br_sha256_out(&ref, want);
	return memcmp(got, want, 32) == 0;
}

/* HMAC with a random key, over both vtables. */
static bool hmac(uint64_t *rng, size_t len)
{
	static uint8_t key[100];
	size_t key_len = (size_t)(splitmix(rng) % sizeof(key));
	br_hmac_key_context kr, kc;
	br_hmac_context hr, hc;
	uint8_t want[32], got[32];

	for (size_t i = 0; i < key_len; i++)
		key[i] = (uint8_t)splitmix(rng);
	br_hmac_key_init(&kr, &br_sha256_vtable, key, key_len);
	br_hmac_key_init(&kc, &rvx_sha256_vtable, key, key_len);
	br_hmac_init(&hr, &kr, 0);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hr, msg, len);
	br_hmac_update(&hc, msg, len);
	br_hmac_out(&hr, want);
	br_hmac_out(&hc, got);
	return memcmp(got, want, 32) == 0;
}

uint64_t shachk_random(uint64_t seed, uint64_t count)
{
	uint64_t rng = seed;

	for (uint64_t i = 0; i < count; i++) {
		size_t len = (size_t)(i % (SHACHK_MAX_LEN + 1u));

		for (size_t j = 0; j < len; j += 8) {
			uint64_t r = splitmix(&rng);

			for (size_t b = j; b < len && b < j + 8u; b++, r >>= 8)
				msg[b] = (uint8_t)r;
		}
		if (!one(&rng, len) || (i % 8u == 0 && !resume(len)) ||
		    (i % 16u == 0 && !hmac(&rng, len)))
			return i + 1u;
	}
	return 0;
}
