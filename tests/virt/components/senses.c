/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image's timer sensor, from a component: subscribes its queue to the
 * sensor and receives events the timer tick delivers (the counter and a
 * sequence number each). Capabilities: 0 the sensor "timer" (READ),
 * 1 queue `readings` (READ, WRITE).
 */
#include "ruvix/queue.h"
#include "ruvix/user.h"
#include "ruvix/user_a64.h"

struct event {
	uint64_t counter;
	uint64_t seq;
};

void senses_main(const struct rvx_user_start *s)
{
	rvx_handle_t sensor = {s->caps[0]}, q = {s->caps[1]};
	struct rvx_queue_msg_hdr hdr;
	struct event ev, first = {0, 0};
	uint32_t sub = 0, got = 0, rising = 1;
	uint64_t len;
	int rc = rvx_sys_sensor_subscribe(sensor, q, &sub);

	rvx_user_init(s);
	while (rc == 0 && got < 5u) {
		rc = rvx_sys_queue_recv(q, &ev, sizeof(ev), &hdr, &len, 1000000000u);
		if (rc != 0 || len != sizeof(ev))
			break;
		if (got == 0)
			first = ev;
		else
			rising &= ev.counter > first.counter && ev.seq > first.seq;
		got++;
	}
	rvx_user_a64_printf("RVX-SENSE subscribed (%d); %u timer events, type 0x%x, counters %s",
			    rc, got, hdr.type_id, got == 5u && rising ? "rising" : "FAILED");
	if (got != 5u || !rising)
		rvx_user_a64_exit(6);
}
