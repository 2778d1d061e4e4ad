/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Witness journal and record-log files (ruvix/hosted_witness.h): round
 * trips, a crash cut at every byte of the last frame (torn tail recovered),
 * a flipped byte anywhere in a middle frame (refused, file unchanged;
 * repaired on request), sequence breaks, zero-filled tails, the record-log
 * sink with chain verification across the open's chunks, sync policies,
 * the lock, and argument checks with state unchanged.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ruvix/err.h"
#include "ruvix/hosted_witness.h"
#include "ruvix/witness.h"

#define N 12u
#define MAXFILE (1u << 20)

static char path[64];
static uint8_t before[MAXFILE], after[MAXFILE];

static void setup(void)
{
	int fd;

	strcpy(path, "/tmp/ruvix-hwfile-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

TestSuite(hwfile, .init = setup, .fini = teardown);

static size_t file_read(uint8_t *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	cr_assert(fd >= 0);
	n = read(fd, buf, MAXFILE);
	cr_assert(n >= 0 && (size_t)n < MAXFILE);
	close(fd);
	return (size_t)n;
}

static void file_write(const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static void wire_make(uint64_t seq, uint8_t wire[RVX_WITNESS_RECORD_SIZE])
{
	struct rvx_witness_record r;

	memset(&r, 0, sizeof(r));
	r.sequence = seq;
	r.time = 1000u + seq;
	r.kind = RVX_WITNESS_REGION_WRITE;
	r.actor = 7;
	r.target = 0x1234u + seq;
	rvx_witness_record_encode(&r, wire);
}

static uint32_t args_len_of(uint64_t seq)
{
	return (uint32_t)(seq * 13u % 97u);
}

static void args_of(uint64_t seq, uint8_t *args)
{
	for (uint32_t i = 0; i < args_len_of(seq); i++)
		args[i] = (uint8_t)(seq * 31u + i);
}

static void append_seq(struct rvx_hwfile *f, uint64_t seq)
{
	uint8_t wire[64], args[128];

	wire_make(seq, wire);
	args_of(seq, args);
	cr_assert_eq(rvx_hwfile_append(f, wire, args, args_len_of(seq)), 0);
}

/* A journal file of n frames (sequences 0..n-1); returns the offset of
 * each frame in offs (n + 1 entries: the last is the size). */
static void journal_make(uint32_t n, uint64_t *offs)
{
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;

	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_NEVER, 0), 0);
	for (uint32_t i = 0; i < n; i++) {
		if (offs != NULL)
			offs[i] = f.size;
		append_seq(&f, i);
	}
	if (offs != NULL)
		offs[n] = f.size;
	cr_assert_eq(rvx_hwfile_close(&f), 0);
}

Test(hwfile, append_reopen_all_recovered)
{
	uint64_t offs[N + 1];
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;
	struct rvx_witness_journal j;
	struct rvx_witness_entry e;
	static uint8_t buf[MAXFILE];
	uint8_t frame[RVX_HWFILE_FRAME_MAX], args[128];
	uint64_t cursor = 0;
	size_t len = 0, flen;

	journal_make(N, offs);
	flen = file_read(before);
	cr_assert_eq(flen, offs[N]);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rec.frames, N);
	cr_assert_eq(rec.valid_len, offs[N]);
	cr_assert_eq(rec.file_len, offs[N]);
	cr_assert_eq(rec.first_seq, 0);
	cr_assert_eq(rec.last_seq, N - 1u);
	cr_assert_eq(rec.dropped, 0);
	cr_assert_eq(f.count, N);
	cr_assert_eq(f.next_seq, N);

	/* read_all: the same bytes */
	cr_assert_eq(rvx_hwfile_read_all(&f, buf, sizeof(buf), &len), 0);
	cr_assert_eq(len, flen);
	cr_assert_eq(memcmp(buf, before, len), 0);

	/* load: a memory journal of N entries */
	cr_assert_eq(rvx_hwfile_load(&f, &j, buf, sizeof(buf)), 0);
	cr_assert_eq(j.count, N);
	cr_assert_eq(j.first_seq, 0);
	cr_assert_eq(j.next_seq, N);

	/* the iterator: every entry with its payload */
	for (uint64_t i = 0; i < N; i++) {
		cr_assert_eq(rvx_hwfile_next(&f, &cursor, frame, sizeof(frame), &e), 0);
		cr_assert_eq(e.record.sequence, i);
		cr_assert_eq(e.args_len, args_len_of(i));
		args_of(i, args);
		cr_assert_eq(memcmp(e.args, args, e.args_len), 0);
		cr_assert_eq(cursor, offs[i + 1]);
	}
	cr_assert_eq(rvx_hwfile_next(&f, &cursor, frame, sizeof(frame), &e), -RVX_ENOENT);

	/* appending goes on from sequence N */
	append_seq(&f, N);
	cr_assert_eq(f.count, N + 1u);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(f.fd, -1);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.frames, N + 1u);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
}

Test(hwfile, empty_file_and_new_file)
{
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;
	char fresh[80];

	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rec.frames, 0);
	cr_assert_eq(f.size, 0);
	cr_assert_eq(rvx_hwfile_close(&f), 0);

	/* a path that does not exist yet is created */
	snprintf(fresh, sizeof(fresh), "%s.new", path);
	unlink(fresh);
	cr_assert_eq(rvx_hwfile_open(&f, fresh, 0, NULL), 0);
	append_seq(&f, 5); /* an empty file takes any first sequence */
	cr_assert_eq(f.first_seq, 5);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(rvx_hwfile_open(&f, fresh, 0, &rec), 0);
	cr_assert_eq(rec.frames, 1);
	cr_assert_eq(rec.first_seq, 5);
	cr_assert_eq(rec.last_seq, 5);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	unlink(fresh);
}

Test(hwfile, cut_at_every_byte_of_last_frame_is_torn)
{
	uint64_t offs[N + 1];
	static uint8_t whole[MAXFILE];
	size_t flen;

	journal_make(N, offs);
	flen = file_read(whole);
	for (uint64_t cut = offs[N - 1] + 1u; cut < offs[N]; cut++) {
		struct rvx_hwfile f;
		struct rvx_hwfile_recovery rec;
		struct stat st;

		/* before: the crash left `cut` bytes: N-1 frames and part of one */
		file_write(whole, (size_t)cut);
		cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0, "cut %llu",
			     (unsigned long long)cut);
		/* after: torn, reported and cut away */
		cr_assert_eq(rec.tail, RVX_HWFILE_TORN, "cut %llu", (unsigned long long)cut);
		cr_assert_eq(rec.frames, N - 1u);
		cr_assert_eq(rec.valid_len, offs[N - 1]);
		cr_assert_eq(rec.file_len, cut);
		cr_assert_eq(rec.dropped, cut - offs[N - 1]);
		cr_assert_eq(rec.last_seq, N - 2u);
		cr_assert_eq(stat(path, &st), 0);
		cr_assert_eq((uint64_t)st.st_size, offs[N - 1]);
		/* a new append works and the file is whole again */
		cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_NEVER, 0), 0);
		append_seq(&f, N - 1u);
		cr_assert_eq(rvx_hwfile_close(&f), 0);
		cr_assert_eq(file_read(after), flen);
		cr_assert_eq(memcmp(after, whole, flen), 0);
	}
	/* a cut exactly between frames is clean */
	{
		struct rvx_hwfile f;
		struct rvx_hwfile_recovery rec;

		file_write(whole, (size_t)offs[N - 1]);
		cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
		cr_assert_eq(rec.frames, N - 1u);
		cr_assert_eq(rvx_hwfile_close(&f), 0);
	}
}

Test(hwfile, zero_filled_tail_is_torn)
{
	uint64_t offs[N + 1];
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;
	size_t flen;

	journal_make(N, offs);
	flen = file_read(before);
	/* before: the size grew by 5000 bytes whose data never reached the disk */
	memset(before + flen, 0, 5000);
	file_write(before, flen + 5000u);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	/* after: torn, the zeros are gone */
	cr_assert_eq(rec.tail, RVX_HWFILE_TORN);
	cr_assert_eq(rec.frames, N);
	cr_assert_eq(rec.dropped, 5000u);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(file_read(after), flen);
}

Test(hwfile, flipped_byte_in_middle_frame_is_refused_then_repaired)
{
	uint64_t offs[N + 1];
	const uint32_t k = N / 2u;
	static uint8_t whole[MAXFILE];
	size_t flen;

	journal_make(N, offs);
	flen = file_read(whole);
	for (uint64_t at = offs[k]; at < offs[k + 1]; at++) {
		struct rvx_hwfile f, snap;
		struct rvx_hwfile_recovery rec;

		memcpy(before, whole, flen);
		before[at] ^= 0x40u;
		file_write(before, flen);
		memset(&f, 0xA5, sizeof(f));
		memcpy(&snap, &f, sizeof(f));
		/* refused: corrupt, not torn; nothing changed */
		cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), -RVX_EBADSIG, "byte %llu",
			     (unsigned long long)at);
		cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
		cr_assert_eq(rec.frames, k);
		cr_assert_eq(rec.valid_len, offs[k]);
		cr_assert_eq(rec.dropped, 0);
		cr_assert_eq(memcmp(&f, &snap, sizeof(f)), 0);
		cr_assert_eq(file_read(after), flen);
		cr_assert_eq(memcmp(after, before, flen), 0);
	}
	/* with the repair flag: cut to the last good frame */
	{
		struct rvx_hwfile f;
		struct rvx_hwfile_recovery rec;

		memcpy(before, whole, flen);
		before[offs[k] + 30u] ^= 1u;
		file_write(before, flen);
		cr_assert_eq(rvx_hwfile_open(&f, path, RVX_HWFILE_REPAIR, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
		cr_assert_eq(rec.frames, k);
		cr_assert_eq(rec.dropped, flen - offs[k]);
		cr_assert_eq(f.size, offs[k]);
		append_seq(&f, k);
		cr_assert_eq(rvx_hwfile_close(&f), 0);
		cr_assert_eq(file_read(after), offs[k + 1]);
		cr_assert_eq(memcmp(after, whole, offs[k + 1]), 0);
	}
}

Test(hwfile, flipped_byte_in_last_complete_frame_is_corrupt)
{
	uint64_t offs[N + 1];
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;
	size_t flen;

	journal_make(N, offs);
	flen = file_read(before);
	before[flen - 1u] ^= 0x01u; /* the last digest byte */
	file_write(before, flen);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), -RVX_EBADSIG);
	cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
	cr_assert_eq(rec.frames, N - 1u);
	cr_assert_eq(file_read(after), flen);
	cr_assert_eq(memcmp(after, before, flen), 0);
}

Test(hwfile, sequence_break_is_corrupt)
{
	uint64_t offs[N + 1];
	uint8_t wire[64], frame[RVX_HWFILE_FRAME_MAX];
	struct rvx_hwfile f;
	struct rvx_hwfile_recovery rec;
	size_t flen;
	long n;

	journal_make(N, offs);
	flen = file_read(before);
	/* a valid frame that skips a sequence, written behind the handle */
	wire_make(N + 1u, wire);
	n = rvx_witness_frame_encode(frame, sizeof(frame), wire, NULL, 0);
	cr_assert(n > 0);
	memcpy(before + flen, frame, (size_t)n);
	file_write(before, flen + (size_t)n);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), -RVX_EBADSIG);
	cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
	cr_assert_eq(rec.frames, N);
	cr_assert_eq(file_read(after), flen + (size_t)n);
	cr_assert_eq(rvx_hwfile_open(&f, path, RVX_HWFILE_REPAIR, &rec), 0);
	cr_assert_eq(rec.dropped, (uint64_t)n);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
}

Test(hwfile, failed_write_leaves_file_and_handle_unchanged)
{
	uint64_t offs[N + 1];
	struct rvx_hwfile f, snap;
	struct rvx_hwfile_recovery rec;
	struct rlimit lim;
	uint8_t wire[64], args[200];
	size_t flen;

	journal_make(N, offs);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, NULL), 0);
	flen = file_read(before);
	memcpy(&snap, &f, sizeof(f));
	/* before: the file may grow by only 100 more bytes, so the frame's
	 * write(2) is short and the next one fails with EFBIG */
	signal(SIGXFSZ, SIG_IGN);
	lim.rlim_cur = lim.rlim_max = (rlim_t)(flen + 100u);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	wire_make(N, wire);
	memset(args, 7, sizeof(args));
	cr_assert_eq(rvx_hwfile_append(&f, wire, args, sizeof(args)), -RVX_EFULL);
	/* after: the partial frame was cut back; file and handle as before */
	cr_assert_eq(memcmp(&f, &snap, sizeof(f)), 0);
	cr_assert_eq(file_read(after), flen);
	cr_assert_eq(memcmp(after, before, flen), 0);
	/* a frame that fits still goes in */
	cr_assert_eq(rvx_hwfile_append(&f, wire, args, 8), 0);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rec.frames, N + 1u);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
}

Test(hwfile, sync_policies)
{
	struct rvx_hwfile f, snap;
	struct rvx_hwfile_recovery rec;
	uint64_t seq = 0;

	cr_assert_eq(rvx_hwfile_open(&f, path, 0, NULL), 0);
	cr_assert_eq(f.sync, RVX_HWFILE_SYNC_ALWAYS);
	append_seq(&f, seq++);
	cr_assert_eq(f.unsynced, 0);
	cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_EVERY_N, 3), 0);
	append_seq(&f, seq++);
	append_seq(&f, seq++);
	cr_assert_eq(f.unsynced, 2);
	append_seq(&f, seq++);
	cr_assert_eq(f.unsynced, 0);
	cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_NEVER, 0), 0);
	append_seq(&f, seq++);
	append_seq(&f, seq++);
	cr_assert_eq(f.unsynced, 2);
	cr_assert_eq(rvx_hwfile_sync(&f), 0);
	cr_assert_eq(f.unsynced, 0);
	/* refused policies change nothing */
	memcpy(&snap, &f, sizeof(f));
	cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_EVERY_N, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_set_sync(&f, (enum rvx_hwfile_sync)7, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_set_sync(NULL, RVX_HWFILE_SYNC_NEVER, 0), -RVX_EINVAL);
	cr_assert_eq(memcmp(&f, &snap, sizeof(f)), 0);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, &rec), 0);
	cr_assert_eq(rec.frames, seq);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
}

Test(hwfile, second_open_is_busy)
{
	struct rvx_hwfile f, g;
	struct rvx_hwlog l;

	cr_assert_eq(rvx_hwfile_open(&f, path, 0, NULL), 0);
	cr_assert_eq(rvx_hwfile_open(&g, path, 0, NULL), -RVX_EBUSY);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, NULL), -RVX_EBUSY);
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(rvx_hwfile_open(&g, path, 0, NULL), 0);
	cr_assert_eq(rvx_hwfile_close(&g), 0);
}

Test(hwfile, bad_arguments)
{
	struct rvx_hwfile f, snap;
	struct rvx_hwfile_recovery rec;
	uint8_t wire[64], frame[RVX_HWFILE_FRAME_MAX], small[16];
	static uint8_t buf[MAXFILE];
	struct rvx_witness_entry e;
	struct rvx_witness_journal j;
	uint64_t cursor;
	size_t len, flen;
	long n;

	cr_assert_eq(rvx_hwfile_open(NULL, path, 0, &rec), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_open(&f, NULL, 0, &rec), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0x80u, &rec), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_open(&f, "/tmp", 0, &rec), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_open(&f, "/nonexistent-ruvix-dir/j", 0, &rec), -RVX_ENOENT);

	journal_make(3, NULL);
	cr_assert_eq(rvx_hwfile_open(&f, path, 0, NULL), 0);
	flen = file_read(before);
	memcpy(&snap, &f, sizeof(f));

	/* append: each refusal leaves the handle and the file unchanged */
	wire_make(3, wire);
	cr_assert_eq(rvx_hwfile_append(NULL, wire, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append(&f, NULL, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append(&f, wire, NULL, 4), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append(&f, wire, buf, RVX_WITNESS_ARGS_MAX + 1u), -RVX_EINVAL);
	wire_make(4, wire); /* skips 3 */
	cr_assert_eq(rvx_hwfile_append(&f, wire, NULL, 0), -RVX_EINVAL);
	wire_make(2, wire); /* repeats 2 */
	cr_assert_eq(rvx_hwfile_append(&f, wire, NULL, 0), -RVX_EINVAL);

	/* append_frame: not exactly one valid frame, or the wrong sequence */
	wire_make(3, wire);
	n = rvx_witness_frame_encode(frame, sizeof(frame), wire, "abc", 3);
	cr_assert(n > 0);
	cr_assert_eq(rvx_hwfile_append_frame(&f, NULL, (size_t)n), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append_frame(&f, frame, (size_t)n - 1u), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append_frame(&f, frame, (size_t)n + 1u), -RVX_EINVAL);
	frame[10] ^= 1u;
	cr_assert_eq(rvx_hwfile_append_frame(&f, frame, (size_t)n), -RVX_EINVAL);
	frame[10] ^= 1u;
	wire_make(9, wire);
	n = rvx_witness_frame_encode(frame, sizeof(frame), wire, NULL, 0);
	cr_assert_eq(rvx_hwfile_append_frame(&f, frame, (size_t)n), -RVX_EINVAL);

	/* reads */
	cr_assert_eq(rvx_hwfile_read_all(&f, NULL, 10, &len), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_read_all(&f, buf, 10, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_read_all(&f, buf, 10, &len), -RVX_EBUFSMALL);
	cr_assert_eq(len, flen);
	cr_assert_eq(rvx_hwfile_load(&f, NULL, buf, sizeof(buf)), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_load(&f, &j, buf, 10), -RVX_EBUFSMALL);
	cursor = f.size + 1u;
	cr_assert_eq(rvx_hwfile_next(&f, &cursor, frame, sizeof(frame), &e), -RVX_EINVAL);
	cursor = 0;
	cr_assert_eq(rvx_hwfile_next(&f, &cursor, NULL, sizeof(frame), &e), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_next(&f, &cursor, small, sizeof(small), &e), -RVX_EBUFSMALL);
	cr_assert_eq(cursor, 0);
	cursor = 1; /* not on a frame */
	cr_assert_eq(rvx_hwfile_next(&f, &cursor, frame, sizeof(frame), &e), -RVX_EBADSIG);
	cr_assert_eq(cursor, 1);

	cr_assert_eq(memcmp(&f, &snap, sizeof(f)), 0);
	cr_assert_eq(file_read(after), flen);
	cr_assert_eq(memcmp(after, before, flen), 0);

	/* the frame that fits goes in */
	wire_make(3, wire);
	n = rvx_witness_frame_encode(frame, sizeof(frame), wire, "abc", 3);
	cr_assert_eq(rvx_hwfile_append_frame(&f, frame, (size_t)n), 0);
	cr_assert_eq(f.count, 4);

	/* closed handles */
	cr_assert_eq(rvx_hwfile_close(&f), 0);
	cr_assert_eq(rvx_hwfile_close(&f), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_close(NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_append(&f, wire, NULL, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_sync(&f), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_read_all(&f, buf, sizeof(buf), &len), -RVX_EINVAL);
	cr_assert_eq(rvx_hwfile_set_sync(&f, RVX_HWFILE_SYNC_NEVER, 0), -RVX_EINVAL);
}

/* ---- record-log file --------------------------------------------------- */

#define LOGN 600u /* more than two of the open's 256-record chunks */

static void log_event(struct rvx_witness_log *log, uint64_t i)
{
	struct rvx_witness_event ev = {.time = i, .kind = RVX_WITNESS_QUEUE_SEND, .actor = 2,
				       .target = 99u + i};
	uint8_t args[8];

	memcpy(args, &i, sizeof(args));
	cr_assert_eq(rvx_witness_append(log, &ev, args, sizeof(args), NULL), 0);
}

/* A record-log file of LOGN records; returns the head. */
static void log_make(struct rvx_witness_head *head)
{
	struct rvx_hwlog l;
	struct rvx_hwlog_recovery rec;
	struct rvx_witness_log log;
	struct rvx_witness_sink sink;

	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, &rec), 0);
	cr_assert_eq(rec.records, 0);
	cr_assert_eq(rvx_hwlog_set_sync(&l, RVX_HWFILE_SYNC_EVERY_N, 64), 0);
	sink = rvx_hwlog_sink(&l);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (uint64_t i = 0; i < LOGN; i++)
		log_event(&log, i);
	rvx_witness_head(&log, head);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
}

Test(hwfile, log_chain_verified_after_reopen)
{
	struct rvx_hwlog l;
	struct rvx_hwlog_recovery rec;
	struct rvx_witness_log log, fresh, snap;
	struct rvx_witness_sink sink;
	struct rvx_witness_head head, h2;
	struct rvx_witness_anchor a;
	struct rvx_witness_event ev = {.kind = RVX_WITNESS_QUEUE_SEND};

	/* the same log appends to the file, is closed, and goes on after reopening */
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, NULL), 0);
	sink = rvx_hwlog_sink(&l);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (uint64_t i = 0; i < LOGN; i++)
		log_event(&log, i);
	rvx_witness_head(&log, &head);
	cr_assert_eq(rvx_hwlog_close(&l), 0);

	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, &head, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rec.records, LOGN);
	cr_assert_eq(rec.report.fault, RVX_WITNESS_OK);
	cr_assert_eq(rec.report.checked, LOGN);
	cr_assert_eq(rec.report.head.count, LOGN);
	cr_assert_eq(memcmp(rec.report.head.head, head.head, 32), 0);
	rvx_witness_anchor(&log, &a);
	cr_assert_eq(rec.end.sequence, a.sequence);
	cr_assert_eq(memcmp(rec.end.state, a.state, 32), 0);

	/* a log that is not the file's own cannot append: the log does not advance */
	sink = rvx_hwlog_sink(&l);
	cr_assert_eq(rvx_witness_log_init(&fresh, &sink), 0);
	memcpy(&snap, &fresh, sizeof(fresh));
	cr_assert_eq(rvx_witness_append(&fresh, &ev, NULL, 0, NULL), -RVX_EINVAL);
	cr_assert_eq(memcmp(&snap, &fresh, sizeof(fresh)), 0);
	cr_assert_eq(l.count, LOGN);

	log.sink = sink;
	log_event(&log, LOGN);
	rvx_witness_head(&log, &h2);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, &h2, &rec), 0);
	cr_assert_eq(rec.records, LOGN + 1u);
	/* an older trusted head still verifies (it is a prefix) */
	cr_assert_eq(rvx_hwlog_close(&l), 0);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, &head, &rec), 0);
	cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
}

Test(hwfile, log_from_anchor)
{
	struct rvx_witness_ring ring;
	static uint8_t store[16 * 64];
	struct rvx_witness_log log;
	struct rvx_witness_sink sink;
	struct rvx_witness_anchor a;
	struct rvx_witness_head head;
	struct rvx_hwlog l;
	struct rvx_hwlog_recovery rec;

	cr_assert_eq(rvx_witness_ring_init(&ring, store, 16, false), 0);
	sink = rvx_witness_ring_sink(&ring);
	cr_assert_eq(rvx_witness_log_init(&log, &sink), 0);
	for (uint64_t i = 0; i < 10; i++)
		log_event(&log, i);
	rvx_witness_anchor(&log, &a);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, &a, NULL, NULL), 0);
	log.sink = rvx_hwlog_sink(&l);
	for (uint64_t i = 10; i < 15; i++)
		log_event(&log, i);
	rvx_witness_head(&log, &head);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, &a, &head, &rec), 0);
	cr_assert_eq(rec.records, 5);
	cr_assert_eq(rec.end.sequence, 15);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
	/* from the origin, the file's first record is not sequence 0 */
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, &rec), -RVX_EBADSIG);
	cr_assert_eq(rec.report.fault, RVX_WITNESS_F_GAP);
	/* a trusted count before the start */
	head.count = 3;
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, &a, &head, &rec), -RVX_EINVAL);
}

Test(hwfile, log_torn_record_recovered)
{
	struct rvx_witness_head head;
	struct rvx_hwlog l;
	struct rvx_hwlog_recovery rec;
	struct rvx_witness_head trusted_prev;
	size_t flen;

	log_make(&head);
	flen = file_read(before);
	cr_assert_eq(flen, LOGN * 64u);
	for (size_t cut = 1; cut < 64; cut += 9) {
		/* before: the last record was cut short by a crash */
		file_write(before, flen - cut);
		/* the trusted head of all LOGN records cannot be reached: refused */
		cr_assert_eq(rvx_hwlog_open(&l, path, RVX_HWFILE_REPAIR, NULL, &head, &rec),
			     -RVX_EBADSIG);
		cr_assert_eq(rec.report.fault, RVX_WITNESS_F_TRUNCATED);
		cr_assert_eq(file_read(after), flen - cut);
		/* without it: torn, the partial record cut away */
		cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_TORN);
		cr_assert_eq(rec.records, LOGN - 1u);
		cr_assert_eq(rec.dropped, 64u - cut);
		cr_assert_eq(l.count, LOGN - 1u);
		cr_assert_eq(rvx_hwlog_close(&l), 0);
		cr_assert_eq(file_read(after), flen - 64u);
		cr_assert_eq(memcmp(after, before, flen - 64u), 0);
	}
	/* a trusted head of the first LOGN-1 records verifies the recovered file */
	{
		struct rvx_witness_report rep;

		cr_assert_eq(rvx_witness_verify(before, LOGN - 1u, NULL, NULL, NULL, &rep), 0);
		trusted_prev = rep.head;
		cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, &trusted_prev, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
		cr_assert_eq(rvx_hwlog_close(&l), 0);
	}
}

Test(hwfile, log_edit_refused_then_repaired)
{
	struct rvx_witness_head head, bad;
	struct rvx_hwlog l, snap;
	struct rvx_hwlog_recovery rec;
	static uint8_t whole[LOGN * 64u];
	/* edits at the first chunk's end and the next chunk's start, in a data
	 * field (shows at the successor's link) and in a link field */
	const struct {
		uint32_t rec, byte;
	} edits[] = {{255, 8}, {255, 50}, {256, 8}, {256, 50}, {10, 20}, {LOGN - 2u, 24}};

	log_make(&head);
	cr_assert_eq(file_read(whole), sizeof(whole));
	for (size_t t = 0; t < sizeof(edits) / sizeof(edits[0]); t++) {
		uint32_t k = edits[t].rec;

		memcpy(before, whole, sizeof(whole));
		before[k * 64u + edits[t].byte] ^= 0x10u;
		file_write(before, sizeof(whole));
		memset(&l, 0x5A, sizeof(l));
		memcpy(&snap, &l, sizeof(l));
		/* refused with the record found; nothing changed */
		cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, &head, &rec), -RVX_EBADSIG);
		cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
		cr_assert_eq(rec.report.fault, RVX_WITNESS_F_EDITED, "edit %zu", t);
		cr_assert_eq(rec.report.index, k, "edit %zu: %llu", t,
			     (unsigned long long)rec.report.index);
		cr_assert_eq(memcmp(&l, &snap, sizeof(l)), 0);
		cr_assert_eq(file_read(after), sizeof(whole));
		cr_assert_eq(memcmp(after, before, sizeof(whole)), 0);
		/* the repair flag cannot satisfy the trusted head: still refused */
		cr_assert_eq(rvx_hwlog_open(&l, path, RVX_HWFILE_REPAIR, NULL, &head, &rec),
			     -RVX_EBADSIG);
		cr_assert_eq(file_read(after), sizeof(whole));
		/* without a trusted head, repair cuts before the bad record */
		cr_assert_eq(rvx_hwlog_open(&l, path, RVX_HWFILE_REPAIR, NULL, NULL, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_CORRUPT);
		cr_assert_eq(rec.records, k);
		cr_assert_eq(rec.dropped, (LOGN - k) * 64u);
		cr_assert_eq(rec.end.sequence, k);
		cr_assert_eq(rvx_hwlog_close(&l), 0);
		cr_assert_eq(file_read(after), k * 64u);
		cr_assert_eq(memcmp(after, whole, k * 64u), 0);
		cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, &rec), 0);
		cr_assert_eq(rec.tail, RVX_HWFILE_CLEAN);
		cr_assert_eq(rvx_hwlog_close(&l), 0);
	}
	/* a data edit in the last record shows only against the trusted head */
	memcpy(before, whole, sizeof(whole));
	before[(LOGN - 1u) * 64u + 24u] ^= 0x10u;
	file_write(before, sizeof(whole));
	cr_assert_eq(rvx_hwlog_open(&l, path, RVX_HWFILE_REPAIR, NULL, &head, &rec), -RVX_EBADSIG);
	cr_assert_eq(rec.report.fault, RVX_WITNESS_F_HEAD);
	cr_assert_eq(file_read(after), sizeof(whole));
	cr_assert_eq(memcmp(after, before, sizeof(whole)), 0);

	/* a trusted head that differs: refused even with repair */
	file_write(whole, sizeof(whole));
	bad = head;
	bad.head[0] ^= 1u;
	cr_assert_eq(rvx_hwlog_open(&l, path, RVX_HWFILE_REPAIR, NULL, &bad, &rec), -RVX_EBADSIG);
	cr_assert_eq(rec.report.fault, RVX_WITNESS_F_HEAD);
	cr_assert_eq(file_read(after), sizeof(whole));
}

Test(hwfile, log_bad_arguments_and_policies)
{
	struct rvx_hwlog l, snap;
	struct rvx_witness_sink sink;
	uint8_t rec64[64];

	cr_assert_eq(rvx_hwlog_open(NULL, path, 0, NULL, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_open(&l, NULL, 0, NULL, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_open(&l, path, 2u, NULL, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_open(&l, "/tmp", 0, NULL, NULL, NULL), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_open(&l, path, 0, NULL, NULL, NULL), 0);
	memcpy(&snap, &l, sizeof(l));
	cr_assert_eq(rvx_hwlog_set_sync(&l, RVX_HWFILE_SYNC_EVERY_N, 0), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_set_sync(&l, (enum rvx_hwfile_sync)9, 1), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_set_sync(NULL, RVX_HWFILE_SYNC_NEVER, 1), -RVX_EINVAL);
	sink = rvx_hwlog_sink(&l);
	cr_assert_eq(sink.write(sink.ctx, NULL), -RVX_EINVAL);
	wire_make(1, rec64); /* the file expects sequence 0 */
	cr_assert_eq(sink.write(sink.ctx, rec64), -RVX_EINVAL);
	cr_assert_eq(memcmp(&l, &snap, sizeof(l)), 0);
	cr_assert_eq(file_read(after), 0);
	cr_assert_eq(rvx_hwlog_set_sync(&l, RVX_HWFILE_SYNC_ALWAYS, 0), 0);
	cr_assert_eq(rvx_hwlog_set_sync(&l, RVX_HWFILE_SYNC_NEVER, 0), 0);
	wire_make(0, rec64);
	cr_assert_eq(sink.write(sink.ctx, rec64), 0);
	cr_assert_eq(l.unsynced, 1);
	cr_assert_eq(rvx_hwlog_sync(&l), 0);
	cr_assert_eq(l.unsynced, 0);
	cr_assert_eq(rvx_hwlog_close(&l), 0);
	cr_assert_eq(rvx_hwlog_close(&l), -RVX_EINVAL);
	cr_assert_eq(rvx_hwlog_sync(&l), -RVX_EINVAL);
	cr_assert_eq(sink.write(sink.ctx, rec64), -RVX_EINVAL);
	cr_assert_eq(file_read(after), 64);
}
