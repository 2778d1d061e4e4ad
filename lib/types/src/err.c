/* SPDX-License-Identifier: Apache-2.0 */
#include "ruvix/err.h"

/* Indexed by code; a designated initialiser per entry keeps the table
 * correct if codes are ever reordered in the header. */
static const char *const err_names[RVX_ERR_COUNT] = {
	[RVX_OK] = "success",
	[RVX_EBADCAP] = "invalid capability",
	[RVX_ERIGHTS] = "insufficient rights",
	[RVX_EREVOKED] = "capability revoked",
	[RVX_EPROOF] = "proof rejected",
	[RVX_ENOMEM] = "out of memory",
	[RVX_EFULL] = "queue full",
	[RVX_EEMPTY] = "queue empty",
	[RVX_ETIMEDOUT] = "timed out",
	[RVX_EBADSIG] = "invalid signature",
	[RVX_EMANIFEST] = "invalid manifest",
	[RVX_ETYPE] = "wrong object type",
	[RVX_ELIMIT] = "limit exceeded",
	[RVX_EEXIST] = "already exists",
	[RVX_ENOENT] = "not found",
	[RVX_EPERM] = "not permitted",
	[RVX_ECOHERENCE] = "coherence violation",
	[RVX_EDEPTH] = "delegation depth exceeded",
	[RVX_ECANTGRANT] = "cannot grant",
	[RVX_ESTALE] = "stale handle",
	[RVX_ESLABFULL] = "slab full",
	[RVX_EREGIONFULL] = "region full",
	[RVX_EPOLICY] = "region policy violation",
	[RVX_EBUFSMALL] = "buffer too small",
	[RVX_EINVAL] = "invalid argument",
	[RVX_EMSGSIZE] = "message too large",
	[RVX_EBADDESC] = "invalid descriptor region",
	[RVX_ENOSYS] = "not implemented",
	[RVX_ENOTSUP] = "not supported",
	[RVX_EBUSY] = "busy",
};

const char *rvx_strerror(int err)
{
	/* Accept both signs; compute the magnitude without overflowing on
	 * INT_MIN. */
	unsigned int code = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	if (code >= RVX_ERR_COUNT || err_names[code] == NULL)
		return "unknown error";
	return err_names[code];
}
