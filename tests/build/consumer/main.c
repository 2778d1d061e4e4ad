/* SPDX-License-Identifier: Apache-2.0 */
/* Uses only ruvix-cap: a root capability, a narrowed grant to another task,
 * a check, then revocation of the grant. Exits 0 only if each step behaves. */
#include <stdio.h>

#include <ruvix/cap.h>

RVX_CAP_SPACE_DEFINE(space, 2, 16, 8);

int main(void)
{
	rvx_handle_t obj, root, child;

	if (RVX_CAP_SPACE_INIT(space) != 0 ||
	    rvx_cap_object_create(&space, RVX_OBJ_QUEUE, 0, &obj) != 0 ||
	    rvx_cap_mint(&space, 0, obj, RVX_RIGHTS_ALL, 0, &root) != 0 ||
	    rvx_cap_derive(&space, 0, root, 1, RVX_RIGHT_READ, 7, &child) != 0)
		return 1;
	if (rvx_cap_check(&space, 1, child, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL) != 0)
		return 2;
	if (rvx_cap_check(&space, 1, child, RVX_OBJ_QUEUE, RVX_RIGHT_WRITE, NULL) != -RVX_ERIGHTS)
		return 3;
	if (rvx_cap_revoke(&space, 0, root) != 1)
		return 4;
	if (rvx_cap_check(&space, 1, child, RVX_OBJ_QUEUE, RVX_RIGHT_READ, NULL) != -RVX_ESTALE)
		return 5;
	puts("consumer: grant, check and revoke behave");
	return 0;
}
