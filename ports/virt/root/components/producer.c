/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root package's producer: reads `params` (the package's region 0,
 * mapped read-only at RVX_USER_IMAGE_REGION(0); capability 0, READ), sends
 * the items it asks for on its queue `work` (capability 1, WRITE), then an
 * end message with the count.
 */
#include "pipeline.h"

static int send(rvx_handle_t q, uint32_t type, const void *msg, uint64_t len)
{
	int rc;

	while ((rc = rvx_sys_queue_send(q, type, 0, 0, msg, len)) == -RVX_EFULL)
		rvx_user_a64_yield();
	return rc;
}

void producer_main(const struct rvx_user_start *s)
{
	rvx_handle_t work = {s->caps[1]};
	uint8_t msg[PIPE_ITEM_SIZE_MAX];
	uint32_t sent = 0, items, size;
	int rc = 0;

	rvx_user_init(s);
	items = pipe_param("items=");
	size = pipe_param("size=");
	if (items == 0 || items > PIPE_ITEMS_MAX || size == 0 || size > PIPE_ITEM_SIZE_MAX) {
		rvx_user_a64_printf("RVX-TASK producer: params malformed FAILED");
		rvx_user_a64_exit(6);
	}
	while (sent < items) {
		memset(msg, (int)('a' + sent % 26u), sizeof(msg));
		msg[0] = (uint8_t)sent;
		rc = send(work, PIPE_MSG_ITEM, msg, size);
		if (rc != 0)
			break;
		sent++;
	}
	if (rc == 0)
		rc = send(work, PIPE_MSG_END, &sent, sizeof(sent));
	rvx_user_a64_printf("RVX-TASK producer task=%u cpu=%u sent=%u%s", s->task, s->cpu, sent,
			    rc == 0 ? "" : " FAILED");
	if (rc != 0)
		rvx_user_a64_exit(6);
}
