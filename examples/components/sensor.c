/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sensor component: subscribes a kernel sensor (the host's periodic
 * source on the hosted port, a timer on target) to its `ticks` queue, and
 * on each tick produces one reading from the fixed seed and sends it to
 * perception. The readings depend on the seed and their index only, never
 * on the tick's contents or timing, so every run sends the same readings.
 *
 * Capabilities (wire order): 0 the sensor, 1 `ticks` (read, write),
 * 2 `readings` (write), 3 the clock.
 */
#include "pipeline.h"

static uint32_t xorshift(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Reading i: three slowly drifting scenes with noise, all exact values. */
static void reading(uint32_t i, struct pipe_reading *r)
{
	uint32_t x = PIPE_SEED ^ (i * UINT32_C(2654435761)), scene = i % 3u;

	r->index = i;
	r->reserved = 0;
	for (uint32_t d = 0; d < PIPE_DIM; d++) {
		x = xorshift(x);
		r->v[d] = (float)((scene * 3u + d) % 7u) + (float)(x % 64u) / 256.0f;
	}
}

void rvx_component_main(const struct rvx_user_start *s)
{
	rvx_handle_t sensor = pipe_cap(s, 0), ticks = pipe_cap(s, 1), out = pipe_cap(s, 2);
	rvx_handle_t clock = pipe_cap(s, 3);
	uint32_t sub, sent = 0, waits = 0;

	rvx_user_init(s);
	if (rvx_sys_sensor_subscribe(sensor, ticks, &sub) != 0)
		return;
	while (sent < PIPE_READINGS && waits < 1000u) {
		uint8_t ev[32];
		uint64_t len;
		struct pipe_reading r;
		int rc;

		rc = rvx_sys_queue_recv(ticks, ev, sizeof(ev), NULL, &len, 50u * 1000000u);
		if (rc == -RVX_ETIMEDOUT) {
			waits++;
			continue;
		}
		if (rc != 0)
			break;
		reading(sent, &r);
		if (rvx_sys_queue_send(out, PIPE_MSG_READING, 0, RVX_VEC_COHERENCE_ONE, &r,
				       sizeof(r)) != 0) {
			/* perception is behind: give it a moment, try the same reading again */
			(void)rvx_sys_timer_sleep(clock, 200000u);
			continue;
		}
		sent++;
		/* pace the pipeline a little */
		(void)rvx_sys_timer_sleep(clock, 50000u);
	}
	(void)rvx_sys_queue_send(out, PIPE_MSG_END, 0, 0, &sent, sizeof(sent));
}
