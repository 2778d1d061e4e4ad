/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frame parser fuzzer: each input is one Ethernet frame fed to rvx_net_rx()
 * on an interface configured as the recorded frames expect (10.0.2.15/24,
 * UDP port 7 bound, the peer 10.0.2.2 resolved), copied into a buffer of
 * exactly its length so ASan catches any read past the end. Then:
 *   - the outcome is a known reason, counted exactly once;
 *   - a handled frame that made a reply made a well-formed one: at most
 *     RVX_NET_FRAME_MAX bytes, from our MAC, an IPv4 reply with a header
 *     checksum and ICMP checksum that verify, or an ARP reply;
 *   - a delivered UDP payload lies within the frame.
 * Built as a libFuzzer target with clang; replay_main.c feeds the corpus
 * to the same function in every hosted build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ruvix/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "net fuzz invariant failed: %s\n", #cond); \
			abort();                                               \
		}                                                              \
	} while (0)

static const uint8_t us_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static struct rvx_net_if nif;
static uint8_t tx_buf[RVX_NET_TX_BUF_MIN];
static struct rvx_net_arp_entry arp[4];
static struct rvx_net_udp_binding udp[2];
static const uint8_t *cur_frame;
static size_t cur_len;
static unsigned sent;

static int tx(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx;
	CHECK(f == tx_buf);
	CHECK(len >= 42 && len <= RVX_NET_FRAME_MAX);
	CHECK(memcmp(f + 6, us_mac, 6) == 0);
	if (f[12] == 0x08 && f[13] == 0x00) {
		size_t total = (size_t)(f[16] << 8 | f[17]);

		CHECK(total + 14 == len);
		CHECK(rvx_net_checksum(f + 14, 20, 0) == 0);
		CHECK(f[23] == RVX_NET_PROTO_ICMP && f[34] == 0);
		CHECK(rvx_net_checksum(f + 34, total - 20, 0) == 0);
	} else {
		CHECK(f[12] == 0x08 && f[13] == 0x06 && len == 42);
	}
	sent++;
	return 0;
}

static void on_udp(void *ctx, const struct rvx_net_udp_meta *meta, const uint8_t *d, size_t n)
{
	(void)ctx;
	CHECK(meta->dst_port == 7);
	CHECK(d >= cur_frame && d + n <= cur_frame + cur_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rvx_net_if_config c;
	uint8_t reply[60] = {0};
	uint8_t *frame;
	uint64_t before_handled, before_drops = 0, after_drops = 0;
	enum rvx_net_drop r;

	memset(&c, 0, sizeof(c));
	memcpy(c.mac, us_mac, 6);
	c.tx = tx;
	c.tx_buf = tx_buf;
	c.tx_buf_size = sizeof(tx_buf);
	c.arp = arp;
	c.arp_count = 4;
	c.udp = udp;
	c.udp_count = 2;
	c.arp_timeout = 1000;
	c.arp_retry = 100;
	CHECK(rvx_net_if_init(&nif, &c) == 0);
	CHECK(rvx_net_if_set_addr(&nif, RVX_NET_IP4(10, 0, 2, 15), RVX_NET_IP4(255, 255, 255, 0),
				  RVX_NET_IP4(10, 0, 2, 2), 0) == 0);
	CHECK(rvx_net_udp_bind(&nif, 7, on_udp, NULL) == 0);
	/* The peer's ARP reply, so the cache has an entry to poison. */
	memcpy(reply, us_mac, 6);
	memcpy(reply + 6, peer_mac, 6);
	memcpy(reply + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
	memcpy(reply + 22, peer_mac, 6);
	memcpy(reply + 28, "\x0a\x00\x02\x02", 4);
	memcpy(reply + 32, us_mac, 6);
	memcpy(reply + 38, "\x0a\x00\x02\x0f", 4);
	CHECK(rvx_net_rx(&nif, reply, sizeof(reply), 1) == RVX_NET_DROP_NONE);

	frame = malloc(size ? size : 1);
	memcpy(frame, data, size);
	cur_frame = frame;
	cur_len = size;
	sent = 0;
	before_handled = nif.stats.rx_handled;
	for (int i = 0; i < RVX_NET_DROP_COUNT; i++)
		before_drops += nif.stats.drop[i];
	r = rvx_net_rx(&nif, frame, size, 2);
	for (int i = 0; i < RVX_NET_DROP_COUNT; i++)
		after_drops += nif.stats.drop[i];
	CHECK((unsigned)r < RVX_NET_DROP_COUNT);
	if (r == RVX_NET_DROP_NONE) {
		CHECK(nif.stats.rx_handled == before_handled + 1 && after_drops == before_drops);
	} else {
		CHECK(nif.stats.rx_handled == before_handled && after_drops == before_drops + 1);
		CHECK(sent == 0);
	}
	CHECK(sent <= 1);
	free(frame);
	return 0;
}
