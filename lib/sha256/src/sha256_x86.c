/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SHA-256 compression on x86-64 SHA-NI. The state lives in two
 * registers as SHA256RNDS2 wants it, ABEF and CDGH (most significant word
 * first); each SHA256RNDS2 does two rounds, so four rounds are two of them
 * with the next four message words plus constants. SHA256MSG1 and
 * SHA256MSG2 extend the message schedule four words at a time. Only these
 * functions are compiled for SHA, SSSE3 and SSE4.1 (target attributes), so
 * the rest of the build keeps its flags; they run only after CPUID said
 * the CPU has them. No branch or memory index depends on the data.
 */
#if defined(__x86_64__)

#include <immintrin.h>

#include "sha256_internal.h"

#define SHA_TARGET __attribute__((target("sha,ssse3,sse4.1")))

/* The round constants of FIPS 180-4, section 4.2.2. */
static const uint32_t k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

bool rvx_sha256_x86_present_(void)
{
	uint32_t r[4];
	bool ssse3, sse41;

	cpuid(0, 0, r);
	if (r[0] < 7)
		return false;
	cpuid(1, 0, r);
	ssse3 = (r[2] >> 9) & 1u;
	sse41 = (r[2] >> 19) & 1u;
	cpuid(7, 0, r);
	return ssse3 && sse41 && ((r[1] >> 29) & 1u);
}

/* Four rounds with message words m (W[4i..4i+3]): the low two words plus
 * constants go to the first SHA256RNDS2, the high two to the second. After
 * the pair, abef and cdgh again hold ABEF and CDGH. */
#define ROUNDS4(m, i)                                                                   \
	do {                                                                            \
		__m128i wk_ = _mm_add_epi32((m), _mm_load_si128((const __m128i *)(const void *)&k[4 * (i)])); \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_);                          \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk_, 0x0e)); \
	} while (0)

/* The next four schedule words into m0 from the previous sixteen (m0 oldest,
 * m3 newest): W[t-16] + s0(W[t-15]) by MSG1, plus W[t-7] (the words between
 * m2 and m3), then s1(W[t-2]) added and chained by MSG2. */
#define SCHEDULE(m0, m1, m2, m3)                                                        \
	(m0) = _mm_sha256msg2_epu32(                                                    \
		_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), _mm_alignr_epi8((m3), (m2), 4)), \
		(m3))

SHA_TARGET
void rvx_sha256_x86_blocks_(uint8_t state[32], const uint8_t *blocks, size_t count)
{
	/* Byte-swap each 32-bit word: the state and message are big-endian. */
	const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
	__m128i abef, cdgh, t, m0, m1, m2, m3, abef0, cdgh0;

	/* Words A..D and E..H into ABEF and CDGH. */
	t = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)state), bswap);
	cdgh = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(state + 16)), bswap);
	t = _mm_shuffle_epi32(t, 0xb1);       /* C D A B, high to low */
	cdgh = _mm_shuffle_epi32(cdgh, 0x1b); /* E F G H */
	abef = _mm_alignr_epi8(t, cdgh, 8);   /* A B E F */
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0); /* C D G H */

	for (size_t b = 0; b < count; b++, blocks += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(blocks + 48)), bswap);
		ROUNDS4(m0, 0);
		ROUNDS4(m1, 1);
		ROUNDS4(m2, 2);
		ROUNDS4(m3, 3);
		for (unsigned i = 4; i < 16; i += 4) {
			SCHEDULE(m0, m1, m2, m3);
			ROUNDS4(m0, i);
			SCHEDULE(m1, m2, m3, m0);
			ROUNDS4(m1, i + 1);
			SCHEDULE(m2, m3, m0, m1);
			ROUNDS4(m2, i + 2);
			SCHEDULE(m3, m0, m1, m2);
			ROUNDS4(m3, i + 3);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	/* ABEF and CDGH back to A..D and E..H. */
	t = _mm_shuffle_epi32(abef, 0x1b);     /* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);  /* D C H G */
	abef = _mm_blend_epi16(t, cdgh, 0xf0); /* D C B A */
	cdgh = _mm_alignr_epi8(cdgh, t, 8);    /* H G F E */
	_mm_storeu_si128((__m128i *)(void *)state, _mm_shuffle_epi8(abef, bswap));
	_mm_storeu_si128((__m128i *)(void *)(state + 16), _mm_shuffle_epi8(cdgh, bswap));
}

#else
/* Built for another architecture: ISO C wants a declaration here. */
typedef int rvx_sha256_x86_absent_;
#endif /* __x86_64__ */
