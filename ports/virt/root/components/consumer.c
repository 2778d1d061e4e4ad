/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The root package's consumer: receives the work items (capability 0,
 * `work`, READ) until the producer's end message, and one report from each
 * worker (capabilities 1 and 2, `done0` and `done1`, READ).
 */
#include "pipeline.h"

/* 1 with a message, 0 with none, a negative error otherwise. */
static int recv(rvx_handle_t q, void *buf, uint64_t cap, struct rvx_queue_msg_hdr *hdr,
		uint64_t timeout)
{
	uint64_t len;
	int rc = rvx_sys_queue_recv(q, buf, cap, hdr, &len, timeout);

	if (rc == -RVX_EEMPTY || rc == -RVX_ETIMEDOUT)
		return 0;
	return rc == 0 ? 1 : rc;
}

void consumer_main(const struct rvx_user_start *s)
{
	rvx_handle_t q[3] = {{s->caps[0]}, {s->caps[1]}, {s->caps[2]}};
	uint32_t items = 0, reports = 0, fp_bad = 0, expected = 0, ended = 0, rounds = 0;
	int rc = 0;

	rvx_user_init(s);
	while ((!ended || items < expected || reports < 2u) && rounds < 20000u) {
		struct rvx_queue_msg_hdr hdr;
		uint8_t buf[64];

		rounds++;
		rc = recv(q[0], buf, sizeof(buf), &hdr, 1000000u);
		if (rc < 0)
			break;
		if (rc == 1 && hdr.type_id == PIPE_MSG_ITEM && buf[0] == items)
			items++;
		else if (rc == 1 && hdr.type_id == PIPE_MSG_END && hdr.length == 4u) {
			memcpy(&expected, buf, 4);
			ended = 1;
		}
		for (uint32_t i = 1; i < 3u; i++) {
			struct pipe_report rep;

			rc = recv(q[i], &rep, sizeof(rep), &hdr, RVX_USER_NO_WAIT);
			if (rc < 0)
				break;
			if (rc == 1 && hdr.type_id == PIPE_MSG_REPORT && hdr.length == sizeof(rep)) {
				reports++;
				fp_bad += rep.fp_ok != 1u;
			}
		}
		if (rc < 0)
			break;
		rc = 0;
	}
	rvx_user_a64_printf("RVX-TASK consumer task=%u cpu=%u items=%u reports=%u%s", s->task,
			    s->cpu, items, reports,
			    rc == 0 && ended && items == expected && reports == 2u && fp_bad == 0
				    ? ""
				    : " FAILED");
	if (rc != 0 || !ended || items != expected || reports != 2u || fp_bad != 0)
		rvx_user_a64_exit(6);
}
