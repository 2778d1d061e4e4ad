/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix/net.h, call by call: the success case of each public function, one
 * case per documented error with the interface checked byte for byte
 * unchanged after each refusal, ARP timeouts on a virtual clock, and the
 * exact bytes of the replies and datagrams sent.
 */
#include "net_test.h"

static struct harness H;

/* A frame builder for the few frames these tests make themselves. */
static size_t arp_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t op,
			uint32_t sip, uint32_t tip)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0, f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = (uint8_t)op;
	memcpy(f + 22, src, 6);
	for (int i = 0; i < 4; i++) {
		f[28 + i] = (uint8_t)(sip >> (24 - 8 * i));
		f[38 + i] = (uint8_t)(tip >> (24 - 8 * i));
	}
	memset(f + 32, 0, 6);
	return 42;
}

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

Test(net_checksum, rfc1071_example)
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
	const uint8_t w[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t with[10];

	cr_assert_eq(rvx_net_checksum(w, 8, 0), (uint16_t)~0xddf2u);
	memcpy(with, w, 8);
	with[8] = 0x22, with[9] = 0x0d;
	cr_assert_eq(rvx_net_checksum(with, 10, 0), 0, "data with its checksum sums to 0");
	cr_assert_eq(rvx_net_checksum(w, 7, 0), rvx_net_checksum((uint8_t[8]){0x00, 0x01, 0xf2,
			0x03, 0xf4, 0xf5, 0xf6, 0x00}, 8, 0), "odd length pads a zero");
	cr_assert_eq(rvx_net_checksum(NULL, 0, 0x1234), (uint16_t)~0x1234u);
}

Test(net_drop_name, every_reason_named)
{
	for (int i = 0; i < RVX_NET_DROP_COUNT; i++) {
		cr_assert_not_null(rvx_net_drop_name((enum rvx_net_drop)i));
		cr_assert_str_neq(rvx_net_drop_name((enum rvx_net_drop)i), "unknown");
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(rvx_net_drop_name((enum rvx_net_drop)i),
					  rvx_net_drop_name((enum rvx_net_drop)j));
	}
	cr_assert_str_eq(rvx_net_drop_name(RVX_NET_DROP_COUNT), "unknown");
}

Test(net_if_init, success_and_errors_change_nothing)
{
	struct rvx_net_if_config c, bad;
	struct rvx_net_if nif, copy;

	memset(&H, 0, sizeof(H));
	c = harness_config(&H);
	memset(&nif, 0xa5, sizeof(nif));
	copy = nif;
	cr_assert_eq(rvx_net_if_init(NULL, &c), -RVX_EINVAL);
	cr_assert_eq(rvx_net_if_init(&nif, NULL), -RVX_EINVAL);
#define REFUSE(field, value, err)                                              \
	do {                                                                   \
		bad = c;                                                       \
		bad.field = value;                                             \
		cr_assert_eq(rvx_net_if_init(&nif, &bad), err, #field);        \
		cr_assert_eq(memcmp(&nif, &copy, sizeof(nif)), 0, #field);     \
	} while (0)
	REFUSE(tx, NULL, -RVX_EINVAL);
	REFUSE(tx_buf, NULL, -RVX_EINVAL);
	REFUSE(arp, NULL, -RVX_EINVAL);
	REFUSE(udp, NULL, -RVX_EINVAL);
	REFUSE(arp_count, 0, -RVX_EINVAL);
	REFUSE(udp_count, 0, -RVX_EINVAL);
	REFUSE(arp_timeout, 0, -RVX_EINVAL);
	REFUSE(arp_retry, 0, -RVX_EINVAL);
	REFUSE(tx_buf_size, RVX_NET_TX_BUF_MIN - 1, -RVX_EBUFSMALL);
	REFUSE(mac[0], 0x01, -RVX_EINVAL); /* multicast */
	bad = c;
	memset(bad.mac, 0, 6);
	cr_assert_eq(rvx_net_if_init(&nif, &bad), -RVX_EINVAL, "zero MAC");
	memset(bad.mac, 0xff, 6);
	cr_assert_eq(rvx_net_if_init(&nif, &bad), -RVX_EINVAL, "broadcast MAC");
	cr_assert_eq(memcmp(&nif, &copy, sizeof(nif)), 0);
#undef REFUSE

	memset(H.arp, 0x5a, sizeof(H.arp));
	cr_assert_eq(rvx_net_if_init(&nif, &c), 0);
	cr_assert_eq(nif.ip, 0);
	cr_assert_eq(nif.ttl, 64);
	for (unsigned i = 0; i < ARP_SLOTS; i++)
		cr_assert_eq(H.arp[i].state, 0, "cache zeroed");
	cr_assert_eq(H.tx.count, 0, "nothing sent before an address is set");
}

Test(net_if_set_addr, gratuitous_arp_and_refusals)
{
	struct rvx_net_if_config c;
	struct rvx_net_if copy;
	const uint8_t *f;

	memset(&H, 0, sizeof(H));
	c = harness_config(&H);
	cr_assert_eq(rvx_net_if_init(&H.nif, &c), 0);
	copy = H.nif;
	cr_assert_eq(rvx_net_if_set_addr(NULL, US_IP, MASK24, 0, 0), -RVX_EINVAL);
	const uint32_t bad[][3] = {
		{RVX_NET_IP4(224, 0, 0, 1), MASK24, 0},                  /* multicast */
		{RVX_NET_IP4(127, 0, 0, 1), MASK24, 0},                  /* loopback */
		{RVX_NET_IP4(255, 255, 255, 255), MASK24, 0},            /* broadcast */
		{RVX_NET_IP4(240, 0, 0, 1), MASK24, 0},                  /* class E */
		{RVX_NET_IP4(10, 0, 2, 0), MASK24, 0},                   /* network */
		{RVX_NET_IP4(10, 0, 2, 255), MASK24, 0},                 /* subnet broadcast */
		{US_IP, RVX_NET_IP4(255, 0, 255, 0), 0},                 /* not contiguous */
		{US_IP, RVX_NET_IP4(255, 255, 255, 254), 0},             /* /31 */
		{US_IP, 0, 0},                                           /* /0 */
		{US_IP, MASK24, RVX_NET_IP4(10, 0, 3, 1)},               /* gateway off subnet */
		{US_IP, MASK24, US_IP},                                  /* gateway is us */
		{US_IP, MASK24, RVX_NET_IP4(10, 0, 2, 255)},             /* gateway broadcast */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(rvx_net_if_set_addr(&H.nif, bad[i][0], bad[i][1], bad[i][2], 0),
			     -RVX_EINVAL, "case %u", i);
		cr_assert_eq(memcmp(&H.nif, &copy, sizeof(copy)), 0, "case %u", i);
	}
	cr_assert_eq(H.tx.count, 0);

	cr_assert_eq(rvx_net_if_set_addr(&H.nif, US_IP, MASK24, PEER_IP, 5), 0);
	cr_assert_eq(H.nif.ip, US_IP);
	cr_assert_eq(H.tx.count, 1);
	cr_assert_eq(H.nif.stats.tx_arp_request, 1);
	f = H.tx.frame[0];
	cr_assert_eq(H.tx.len[0], 42);
	cr_assert_eq(memcmp(f, bcast, 6), 0);
	cr_assert_eq(memcmp(f + 6, us_mac, 6), 0);
	cr_assert_eq(be16(f + 12), 0x0806);
	cr_assert_eq(be16(f + 20), 1, "a request");
	cr_assert_eq(memcmp(f + 22, us_mac, 6), 0);
	cr_assert_eq(be32(f + 28), US_IP, "sender is the new address");
	cr_assert_eq(be32(f + 38), US_IP, "and so is the target: gratuitous");
	for (int i = 32; i < 38; i++)
		cr_assert_eq(f[i], 0);

	/* 0 unconfigures; a later IPv4 frame is dropped for want of an address. */
	cr_assert_eq(rvx_net_if_set_addr(&H.nif, 0, 0, 0, 6), 0);
	cr_assert_eq(H.nif.ip, 0);
	cr_assert_eq(H.tx.count, 1, "no announcement for no address");
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 1, 2, "x", 1, 7), -RVX_ENOTSUP);
}

Test(net_arp, request_answered_and_sender_learned)
{
	uint8_t f[60] = {0}, mac[6];
	const uint8_t *r;

	harness_up(&H);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 1, mac), -RVX_ENOENT);
	arp_frame(f, bcast, peer_mac, 1, PEER_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_NONE);
	cr_assert_eq(H.tx.count, 1);
	r = H.tx.frame[0];
	cr_assert_eq(memcmp(r, peer_mac, 6), 0, "unicast to the asker");
	cr_assert_eq(be16(r + 20), 2, "a reply");
	cr_assert_eq(memcmp(r + 22, us_mac, 6), 0);
	cr_assert_eq(be32(r + 28), US_IP);
	cr_assert_eq(memcmp(r + 32, peer_mac, 6), 0);
	cr_assert_eq(be32(r + 38), PEER_IP);
	cr_assert_eq(H.nif.stats.rx_arp_request, 1);
	cr_assert_eq(H.nif.stats.tx_arp_reply, 1);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 1, mac), 0);
	cr_assert_eq(memcmp(mac, peer_mac, 6), 0);
	cr_assert_eq(rvx_net_arp_lookup(NULL, PEER_IP, 1, mac), -RVX_EINVAL);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 1, NULL), -RVX_EINVAL);
}

Test(net_arp, timeouts_on_the_callers_clock)
{
	uint8_t f[60] = {0}, mac[6];

	harness_up(&H); /* arp_timeout 1000, arp_retry 100 */
	arp_frame(f, us_mac, peer_mac, 2, PEER_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 100), RVX_NET_DROP_NONE);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 1099, mac), 0);
	cr_assert_eq(rvx_net_tick(&H.nif, 1099), 0);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 1100, mac), -RVX_ENOENT, "expired");
	/* A reply refreshes it. */
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1050), RVX_NET_DROP_NONE);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, PEER_IP, 2049, mac), 0);
	cr_assert_eq(rvx_net_tick(&H.nif, 2050), 1);
	cr_assert_eq(H.nif.stats.arp_expired, 1);
	cr_assert_eq(H.arp[0].state + H.arp[1].state + H.arp[2].state + H.arp[3].state, 0);
	cr_assert_eq(rvx_net_tick(NULL, 0), -RVX_EINVAL);
}

Test(net_arp, request_rate_limited_and_eviction_of_the_oldest)
{
	uint8_t mac[6];
	struct rvx_net_if copy;

	harness_up(&H);
	copy = H.nif;
	cr_assert_eq(rvx_net_arp_request(NULL, HOST_IP, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_arp_request(&H.nif, 0, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_arp_request(&H.nif, US_IP, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_arp_request(&H.nif, RVX_NET_IP4(10, 0, 3, 1), 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_arp_request(&H.nif, RVX_NET_IP4(10, 0, 2, 255), 0), -RVX_EINVAL);
	cr_assert_eq(memcmp(&H.nif, &copy, sizeof(copy)), 0);
	cr_assert_eq(H.tx.count, 0);

	cr_assert_eq(rvx_net_arp_request(&H.nif, HOST_IP, 10), 0);
	cr_assert_eq(rvx_net_arp_request(&H.nif, HOST_IP, 50), 0);
	cr_assert_eq(H.tx.count, 1, "second request within arp_retry not sent");
	cr_assert_eq(be32(H.tx.frame[0] + 38), HOST_IP);
	cr_assert_eq(rvx_net_arp_request(&H.nif, HOST_IP, 110), 0);
	cr_assert_eq(H.tx.count, 2, "sent again after arp_retry");
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, HOST_IP, 110, mac), -RVX_ENOENT, "incomplete");

	/* Five replies into the 4-entry cache that holds the live incomplete
	 * entry (stamp 110): the fourth evicts it, the fifth evicts .20. */
	for (uint32_t i = 0; i < 5; i++) {
		uint8_t f[60] = {0}, src[6] = {0x02, 0, 0, 0, 1, (uint8_t)i};

		arp_frame(f, us_mac, src, 2, RVX_NET_IP4(10, 0, 2, 20 + i), US_IP);
		cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 200 + i), RVX_NET_DROP_NONE);
	}
	cr_assert_eq(H.nif.stats.arp_evictions, 2);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, RVX_NET_IP4(10, 0, 2, 20), 210, mac), -RVX_ENOENT);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, RVX_NET_IP4(10, 0, 2, 24), 210, mac), 0);
	cr_assert_eq(mac[5], 4);
}

Test(net_arp, conflict_and_strangers_do_not_poison_the_cache)
{
	uint8_t f[60] = {0}, mac[6], evil[6] = {0x02, 0xee, 0, 0, 0, 1};

	harness_up(&H);
	/* Someone claims our address: dropped, counted, nothing learned. */
	arp_frame(f, bcast, evil, 2, US_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_ARP_CONFLICT);
	/* A request between two others: not learned (we did not know it). */
	arp_frame(f, bcast, evil, 1, HOST_IP, PEER_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_ARP_NOT_FOR_US);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, HOST_IP, 1, mac), -RVX_ENOENT);
	/* Once known, a stranger's announcement refreshes it (RFC 826 merge). */
	arp_frame(f, us_mac, peer_mac, 2, HOST_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 2), RVX_NET_DROP_NONE);
	arp_frame(f, bcast, evil, 1, HOST_IP, HOST_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 3), RVX_NET_DROP_ARP_NOT_FOR_US);
	cr_assert_eq(rvx_net_arp_lookup(&H.nif, HOST_IP, 3, mac), 0);
	cr_assert_eq(memcmp(mac, evil, 6), 0);
	cr_assert_eq(H.tx.count, 0);
}

Test(net_icmp, echo_reply_bytes)
{
	uint8_t f[74] = {0};
	const uint8_t *r;

	harness_up(&H);
	memcpy(f, us_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[17] = 60; /* total length 60 */
	f[22] = 64, f[23] = 1;
	f[26] = 10, f[27] = 0, f[28] = 2, f[29] = 2;
	f[30] = 10, f[31] = 0, f[32] = 2, f[33] = 15;
	uint16_t s = rvx_net_checksum(f + 14, 20, 0);
	f[24] = (uint8_t)(s >> 8), f[25] = (uint8_t)s;
	f[34] = 8; /* echo request */
	f[38] = 0x12, f[39] = 0x34, f[40] = 0, f[41] = 7;
	for (int i = 42; i < 74; i++)
		f[i] = (uint8_t)i;
	s = rvx_net_checksum(f + 34, 40, 0);
	f[36] = (uint8_t)(s >> 8), f[37] = (uint8_t)s;

	cr_assert_eq(rvx_net_rx(&H.nif, f, sizeof(f), 1), RVX_NET_DROP_NONE);
	cr_assert_eq(H.tx.count, 1);
	cr_assert_eq(H.tx.len[0], 74);
	r = H.tx.frame[0];
	cr_assert_eq(memcmp(r, peer_mac, 6), 0);
	cr_assert_eq(memcmp(r + 6, us_mac, 6), 0);
	cr_assert_eq(rvx_net_checksum(r + 14, 20, 0), 0, "IPv4 header checksum");
	cr_assert_eq(be32(r + 26), US_IP);
	cr_assert_eq(be32(r + 30), PEER_IP);
	cr_assert_eq(r[22], 64, "TTL");
	cr_assert_eq(r[34], 0, "echo reply");
	cr_assert_eq(rvx_net_checksum(r + 34, 40, 0), 0, "ICMP checksum");
	cr_assert_eq(memcmp(r + 38, f + 38, 36), 0, "id, sequence and data echoed");

	/* A refusing transmit: counted as a drop, and in tx_errors. */
	H.tx.fail = -RVX_EBUSY;
	cr_assert_eq(rvx_net_rx(&H.nif, f, sizeof(f), 2), RVX_NET_DROP_TX_FAILED);
	cr_assert_eq(H.nif.stats.tx_errors, 1);
	cr_assert_eq(H.nif.stats.drop[RVX_NET_DROP_TX_FAILED], 1);
}

Test(net_udp, bind_unbind_errors)
{
	struct udp_log other;
	struct rvx_net_if copy;

	harness_up(&H);
	copy = H.nif;
	cr_assert_eq(rvx_net_udp_bind(NULL, 8, udp_keep, &other), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 0, udp_keep, &other), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 8, NULL, &other), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 7, udp_keep, &other), -RVX_EEXIST);
	cr_assert_eq(memcmp(H.udp, (struct rvx_net_udp_binding[UDP_SLOTS]){{udp_keep, &H.rx, 7}},
			    sizeof(H.udp)), 0);
	cr_assert_eq(memcmp(&H.nif, &copy, sizeof(copy)), 0);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 8, udp_keep, &other), 0);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 9, udp_keep, &other), 0);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 10, udp_keep, &other), 0);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 11, udp_keep, &other), -RVX_ELIMIT);
	cr_assert_eq(rvx_net_udp_unbind(&H.nif, 11), -RVX_ENOENT);
	cr_assert_eq(rvx_net_udp_unbind(NULL, 8), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_unbind(&H.nif, 8), 0);
	cr_assert_eq(rvx_net_udp_unbind(&H.nif, 8), -RVX_ENOENT);
	cr_assert_eq(rvx_net_udp_bind(&H.nif, 11, udp_keep, &other), 0, "freed slot reused");
}

/* Resolve PEER_IP by feeding its ARP reply at @now. */
static void learn_peer(uint64_t now)
{
	uint8_t f[60] = {0};

	arp_frame(f, us_mac, peer_mac, 2, PEER_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, now), RVX_NET_DROP_NONE);
}

Test(net_udp, send_resolves_then_sends)
{
	const uint8_t *u;
	struct rvx_net_if copy;

	harness_up(&H);
	copy = H.nif;
	cr_assert_eq(rvx_net_udp_send(NULL, PEER_IP, 1, 2, "x", 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 0, 2, "x", 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 1, 0, "x", 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, 0, 1, 2, "x", 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, RVX_NET_IP4(224, 1, 1, 1), 1, 2, "x", 1, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, RVX_NET_IP4(127, 0, 0, 1), 1, 2, "x", 1, 0),
		     -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 1, 2, NULL, 1, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 1, 2, H.tx_buf,
				      RVX_NET_UDP_PAYLOAD_MAX + 1, 0), -RVX_EMSGSIZE);
	cr_assert_eq(memcmp(&H.nif, &copy, sizeof(copy)), 0);
	cr_assert_eq(H.tx.count, 0);

	/* Unknown next hop: an ARP request goes out, the datagram does not. */
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 5000, 7, "hi", 2, 10), -RVX_ENOENT);
	cr_assert_eq(H.tx.count, 1);
	cr_assert_eq(be16(H.tx.frame[0] + 12), 0x0806);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 5000, 7, "hi", 2, 20), -RVX_ENOENT);
	cr_assert_eq(H.tx.count, 1, "rate limited");
	learn_peer(30);
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 5000, 7, "hi", 2, 40), 0);
	cr_assert_eq(H.tx.count, 2);
	u = H.tx.frame[1];
	cr_assert_eq(H.tx.len[1], 14 + 20 + 8 + 2);
	cr_assert_eq(memcmp(u, peer_mac, 6), 0);
	cr_assert_eq(rvx_net_checksum(u + 14, 20, 0), 0);
	cr_assert_eq(u[14 + 6] & 0x40, 0x40, "don't fragment");
	cr_assert_eq(u[23], 17);
	cr_assert_eq(be16(u + 34), 5000);
	cr_assert_eq(be16(u + 36), 7);
	cr_assert_eq(be16(u + 38), 10);
	cr_assert_neq(be16(u + 40), 0, "checksum always computed");
	cr_assert_eq(memcmp(u + 42, "hi", 2), 0);
	cr_assert_eq(H.nif.stats.tx_udp, 1);

	/* Off the subnet: to the gateway's MAC (the peer is the gateway). */
	cr_assert_eq(rvx_net_udp_send(&H.nif, RVX_NET_IP4(192, 0, 2, 7), 5000, 7, "far", 3, 41),
		     0);
	cr_assert_eq(memcmp(H.tx.frame[2], peer_mac, 6), 0);
	cr_assert_eq(be32(H.tx.frame[2] + 30), RVX_NET_IP4(192, 0, 2, 7));
	/* Broadcasts need no ARP. */
	cr_assert_eq(rvx_net_udp_send(&H.nif, 0xffffffffu, 68, 67, "b", 1, 42), 0);
	cr_assert_eq(memcmp(H.tx.frame[3], bcast, 6), 0);
	cr_assert_eq(rvx_net_udp_send(&H.nif, RVX_NET_IP4(10, 0, 2, 255), 68, 67, "b", 1, 42), 0);
	cr_assert_eq(memcmp(H.tx.frame[4], bcast, 6), 0);
	/* A refusing transmit returns its error and counts it. */
	H.tx.fail = -RVX_EBUSY;
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 5000, 7, "hi", 2, 43), -RVX_EBUSY);
	cr_assert_eq(H.nif.stats.tx_errors, 1);
	cr_assert_eq(H.nif.stats.tx_udp, 4);
}

Test(net_udp, no_gateway_off_subnet)
{
	harness_up(&H);
	cr_assert_eq(rvx_net_if_set_addr(&H.nif, US_IP, MASK24, 0, 0), 0);
	cr_assert_eq(rvx_net_udp_send(&H.nif, RVX_NET_IP4(192, 0, 2, 7), 1, 2, "x", 1, 0),
		     -RVX_ENOTSUP);
}

Test(net_udp, zero_sum_goes_out_as_ffff)
{
	uint8_t data[2];
	bool found = false;

	harness_up(&H);
	learn_peer(0);
	/* Find a payload whose checksum computes to 0 (the search runs the
	 * sender's own sum, then the wire must carry 0xffff). */
	for (uint32_t v = 0; v < 65536 && !found; v++) {
		data[0] = (uint8_t)(v >> 8), data[1] = (uint8_t)v;
		H.tx.count = 0;
		cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 1000, 2000, data, 2, 1), 0);
		found = be16(H.tx.frame[0] + 40) == 0xffff;
	}
	cr_assert(found, "some payload sums to zero");
	/* And the receiver's check accepts it: the sum with 0xffff verifies. */
	const uint8_t *u = H.tx.frame[0] + 34;
	uint32_t ps = (US_IP >> 16) + (US_IP & 0xffff) + (PEER_IP >> 16) + (PEER_IP & 0xffff) +
		      17 + 10;
	cr_assert_eq(rvx_net_checksum(u, 10, ps), 0);
}

Test(net_udp, delivery_meta_and_exact_payload)
{
	uint8_t f[60] = {0};
	uint16_t s;
	uint32_t ps;

	harness_up(&H);
	/* 10.0.2.2:40000 -> 10.0.2.15:7 "hi", Ethernet-padded to 60 bytes. */
	memcpy(f, us_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[17] = 30;
	f[22] = 64, f[23] = 17;
	f[26] = 10, f[28] = 2, f[29] = 2;
	f[30] = 10, f[32] = 2, f[33] = 15;
	s = rvx_net_checksum(f + 14, 20, 0);
	f[24] = (uint8_t)(s >> 8), f[25] = (uint8_t)s;
	f[34] = 0x9c, f[35] = 0x40, f[37] = 7, f[39] = 10;
	f[42] = 'h', f[43] = 'i';
	memset(f + 44, 0xee, 16); /* padding: not part of the datagram */
	ps = (PEER_IP >> 16) + (PEER_IP & 0xffff) + (US_IP >> 16) + (US_IP & 0xffff) + 17 + 10;
	s = rvx_net_checksum(f + 34, 10, ps);
	f[40] = (uint8_t)(s >> 8), f[41] = (uint8_t)s;

	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_NONE);
	cr_assert_eq(H.rx.count, 1);
	cr_assert_eq(H.rx.len, 2);
	cr_assert_eq(memcmp(H.rx.data, "hi", 2), 0);
	cr_assert_eq(H.rx.meta.src_ip, PEER_IP);
	cr_assert_eq(H.rx.meta.dst_ip, US_IP);
	cr_assert_eq(H.rx.meta.src_port, 40000);
	cr_assert_eq(H.rx.meta.dst_port, 7);
	cr_assert_eq(memcmp(H.rx.meta.src_mac, peer_mac, 6), 0);
	cr_assert_eq(H.nif.stats.rx_udp, 1);
	/* Unbound: dropped. */
	cr_assert_eq(rvx_net_udp_unbind(&H.nif, 7), 0);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_UDP_NO_PORT);
	cr_assert_eq(H.rx.count, 1);
}

Test(net_rx, no_address_and_null)
{
	struct rvx_net_if_config c;
	uint8_t f[60] = {0};

	memset(&H, 0, sizeof(H));
	c = harness_config(&H);
	cr_assert_eq(rvx_net_if_init(&H.nif, &c), 0);
	arp_frame(f, bcast, peer_mac, 1, PEER_IP, US_IP);
	cr_assert_eq(rvx_net_rx(&H.nif, f, 60, 1), RVX_NET_DROP_NO_ADDRESS);
	cr_assert_eq(rvx_net_rx(&H.nif, NULL, 60, 1), RVX_NET_DROP_FRAME_SIZE);
	cr_assert_eq(rvx_net_rx(NULL, f, 60, 1), RVX_NET_DROP_FRAME_SIZE);
	cr_assert_eq(H.nif.stats.rx_frames, 2);
	cr_assert_eq(H.tx.count, 0);
}
