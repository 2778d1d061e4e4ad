/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the net tests: an interface configured as the recorded frames
 * expect (02:00:00:00:00:01, 10.0.2.15/24, gateway 10.0.2.2, UDP port 7
 * bound) whose transmit callback keeps every frame sent.
 */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/net.h"

#define US_IP RVX_NET_IP4(10, 0, 2, 15)
#define PEER_IP RVX_NET_IP4(10, 0, 2, 2)
#define HOST_IP RVX_NET_IP4(10, 0, 2, 100)
#define MASK24 RVX_NET_IP4(255, 255, 255, 0)
#define TX_LOG 64
#define ARP_SLOTS 4
#define UDP_SLOTS 4

static const uint8_t us_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

struct tx_log {
	uint8_t frame[TX_LOG][RVX_NET_FRAME_MAX];
	size_t len[TX_LOG];
	unsigned count;
	int fail; /* the error the callback returns, 0 to accept */
};

struct udp_log {
	struct rvx_net_udp_meta meta;
	uint8_t data[RVX_NET_FRAME_MAX];
	size_t len;
	unsigned count;
};

struct harness {
	struct rvx_net_if nif;
	uint8_t tx_buf[RVX_NET_TX_BUF_MIN];
	struct rvx_net_arp_entry arp[ARP_SLOTS];
	struct rvx_net_udp_binding udp[UDP_SLOTS];
	struct tx_log tx;
	struct udp_log rx;
};

static inline int tx_keep(void *ctx, const uint8_t *frame, size_t len)
{
	struct tx_log *t = ctx;

	if (t->fail)
		return t->fail;
	cr_assert_leq(len, RVX_NET_FRAME_MAX);
	cr_assert_geq(len, 42u);
	if (t->count < TX_LOG) {
		memcpy(t->frame[t->count], frame, len);
		t->len[t->count] = len;
	}
	t->count++;
	return 0;
}

static inline void udp_keep(void *ctx, const struct rvx_net_udp_meta *meta,
			    const uint8_t *data, size_t len)
{
	struct udp_log *u = ctx;

	u->meta = *meta;
	memcpy(u->data, data, len);
	u->len = len;
	u->count++;
}

static inline struct rvx_net_if_config harness_config(struct harness *h)
{
	struct rvx_net_if_config c;

	memset(&c, 0, sizeof(c));
	memcpy(c.mac, us_mac, 6);
	c.tx = tx_keep;
	c.tx_ctx = &h->tx;
	c.tx_buf = h->tx_buf;
	c.tx_buf_size = sizeof(h->tx_buf);
	c.arp = h->arp;
	c.arp_count = ARP_SLOTS;
	c.udp = h->udp;
	c.udp_count = UDP_SLOTS;
	c.arp_timeout = 1000;
	c.arp_retry = 100;
	return c;
}

/* The recorded frames' interface, with the gratuitous ARP forgotten. */
static inline void harness_up(struct harness *h)
{
	struct rvx_net_if_config c;

	memset(h, 0, sizeof(*h));
	c = harness_config(h);
	cr_assert_eq(rvx_net_if_init(&h->nif, &c), 0);
	cr_assert_eq(rvx_net_if_set_addr(&h->nif, US_IP, MASK24, PEER_IP, 0), 0);
	cr_assert_eq(rvx_net_udp_bind(&h->nif, 7, udp_keep, &h->rx), 0);
	h->tx.count = 0;
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Sum of every drop counter. */
static inline uint64_t drops_total(const struct rvx_net_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < RVX_NET_DROP_COUNT; i++)
		n += s->drop[i];
	return n;
}

#endif /* NET_TEST_H */
