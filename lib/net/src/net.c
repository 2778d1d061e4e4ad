/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPv4 host stack: each received frame walks one chain of checks
 * (Ethernet, then ARP or IPv4, then ICMP or UDP), every check reading only
 * bytes the one before proved present, and ends in exactly one outcome:
 * handled, or dropped for one counted reason. Replies are built in the
 * interface's transmit buffer and handed to the caller's callback before
 * rvx_net_rx() returns.
 */
#include "ruvix/net.h"

#define ARP_FREE 0u
#define ARP_INCOMPLETE 1u
#define ARP_RESOLVED 2u

#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY 2u
#define ARP_LEN 28u
#define IP_HDR 20u
#define UDP_HDR 8u
#define ICMP_HDR 8u

static const uint8_t mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_zero[6];

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	       (uint32_t)p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool mac_is_group(const uint8_t *mac)
{
	return (mac[0] & 1u) != 0; /* multicast, broadcast included */
}

static bool ip_is_multicast(uint32_t ip)
{
	return (ip >> 28) == 0xeu;
}

static bool ip_is_loopback(uint32_t ip)
{
	return (ip >> 24) == 127u;
}

/* The subnet's broadcast address (only meaningful with an address set). */
static uint32_t subnet_broadcast(const struct rvx_net_if *nif)
{
	return nif->ip | ~nif->netmask;
}

static bool ip_is_broadcast(const struct rvx_net_if *nif, uint32_t ip)
{
	return ip == 0xffffffffu || (nif->ip != 0 && ip == subnet_broadcast(nif));
}

static bool on_subnet(const struct rvx_net_if *nif, uint32_t ip)
{
	return (ip & nif->netmask) == (nif->ip & nif->netmask);
}

static uint64_t sum_bytes(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint64_t)((p[i] << 8) | p[i + 1]);
	if (len & 1u)
		sum += (uint64_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t rvx_net_checksum(const void *data, size_t len, uint32_t sum)
{
	return fold(sum_bytes((const uint8_t *)data, len) + sum);
}

/* The sum of the UDP pseudo header (addresses, protocol, UDP length). */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint32_t udp_len)
{
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
	       RVX_NET_PROTO_UDP + udp_len;
}

static const char *const drop_names[RVX_NET_DROP_COUNT] = {
	[RVX_NET_DROP_NONE] = "handled",
	[RVX_NET_DROP_FRAME_SIZE] = "frame size",
	[RVX_NET_DROP_NOT_FOR_US] = "not for us",
	[RVX_NET_DROP_BAD_SOURCE_MAC] = "bad source MAC",
	[RVX_NET_DROP_ETHERTYPE] = "ethertype",
	[RVX_NET_DROP_ARP_MALFORMED] = "ARP malformed",
	[RVX_NET_DROP_ARP_BAD_SENDER] = "ARP bad sender",
	[RVX_NET_DROP_ARP_CONFLICT] = "ARP address conflict",
	[RVX_NET_DROP_ARP_NOT_FOR_US] = "ARP not for us",
	[RVX_NET_DROP_IP_TRUNCATED] = "IPv4 truncated",
	[RVX_NET_DROP_IP_VERSION] = "IPv4 version",
	[RVX_NET_DROP_IP_HEADER_LEN] = "IPv4 header length",
	[RVX_NET_DROP_IP_TOTAL_LEN] = "IPv4 total length",
	[RVX_NET_DROP_IP_CHECKSUM] = "IPv4 checksum",
	[RVX_NET_DROP_IP_OPTIONS] = "IPv4 options",
	[RVX_NET_DROP_IP_FRAGMENT] = "IPv4 fragment",
	[RVX_NET_DROP_IP_TTL] = "IPv4 TTL",
	[RVX_NET_DROP_IP_BAD_SOURCE] = "IPv4 bad source",
	[RVX_NET_DROP_IP_NOT_FOR_US] = "IPv4 not for us",
	[RVX_NET_DROP_IP_PROTOCOL] = "IPv4 protocol",
	[RVX_NET_DROP_ICMP_TRUNCATED] = "ICMP truncated",
	[RVX_NET_DROP_ICMP_CHECKSUM] = "ICMP checksum",
	[RVX_NET_DROP_ICMP_TYPE] = "ICMP type",
	[RVX_NET_DROP_ICMP_BROADCAST] = "ICMP to broadcast",
	[RVX_NET_DROP_UDP_TRUNCATED] = "UDP truncated",
	[RVX_NET_DROP_UDP_LENGTH] = "UDP length",
	[RVX_NET_DROP_UDP_CHECKSUM] = "UDP checksum",
	[RVX_NET_DROP_UDP_NO_PORT] = "UDP no port",
	[RVX_NET_DROP_NO_ADDRESS] = "no address",
	[RVX_NET_DROP_TX_FAILED] = "transmit failed",
};

const char *rvx_net_drop_name(enum rvx_net_drop reason)
{
	if ((unsigned)reason >= RVX_NET_DROP_COUNT)
		return "unknown";
	return drop_names[reason];
}

int rvx_net_if_init(struct rvx_net_if *nif, const struct rvx_net_if_config *cfg)
{
	if (nif == NULL || cfg == NULL || cfg->tx == NULL || cfg->tx_buf == NULL ||
	    cfg->arp == NULL || cfg->udp == NULL || cfg->arp_count == 0 ||
	    cfg->udp_count == 0 || cfg->arp_timeout == 0 || cfg->arp_retry == 0)
		return -RVX_EINVAL;
	if (mac_is_group(cfg->mac) || memcmp(cfg->mac, mac_zero, 6) == 0)
		return -RVX_EINVAL;
	if (cfg->tx_buf_size < RVX_NET_TX_BUF_MIN)
		return -RVX_EBUFSMALL;

	memset(nif, 0, sizeof(*nif));
	nif->cfg = *cfg;
	nif->ttl = cfg->ttl ? cfg->ttl : 64u;
	memset(cfg->arp, 0, sizeof(*cfg->arp) * cfg->arp_count);
	memset(cfg->udp, 0, sizeof(*cfg->udp) * cfg->udp_count);
	return 0;
}

/* Hand the first @len bytes of the transmit buffer to the callback. */
static int transmit(struct rvx_net_if *nif, size_t len)
{
	int ret = nif->cfg.tx(nif->cfg.tx_ctx, nif->cfg.tx_buf, len);

	if (ret != 0) {
		nif->stats.tx_errors++;
		return ret < 0 ? ret : -RVX_EINVAL;
	}
	nif->stats.tx_frames++;
	return 0;
}

static void put_eth(struct rvx_net_if *nif, const uint8_t *dst, uint16_t type)
{
	uint8_t *f = nif->cfg.tx_buf;

	memcpy(f, dst, 6);
	memcpy(f + 6, nif->cfg.mac, 6);
	put16(f + 12, type);
}

static int send_arp(struct rvx_net_if *nif, uint16_t op, const uint8_t *eth_dst,
		    const uint8_t *target_mac, uint32_t target_ip)
{
	uint8_t *a = nif->cfg.tx_buf + RVX_NET_ETH_HDR;
	int ret;

	put_eth(nif, eth_dst, RVX_NET_ETHERTYPE_ARP);
	put16(a, 1);                      /* hardware: Ethernet */
	put16(a + 2, RVX_NET_ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, nif->cfg.mac, 6);
	put32(a + 14, nif->ip);
	memcpy(a + 18, target_mac, 6);
	put32(a + 24, target_ip);
	ret = transmit(nif, RVX_NET_ETH_HDR + ARP_LEN);
	if (ret == 0) {
		if (op == ARP_OP_REQUEST)
			nif->stats.tx_arp_request++;
		else
			nif->stats.tx_arp_reply++;
	}
	return ret;
}

/* Write an IPv4 header for @payload bytes after it; returns the header. */
static uint8_t *put_ip(struct rvx_net_if *nif, uint8_t proto, uint32_t dst, size_t payload)
{
	uint8_t *ip = nif->cfg.tx_buf + RVX_NET_ETH_HDR;

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HDR + payload));
	put16(ip + 4, nif->ip_id++);
	put16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = nif->ttl;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, nif->ip);
	put32(ip + 16, dst);
	put16(ip + 10, rvx_net_checksum(ip, IP_HDR, 0));
	return ip;
}

int rvx_net_if_set_addr(struct rvx_net_if *nif, uint32_t ip, uint32_t netmask,
			uint32_t gateway, uint64_t now)
{
	(void)now;
	if (nif == NULL)
		return -RVX_EINVAL;
	if (ip != 0) {
		uint32_t host = ~netmask;

		/* Contiguous: the host part is 2^k - 1; /1 to /30. */
		if ((host & (host + 1u)) != 0 || host < 3u || netmask == 0)
			return -RVX_EINVAL;
		if (ip_is_multicast(ip) || ip_is_loopback(ip) || ip == 0xffffffffu ||
		    (ip >> 28) == 0xfu || (ip & host) == 0 || (ip & host) == host)
			return -RVX_EINVAL;
		if (gateway != 0 &&
		    ((gateway & netmask) != (ip & netmask) || gateway == ip ||
		     (gateway & host) == 0 || (gateway & host) == host))
			return -RVX_EINVAL;
	} else {
		netmask = 0;
		gateway = 0;
	}

	/* Commit. */
	nif->ip = ip;
	nif->netmask = netmask;
	nif->gateway = gateway;
	memset(nif->cfg.arp, 0, sizeof(*nif->cfg.arp) * nif->cfg.arp_count);
	if (ip != 0)
		(void)send_arp(nif, ARP_OP_REQUEST, mac_broadcast, mac_zero, ip);
	return 0;
}

static bool arp_live(const struct rvx_net_if *nif, const struct rvx_net_arp_entry *e,
		     uint64_t now)
{
	if (e->state == ARP_RESOLVED)
		return now - e->stamp < nif->cfg.arp_timeout;
	if (e->state == ARP_INCOMPLETE)
		return now - e->stamp < nif->cfg.arp_retry;
	return false;
}

static struct rvx_net_arp_entry *arp_find(const struct rvx_net_if *nif, uint32_t ip)
{
	for (uint32_t i = 0; i < nif->cfg.arp_count; i++) {
		struct rvx_net_arp_entry *e = &nif->cfg.arp[i];

		if (e->state != ARP_FREE && e->ip == ip)
			return e;
	}
	return NULL;
}

/* A slot for a new entry: a free or expired one, else the oldest. */
static struct rvx_net_arp_entry *arp_slot(struct rvx_net_if *nif, uint64_t now)
{
	struct rvx_net_arp_entry *oldest = &nif->cfg.arp[0];

	for (uint32_t i = 0; i < nif->cfg.arp_count; i++) {
		struct rvx_net_arp_entry *e = &nif->cfg.arp[i];

		if (!arp_live(nif, e, now))
			return e;
		if (now - e->stamp > now - oldest->stamp)
			oldest = e;
	}
	nif->stats.arp_evictions++;
	return oldest;
}

static void arp_store(struct rvx_net_if *nif, uint32_t ip, const uint8_t *mac, uint64_t now)
{
	struct rvx_net_arp_entry *e = arp_find(nif, ip);

	if (e == NULL)
		e = arp_slot(nif, now);
	e->ip = ip;
	memcpy(e->mac, mac, 6);
	e->state = ARP_RESOLVED;
	e->reserved = 0;
	e->stamp = now;
}

int rvx_net_arp_lookup(const struct rvx_net_if *nif, uint32_t ip, uint64_t now, uint8_t mac[6])
{
	const struct rvx_net_arp_entry *e;

	if (nif == NULL || mac == NULL)
		return -RVX_EINVAL;
	e = arp_find(nif, ip);
	if (e == NULL || e->state != ARP_RESOLVED || !arp_live(nif, e, now))
		return -RVX_ENOENT;
	memcpy(mac, e->mac, 6);
	return 0;
}

int rvx_net_arp_request(struct rvx_net_if *nif, uint32_t ip, uint64_t now)
{
	struct rvx_net_arp_entry *e;

	if (nif == NULL)
		return -RVX_EINVAL;
	if (nif->ip == 0)
		return -RVX_ENOTSUP;
	if (ip == 0 || ip == nif->ip || !on_subnet(nif, ip) || ip_is_broadcast(nif, ip))
		return -RVX_EINVAL;
	e = arp_find(nif, ip);
	if (e != NULL && e->state == ARP_INCOMPLETE && arp_live(nif, e, now))
		return 0;

	/* Commit. A resolved but expired entry, or none, becomes incomplete. */
	if (e == NULL || e->state != ARP_RESOLVED || !arp_live(nif, e, now)) {
		if (e == NULL)
			e = arp_slot(nif, now);
		e->ip = ip;
		memset(e->mac, 0, 6);
		e->state = ARP_INCOMPLETE;
		e->reserved = 0;
		e->stamp = now;
	}
	return send_arp(nif, ARP_OP_REQUEST, mac_broadcast, mac_zero, ip);
}

int rvx_net_tick(struct rvx_net_if *nif, uint64_t now)
{
	int expired = 0;

	if (nif == NULL)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < nif->cfg.arp_count; i++) {
		struct rvx_net_arp_entry *e = &nif->cfg.arp[i];

		if (e->state != ARP_FREE && !arp_live(nif, e, now)) {
			memset(e, 0, sizeof(*e));
			expired++;
		}
	}
	nif->stats.arp_expired += (uint64_t)expired;
	return expired;
}

static enum rvx_net_drop rx_arp(struct rvx_net_if *nif, const uint8_t *frame,
				const uint8_t *a, size_t len, uint64_t now)
{
	uint16_t op;
	uint32_t sip, tip;
	const uint8_t *sha;
	bool known;

	if (len < ARP_LEN || get16(a) != 1 || get16(a + 2) != RVX_NET_ETHERTYPE_IPV4 ||
	    a[4] != 6 || a[5] != 4)
		return RVX_NET_DROP_ARP_MALFORMED;
	op = get16(a + 6);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return RVX_NET_DROP_ARP_MALFORMED;
	sha = a + 8;
	sip = get32(a + 14);
	tip = get32(a + 24);
	if (mac_is_group(sha) || memcmp(sha, frame + 6, 6) != 0 || ip_is_multicast(sip) ||
	    sip == 0xffffffffu || (nif->ip != 0 && sip != 0 && ip_is_broadcast(nif, sip)))
		return RVX_NET_DROP_ARP_BAD_SENDER;
	if (nif->ip == 0)
		return RVX_NET_DROP_NO_ADDRESS;
	if (sip == nif->ip)
		return RVX_NET_DROP_ARP_CONFLICT;

	/* RFC 826: refresh a sender we know; learn it only if we are the target. */
	known = sip != 0 && arp_find(nif, sip) != NULL;
	if (tip != nif->ip) {
		if (known)
			arp_store(nif, sip, sha, now);
		return RVX_NET_DROP_ARP_NOT_FOR_US;
	}
	if (sip != 0 && on_subnet(nif, sip))
		arp_store(nif, sip, sha, now);
	else if (known)
		arp_store(nif, sip, sha, now);
	if (op == ARP_OP_REPLY) {
		nif->stats.rx_arp_reply++;
		return RVX_NET_DROP_NONE;
	}
	/* A probe (sender 0.0.0.0) is answered too, to its MAC. */
	if (send_arp(nif, ARP_OP_REPLY, sha, sha, sip) != 0)
		return RVX_NET_DROP_TX_FAILED;
	nif->stats.rx_arp_request++;
	return RVX_NET_DROP_NONE;
}

/* Option list: each option is EOL, NOP, or type, length >= 2, data. */
static bool ip_options_ok(const uint8_t *opt, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (opt[i] == 0)
			return true;
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || opt[i + 1] > len - i)
			return false;
		i += opt[i + 1];
	}
	return true;
}

static enum rvx_net_drop rx_icmp(struct rvx_net_if *nif, const uint8_t *frame,
				 const uint8_t *ip, const uint8_t *icmp, size_t len,
				 bool to_broadcast)
{
	uint8_t *out;

	if (len < ICMP_HDR)
		return RVX_NET_DROP_ICMP_TRUNCATED;
	if (rvx_net_checksum(icmp, len, 0) != 0)
		return RVX_NET_DROP_ICMP_CHECKSUM;
	if (icmp[0] != 8 || icmp[1] != 0)
		return RVX_NET_DROP_ICMP_TYPE;
	if (to_broadcast)
		return RVX_NET_DROP_ICMP_BROADCAST;

	/* Reply to the frame's sender: type 0, same id, sequence and data. */
	put_eth(nif, frame + 6, RVX_NET_ETHERTYPE_IPV4);
	put_ip(nif, RVX_NET_PROTO_ICMP, get32(ip + 12), len);
	out = nif->cfg.tx_buf + RVX_NET_ETH_HDR + IP_HDR;
	memcpy(out, icmp, len);
	out[0] = 0;
	put16(out + 2, 0);
	put16(out + 2, rvx_net_checksum(out, len, 0));
	if (transmit(nif, RVX_NET_ETH_HDR + IP_HDR + len) != 0)
		return RVX_NET_DROP_TX_FAILED;
	nif->stats.tx_icmp_echo_reply++;
	nif->stats.rx_icmp_echo++;
	return RVX_NET_DROP_NONE;
}

static enum rvx_net_drop rx_udp(struct rvx_net_if *nif, const uint8_t *frame,
				const uint8_t *ip, const uint8_t *udp, size_t len)
{
	struct rvx_net_udp_meta meta;
	uint16_t ulen, port;
	uint32_t src = get32(ip + 12), dst = get32(ip + 16);

	if (len < UDP_HDR)
		return RVX_NET_DROP_UDP_TRUNCATED;
	ulen = get16(udp + 4);
	if (ulen < UDP_HDR || ulen > len)
		return RVX_NET_DROP_UDP_LENGTH;
	/* A zero checksum field means the sender computed none (IPv4 only). */
	if (get16(udp + 6) != 0 &&
	    rvx_net_checksum(udp, ulen, pseudo_sum(src, dst, ulen)) != 0)
		return RVX_NET_DROP_UDP_CHECKSUM;
	port = get16(udp + 2);
	for (uint32_t i = 0; port != 0 && i < nif->cfg.udp_count; i++) {
		const struct rvx_net_udp_binding *b = &nif->cfg.udp[i];

		if (b->fn == NULL || b->port != port)
			continue;
		meta.src_ip = src;
		meta.dst_ip = dst;
		meta.src_port = get16(udp);
		meta.dst_port = port;
		memcpy(meta.src_mac, frame + 6, 6);
		nif->stats.rx_udp++;
		b->fn(b->ctx, &meta, udp + UDP_HDR, (size_t)ulen - UDP_HDR);
		return RVX_NET_DROP_NONE;
	}
	return RVX_NET_DROP_UDP_NO_PORT;
}

static enum rvx_net_drop rx_ipv4(struct rvx_net_if *nif, const uint8_t *frame,
				 const uint8_t *ip, size_t len)
{
	size_t hlen, total;
	uint32_t src, dst;
	uint16_t frag;
	enum rvx_net_drop r;

	if (len < IP_HDR)
		return RVX_NET_DROP_IP_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return RVX_NET_DROP_IP_VERSION;
	hlen = (size_t)(ip[0] & 0xfu) * 4u;
	if (hlen < IP_HDR || hlen > len)
		return RVX_NET_DROP_IP_HEADER_LEN;
	total = get16(ip + 2);
	if (total < hlen || total > len)
		return RVX_NET_DROP_IP_TOTAL_LEN;
	if (rvx_net_checksum(ip, hlen, 0) != 0)
		return RVX_NET_DROP_IP_CHECKSUM;
	if (!ip_options_ok(ip + IP_HDR, hlen - IP_HDR))
		return RVX_NET_DROP_IP_OPTIONS;
	frag = get16(ip + 6);
	if ((frag & 0x2000u) != 0 || (frag & 0x1fffu) != 0)
		return RVX_NET_DROP_IP_FRAGMENT;
	if (ip[8] == 0)
		return RVX_NET_DROP_IP_TTL;
	if (nif->ip == 0)
		return RVX_NET_DROP_NO_ADDRESS;
	src = get32(ip + 12);
	dst = get32(ip + 16);
	if (src == 0 || ip_is_multicast(src) || ip_is_loopback(src) || src == nif->ip ||
	    ip_is_broadcast(nif, src) || (src >> 28) == 0xfu)
		return RVX_NET_DROP_IP_BAD_SOURCE;
	if (dst != nif->ip && !ip_is_broadcast(nif, dst))
		return RVX_NET_DROP_IP_NOT_FOR_US;

	if (ip[9] == RVX_NET_PROTO_ICMP)
		r = rx_icmp(nif, frame, ip, ip + hlen, total - hlen, dst != nif->ip);
	else if (ip[9] == RVX_NET_PROTO_UDP)
		r = rx_udp(nif, frame, ip, ip + hlen, total - hlen);
	else
		r = RVX_NET_DROP_IP_PROTOCOL;
	if (r == RVX_NET_DROP_NONE && hlen > IP_HDR)
		nif->stats.rx_ip_options++;
	return r;
}

enum rvx_net_drop rvx_net_rx(struct rvx_net_if *nif, const uint8_t *frame, size_t len,
			     uint64_t now)
{
	enum rvx_net_drop r;
	uint16_t type;

	if (nif == NULL)
		return RVX_NET_DROP_FRAME_SIZE;
	nif->stats.rx_frames++;
	if (frame == NULL || len < RVX_NET_ETH_HDR || len > RVX_NET_FRAME_MAX) {
		r = RVX_NET_DROP_FRAME_SIZE;
	} else if (memcmp(frame, nif->cfg.mac, 6) != 0 &&
		   memcmp(frame, mac_broadcast, 6) != 0) {
		r = RVX_NET_DROP_NOT_FOR_US;
	} else if (mac_is_group(frame + 6) || memcmp(frame + 6, nif->cfg.mac, 6) == 0) {
		r = RVX_NET_DROP_BAD_SOURCE_MAC;
	} else {
		type = get16(frame + 12);
		if (type == RVX_NET_ETHERTYPE_ARP)
			r = rx_arp(nif, frame, frame + RVX_NET_ETH_HDR, len - RVX_NET_ETH_HDR, now);
		else if (type == RVX_NET_ETHERTYPE_IPV4)
			r = rx_ipv4(nif, frame, frame + RVX_NET_ETH_HDR, len - RVX_NET_ETH_HDR);
		else
			r = RVX_NET_DROP_ETHERTYPE;
	}
	if (r == RVX_NET_DROP_NONE)
		nif->stats.rx_handled++;
	else
		nif->stats.drop[r]++;
	return r;
}

int rvx_net_udp_bind(struct rvx_net_if *nif, uint16_t port, rvx_net_udp_fn fn, void *ctx)
{
	struct rvx_net_udp_binding *free_slot = NULL;

	if (nif == NULL || fn == NULL || port == 0)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < nif->cfg.udp_count; i++) {
		struct rvx_net_udp_binding *b = &nif->cfg.udp[i];

		if (b->fn != NULL && b->port == port)
			return -RVX_EEXIST;
		if (b->fn == NULL && free_slot == NULL)
			free_slot = b;
	}
	if (free_slot == NULL)
		return -RVX_ELIMIT;
	free_slot->fn = fn;
	free_slot->ctx = ctx;
	free_slot->port = port;
	return 0;
}

int rvx_net_udp_unbind(struct rvx_net_if *nif, uint16_t port)
{
	if (nif == NULL)
		return -RVX_EINVAL;
	for (uint32_t i = 0; i < nif->cfg.udp_count; i++) {
		struct rvx_net_udp_binding *b = &nif->cfg.udp[i];

		if (b->fn != NULL && b->port == port) {
			memset(b, 0, sizeof(*b));
			return 0;
		}
	}
	return -RVX_ENOENT;
}

int rvx_net_udp_send(struct rvx_net_if *nif, uint32_t dst_ip, uint16_t src_port,
		     uint16_t dst_port, const void *data, size_t len, uint64_t now)
{
	uint8_t mac[6];
	uint32_t hop;
	uint8_t *udp;
	uint16_t sum;
	int ret;

	if (nif == NULL || src_port == 0 || dst_port == 0 || dst_ip == 0 ||
	    ip_is_multicast(dst_ip) || ip_is_loopback(dst_ip) || (data == NULL && len > 0))
		return -RVX_EINVAL;
	if (len > RVX_NET_UDP_PAYLOAD_MAX)
		return -RVX_EMSGSIZE;
	if (nif->ip == 0)
		return -RVX_ENOTSUP;
	if (ip_is_broadcast(nif, dst_ip)) {
		memcpy(mac, mac_broadcast, 6);
	} else {
		hop = on_subnet(nif, dst_ip) ? dst_ip : nif->gateway;
		if (hop == 0)
			return -RVX_ENOTSUP;
		if (rvx_net_arp_lookup(nif, hop, now, mac) != 0) {
			ret = rvx_net_arp_request(nif, hop, now);
			return ret == 0 ? -RVX_ENOENT : ret;
		}
	}

	/* Commit: build the frame in the transmit buffer and send it. */
	put_eth(nif, mac, RVX_NET_ETHERTYPE_IPV4);
	put_ip(nif, RVX_NET_PROTO_UDP, dst_ip, UDP_HDR + len);
	udp = nif->cfg.tx_buf + RVX_NET_ETH_HDR + IP_HDR;
	put16(udp, src_port);
	put16(udp + 2, dst_port);
	put16(udp + 4, (uint16_t)(UDP_HDR + len));
	put16(udp + 6, 0);
	if (len > 0)
		memcpy(udp + UDP_HDR, data, len);
	sum = rvx_net_checksum(udp, UDP_HDR + len,
			       pseudo_sum(nif->ip, dst_ip, (uint32_t)(UDP_HDR + len)));
	put16(udp + 6, sum == 0 ? 0xffffu : sum);
	ret = transmit(nif, RVX_NET_ETH_HDR + IP_HDR + UDP_HDR + len);
	if (ret == 0)
		nif->stats.tx_udp++;
	return ret;
}
