/* SPDX-License-Identifier: Apache-2.0 */
/* QueueSend, QueueRecv (blocking through the scheduler), TimerWait and
 * SensorSubscribe with rvx_kernel_sensor_deliver(). */
#include "nk_fixture.h"

TestSuite(nucleus_ipc, .init = nk_setup);

static struct rvx_syscall_args send_args(const void *p, size_t len)
{
	struct rvx_syscall_args a = nk_args(nk_queue.raw);

	a.arg[0] = 9; /* type id */
	a.arg[1] = 2; /* priority */
	a.in = (uint64_t)(uintptr_t)p;
	a.in_len = len;
	return a;
}

static struct rvx_syscall_args recv_args(void *buf, size_t len, struct rvx_queue_msg_hdr *h)
{
	struct rvx_syscall_args a = nk_args(nk_queue.raw);

	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = len;
	a.aux = (uint64_t)(uintptr_t)h;
	a.aux_len = sizeof(*h);
	return a;
}

static uint32_t task_state(uint32_t t)
{
	struct rvx_task info;

	cr_assert_eq(rvx_sched_task_info(&W.k.sched, W.k.tasks[t].sched, &info), 0);
	return info.state;
}

Test(nucleus_ipc, send_recv_inline)
{
	uint8_t msg[8] = "8 bytes", buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	uint64_t before = nk_records();

	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.value[0], 8);
	cr_assert_eq(h.type_id, 9);
	cr_assert_eq(h.priority, 2);
	cr_assert(memcmp(buf, msg, 8) == 0);
	/* traffic is summarised per epoch, not a record per message */
	cr_assert_eq(nk_records(), before);
	cr_assert_eq(W.k.log.epoch_events, 2);
}

Test(nucleus_ipc, send_errors)
{
	uint8_t big[65] = {0}, msg[4] = {1, 2, 3, 4};
	struct rvx_syscall_args s = send_args(big, sizeof(big));
	int i;

	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EMSGSIZE);
	s = send_args(msg, sizeof(msg));
	s.arg[1] = RVX_QUEUE_PRIORITIES;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EINVAL);
	s.arg[1] = 0;
	s.flags = RVX_SYSCALL_F_BLOCK;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EINVAL);
	s.flags = 0;
	s.cap = nk_vstore.raw;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_ETYPE);
	s.cap = nk_queue.raw;
	for (i = 0; i < 4; i++)
		NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EFULL);
}

Test(nucleus_ipc, recv_errors)
{
	uint8_t msg[8] = "8 bytes", buf[4];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));

	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EEMPTY);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EBUFSMALL);
	r.aux_len = 8;
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EBUFSMALL);
	r.aux = 0;
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EINVAL);
	r = recv_args(buf, sizeof(buf), &h);
	r.flags = RVX_SYSCALL_F_BLOCK; /* timeout 0 only matters if empty */
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EBUFSMALL);
}

Test(nucleus_ipc, descriptor_send)
{
	static const uint8_t init[64] = "shared immutable bytes";
	struct rvx_syscall_args m = nk_args(nk_root.task.raw);
	struct rvx_region_desc d;
	struct rvx_queue_desc qd;
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args s, r;
	rvx_handle_t region;

	m.arg[0] = RVX_REGION_POLICY_IMMUTABLE;
	m.arg[1] = 64;
	m.in = (uint64_t)(uintptr_t)init;
	m.in_len = 64;
	NK_OK(0, RVX_SYS_REGION_MAP, m);
	region.raw = nk_res.value[0];
	memset(&d, 0, sizeof(d));
	d.region = region;
	d.offset = 8;
	d.length = 16;
	s = send_args(&d, sizeof(d));
	s.flags = RVX_SYSCALL_F_DESC;
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	r = recv_args(&qd, sizeof(qd), &h);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(h.flags, RVX_QUEUE_MSG_DESC);
	cr_assert_eq(qd.offset, 8);
	cr_assert_eq(qd.length, 16);
	cr_assert_eq(qd.region, nk_target(0, region));
	/* out of the region */
	d.offset = 60;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EBADDESC);
	/* a descriptor naming a non-region capability */
	d.offset = 0;
	d.region = nk_queue;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_ETYPE);
	/* a slab region cannot be named by a descriptor (lib/region says EBADDESC) */
	m.arg[0] = RVX_REGION_POLICY_SLAB;
	m.arg[2] = 16;
	m.in = 0;
	m.in_len = 0;
	NK_OK(0, RVX_SYS_REGION_MAP, m);
	d.region.raw = nk_res.value[0];
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EBADDESC);
	/* without READ on the region the descriptor is refused */
	{
		struct rvx_syscall_args g = nk_args(region.raw);

		g.arg[1] = RVX_RIGHT_WRITE;
		NK_OK(0, RVX_SYS_CAP_GRANT, g);
		d.region.raw = nk_res.value[0];
		NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_ERIGHTS);
	}
}

Test(nucleus_ipc, blocking_recv_woken_by_send)
{
	uint8_t msg[8] = "wake up", buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));

	r.flags = RVX_SYSCALL_F_BLOCK;
	r.arg[0] = 5000;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(task_state(0), RVX_TASK_BLOCKED);
	cr_assert_eq(rvx_timer_count(&W.k.timers), 1);
	/* a second blocking receive on the same queue (another task) is busy */
	{
		uint32_t c = nk_spawn(NULL, 0, NULL);
		struct rvx_syscall_args g = nk_args(nk_queue.raw);

		g.arg[0] = c;
		g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE;
		NK_OK(0, RVX_SYS_CAP_GRANT, g);
		r.cap = nk_res.value[0];
		NK_FAIL(c, RVX_SYS_QUEUE_RECV, r, -RVX_EBUSY);
		s.cap = r.cap;
		NK_OK(c, RVX_SYS_QUEUE_SEND, s);
	}
	cr_assert_eq(task_state(0), RVX_TASK_READY);
	cr_assert_eq(rvx_timer_count(&W.k.timers), 0);
	/* the port re-issues the receive */
	r.cap = nk_queue.raw;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_DONE);
	cr_assert(memcmp(buf, msg, 8) == 0);
}

Test(nucleus_ipc, blocking_recv_times_out)
{
	uint8_t buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);

	r.flags = RVX_SYSCALL_F_BLOCK;
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EINVAL); /* timeout 0 */
	r.arg[0] = 5000;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 4999), 0);
	cr_assert_eq(task_state(0), RVX_TASK_BLOCKED);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5000), 1);
	cr_assert_eq(task_state(0), RVX_TASK_READY);
	cr_assert_eq(nk_call(0, RVX_SYS_QUEUE_RECV, &r), -RVX_ETIMEDOUT);
	/* reported once: the next non-blocking call sees an empty queue */
	r.flags = 0;
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EEMPTY);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW), -RVX_EINVAL); /* time goes forward */
}

Test(nucleus_ipc, timer_wait)
{
	struct rvx_syscall_args a = nk_args(nk_root.clock.raw);

	a.arg[0] = NK_NOW - 1; /* absolute, in the past: done at once */
	NK_OK(0, RVX_SYS_TIMER_WAIT, a);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_DONE);
	a.flags = RVX_SYSCALL_F_RELATIVE;
	a.arg[0] = 100;
	NK_OK(0, RVX_SYS_TIMER_WAIT, a);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(nk_res.value[1], NK_NOW + 100);
	cr_assert_eq(task_state(0), RVX_TASK_BLOCKED);
	/* a blocked task cannot wait again */
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EBUSY);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 100), 1);
	cr_assert_eq(task_state(0), RVX_TASK_READY);
	a.arg[0] = UINT64_MAX;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);
	a.flags = 0x1000;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_EINVAL);
	a.flags = 0;
	a.cap = nk_queue.raw;
	NK_FAIL(0, RVX_SYS_TIMER_WAIT, a, -RVX_ETYPE);
}

Test(nucleus_ipc, sensor_subscribe_and_deliver)
{
	struct rvx_syscall_args a = nk_args(nk_sensor_cap.raw);
	struct rvx_queue_msg_hdr ev, h;
	uint8_t payload[12] = "temperature", buf[64];
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	uint64_t before = nk_records();

	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(nk_last_kind(), RVX_WITNESS_SUBSCRIBE);
	NK_FAIL(0, RVX_SYS_SENSOR_SUBSCRIBE, a, -RVX_EEXIST);
	memset(&ev, 0, sizeof(ev));
	ev.length = sizeof(payload);
	ev.priority = 1;
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &ev, payload), 1);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(h.type_id, 77);
	cr_assert(memcmp(buf, payload, sizeof(payload)) == 0);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, 5, &ev, payload), -RVX_EINVAL);
	ev.flags = 1;
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &ev, payload), -RVX_EINVAL);
	a.cap2 = nk_vstore.raw;
	NK_FAIL(0, RVX_SYS_SENSOR_SUBSCRIBE, a, -RVX_ETYPE);
	a.cap = nk_queue.raw;
	NK_FAIL(0, RVX_SYS_SENSOR_SUBSCRIBE, a, -RVX_ETYPE);
}

Test(nucleus_ipc, sensor_wakes_blocked_receiver)
{
	struct rvx_syscall_args a = nk_args(nk_sensor_cap.raw);
	struct rvx_queue_msg_hdr ev, h;
	uint8_t buf[64];
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);

	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	r.flags = RVX_SYSCALL_F_BLOCK;
	r.arg[0] = 1000;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(task_state(0), RVX_TASK_BLOCKED);
	memset(&ev, 0, sizeof(ev));
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &ev, NULL), 1);
	cr_assert_eq(task_state(0), RVX_TASK_READY);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(h.type_id, 77);
}
