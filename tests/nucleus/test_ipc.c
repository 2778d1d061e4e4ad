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
	cr_assert_eq(W.k.queues[0].epoch_msgs[0], 1);
	cr_assert_eq(W.k.queues[0].epoch_msgs[1], 1);
	cr_assert_eq(W.k.queues[0].epoch_bytes[1], 8);
}

/* Every payload length through the dispatcher, at level 0 (the fast path)
 * and at a higher level (the scan of the levels), short (copied inline) and
 * long (copied by a call): the bytes, the header, the result and the
 * traffic counters; and the zero-length message with no buffers at all. */
Test(nucleus_ipc, send_recv_every_length_and_level)
{
	uint8_t msg[64], buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args s, r;
	uint64_t bytes = 0, msgs = 0;

	for (uint32_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 37u + 11u);
	for (uint32_t level = 0; level < 2; level++) {
		for (uint32_t len = 0; len <= sizeof(msg); len++) {
			s = send_args(msg + (sizeof(msg) - len), len);
			s.arg[0] = 1000u + len;
			s.arg[1] = level;
			s.arg[2] = 77u + len;
			NK_OK(0, RVX_SYS_QUEUE_SEND, s);
			cr_assert_eq(nk_res.value[0], len);
			memset(buf, 0xee, sizeof(buf));
			memset(&h, 0xee, sizeof(h));
			r = recv_args(buf, sizeof(buf), &h);
			NK_OK(0, RVX_SYS_QUEUE_RECV, r);
			cr_assert_eq(nk_res.status, RVX_SYSCALL_DONE);
			cr_assert_eq(nk_res.value[0], len, "level %u length %u", level, len);
			cr_assert_eq(nk_res.value[1], 0);
			cr_assert_eq(h.type_id, 1000u + len);
			cr_assert_eq(h.length, len);
			cr_assert_eq(h.priority, level);
			cr_assert_eq(h.flags, 0);
			cr_assert_eq(h.reserved, 0);
			cr_assert_eq(h.coherence, 77u + len);
			for (uint32_t i = 0; i < RVX_QUEUE_WITNESS_BYTES; i++)
				cr_assert_eq(h.witness[i], 0);
			cr_assert(memcmp(buf, msg + (sizeof(msg) - len), len) == 0,
				  "level %u length %u", level, len);
			for (uint32_t i = len; i < sizeof(buf); i++)
				cr_assert_eq(buf[i], 0xee, "byte %u past length %u written", i, len);
			msgs++;
			bytes += len;
		}
	}
	cr_assert_eq(W.k.queues[0].epoch_msgs[0], msgs);
	cr_assert_eq(W.k.queues[0].epoch_msgs[1], msgs);
	cr_assert_eq(W.k.queues[0].epoch_bytes[0], bytes);
	cr_assert_eq(W.k.queues[0].epoch_bytes[1], bytes);
	/* an empty message needs no buffer on either side */
	s = send_args(NULL, 0);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	r = recv_args(NULL, 0, &h);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.value[0], 0);
	/* a message longer than the buffer stays queued, nothing written */
	s = send_args(msg, 17);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	memset(buf, 0xee, sizeof(buf));
	r = recv_args(buf, 16, &h);
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EBUFSMALL);
	for (uint32_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0xee);
	r = recv_args(NULL, 0, &h);
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EBUFSMALL);
	r = recv_args(buf, 17, &h);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert(memcmp(buf, msg, 17) == 0);
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
	/* the re-issued call reports the timeout as an outcome, no message */
	memset(buf, 0xee, sizeof(buf));
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_TIMED_OUT);
	cr_assert_eq(buf[0], 0xee);
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

/* The summary payload the kernel must have hashed for one queue's epoch. */
static void expected_summary(uint64_t epoch, uint64_t queue, uint32_t sent, uint32_t sbytes,
			     uint32_t recvd, uint32_t rbytes,
			     uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE])
{
	static uint8_t ring_mem[4 * 64];
	struct rvx_witness_ring ring;
	struct rvx_witness_sink sink;
	struct rvx_witness_log log;

	cr_assert_eq(rvx_witness_ring_init(&ring, ring_mem, 4, true), 0);
	sink = rvx_witness_ring_sink(&ring);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	rvx_witness_epoch_begin(&log, epoch);
	rvx_witness_note_traffic(&log, RVX_WITNESS_QUEUE_SEND, sent, queue, sbytes);
	rvx_witness_note_traffic(&log, RVX_WITNESS_QUEUE_RECV, recvd, queue, rbytes);
	cr_assert_eq(rvx_witness_epoch_close(&log, NULL, 0, want), 0);
}

/* The last journal entry is the summary @p want (then its journal tag), and
 * the last record's args digest covers exactly that entry. */
static bool summary_is(const uint8_t want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE])
{
	struct rvx_witness_entry e, last;
	uint8_t digest[RVX_WITNESS_DIGEST_SIZE];
	size_t cursor = 0;

	memset(&last, 0, sizeof(last));
	while (rvx_witness_journal_next(&W.k.journal, &cursor, &e) == 0)
		last = e;
	if (last.record.kind != RVX_WITNESS_EPOCH_SUMMARY ||
	    last.args_len != RVX_WITNESS_EPOCH_PAYLOAD_SIZE + RVX_KERNEL_JOURNAL_TAG_BYTES ||
	    memcmp(last.args, want, RVX_WITNESS_EPOCH_PAYLOAD_SIZE) != 0)
		return false;
	rvx_witness_args_digest(last.args, last.args_len, digest);
	return memcmp(digest, last.record.args_digest, sizeof(digest)) == 0;
}

static struct rvx_witness_record last_record(void)
{
	struct rvx_witness_record rec;

	rvx_witness_record_decode(rvx_witness_ring_at(&W.k.ring, W.k.ring.count - 1u), &rec);
	return rec;
}

Test(nucleus_ipc, traffic_is_counted_and_summarised_per_epoch)
{
	uint8_t msg[24] = "twenty-four byte message", buf[64], want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	struct rvx_witness_record rec;
	uint64_t before = nk_records();

	/* traffic writes no record */
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_records(), before);
	/* a failed send is not counted */
	s.in_len = 100;
	NK_FAIL(0, RVX_SYS_QUEUE_SEND, s, -RVX_EMSGSIZE);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(nk_records(), before + 1);
	rec = last_record();
	cr_assert_eq(rec.kind, RVX_WITNESS_EPOCH_SUMMARY);
	cr_assert_eq(rec.actor, 0);  /* epoch 0 */
	cr_assert_eq(rec.target, 2); /* two descriptors: one queue's sends and receives */
	expected_summary(0, nk_target(0, nk_queue), 2, 48, 1, 24, want);
	cr_assert(summary_is(want), "summary differs");
	/* the next epoch starts empty: its summary counts only new traffic */
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	rec = last_record();
	cr_assert_eq(rec.actor, 1);
	expected_summary(1, nk_target(0, nk_queue), 0, 0, 1, 24, want);
	cr_assert(summary_is(want), "second summary differs");
}

Test(nucleus_ipc, a_failed_epoch_close_changes_nothing)
{
	uint8_t msg[8] = "8 bytes!";
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));
	size_t cap = W.k.journal.capacity;

	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	/* before: the journal has no room for the summary */
	W.k.journal.capacity = W.k.journal.used + 16;
	nk_snap();
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), -RVX_EFULL);
	/* after: the log, the counters and everything else are as they were */
	cr_assert(nk_unchanged());
	W.k.journal.capacity = cap;
	nk_snap();
	cr_assert_eq(rvx_kernel_epoch_close(NULL), -RVX_EINVAL);
	cr_assert(nk_unchanged());
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(last_record().target, 2);
}

Test(nucleus_ipc, sensor_deliveries_count_as_sends)
{
	uint8_t ev[16] = "sensor reading!", want[RVX_WITNESS_EPOCH_PAYLOAD_SIZE];
	struct rvx_queue_msg_hdr hdr;
	struct rvx_syscall_args a = nk_args(nk_sensor_cap.raw);

	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(ev);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, ev), 1);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	expected_summary(0, nk_target(0, nk_queue), 1, 16, 0, 0, want);
	cr_assert(summary_is(want));
}

Test(nucleus_ipc, tick_closes_epochs_with_traffic)
{
	uint8_t msg[8] = "8 bytes!", buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args s = send_args(msg, sizeof(msg));
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	uint64_t before;

	W.k.epoch_ns = 1000;
	before = nk_records();
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5000), 0); /* no traffic: no record */
	cr_assert_eq(nk_records(), before);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5999), 0); /* epoch not over */
	cr_assert_eq(nk_records(), before);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 6000), 0);
	cr_assert_eq(nk_records(), before + 1);
	cr_assert_eq(last_record().kind, RVX_WITNESS_EPOCH_SUMMARY);
	cr_assert_eq(last_record().time, NK_NOW + 6000);
}

Test(nucleus_ipc, a_revoked_capability_stops_its_subscription_at_once)
{
	uint8_t ev[8] = "reading", buf[16];
	struct rvx_queue_msg_hdr hdr, h;
	struct rvx_syscall_args a = nk_args(nk_queue.raw);
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	struct rvx_kernel_stats st;
	rvx_handle_t copy;

	/* a derived copy of the queue capability, held by the root itself */
	a.arg[0] = 0;
	a.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	copy.raw = nk_res.value[0];
	a = nk_args(nk_sensor_cap.raw);
	a.cap2 = copy.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(ev);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, ev), 1);
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	/* revoke what was derived from the queue capability: the copy dies */
	a = nk_args(nk_queue.raw);
	a.flags = RVX_SYSCALL_F_REVOKE;
	NK_OK(0, RVX_SYS_CAP_GRANT, a);
	/* after: the next event is not delivered, and the subscription is gone */
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, ev), 0);
	NK_FAIL(0, RVX_SYS_QUEUE_RECV, r, -RVX_EEMPTY);
	cr_assert_eq(rvx_kernel_stats(&W.k, &st), 0);
	cr_assert_eq(st.subs, 0);
	/* the same pair may be subscribed again with a live capability */
	a = nk_args(nk_sensor_cap.raw);
	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, ev), 1);
}

/* rvx_kernel_next_timer(): the deadline of a blocking receive's timeout,
 * none once it fired; bad arguments refused. */
Test(nucleus_ipc, next_timer_is_the_receive_timeout)
{
	uint8_t buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_syscall_args r = recv_args(buf, sizeof(buf), &h);
	uint64_t due = 7;

	cr_assert_eq(rvx_kernel_next_timer(&W.k, &due), -RVX_EEMPTY);
	cr_assert_eq(due, 7);
	cr_assert_eq(rvx_kernel_next_timer(NULL, &due), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_next_timer(&W.k, NULL), -RVX_EINVAL);
	r.flags = RVX_SYSCALL_F_BLOCK;
	r.arg[0] = 5000;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(nk_res.status, RVX_SYSCALL_BLOCKED);
	cr_assert_eq(rvx_kernel_next_timer(&W.k, &due), 0);
	cr_assert_eq(due, NK_NOW + 5000);
	cr_assert_eq(rvx_kernel_tick(&W.k, NK_NOW + 5000), 1);
	cr_assert_eq(rvx_kernel_next_timer(&W.k, &due), -RVX_EEMPTY);
}
