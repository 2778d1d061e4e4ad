/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SHA-256 compression on the AArch64 SHA2 extension. The state lives
 * in two vectors, ABCD and EFGH; SHA256H and SHA256H2 do four rounds on
 * them with four message words plus constants, SHA256SU0 and SHA256SU1
 * extend the message schedule four words at a time. The four instructions
 * are written as inline assembly with the extension enabled for that
 * statement only, so the rest of the build keeps its flags and both clang
 * 14 and gcc 12 assemble them; the vector arithmetic around them is plain
 * Advanced SIMD (arm_neon.h). They run only after ID_AA64ISAR0_EL1 said
 * the CPU has them. No branch or memory index depends on the data.
 */
#if defined(__aarch64__)

#include <arm_neon.h>

#include "sha256_internal.h"

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

bool rvx_sha256_a64_present_(void)
{
	uint64_t isar0;

	/* Readable at EL1 and EL2; Linux and qemu-user emulate it at EL0. */
	__asm__ volatile("mrs %0, ID_AA64ISAR0_EL1" : "=r"(isar0));
	return ((isar0 >> 12) & 0xfu) >= 1u;
}

/* Four rounds: new ABCD from ABCD, EFGH and W+K. */
static inline uint32x4_t sha256h(uint32x4_t abcd, uint32x4_t efgh, uint32x4_t wk)
{
	__asm__(".arch_extension sha2\n\tsha256h %q0, %q1, %2.4s" : "+w"(abcd) : "w"(efgh), "w"(wk));
	return abcd;
}

/* Four rounds: new EFGH from EFGH, the ABCD before SHA256H and W+K. */
static inline uint32x4_t sha256h2(uint32x4_t efgh, uint32x4_t abcd, uint32x4_t wk)
{
	__asm__(".arch_extension sha2\n\tsha256h2 %q0, %q1, %2.4s" : "+w"(efgh) : "w"(abcd), "w"(wk));
	return efgh;
}

/* W[t-16..t-13] + s0(W[t-15..t-12]). */
static inline uint32x4_t sha256su0(uint32x4_t w0, uint32x4_t w1)
{
	__asm__(".arch_extension sha2\n\tsha256su0 %0.4s, %1.4s" : "+w"(w0) : "w"(w1));
	return w0;
}

/* Finish W[t..t+3]: add W[t-7..t-4] and s1 of the two newest words. */
static inline uint32x4_t sha256su1(uint32x4_t x, uint32x4_t w2, uint32x4_t w3)
{
	__asm__(".arch_extension sha2\n\tsha256su1 %0.4s, %1.4s, %2.4s" : "+w"(x) : "w"(w2), "w"(w3));
	return x;
}

/* Load four big-endian words. */
static inline uint32x4_t load_be(const uint8_t *p)
{
	return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

#define ROUNDS4(m, i)                                                                   \
	do {                                                                            \
		uint32x4_t wk_ = vaddq_u32((m), vld1q_u32(&k[4 * (i)]));                \
		uint32x4_t abcd_ = abcd;                                                \
		abcd = sha256h(abcd, efgh, wk_);                                        \
		efgh = sha256h2(efgh, abcd_, wk_);                                      \
	} while (0)

/* The next four schedule words into m0 (m0 oldest, m3 newest). */
#define SCHEDULE(m0, m1, m2, m3) (m0) = sha256su1(sha256su0((m0), (m1)), (m2), (m3))

void rvx_sha256_a64_blocks_(uint8_t state[32], const uint8_t *blocks, size_t count)
{
	uint32x4_t abcd = load_be(state);
	uint32x4_t efgh = load_be(state + 16);

	for (size_t b = 0; b < count; b++, blocks += 64) {
		uint32x4_t abcd0 = abcd, efgh0 = efgh;
		uint32x4_t m0 = load_be(blocks), m1 = load_be(blocks + 16);
		uint32x4_t m2 = load_be(blocks + 32), m3 = load_be(blocks + 48);

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
		abcd = vaddq_u32(abcd, abcd0);
		efgh = vaddq_u32(efgh, efgh0);
	}
	vst1q_u8(state, vrev32q_u8(vreinterpretq_u8_u32(abcd)));
	vst1q_u8(state + 16, vrev32q_u8(vreinterpretq_u8_u32(efgh)));
}

#else
/* Built for another architecture: ISO C wants a declaration here. */
typedef int rvx_sha256_a64_absent_;
#endif /* __aarch64__ */
