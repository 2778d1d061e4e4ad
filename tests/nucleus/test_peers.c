/* SPDX-License-Identifier: Apache-2.0 */
/* rvx_kernel_queue_peers(): who sent and who received on a queue in the
 * open epoch, with the epoch's counts; restarted at each epoch close; a
 * failed call names no one. */
#include "nk_fixture.h"

TestSuite(nucleus_peers, .init = nk_setup);

static struct rvx_syscall_args send_args(uint64_t cap, const void *p, size_t len)
{
	struct rvx_syscall_args a = nk_args(cap);

	a.in = (uint64_t)(uintptr_t)p;
	a.in_len = len;
	return a;
}

static struct rvx_syscall_args recv_args(uint64_t cap, void *buf, size_t len,
					 struct rvx_queue_msg_hdr *h)
{
	struct rvx_syscall_args a = nk_args(cap);

	a.out = (uint64_t)(uintptr_t)buf;
	a.out_len = len;
	a.aux = (uint64_t)(uintptr_t)h;
	a.aux_len = sizeof(*h);
	return a;
}

/* A child of the root holding the fixture queue (read and write); its
 * handle for it goes to *cap. */
static uint32_t child_with_queue(uint64_t *cap)
{
	uint32_t c = nk_spawn(NULL, 0, NULL);
	struct rvx_syscall_args g = nk_args(nk_queue.raw);

	g.arg[0] = c;
	g.arg[1] = RVX_RIGHT_READ | RVX_RIGHT_WRITE;
	NK_OK(0, RVX_SYS_CAP_GRANT, g);
	*cap = nk_res.value[0];
	return c;
}

/* The fixture queue's index: the one live queue naming its object. */
static uint32_t queue_index(void)
{
	struct rvx_kernel_queue_peers p;

	for (uint32_t i = 0; i < RVX_KERNEL_QUEUES; i++) {
		if (rvx_kernel_queue_peers(&W.k, i, &p) == 0 &&
		    p.object.raw == nk_target(0, nk_queue))
			return i;
	}
	cr_assert_fail("fixture queue not found");
	return 0;
}

Test(nucleus_peers, counts_sender_and_receiver)
{
	uint8_t msg[12] = "twelve bytes", buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_kernel_queue_peers p;
	uint64_t cq;
	uint32_t c = child_with_queue(&cq), qi = queue_index();
	struct rvx_syscall_args s = send_args(nk_queue.raw, msg, sizeof(msg));
	struct rvx_syscall_args r = recv_args(cq, buf, sizeof(buf), &h);

	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.object.raw, nk_target(0, nk_queue));
	cr_assert_eq(p.sender, RVX_CAP_NIL);
	cr_assert_eq(p.receiver, RVX_CAP_NIL);
	cr_assert_eq(p.sent_messages, 0);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(c, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, 0);
	cr_assert_eq(p.receiver, c);
	cr_assert_eq(p.senders_shared, 0);
	cr_assert_eq(p.receivers_shared, 0);
	cr_assert_eq(p.sent_messages, 2);
	cr_assert_eq(p.sent_bytes, 24);
	cr_assert_eq(p.received_messages, 1);
	cr_assert_eq(p.received_bytes, 12);
	/* the child sends too: the last sender is the child, and shared */
	s.cap = cq;
	NK_OK(c, RVX_SYS_QUEUE_SEND, s);
	r.cap = nk_queue.raw;
	NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, c);
	cr_assert_eq(p.receiver, 0);
	cr_assert_eq(p.senders_shared, 1);
	cr_assert_eq(p.receivers_shared, 1);
	cr_assert_eq(p.sent_messages, 3);
	cr_assert_eq(p.received_messages, 2);
}

Test(nucleus_peers, restart_at_epoch_close)
{
	uint8_t msg[4] = {1, 2, 3, 4}, buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_kernel_queue_peers p;
	struct rvx_kernel_queue_traffic tr;
	uint64_t cq;
	uint32_t c = child_with_queue(&cq), qi = queue_index();
	struct rvx_syscall_args s = send_args(nk_queue.raw, msg, sizeof(msg));
	struct rvx_syscall_args r = recv_args(cq, buf, sizeof(buf), &h);

	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(c, RVX_SYS_QUEUE_RECV, r);
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, RVX_CAP_NIL);
	cr_assert_eq(p.receiver, RVX_CAP_NIL);
	cr_assert_eq(p.senders_shared, 0);
	cr_assert_eq(p.sent_messages, 0);
	cr_assert_eq(p.received_bytes, 0);
	/* the totals since creation keep the closed epoch */
	cr_assert_eq(rvx_kernel_queue_traffic(&W.k, 0, nk_queue, &tr), 0);
	cr_assert_eq(tr.sent_messages, 1);
	cr_assert_eq(tr.received_messages, 1);
	/* a new epoch: the child sends alone, not shared with last epoch's root */
	s.cap = cq;
	NK_OK(c, RVX_SYS_QUEUE_SEND, s);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, c);
	cr_assert_eq(p.senders_shared, 0);
	cr_assert_eq(p.receiver, RVX_CAP_NIL);
	cr_assert_eq(p.sent_messages, 1);
}

Test(nucleus_peers, failed_calls_name_no_one)
{
	uint8_t msg[4] = {1, 2, 3, 4}, big[65] = {0}, buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_kernel_queue_peers p;
	uint64_t cq;
	uint32_t c = child_with_queue(&cq), qi = queue_index();
	struct rvx_syscall_args s = send_args(cq, big, sizeof(big));
	struct rvx_syscall_args r = recv_args(cq, buf, sizeof(buf), &h);

	/* too big, then an empty queue: nothing changes, no peer named */
	NK_FAIL(c, RVX_SYS_QUEUE_SEND, s, -RVX_EMSGSIZE);
	NK_FAIL(c, RVX_SYS_QUEUE_RECV, r, -RVX_EEMPTY);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, RVX_CAP_NIL);
	cr_assert_eq(p.receiver, RVX_CAP_NIL);
	/* a full queue refuses the fifth send and keeps the root as sender */
	s = send_args(nk_queue.raw, msg, sizeof(msg));
	for (int i = 0; i < 4; i++)
		NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	s.cap = cq;
	NK_FAIL(c, RVX_SYS_QUEUE_SEND, s, -RVX_EFULL);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, 0);
	cr_assert_eq(p.senders_shared, 0);
	cr_assert_eq(p.sent_messages, 4);
}

Test(nucleus_peers, bad_arguments)
{
	struct rvx_kernel_queue_peers p;
	uint32_t qi = queue_index();

	cr_assert_eq(rvx_kernel_queue_peers(NULL, qi, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, RVX_KERNEL_QUEUES, &p), -RVX_EINVAL);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi == 0 ? 1 : 0, &p), -RVX_ENOENT);
}

/* Each sender's share: runs of sends by different tasks are credited to
 * their senders (settled at a switch and when read), a sensor delivery is
 * no one's, and a fifth sender takes the slot of the one that sent the
 * fewest bytes. */
Test(nucleus_peers, senders_and_their_shares)
{
	uint8_t msg[12] = "twelve bytes", buf[64];
	struct rvx_queue_msg_hdr h, hdr;
	struct rvx_kernel_queue_peers p;
	const float sample[2] = {1.0f, 2.0f};
	uint64_t cq;
	uint32_t c = child_with_queue(&cq), qi = queue_index();
	struct rvx_syscall_args s = send_args(nk_queue.raw, msg, sizeof(msg));
	struct rvx_syscall_args sc = send_args(cq, msg, 5);
	struct rvx_syscall_args r = recv_args(cq, buf, sizeof(buf), &h);
	struct rvx_syscall_args a = nk_args(nk_sensor_cap.raw);

	a.cap2 = nk_queue.raw;
	NK_OK(0, RVX_SYS_SENSOR_SUBSCRIBE, a);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	NK_OK(c, RVX_SYS_QUEUE_SEND, sc);
	NK_OK(c, RVX_SYS_QUEUE_RECV, r);
	NK_OK(c, RVX_SYS_QUEUE_RECV, r);
	NK_OK(c, RVX_SYS_QUEUE_RECV, r);
	/* Read mid-run: the child's open run is settled in the answer. */
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender_count, 2);
	cr_assert_eq(p.senders[0].task, 0);
	cr_assert_eq(p.senders[0].messages, 2);
	cr_assert_eq(p.senders[0].bytes, 24);
	cr_assert_eq(p.senders[1].task, c);
	cr_assert_eq(p.senders[1].messages, 1);
	cr_assert_eq(p.senders[1].bytes, 5);
	/* A sensor delivery between two of the root's sends is no one's. */
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	memset(&hdr, 0, sizeof(hdr));
	hdr.length = sizeof(sample);
	cr_assert_eq(rvx_kernel_sensor_deliver(&W.k, nk_sensor, &hdr, sample), 1);
	NK_OK(0, RVX_SYS_QUEUE_SEND, s);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender, 0);
	cr_assert_eq(p.senders_shared, 1);
	cr_assert_eq(p.sent_messages, 6);
	cr_assert_eq(p.sent_bytes, 12 * 4 + 5 + sizeof(sample));
	cr_assert_eq(p.sender_count, 2);
	cr_assert_eq(p.senders[0].messages, 4);
	cr_assert_eq(p.senders[0].bytes, 48);
	cr_assert_eq(p.senders[1].bytes, 5);
	/* The epoch close forgets them. */
	cr_assert_eq(rvx_kernel_epoch_close(&W.k), 0);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender_count, 0);
	NK_OK(c, RVX_SYS_QUEUE_SEND, sc);
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender_count, 1);
	cr_assert_eq(p.senders[0].task, c);
	cr_assert_eq(p.senders[0].bytes, 5);
}

/* More senders than slots: the newcomer replaces the lightest sender. */
Test(nucleus_peers, fifth_sender_replaces_the_lightest)
{
	uint8_t msg[8] = {0}, buf[64];
	struct rvx_queue_msg_hdr h;
	struct rvx_kernel_queue_peers p;
	uint64_t cq[RVX_KERNEL_QUEUE_SENDERS + 1];
	uint32_t t[RVX_KERNEL_QUEUE_SENDERS + 1], qi = queue_index(), i;

	for (i = 0; i <= RVX_KERNEL_QUEUE_SENDERS; i++)
		t[i] = child_with_queue(&cq[i]);
	for (i = 0; i <= RVX_KERNEL_QUEUE_SENDERS; i++) {
		/* Sender i sends i + 1 bytes (the lightest: the first);
		 * the root drains the queue. */
		struct rvx_syscall_args s = send_args(cq[i], msg, i + 1);
		struct rvx_syscall_args r = recv_args(nk_queue.raw, buf, sizeof(buf), &h);

		NK_OK(t[i], RVX_SYS_QUEUE_SEND, s);
		NK_OK(0, RVX_SYS_QUEUE_RECV, r);
	}
	cr_assert_eq(rvx_kernel_queue_peers(&W.k, qi, &p), 0);
	cr_assert_eq(p.sender_count, RVX_KERNEL_QUEUE_SENDERS);
	cr_assert_eq(p.senders[0].task, t[RVX_KERNEL_QUEUE_SENDERS], "took the lightest's slot");
	cr_assert_eq(p.senders[0].bytes, RVX_KERNEL_QUEUE_SENDERS + 1);
	for (i = 1; i < RVX_KERNEL_QUEUE_SENDERS; i++) {
		cr_assert_eq(p.senders[i].task, t[i]);
		cr_assert_eq(p.senders[i].bytes, i + 1);
	}
	cr_assert_eq(p.sent_messages, RVX_KERNEL_QUEUE_SENDERS + 1);
}
