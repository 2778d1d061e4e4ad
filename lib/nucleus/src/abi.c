/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall ABI's encodings an issuer needs as well as the kernel: kept in
 * their own object so that a component's prover (sdk/, libruvix-user-proof)
 * links the kernel's own encoding and nothing else of the nucleus.
 */
#include "ruvix/endian.h"
#include "ruvix/err.h"
#include "ruvix/nucleus_syscall.h"
#include "ruvix/vecgraph_vec.h"

long rvx_syscall_vector_put_payload(uint32_t coherence, const void *vec, uint32_t dim,
				    uint8_t *out, size_t cap)
{
	const uint8_t *in = vec;
	uint32_t i, w;

	if (vec == NULL || out == NULL || dim == 0 || dim > RVX_VEC_DIM_MAX)
		return -RVX_EINVAL;
	if (cap < RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(dim))
		return -RVX_EBUFSMALL;
	/* Each component is read whole before its own bytes are written, so
	 * the encoding may be made in place (out + 4 == vec). */
	for (i = 0; i < dim; i++) {
		memcpy(&w, in + 4u * i, 4);
		rvx_le_put32(out + 4u + 4u * i, w);
	}
	rvx_le_put32(out, coherence);
	return (long)RVX_SYSCALL_VECTOR_PUT_PAYLOAD_BYTES(dim);
}
