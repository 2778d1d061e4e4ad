/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx_net_rx() on recorded frames: a pcap file (tests/net/gen_frames.py,
 * the format tcpdump and tshark write) of well-formed and malformed frames,
 * each with the outcome it must get. Every frame is replayed on a fresh
 * interface and checked to land in exactly its one counter; then every
 * truncation of every frame and seeded random corruptions, each in a buffer
 * of exactly its length (so ASan sees any read past the end), must be
 * counted once and never crash. The frames the stack sends in reply are
 * written to a pcap and decoded by tcpdump, which must find every checksum
 * right.
 */
#define _DEFAULT_SOURCE
#include <unistd.h>

#include "net_test.h"

#define FRAMES_MAX 128

struct recorded {
	char name[160];
	char want[160];
	uint8_t *bytes;
	size_t len;
};

static struct recorded rec[FRAMES_MAX];
static unsigned rec_count;
static struct harness H;

static void load_frames(void)
{
	FILE *p = fopen(NET_FRAMES_PCAP, "rb");
	FILE *m = fopen(NET_FRAMES_TXT, "r");
	uint8_t ghdr[24], rhdr[16];
	char line[160];

	cr_assert_not_null(p, "open %s", NET_FRAMES_PCAP);
	cr_assert_not_null(m, "open %s", NET_FRAMES_TXT);
	cr_assert_eq(fread(ghdr, 1, sizeof(ghdr), p), sizeof(ghdr));
	cr_assert_eq(ghdr[0] | ghdr[1] << 8 | ghdr[2] << 16 | (uint32_t)ghdr[3] << 24,
		     0xa1b2c3d4u, "little-endian classic pcap");
	cr_assert_eq(ghdr[20], 1, "linktype Ethernet");
	rec_count = 0;
	while (fread(rhdr, 1, sizeof(rhdr), p) == sizeof(rhdr)) {
		struct recorded *r = &rec[rec_count];
		size_t n = rhdr[8] | rhdr[9] << 8 | rhdr[10] << 16 | (size_t)rhdr[11] << 24;
		char *tab;

		cr_assert_lt(rec_count, FRAMES_MAX);
		cr_assert_not_null(fgets(line, sizeof(line), m), "manifest short");
		line[strcspn(line, "\n")] = 0;
		tab = strchr(line, '\t');
		cr_assert_not_null(tab);
		*tab = 0;
		snprintf(r->name, sizeof(r->name), "%s", line);
		snprintf(r->want, sizeof(r->want), "%s", tab + 1);
		r->bytes = malloc(n ? n : 1);
		r->len = n;
		cr_assert_eq(fread(r->bytes, 1, n, p), n);
		rec_count++;
	}
	fclose(p);
	fclose(m);
	cr_assert_geq(rec_count, 60u);
}

static void free_frames(void)
{
	for (unsigned i = 0; i < rec_count; i++)
		free(rec[i].bytes);
	rec_count = 0;
}

TestSuite(net_rx, .init = load_frames, .fini = free_frames);

/* Each recorded frame gets exactly its outcome and one count. */
Test(net_rx, recorded_outcomes)
{
	unsigned handled = 0, dropped = 0;

	for (unsigned i = 0; i < rec_count; i++) {
		struct recorded *r = &rec[i];
		uint8_t *exact = malloc(r->len ? r->len : 1);
		enum rvx_net_drop got;
		struct rvx_net_stats before;

		harness_up(&H);
		before = H.nif.stats;
		memcpy(exact, r->bytes, r->len);
		got = rvx_net_rx(&H.nif, exact, r->len, 10);
		free(exact);
		cr_expect_str_eq(rvx_net_drop_name(got), r->want, "frame %s", r->name);
		cr_assert_eq(H.nif.stats.rx_frames, before.rx_frames + 1);
		if (got == RVX_NET_DROP_NONE) {
			cr_assert_eq(H.nif.stats.rx_handled, before.rx_handled + 1, "%s", r->name);
			cr_assert_eq(drops_total(&H.nif.stats), drops_total(&before), "%s", r->name);
			handled++;
		} else {
			cr_assert_eq(H.nif.stats.drop[got], before.drop[got] + 1, "%s", r->name);
			cr_assert_eq(drops_total(&H.nif.stats), drops_total(&before) + 1, "%s",
				     r->name);
			cr_assert_eq(H.nif.stats.rx_handled, before.rx_handled);
			cr_assert_eq(H.tx.count, 0, "%s: a dropped frame sends nothing", r->name);
			dropped++;
		}
	}
	cr_assert_geq(handled, 15u);
	cr_assert_geq(dropped, 45u);
}

/* Every prefix of every frame, in a buffer of exactly that size. */
Test(net_rx, truncations_counted_never_crash)
{
	harness_up(&H);
	for (unsigned i = 0; i < rec_count; i++) {
		for (size_t n = 0; n <= rec[i].len; n++) {
			uint8_t *exact = malloc(n ? n : 1);
			enum rvx_net_drop got;

			memcpy(exact, rec[i].bytes, n);
			got = rvx_net_rx(&H.nif, exact, n, 10);
			free(exact);
			cr_assert_lt((unsigned)got, RVX_NET_DROP_COUNT);
			if (n < RVX_NET_ETH_HDR)
				cr_assert_eq(got, RVX_NET_DROP_FRAME_SIZE);
		}
	}
	cr_assert_eq(H.nif.stats.rx_frames, H.nif.stats.rx_handled + drops_total(&H.nif.stats));
}

/* Seeded corruption: 1 to 4 bytes changed per frame, 200 rounds over all. */
Test(net_rx, corruptions_counted_never_crash)
{
	uint64_t seed = 0x5eed0f4e7a11ULL;

	harness_up(&H);
	for (int round = 0; round < 200; round++) {
		for (unsigned i = 0; i < rec_count; i++) {
			size_t n = rec[i].len;
			uint8_t *exact = malloc(n ? n : 1);
			int flips;

			memcpy(exact, rec[i].bytes, n);
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			flips = 1 + (int)((seed >> 60) & 3);
			for (int f = 0; f < flips && n > 0; f++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				exact[(seed >> 33) % n] ^= (uint8_t)(1u + ((seed >> 20) % 255));
			}
			(void)rvx_net_rx(&H.nif, exact, n, (uint64_t)round);
			free(exact);
		}
	}
	cr_assert_eq(H.nif.stats.rx_frames, 200u * rec_count);
	cr_assert_eq(H.nif.stats.rx_frames, H.nif.stats.rx_handled + drops_total(&H.nif.stats));
}

static void pcap_write(FILE *f, const struct tx_log *t)
{
	uint8_t g[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
			 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0};

	fwrite(g, 1, sizeof(g), f);
	for (unsigned i = 0; i < t->count && i < TX_LOG; i++) {
		uint8_t r[16] = {0};
		uint32_t n = (uint32_t)t->len[i];

		r[0] = (uint8_t)i;
		for (int b = 0; b < 4; b++)
			r[8 + b] = r[12 + b] = (uint8_t)(n >> (8 * b));
		fwrite(r, 1, sizeof(r), f);
		fwrite(t->frame[i], 1, n, f);
	}
}

static unsigned count_lines(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* What we send, as tcpdump reads it: ARP replies, echo replies and UDP
 * datagrams, every checksum right. */
Test(net_rx, replies_decode_in_tcpdump)
{
	static struct tx_log all;
	static char out[1 << 16];
	char path[] = "/tmp/ruvix-net-tx-XXXXXX";
	char cmd[512];
	int fd;
	FILE *f, *p;
	size_t n;

	cr_assert_str_neq(NET_TCPDUMP, "", "tcpdump not found: install it (scripts/setup)");
	memset(&all, 0, sizeof(all));
	for (unsigned i = 0; i < rec_count; i++) {
		if (strcmp(rec[i].want, "handled") != 0)
			continue;
		harness_up(&H);
		cr_assert_eq(rvx_net_rx(&H.nif, rec[i].bytes, rec[i].len, 10), 0, "%s", rec[i].name);
		for (unsigned k = 0; k < H.tx.count && all.count < TX_LOG; k++) {
			memcpy(all.frame[all.count], H.tx.frame[k], H.tx.len[k]);
			all.len[all.count++] = H.tx.len[k];
		}
	}
	/* And a datagram of our own to a resolved peer. */
	harness_up(&H);
	cr_assert_eq(rvx_net_rx(&H.nif, rec[1].bytes, rec[1].len, 10), 0, "arp reply learned");
	cr_assert_eq(rvx_net_udp_send(&H.nif, PEER_IP, 5000, 7, "ruvix", 5, 11), 0);
	memcpy(all.frame[all.count], H.tx.frame[0], H.tx.len[0]);
	all.len[all.count++] = H.tx.len[0];

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	pcap_write(f, &all);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -n -vv -e -r %s 2>&1", NET_TCPDUMP, path);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	pclose(p);
	unlink(path);
	cr_log_info("%s", out);
	cr_assert_eq(count_lines(out, "bad cksum"), 0, "%s", out);
	cr_assert_eq(count_lines(out, "wrong icmp cksum"), 0, "%s", out);
	cr_assert_eq(count_lines(out, "bad udp cksum"), 0, "%s", out);
	cr_assert_eq(count_lines(out, "truncated"), 0, "%s", out);
	cr_assert_eq(count_lines(out, "Reply 10.0.2.15 is-at 02:00:00:00:00:01"), 2, "%s", out);
	cr_assert_eq(count_lines(out, "ICMP echo reply"), 7, "%s", out);
	cr_assert_eq(count_lines(out, "10.0.2.15.5000 > 10.0.2.2.7: [udp sum ok] UDP, length 5"),
		     1, "%s", out);
}
