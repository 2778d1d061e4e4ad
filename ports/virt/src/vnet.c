/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net and virtio-rng drivers, and the network task (lib/net on the
 * virtio-net device). Drivers in the port, behind the seam of vdev.h.
 *
 * Boot arguments:
 *   rvx.net=A.B.C.D/N      the interface's address; the task answers ARP,
 *                          ICMP echo and UDP echo (port 7) until stopped
 *   rvx.net.peer=A.B.C.D   instead of serving: measure UDP echo round trips
 *                          and echo throughput against that peer, print the
 *                          figures and go on to the end of the boot
 *   rvx.net.test=on        a datagram "rvx-stop" to UDP port 9 ends the
 *                          serving loop (the tests' clean shutdown); in the
 *                          peer mode, the peer is sent one when done
 *   rvx.rng=on             read virtio-rng even without the network
 * A virtio-rng device, when there is one, is read once at start and its
 * bytes mixed into the port's entropy (rvx_a64_entropy_mix()).
 *
 * virtio-net: VIRTIO_F_VERSION_1 and VIRTIO_NET_F_MAC only; every frame has
 * the 12-byte virtio_net_hdr (no offloads: all zero on transmit, ignored
 * on receive). Queue 0 receives into RX_BUFS buffers that are posted again
 * once read; queue 1 transmits from TX_BUFS buffers reclaimed as the
 * device completes them.
 */
#include "ruvix/net.h"
#include "ruvix/port.h"
#include "vdev.h"

#define NET_HDR 12u
#define BUF_SIZE 2048u
#define QSIZE 64u
#define RX_BUFS 64u
#define TX_BUFS 64u
#define DMA_BYTES (512u * 1024u)
#define VIRTIO_NET_F_MAC (UINT64_C(1) << 5)
#define ECHO_PORT 7u
#define STOP_PORT 9u
#define MS UINT64_C(1000000)
/* Datagrams the echo stream keeps unanswered. */
#define WINDOW 32u

struct vnet {
	struct rvx_virt_lease lease;
	struct rvx_virtq rx, tx;
	struct rvx_virtq_track rx_track[QSIZE], tx_track[QSIZE];
	uint8_t *rx_buf[RX_BUFS];
	uint8_t *tx_buf[TX_BUFS];
	uint16_t tx_free[TX_BUFS];
	uint32_t tx_free_count;
	uint8_t mac[6];
	uint64_t rx_frames, tx_frames, tx_full, refused;
	uint64_t work_ns; /* taking frames off the ring, lib/net, replies, re-posting */
};

static struct vnet vn;
static struct rvx_net_if nif;
static struct rvx_net_arp_entry arp[16];
static struct rvx_net_udp_binding udp[4];
static uint8_t tx_frame[RVX_NET_TX_BUF_MIN];
static volatile uint32_t stop_asked;

/* ---- boot arguments ---- */

/* The value of boot argument @p key ("rvx.net="), or NULL. */
static const char *bootarg_value(const char *key)
{
	const char *p = rvx_a64_board.bootargs;
	size_t n = strlen(key);

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, n) == 0)
			return p + n;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return NULL;
}

/* "A.B.C.D" then optionally "/N"; true if well formed. */
static bool parse_ip(const char *p, uint32_t *ip, uint32_t *prefix)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		uint32_t part = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			part = part * 10u + (uint32_t)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || part > 255u)
			return false;
		v = v << 8 | part;
		if (i < 3 && *p++ != '.')
			return false;
	}
	*ip = v;
	if (prefix == NULL)
		return *p == '\0' || *p == ' ';
	*prefix = 24;
	if (*p == '/') {
		uint32_t n = 0, digits = 0;

		p++;
		while (*p >= '0' && *p <= '9' && digits < 3) {
			n = n * 10u + (uint32_t)(*p++ - '0');
			digits++;
		}
		if (digits == 0 || n < 1u || n > 30u)
			return false;
		*prefix = n;
	}
	return *p == '\0' || *p == ' ';
}

bool rvx_virt_net_wanted(void)
{
	return bootarg_value("rvx.net=") != NULL || rvx_virt_bootarg("rvx.rng=on");
}

/* ---- virtio-rng ---- */

static void rng_read(uint32_t task)
{
	static struct rvx_virt_lease l;
	static struct rvx_virtq q;
	static struct rvx_virtq_track track[4];
	struct rvx_dma_seg seg;
	uint64_t cookie;
	uint32_t len = 0;
	uint8_t *ring, *buf;
	int rc;

	rc = rvx_virt_vdev_lease(RVX_VIRTIO_ID_RNG, task, 16384, &l);
	if (rc == -RVX_ENOENT) {
		rvx_a64_puts("RVX-RNG none: no virtio-rng device\n");
		return;
	}
	ring = rvx_virt_dma_alloc(&l, rvx_virtq_ring_bytes(4), 4096);
	buf = rvx_virt_dma_alloc(&l, 64, 64);
	if (rc == 0)
		rc = rvx_virtio_negotiate(&l.dev, RVX_VIRTIO_F_VERSION_1, NULL);
	if (rc == 0)
		rc = rvx_virtq_init(&q, &l.dev, 0, 4, ring, track);
	if (rc == 0)
		rc = rvx_virtio_queue_setup(&q);
	if (rc == 0)
		rc = rvx_virtio_driver_ok(&l.dev);
	if (rc == 0)
		rc = rvx_virt_vdev_irq_on(&l);
	if (rc == 0)
		rc = rvx_dma_map(&l.win, buf, 64, RVX_DMA_FROM_DEVICE, &seg);
	if (rc == 0)
		rc = rvx_virtq_add(&q, &seg, 0, 1, 1);
	if (rc != 0) {
		rvx_a64_printf("RVX-RNG failed: %s (%d)\n", rvx_strerror(rc), rc);
		return;
	}
	rvx_virtq_kick(&q);
	for (uint32_t i = 0; i < 100u; i++) {
		rc = rvx_virtq_get(&q, &cookie, &len);
		if (rc != -RVX_EEMPTY)
			break;
		(void)rvx_virt_vdev_wait(&l, 10u * MS);
	}
	if (rc != 0 || len == 0) {
		rvx_a64_printf("RVX-RNG failed: %s (%d), %u bytes\n", rvx_strerror(rc), rc, len);
		return;
	}
	rc = rvx_a64_entropy_mix(buf, len);
	rvx_a64_printf("RVX-RNG %u bytes from virtio-rng mixed into the entropy pool (%s), irqs=%lu\n",
		       len, rc == 0 ? "ok" : rvx_strerror(rc), l.irqs);
	memset(buf, 0, 64);
	/* Read once: the device is reset and its window given back. */
	rc = rvx_virt_vdev_release(&l);
	if (rc != 0)
		rvx_a64_printf("RVX-RNG lease not released: %s (%d)\n", rvx_strerror(rc), rc);
}

/* ---- virtio-net ---- */

static void tx_reclaim(void)
{
	uint64_t cookie;
	uint32_t len;

	while (rvx_virtq_get(&vn.tx, &cookie, &len) == 0)
		vn.tx_free[vn.tx_free_count++] = (uint16_t)cookie;
}

static int vnet_tx(void *ctx, const uint8_t *frame, size_t len)
{
	struct rvx_dma_seg seg;
	uint16_t b;
	int rc;

	(void)ctx;
	if (len > BUF_SIZE - NET_HDR)
		return -RVX_EMSGSIZE;
	tx_reclaim();
	if (vn.tx_free_count == 0) {
		vn.tx_full++;
		return -RVX_EFULL;
	}
	b = vn.tx_free[vn.tx_free_count - 1u];
	memset(vn.tx_buf[b], 0, NET_HDR);
	memcpy(vn.tx_buf[b] + NET_HDR, frame, len);
	rc = rvx_dma_map(&vn.lease.win, vn.tx_buf[b], NET_HDR + len, RVX_DMA_TO_DEVICE, &seg);
	if (rc == 0)
		rc = rvx_virtq_add(&vn.tx, &seg, 1, 0, b);
	if (rc != 0)
		return rc;
	vn.tx_free_count--;
	rvx_virtq_kick(&vn.tx);
	vn.tx_frames++;
	return 0;
}

static int rx_post(uint16_t b)
{
	struct rvx_dma_seg seg;
	int rc = rvx_dma_map(&vn.lease.win, vn.rx_buf[b], BUF_SIZE, RVX_DMA_FROM_DEVICE, &seg);

	return rc != 0 ? rc : rvx_virtq_add(&vn.rx, &seg, 0, 1, b);
}

static int vnet_up(uint32_t task)
{
	struct rvx_virt_lease *l = &vn.lease;
	uint64_t feat = 0;
	uint8_t *rxr, *txr;
	int rc;

	rc = rvx_virt_vdev_lease(RVX_VIRTIO_ID_NET, task, DMA_BYTES, l);
	if (rc != 0)
		return rc;
	rxr = rvx_virt_dma_alloc(l, rvx_virtq_ring_bytes(QSIZE), 4096);
	txr = rvx_virt_dma_alloc(l, rvx_virtq_ring_bytes(QSIZE), 4096);
	for (uint32_t i = 0; i < RX_BUFS; i++)
		vn.rx_buf[i] = rvx_virt_dma_alloc(l, BUF_SIZE, 64);
	for (uint32_t i = 0; i < TX_BUFS; i++) {
		vn.tx_buf[i] = rvx_virt_dma_alloc(l, BUF_SIZE, 64);
		vn.tx_free[i] = (uint16_t)i;
	}
	vn.tx_free_count = TX_BUFS;
	if (rxr == NULL || txr == NULL || vn.tx_buf[TX_BUFS - 1u] == NULL)
		return -RVX_ENOMEM;
	rc = rvx_virtio_negotiate(&l->dev, RVX_VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MAC, &feat);
	if (rc != 0)
		return rc;
	if (feat & VIRTIO_NET_F_MAC) {
		rc = rvx_virtio_config_read(&l->dev, 0, vn.mac, 6);
		if (rc != 0)
			return rc;
	} else {
		/* A locally administered address from the port's entropy. */
		rc = rvx_port_entropy(vn.mac, 6);
		if (rc != 0)
			return rc;
		vn.mac[0] = (uint8_t)((vn.mac[0] & 0xfeu) | 0x02u);
	}
	rc = rvx_virtq_init(&vn.rx, &l->dev, 0, QSIZE, rxr, vn.rx_track);
	if (rc == 0)
		rc = rvx_virtq_init(&vn.tx, &l->dev, 1, QSIZE, txr, vn.tx_track);
	if (rc == 0)
		rc = rvx_virtio_queue_setup(&vn.rx);
	if (rc == 0)
		rc = rvx_virtio_queue_setup(&vn.tx);
	for (uint16_t i = 0; rc == 0 && i < RX_BUFS; i++)
		rc = rx_post(i);
	if (rc == 0)
		rc = rvx_virtio_driver_ok(&l->dev);
	if (rc == 0)
		rc = rvx_virt_vdev_irq_on(l);
	if (rc == 0)
		rvx_virtq_kick(&vn.rx);
	return rc;
}

static uint64_t now_ms(void)
{
	return rvx_port_time_real_ns() / MS;
}

/* Every received frame to lib/net, its buffer posted again; a device that
 * broke the protocol is reported (its queue stays broken). */
static void vnet_poll(void)
{
	uint32_t reposted = 0;
	uint64_t cookie;
	uint32_t len;
	int rc;

	uint64_t t0 = rvx_port_time_real_ns();

	while ((rc = rvx_virtq_get(&vn.rx, &cookie, &len)) == 0) {
		uint16_t b = (uint16_t)cookie;

		vn.rx_frames++;
		if (len > NET_HDR)
			(void)rvx_net_rx(&nif, vn.rx_buf[b] + NET_HDR, len - NET_HDR, now_ms());
		if (rx_post(b) == 0)
			reposted++;
	}
	if (rc == -RVX_EBADDESC && vn.refused == 0) {
		vn.refused = 1;
		rvx_a64_puts("RVX-NET device fault: a used-ring entry was refused\n");
	}
	if (reposted != 0)
		rvx_virtq_kick(&vn.rx);
	tx_reclaim();
	if (reposted != 0)
		vn.work_ns += rvx_port_time_real_ns() - t0;
}

static void udp_echo(void *ctx, const struct rvx_net_udp_meta *m, const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)rvx_net_udp_send(&nif, m->src_ip, m->dst_port, m->src_port, data, len, now_ms());
}

static void udp_stop(void *ctx, const struct rvx_net_udp_meta *m, const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)m;
	if (len == 8 && memcmp(data, "rvx-stop", 8) == 0)
		stop_asked = 1;
}

/* ---- the peer mode: figures against another host's UDP echo ---- */

struct probe {
	uint32_t seq;
	uint32_t got;
	uint64_t bytes;
};

static void udp_reply(void *ctx, const struct rvx_net_udp_meta *m, const uint8_t *data, size_t len)
{
	struct probe *p = ctx;
	uint32_t seq;

	(void)m;
	if (len < 4)
		return;
	memcpy(&seq, data, 4);
	if (seq >= 0x80000000u) {
		p->got++;
		p->bytes += len;
	} else if (seq == p->seq) {
		p->got = 1;
	}
}

/* Send and wait for the echo; the round trip in ns, or 0 on a timeout. */
static uint64_t round_trip(uint32_t peer, struct probe *p, uint8_t *msg, size_t len)
{
	uint64_t t0 = rvx_port_time_real_ns(), end = t0 + 500u * MS;

	p->got = 0;
	memcpy(msg, &p->seq, 4);
	while (rvx_net_udp_send(&nif, peer, 40000, ECHO_PORT, msg, len, now_ms()) != 0) {
		/* The first send asks ARP; wait for the answer. */
		(void)rvx_virt_vdev_wait(&vn.lease, 10u * MS);
		vnet_poll();
		if (rvx_port_time_real_ns() > end)
			return 0;
	}
	while (!p->got) {
		if (rvx_port_time_real_ns() > end)
			return 0;
		(void)rvx_virt_vdev_wait(&vn.lease, 10u * MS);
		vnet_poll();
	}
	return rvx_port_time_real_ns() - t0;
}

static void peer_figures(uint32_t peer)
{
	static uint8_t msg[1400];
	struct probe p = {0, 0, 0};
	uint64_t sum = 0, lo = UINT64_MAX, hi = 0, t0, t1;
	uint32_t ok = 0, rounds = 200, burst = 2000, sent = 0;

	(void)rvx_net_udp_bind(&nif, 40000, udp_reply, &p);
	for (uint32_t i = 0; i < rounds; i++) {
		uint64_t rtt;

		p.seq = i + 1u;
		rtt = round_trip(peer, &p, msg, 64);
		if (rtt == 0)
			continue;
		ok++;
		sum += rtt;
		lo = rtt < lo ? rtt : lo;
		hi = rtt > hi ? rtt : hi;
	}
	rvx_a64_printf("RVX-NET-FIGURE udp-rtt rounds=%u ok=%u mean_ns=%lu min_ns=%lu max_ns=%lu "
		       "(wall, 64-byte payload)\n", rounds, ok, ok ? sum / ok : 0, ok ? lo : 0, hi);
	/* Echo throughput: a stream of 1400-byte datagrams with at most
	 * WINDOW unanswered (so neither side's receive ring overflows), the
	 * echoes counted. */
	p.seq = 0x80000000u;
	p.got = 0;
	p.bytes = 0;
	memcpy(msg, &p.seq, 4);
	t0 = rvx_port_time_real_ns();
	while ((sent < burst || p.got < sent) &&
	       rvx_port_time_real_ns() - t0 < UINT64_C(10000) * MS) {
		if (sent < burst && sent - p.got < WINDOW &&
		    rvx_net_udp_send(&nif, peer, 40000, ECHO_PORT, msg, sizeof(msg), now_ms()) == 0) {
			sent++;
			vnet_poll();
			continue;
		}
		(void)rvx_virt_vdev_wait(&vn.lease, 10u * MS);
		vnet_poll();
	}
	t1 = rvx_port_time_real_ns();
	rvx_a64_printf("RVX-NET-FIGURE udp-echo-stream sent=%u echoed=%u bytes=%lu ns=%lu "
		       "kbit_s=%lu (wall, 1400-byte payloads, echoes counted)\n",
		       sent, p.got, p.bytes, t1 - t0,
		       t1 > t0 ? p.bytes * 8u * 1000000u / (t1 - t0) : 0);
	(void)rvx_net_udp_unbind(&nif, 40000);
	rvx_a64_printf("RVX-NET-PEER %s\n", ok == rounds ? "ok" : "LOSSY");
	/* A few times: a datagram may be lost, stopping twice is harmless. */
	for (uint32_t i = 0; i < 3u && rvx_virt_bootarg("rvx.net.test=on"); i++)
		(void)rvx_net_udp_send(&nif, peer, 40000, STOP_PORT, "rvx-stop", 8, now_ms());
}

void rvx_virt_net_main(uint32_t task, uint64_t clock)
{
	const char *arg = bootarg_value("rvx.net=");
	const char *peer_arg = bootarg_value("rvx.net.peer=");
	struct rvx_net_if_config cfg;
	uint32_t ip = 0, prefix = 0, peer = 0;
	int rc;

	(void)clock;
	rvx_a64_printf("virtio: %u virtio-mmio slot(s) in the DTB\n", rvx_virt_vdev_count());
	rng_read(task);
	if (arg == NULL)
		return;
	if (!parse_ip(arg, &ip, &prefix) || (peer_arg != NULL && !parse_ip(peer_arg, &peer, NULL))) {
		rvx_a64_puts("RVX-NET bad address: rvx.net=A.B.C.D/N, rvx.net.peer=A.B.C.D\n");
		return;
	}
	rc = vnet_up(task);
	if (rc != 0) {
		rvx_a64_printf("RVX-NET no device: %s (%d)%s\n", rvx_strerror(rc), rc,
			       rc == -RVX_ENOTSUP ? " (a legacy device? QEMU: -global "
						    "virtio-mmio.force-legacy=false)" : "");
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, vn.mac, 6);
	cfg.tx = vnet_tx;
	cfg.tx_buf = tx_frame;
	cfg.tx_buf_size = sizeof(tx_frame);
	cfg.arp = arp;
	cfg.arp_count = 16;
	cfg.udp = udp;
	cfg.udp_count = 4;
	cfg.arp_timeout = 60000; /* ms */
	cfg.arp_retry = 200;
	rc = rvx_net_if_init(&nif, &cfg);
	if (rc == 0)
		rc = rvx_net_if_set_addr(&nif, ip, prefix == 32u ? UINT32_MAX : ~(UINT32_MAX >> prefix),
					 0, now_ms());
	if (rc == 0)
		rc = rvx_net_udp_bind(&nif, ECHO_PORT, udp_echo, NULL);
	if (rc == 0 && rvx_virt_bootarg("rvx.net.test=on"))
		rc = rvx_net_udp_bind(&nif, STOP_PORT, udp_stop, NULL);
	if (rc != 0) {
		rvx_a64_printf("RVX-NET lib/net refused the interface: %s (%d)\n", rvx_strerror(rc), rc);
		return;
	}
	rvx_a64_printf("RVX-NET-UP ip=%u.%u.%u.%u/%u mac=%02x:%02x:%02x:%02x:%02x:%02x slot=%u "
		       "intid=%u %s\n", ip >> 24, ip >> 16 & 255u, ip >> 8 & 255u, ip & 255u, prefix,
		       vn.mac[0], vn.mac[1], vn.mac[2], vn.mac[3], vn.mac[4], vn.mac[5],
		       vn.lease.slot, vn.lease.intid, vn.lease.coherent ? "dma-coherent" : "cache-maintained");
	if (peer != 0) {
		peer_figures(peer);
	} else {
		uint64_t last_tick = now_ms();

		while (!stop_asked) {
			(void)rvx_virt_vdev_wait(&vn.lease, 100u * MS);
			vnet_poll();
			if (now_ms() - last_tick >= 1000u) {
				last_tick = now_ms();
				(void)rvx_net_tick(&nif, last_tick);
			}
		}
	}
	{
		uint64_t counts[4] = {vn.rx_frames, vn.tx_frames, vn.lease.irqs,
				      vn.rx.faults + vn.tx.faults};

		rc = rvx_virt_vdev_summary(&vn.lease, counts, 4);
		if (rc != 0)
			rvx_a64_printf("RVX-NET summary not witnessed: %s (%d)\n", rvx_strerror(rc), rc);
	}
	/* Let the device finish sending before it is reset (bounded). */
	for (uint32_t i = 0; i < 100u && vn.tx_free_count < TX_BUFS; i++) {
		(void)rvx_virt_vdev_wait(&vn.lease, MS);
		tx_reclaim();
	}
	rc = rvx_virt_vdev_release(&vn.lease);
	rvx_a64_printf("RVX-NET lease released: %s\n", rc == 0 ? "ok" : rvx_strerror(rc));
	rvx_a64_printf("RVX-NET-STATS rx=%lu tx=%lu tx_full=%lu irqs=%lu arp_req=%lu arp_rep=%lu "
		       "icmp=%lu udp=%lu dropped=%lu faults=%lu work_ns=%lu\n", vn.rx_frames, vn.tx_frames,
		       vn.tx_full, vn.lease.irqs, nif.stats.rx_arp_request, nif.stats.tx_arp_reply,
		       nif.stats.tx_icmp_echo_reply, nif.stats.rx_udp,
		       nif.stats.rx_frames - nif.stats.rx_handled, vn.rx.faults + vn.tx.faults,
		       vn.work_ns);
}
