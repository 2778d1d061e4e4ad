/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruvix monitor: attach to an image's serial console (a QEMU serial socket,
 * a pty or serial device, or a log file being written), print it, decode
 * the witness records of its dump as they arrive, verify the hash chain as
 * it grows (each record's sequence and link against the running SHA-256 of
 * the records before it; the dumped head against the digest), flag the
 * first bad record, and pass keystrokes through to the console (rvsh).
 *
 * The chain is the one lib/witness defines: the log is one SHA-256 message
 * whose blocks are the 64-byte records; a record's link is the first 16
 * bytes of the chaining value before it (ruvix/witness.h). A dump that does
 * not start at the origin is checked for sequence only.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bearssl.h"
#include "cli.h"
#include "ruvix/witness.h"

const char cli_monitor_usage[] =
	"usage: ruvix monitor (--socket PATH | --tcp HOST:PORT | --serial DEV |\n"
	"                      --file LOG [--follow])\n"
	"                     [--timeout S] [--no-input] [--quiet] [--json]\n"
	"  --socket  a QEMU serial socket (-serial unix:PATH,server=on,wait=off)\n"
	"  --tcp     a QEMU serial on TCP (-serial tcp:127.0.0.1:PORT,server=on,wait=off);\n"
	"            a refused connection is tried again for up to 5 s (QEMU starting)\n"
	"  --serial  a pty or serial device (set raw)\n"
	"  --file    a console log; --follow keeps reading as it grows, until the\n"
	"            image shuts down (RVX-SHUTDOWN) or --timeout\n"
	"  Prints the console, decodes each witness record of the dump as it\n"
	"  arrives and verifies the chain as it grows; keystrokes on standard input\n"
	"  go to the console (rvsh) unless --no-input; Ctrl-] ends a session.\n"
	"  --quiet prints only the records and the verdict; --json prints each\n"
	"  record and the verdict as JSON lines instead.\n"
	"  exit: 0 the console ended and every record seen verified (or none was\n"
	"        seen); 1 a bad record (the first is named); 2 usage (also a --tcp\n"
	"        address that is not HOST:PORT); 3 the socket, TCP address, device or\n"
	"        file cannot be opened (a host that does not resolve, no listener)\n";

struct chain {
	br_sha256_context sha;
	bool active;      /* inside a dump */
	bool from_origin; /* links are checked */
	bool bad;         /* a fault was found (sticky) */
	bool ended;       /* a dump ended */
	uint64_t next;    /* sequence expected next */
	uint64_t count;   /* records the BEGIN line announced */
	uint64_t seen;    /* records read */
	uint64_t verified;
};

struct mon {
	struct chain c;
	bool quiet, json;
	char line[1024];
	size_t len;
	bool shutdown;
};

static void verdict_bad(struct mon *m, uint64_t seq, const char *why)
{
	if (!m->c.bad) {
		if (m->json)
			printf("{\"event\": \"bad\", \"sequence\": %llu, \"reason\": \"%s\"}\n",
			       (unsigned long long)seq, why);
		else
			printf("[witness] FIRST BAD RECORD: sequence %llu: %s\n",
			       (unsigned long long)seq, why);
	}
	m->c.bad = true;
}

static int unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int v[2];

		for (int j = 0; j < 2; j++) {
			char c = s[2 * i + (size_t)j];

			v[j] = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (v[j] < 0)
				return -1;
		}
		out[i] = (uint8_t)(v[0] << 4 | v[1]);
	}
	return 0;
}

static void record(struct mon *m, const char *hex)
{
	struct chain *c = &m->c;
	struct rvx_witness_record r;
	uint8_t wire[RVX_WITNESS_RECORD_SIZE], state[32];
	const char *fault = NULL;
	char kind[32];

	if (strlen(hex) != 2 * RVX_WITNESS_RECORD_SIZE || unhex(hex, RVX_WITNESS_RECORD_SIZE, wire) != 0) {
		verdict_bad(m, c->next, "a record line that is not 64 bytes of hex");
		return;
	}
	rvx_witness_record_decode(wire, &r);
	c->seen++;
	cli_kind_str(r.kind, kind, sizeof(kind));
	if (c->bad) {
		/* Past the first bad record the chain proves nothing more. */
		c->next++;
	} else {
		if (!c->active)
			fault = "a record outside a dump";
		else if (r.sequence != c->next)
			fault = r.sequence < c->next ? "reordered or duplicated"
						     : "out of sequence (a record is missing, or edited)";
		else if (c->from_origin) {
			br_sha256_state(&c->sha, state);
			if (memcmp(state, r.link, RVX_WITNESS_LINK_SIZE) != 0)
				fault = "the chain breaks here: this record or the one before it was "
					"edited";
		}
		if (c->from_origin)
			br_sha256_update(&c->sha, wire, sizeof(wire));
		c->next++;
		if (fault == NULL)
			c->verified++;
	}
	if (m->json)
		printf("{\"event\": \"record\", \"sequence\": %llu, \"time\": %llu, \"kind\": \"%s\", "
		       "\"tier\": %u, \"actor\": %u, \"target\": %llu, \"ok\": %s}\n",
		       (unsigned long long)r.sequence, (unsigned long long)r.time, kind, r.tier,
		       r.actor, (unsigned long long)r.target, fault == NULL && !c->bad ? "true" : "false");
	else
		printf("[witness] %6llu %12llu %-18s actor %-4u target 0x%llx%s\n",
		       (unsigned long long)r.sequence, (unsigned long long)r.time, kind, r.actor,
		       (unsigned long long)r.target,
		       fault != NULL ? "  BAD" : c->bad ? "  (unchecked: after the first bad record)"
			       : c->from_origin ? "  ok" : "");
	if (fault != NULL)
		verdict_bad(m, c->next - 1u, fault);
}

static void end_of_dump(struct mon *m, const char *hex)
{
	struct chain *c = &m->c;
	uint8_t head[32], digest[32];

	c->active = false;
	c->ended = true;
	if (strlen(hex) != 64 || unhex(hex, 32, head) != 0) {
		verdict_bad(m, c->next, "an END line without a 32-byte head");
		return;
	}
	if (c->seen != c->count) {
		verdict_bad(m, c->next, "the dump holds fewer or more records than it announced");
		return;
	}
	if (c->from_origin) {
		br_sha256_out(&c->sha, digest);
		if (memcmp(digest, head, 32) != 0) {
			verdict_bad(m, c->next, "the records do not hash to the dumped head (truncated?)");
			return;
		}
	}
	if (c->bad)
		return;
	if (m->json)
		printf("{\"event\": \"verified\", \"records\": %llu, \"from_origin\": %s, \"head\": \"%s\"}\n",
		       (unsigned long long)c->verified, c->from_origin ? "true" : "false", hex);
	else
		printf("[witness] chain verified: %llu records%s, head %.16s...\n",
		       (unsigned long long)c->verified,
		       c->from_origin ? " from the origin" : " (sequence only: the dump starts later)",
		       hex);
}

/* One console line (without its end). */
static void line(struct mon *m, char *s)
{
	unsigned long long count, first;
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '\r')
		s[--n] = '\0';
	if (strncmp(s, "RVX-W ", 6) == 0) {
		record(m, s + 6);
		return;
	}
	if (sscanf(s, "RVX-WITNESS-BEGIN %llu %llu", &count, &first) == 2) {
		memset(&m->c, 0, sizeof(m->c));
		m->c.active = true;
		m->c.count = count;
		m->c.next = first;
		m->c.from_origin = first == 0;
		br_sha256_init(&m->c.sha);
		if (!m->json)
			printf("[witness] dump of %llu records from sequence %llu\n", count, first);
		return;
	}
	if (strncmp(s, "RVX-WITNESS-END ", 16) == 0) {
		end_of_dump(m, s + 16);
		return;
	}
	if (strncmp(s, "RVX-SHUTDOWN", 12) == 0)
		m->shutdown = true;
	if (!m->quiet && !m->json)
		printf("%s\n", s);
}

/* Console bytes: whole lines are processed; a partial line (a prompt) is
 * echoed at once unless it may become a record. */
static void feed(struct mon *m, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			m->line[m->len] = '\0';
			line(m, m->line);
			m->len = 0;
		} else if (m->len + 1 < sizeof(m->line)) {
			m->line[m->len++] = buf[i];
		}
	}
	if (m->len != 0 && !m->quiet && !m->json && strncmp(m->line, "RVX", m->len < 3 ? m->len : 3) != 0) {
		fwrite(m->line, 1, m->len, stdout);
		m->len = 0;
	}
	fflush(stdout);
}

static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
	tty_raw = false;
}

static int open_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Split "HOST:PORT" (a bracketed IPv6 host allowed: "[::1]:PORT") into
 * @host and @port; false if it is not that. */
static bool split_hostport(const char *arg, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *colon = strrchr(arg, ':');
	const char *h = arg;
	size_t hn;

	if (colon == NULL || colon == arg || colon[1] == '\0' || strlen(colon + 1) >= pcap)
		return false;
	for (const char *q = colon + 1; *q != '\0'; q++) {
		if (*q < '0' || *q > '9')
			return false;
	}
	if (atol(colon + 1) < 1 || atol(colon + 1) > 65535)
		return false;
	hn = (size_t)(colon - arg);
	if (*h == '[') {
		if (hn < 3 || colon[-1] != ']')
			return false;
		h++;
		hn -= 2;
	}
	if (hn >= hcap)
		return false;
	memcpy(host, h, hn);
	host[hn] = '\0';
	strcpy(port, colon + 1);
	return true;
}

/* Connect to @host:@port; while nothing listens there yet (QEMU still
 * starting), try again for up to 5 s. -1 with errno, or -2 if the host
 * does not resolve (*gai the error). */
static int open_tcp(const char *host, const char *port, int *gai)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, e = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	*gai = getaddrinfo(host, port, &hints, &res);
	if (*gai != 0)
		return -2;
	for (int attempt = 0; attempt < 50 && fd < 0; attempt++) {
		if (attempt != 0)
			usleep(100000);
		for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
			fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
			if (fd < 0) {
				e = errno;
				continue;
			}
			if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
				e = errno;
				close(fd);
				fd = -1;
			}
		}
		if (fd < 0 && e != ECONNREFUSED)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		errno = e;
	return fd;
}

static int open_serial(const char *dev)
{
	struct termios t;
	int fd = open(dev, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int cli_monitor(int argc, char **argv)
{
	const char *sock = NULL, *serial = NULL, *file = NULL, *tcp = NULL;
	char host[256], port[8];
	int gai = 0;
	bool follow = false, input = true;
	double timeout = 0;
	struct mon m;
	uint64_t deadline;
	int fd, nsrc = 0;

	memset(&m, 0, sizeof(m));
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i], nsrc++;
		else if (strcmp(argv[i], "--tcp") == 0 && i + 1 < argc)
			tcp = argv[++i], nsrc++;
		else if (strcmp(argv[i], "--serial") == 0 && i + 1 < argc)
			serial = argv[++i], nsrc++;
		else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			file = argv[++i], nsrc++;
		else if (strcmp(argv[i], "--follow") == 0)
			follow = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout = atof(argv[++i]);
		else if (strcmp(argv[i], "--no-input") == 0)
			input = false;
		else if (strcmp(argv[i], "--quiet") == 0)
			m.quiet = true;
		else if (strcmp(argv[i], "--json") == 0)
			m.json = true;
		else
			return fputs(cli_monitor_usage, stderr), CLI_USAGE;
	}
	if (nsrc != 1 || timeout < 0 || (follow && file == NULL))
		return fputs(cli_monitor_usage, stderr), CLI_USAGE;
	if (tcp != NULL && !split_hostport(tcp, host, sizeof(host), port, sizeof(port))) {
		fprintf(stderr, "ruvix monitor: --tcp %s: not HOST:PORT (a port 1..65535)\n", tcp);
		return CLI_USAGE;
	}
	if (tcp != NULL) {
		fd = open_tcp(host, port, &gai);
		if (fd == -2) {
			fprintf(stderr, "ruvix monitor: %s: %s\n", tcp, gai_strerror(gai));
			return CLI_IO;
		}
	} else if (sock != NULL)
		fd = open_socket(sock);
	else if (serial != NULL)
		fd = open_serial(serial);
	else
		fd = open(file, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "ruvix monitor: %s: %s\n",
			tcp ? tcp : sock ? sock : serial ? serial : file, strerror(errno));
		return CLI_IO;
	}
	if (file != NULL)
		input = false;
	signal(SIGPIPE, SIG_IGN);
	if (input && isatty(0) && tcgetattr(0, &saved_tty) == 0) {
		struct termios t = saved_tty;

		cfmakeraw(&t);
		t.c_oflag |= OPOST;
		if (tcsetattr(0, TCSANOW, &t) == 0) {
			tty_raw = true;
			atexit(restore_tty);
		}
	}
	deadline = timeout > 0 ? now_ms() + (uint64_t)(timeout * 1000.0) : 0;
	for (;;) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {0, POLLIN, 0}};
		char buf[4096];
		ssize_t n;
		int wait = 200;

		if (deadline != 0 && now_ms() >= deadline) {
			if (!m.json)
				printf("[monitor] timeout\n");
			break;
		}
		if (m.shutdown && file != NULL)
			break;
		if (file != NULL) {
			n = read(fd, buf, sizeof(buf));
			if (n > 0) {
				feed(&m, buf, (size_t)n);
				continue;
			}
			if (n < 0 || !follow)
				break;
			usleep(100000);
			continue;
		}
		if (poll(p, input ? 2 : 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				break; /* the console went away (QEMU exited) */
			feed(&m, buf, (size_t)n);
		}
		if (input && (p[1].revents & (POLLIN | POLLHUP))) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				input = false; /* end of our input: keep watching */
				continue;
			}
			if (tty_raw && memchr(buf, 0x1d, (size_t)n) != NULL) /* Ctrl-] */
				break;
			/* A terminal's Enter is CR already; a pipe's lines end in LF. */
			for (ssize_t i = 0; i < n; i++) {
				if (buf[i] == '\n')
					buf[i] = '\r';
			}
			if (write(fd, buf, (size_t)n) != n)
				break;
		}
	}
	restore_tty();
	close(fd);
	if (m.len != 0) {
		m.line[m.len] = '\0';
		line(&m, m.line);
	}
	if (m.c.active && !m.c.bad)
		verdict_bad(&m, m.c.next, "the dump ended before its END line (truncated)");
	fflush(stdout);
	return m.c.bad ? CLI_FAILED : CLI_OK;
}
