/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/net on the host: frames per second through rvx_net_rx() and
 * rvx_net_udp_send(), one thread, no device: the transmit callback only
 * counts (and checks) the frame, so the figures are the stack's own cost
 * per frame, parsing, checksums and reply building included.
 *
 *  - rx ICMP echo:  a 98-byte echo request (ping's default 56 data bytes)
 *                   answered with an echo reply;
 *  - rx UDP 64 B / 1472 B: a datagram delivered to a bound port (checksum
 *                   verified with its pseudo header);
 *  - rx ARP request: answered with a reply;
 *  - rx bad IPv4 checksum: a malformed frame dropped and counted;
 *  - tx UDP 64 B / 1472 B: a datagram built, summed and handed over.
 *
 * Each figure is the median of RUNS runs of FRAMES calls; every timed call
 * is checked (a handled frame, a 0 return, the reply sent), or the
 * benchmark exits without figures.
 */
/* First: it sets _GNU_SOURCE before any libc header. */
#include "bench_util.h"

#include "ruvix/net.h"

#define FRAMES 200000
#define RUNS 9

static const uint8_t us_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
#define US RVX_NET_IP4(10, 0, 2, 15)
#define PEER RVX_NET_IP4(10, 0, 2, 2)

static struct rvx_net_if nif;
static uint8_t tx_buf[RVX_NET_TX_BUF_MIN];
static struct rvx_net_arp_entry arp[8];
static struct rvx_net_udp_binding udp[4];
static uint64_t sent, delivered;

static int tx_count(void *ctx, const uint8_t *f, size_t len)
{
	(void)ctx;
	(void)f;
	BENCH_REQUIRE(len >= 42 && len <= RVX_NET_FRAME_MAX, "frame of %zu", len);
	sent++;
	return 0;
}

static void on_udp(void *ctx, const struct rvx_net_udp_meta *m, const uint8_t *d, size_t n)
{
	(void)ctx;
	(void)m;
	(void)d;
	(void)n;
	delivered++;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* An IPv4 frame from the peer to us with @payload bytes of @proto. */
static size_t ip_frame(uint8_t *f, uint8_t proto, size_t payload)
{
	memcpy(f, us_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	f[15] = 0;
	put16(f + 16, (uint16_t)(20 + payload));
	put16(f + 18, 1);
	put16(f + 20, 0x4000);
	f[22] = 64;
	f[23] = proto;
	put16(f + 24, 0);
	put32(f + 26, PEER);
	put32(f + 30, US);
	put16(f + 24, rvx_net_checksum(f + 14, 20, 0));
	return 34 + payload;
}

static size_t echo_frame(uint8_t *f)
{
	size_t n = ip_frame(f, 1, 64);

	memset(f + 34, 0, 64);
	f[34] = 8;
	put16(f + 38, 0x77);
	put16(f + 40, 1);
	for (int i = 0; i < 56; i++)
		f[42 + i] = (uint8_t)i;
	put16(f + 36, rvx_net_checksum(f + 34, 64, 0));
	return n;
}

static size_t udp_frame(uint8_t *f, size_t data)
{
	size_t n = ip_frame(f, 17, 8 + data);
	uint32_t ps = (PEER >> 16) + (PEER & 0xffff) + (US >> 16) + (US & 0xffff) + 17 +
		      (uint32_t)(8 + data);

	put16(f + 34, 40000);
	put16(f + 36, 7);
	put16(f + 38, (uint16_t)(8 + data));
	put16(f + 40, 0);
	for (size_t i = 0; i < data; i++)
		f[42 + i] = (uint8_t)i;
	put16(f + 40, rvx_net_checksum(f + 34, 8 + data, ps));
	return n;
}

static size_t arp_frame(uint8_t *f)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, peer_mac, 6);
	put32(f + 28, PEER);
	memset(f + 32, 0, 6);
	put32(f + 38, US);
	memset(f + 42, 0, 18);
	return 60;
}

/* ns per rvx_net_rx() of @f, which must end as @want and send @replies. */
static double time_rx(const uint8_t *f, size_t len, enum rvx_net_drop want, int replies)
{
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t s0 = sent, d0 = delivered, t0 = bench_now_ns();

		for (int i = 0; i < FRAMES; i++) {
			enum rvx_net_drop got = rvx_net_rx(&nif, f, len, (uint64_t)i);

			BENCH_REQUIRE(got == want, "rx gave %s", rvx_net_drop_name(got));
		}
		runs[r] = (double)(bench_now_ns() - t0) / FRAMES;
		BENCH_REQUIRE(sent - s0 == (uint64_t)replies * FRAMES, "replies sent");
		BENCH_REQUIRE(want != RVX_NET_DROP_NONE || replies > 0 || delivered - d0 == FRAMES,
			      "datagrams delivered");
	}
	return bench_median(runs, RUNS);
}

static double time_tx(size_t data)
{
	static uint8_t payload[RVX_NET_UDP_PAYLOAD_MAX];
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t s0 = sent, t0 = bench_now_ns();

		for (int i = 0; i < FRAMES; i++) {
			int rc = rvx_net_udp_send(&nif, PEER, 5000, 7, payload, data, (uint64_t)1 << 40);

			BENCH_REQUIRE(rc == 0, "udp_send %d", rc);
		}
		runs[r] = (double)(bench_now_ns() - t0) / FRAMES;
		BENCH_REQUIRE(sent - s0 == FRAMES, "datagrams sent");
	}
	return bench_median(runs, RUNS);
}

static void line(const char *what, size_t bytes, double ns)
{
	printf("%-26s %5zu B  %8.1f ns/frame  %7.2f Mframes/s  %7.0f MB/s\n", what, bytes, ns,
	       1e3 / ns, (double)bytes * 1e3 / ns);
}

int main(void)
{
	struct rvx_net_if_config c;
	static uint8_t f[RVX_NET_FRAME_MAX];
	double step, rd;
	size_t n;

	memset(&c, 0, sizeof(c));
	memcpy(c.mac, us_mac, 6);
	c.tx = tx_count;
	c.tx_buf = tx_buf;
	c.tx_buf_size = sizeof(tx_buf);
	c.arp = arp;
	c.arp_count = 8;
	c.udp = udp;
	c.udp_count = 4;
	c.arp_timeout = UINT64_MAX / 2;
	c.arp_retry = 1000;
	BENCH_REQUIRE(rvx_net_if_init(&nif, &c) == 0, "init");
	BENCH_REQUIRE(rvx_net_if_set_addr(&nif, US, RVX_NET_IP4(255, 255, 255, 0), PEER, 0) == 0,
		      "address");
	BENCH_REQUIRE(rvx_net_udp_bind(&nif, 7, on_udp, NULL) == 0, "bind");
	(void)bench_pin(0);
	bench_timer_floor(&step, &rd);
	printf("timer floor: step %.0f ns, read %.1f ns; %d frames per run, median of %d runs\n",
	       step, rd, FRAMES, RUNS);

	n = arp_frame(f);
	line("rx ARP request -> reply", n, time_rx(f, n, RVX_NET_DROP_NONE, 1));
	n = echo_frame(f);
	line("rx ICMP echo -> reply", n, time_rx(f, n, RVX_NET_DROP_NONE, 1));
	n = udp_frame(f, 64);
	line("rx UDP, delivered", n, time_rx(f, n, RVX_NET_DROP_NONE, 0));
	n = udp_frame(f, RVX_NET_UDP_PAYLOAD_MAX);
	line("rx UDP, delivered", n, time_rx(f, n, RVX_NET_DROP_NONE, 0));
	n = echo_frame(f);
	f[24] ^= 0xff;
	line("rx bad IPv4 checksum", n, time_rx(f, n, RVX_NET_DROP_IP_CHECKSUM, 0));
	line("tx UDP", 14 + 20 + 8 + 64, time_tx(64));
	line("tx UDP", RVX_NET_FRAME_MAX, time_tx(RVX_NET_UDP_PAYLOAD_MAX));
	return 0;
}
