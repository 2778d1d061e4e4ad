/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rvx.persist=on: the kernel's witness journal and checkpoints go to the
 * first virtio-blk disk as they are written (lib/persist), and the next
 * boot recovers them: the checkpoint is restored and the journal replayed
 * through the nucleus (rvx_kernel_replay()), which reaches the same state
 * hash and chain head. Then a write-heavy run: port records, each appended
 * and flushed before "RVX-PERSIST-ACK <seq> <head>" is printed, and a
 * checkpoint every CKPT_EVERY records; after rvx.persist.count=N records
 * (default 100000) the image exits with 0. The disk is leased through the
 * board's device seam (vdev.h, vblk.c); a RECOVERY record after recovery
 * names it in the recovered history.
 *
 * The image's witness sink (main.c) keeps records from an anchor and
 * refuses rather than lose one; here every record the store acknowledged
 * is released there (rvx_virt_witness_release()), so it holds only what is
 * not yet on the disk (and the newest durable records while there is room),
 * and a run writes any number of records. A recovery starts it at the
 * checkpoint's anchor: only the records after the checkpoint are replayed
 * into it.
 *
 * A checkpoint and a journal are accepted only by a kernel holding the
 * secret that wrote them, so this mode takes its kernel secret from
 * rvx.persist.key=<64 hex digits> instead of the DTB's rng-seed (which QEMU
 * changes at every boot). QEMU's virt machine has no sealed key storage;
 * on a board with one, the secret would come from there.
 */
#include "ruvix/nucleus.h"
#include "ruvix/persist.h"
#include "ruvix/port.h"
#include "vblk.h"
#include "virt.h"

#define CKPT_EVERY 100u
#define DEFAULT_COUNT 100000u
#define FRAMES_CAP (1024u * 1024u)
/* User kinds of this mode's records. */
#define KIND_WORK (RVX_WITNESS_KIND_USER + 1u)

static struct vblk disk;
static struct rvx_persist store;
static _Alignas(64) uint8_t scratch[VBLK_BLOCK];
static struct rvx_kernel *kern;
static const char *find_arg(const char *name)
{
	const char *p = rvx_a64_board.bootargs;
	size_t n = strlen(name);

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (strncmp(p, name, n) == 0)
			return p + n;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	return NULL;
}

int rvx_virt_persist_secret(uint8_t out[32])
{
	const char *p = find_arg("rvx.persist.key=");

	if (p == NULL)
		return -RVX_ENOENT;
	for (int i = 0; i < 64; i++) {
		char c = p[i];
		uint8_t v;

		if (c >= '0' && c <= '9')
			v = (uint8_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (uint8_t)(c - 'a' + 10);
		else
			return -RVX_EINVAL;
		out[i / 2] = (uint8_t)(i % 2 == 0 ? v << 4 : out[i / 2] | v);
	}
	return p[64] == ' ' || p[64] == '\0' ? 0 : -RVX_EINVAL;
}

static void hex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15u];
	}
	out[2 * n] = '\0';
}

static _Noreturn void fail(const char *what, int rc)
{
	rvx_a64_printf("RVX-PERSIST-FAIL %s: %s (%d)\n", what, rvx_strerror(rc), rc);
	rvx_a64_exit(5);
}

static void on_ack(void *ctx, uint64_t seq)
{
	struct rvx_witness_head h;
	char line[65];

	(void)ctx;
	(void)rvx_kernel_witness_head(kern, &h);
	if (seq + 1u == h.count) {
		hex(line, h.head, 32);
		rvx_a64_printf("RVX-PERSIST-ACK %lu %s\n", seq, line);
	} else {
		rvx_a64_printf("RVX-PERSIST-ACK %lu -\n", seq);
	}
}

static void sync_journal(void)
{
	struct rvx_witness_journal j;
	long n;
	int rc = rvx_kernel_journal_view(kern, &j);

	if (rc != 0)
		fail("journal view", rc);
	n = rvx_persist_append_journal(&store, &j, on_ack, NULL);
	/* What the store acknowledged may give way in the witness sink. */
	rc = rvx_virt_witness_release(store.next_seq);
	if (rc != 0)
		fail("witness release", rc);
	if (n < 0)
		fail("append", (int)n);
}

static uint64_t count_arg(void)
{
	const char *p = find_arg("rvx.persist.count=");
	uint64_t n = 0;

	if (p == NULL)
		return DEFAULT_COUNT;
	for (; *p >= '0' && *p <= '9' && n < (UINT64_C(1) << 40); p++)
		n = n * 10u + (uint64_t)(*p - '0');
	return n;
}

_Noreturn void rvx_virt_persist_main(struct rvx_kernel *k)
{
	struct rvx_persist_report r;
	struct rvx_persist_dev dev;
	struct rvx_witness_head h;
	size_t ck_cap, ck_len;
	uint8_t *ck, *frames;
	uint64_t count = count_arg(), replayed = 0, t0, t1;
	char line[65];
	int rc;

	kern = k;
	rc = vblk_open(&disk, 0, true);
	if (rc != 0)
		fail("no virtio-blk disk", rc);
	rvx_a64_printf("persist: virtio-blk at 0x%lx, %lu blocks of %u bytes\n", disk.base,
		       disk.blocks, VBLK_BLOCK);
	ck_cap = rvx_kernel_checkpoint_size(k) + 65536u;
	ck = rvx_a64_alloc(ck_cap, 4096);
	frames = rvx_a64_alloc(FRAMES_CAP, 4096);
	if (ck == NULL || frames == NULL)
		fail("no RAM for recovery", -RVX_ENOMEM);
	dev = vblk_persist_dev(&disk);
	t0 = rvx_port_time_real_ns();
	rc = rvx_persist_open(&store, &dev, scratch, ck, ck_cap, frames, FRAMES_CAP, &r);
	if (rc == -RVX_ENOENT) {
		uint64_t volume = 0;

		if (rvx_port_entropy((uint8_t *)&volume, sizeof(volume)) != 0 || volume == 0)
			volume = 1;
		rc = rvx_kernel_checkpoint(k, ck, ck_cap, &ck_len, NULL);
		if (rc != 0)
			fail("checkpoint", rc);
		(void)rvx_kernel_witness_head(k, &h);
		rc = rvx_persist_format(&store, &dev, scratch, volume, ck, ck_len, h.count);
		if (rc != 0)
			fail("format", rc);
		rvx_a64_printf("RVX-PERSIST-FORMAT next=%lu ckpt=%lu bytes\n", h.count,
			       (uint64_t)ck_len);
	} else if (rc != 0) {
		rvx_a64_printf("RVX-PERSIST-REFUSED %s (%d) at block %lu after %lu frames\n",
			       rvx_strerror(rc), rc, r.bad_lba, r.frames);
		rvx_a64_exit(6);
	} else {
		struct rvx_witness_journal j;

		rc = rvx_witness_journal_load(&j, frames, FRAMES_CAP, r.frames_len, NULL);
		if (rc != 0)
			fail("journal frames", rc);
		/* Restore, start the witness sink at the checkpoint's anchor
		 * (it held this boot's own records, another history), then
		 * replay what follows the checkpoint. */
		rc = rvx_kernel_restore(k, ck, r.ckpt_len);
		if (rc == 0)
			rc = rvx_virt_witness_restart();
		if (rc == 0)
			rc = rvx_kernel_replay(k, &j, r.ckpt_seq, NULL, 0, NULL, NULL, &replayed);
		if (rc != 0) {
			rvx_a64_printf("RVX-PERSIST-REFUSED replay: %s (%d) after %lu entries\n",
				       rvx_strerror(rc), rc, replayed);
			rvx_a64_exit(6);
		}
		t1 = rvx_port_time_real_ns();
		(void)rvx_kernel_witness_head(k, &h);
		hex(line, h.head, 32);
		rvx_a64_printf("RVX-PERSIST-RECOVERED next=%lu ckpt=%lu frames=%lu replayed=%lu "
			       "torn=%lu torn_blocks=%lu scanned=%lu us=%lu head=%s\n",
			       store.next_seq, r.ckpt_seq, r.frames, replayed, r.torn_entries,
			       r.torn_blocks, r.scanned, (t1 - t0) / 1000u, line);
	}
	/* The lease and the device's setup were witnessed before the restore,
	 * which set the log back to the recovered history: this record puts
	 * them in it (the disk, its window, where the history resumed). */
	{
		uint64_t args[5] = {disk.lease.win.pa, disk.lease.win.size, store.generation,
				    r.ckpt_seq, r.torn_entries};

		rc = rvx_kernel_port_record(k, RVX_WITNESS_RECOVERY, 0, disk.base, args,
					    sizeof(args));
		if (rc != 0)
			fail("recording the recovery", rc);
	}
	sync_journal();
	t0 = rvx_port_time_real_ns();
	for (uint64_t i = 0; i < count; i++) {
		uint8_t args[40];

		(void)rvx_kernel_witness_head(k, &h);
		for (unsigned b = 0; b < sizeof(args); b++)
			args[b] = (uint8_t)(h.count * 31u + b);
		rc = rvx_kernel_port_record(k, KIND_WORK, 0, h.count, args, sizeof(args));
		if (rc != 0)
			fail("port record", rc);
		sync_journal();
		if (store.next_seq % CKPT_EVERY == 0) {
			rc = rvx_kernel_checkpoint(k, ck, ck_cap, &ck_len, NULL);
			if (rc == 0)
				rc = rvx_persist_checkpoint(&store, ck, ck_len, store.next_seq);
			if (rc == 0)
				rc = rvx_kernel_restore(k, ck, ck_len);
			if (rc != 0)
				fail("checkpoint", rc);
			rvx_a64_printf("RVX-PERSIST-CKPT %lu %lu bytes\n", store.next_seq,
				       (uint64_t)ck_len);
		}
	}
	t1 = rvx_port_time_real_ns();
	/* The data path inside the lease, witnessed as one summary. */
	rc = rvx_virt_vdev_summary(&disk.lease, &disk.requests, 1);
	if (rc != 0)
		fail("lease summary", rc);
	sync_journal();
	rvx_a64_printf("RVX-PERSIST-DONE next=%lu requests=%lu records=%lu ns_per_record=%lu "
		       "witness_held=%u from=%lu gave_way=%lu\n",
		       store.next_seq, disk.requests, count, count != 0 ? (t1 - t0) / count : 0,
		       rvx_virt_witness_keep()->count, rvx_virt_witness_keep()->start.sequence,
		       rvx_virt_witness_keep()->gave_way);
	/* rvx.persist.dump=on: the witness records the sink holds, from its
	 * anchor (the older ones are on the disk), for ruvix witness
	 * verify-dump. */
	if (find_arg("rvx.persist.dump=on") != NULL)
		rvx_virt_witness_dump();
	/* rvx.persist.idle=on (the crash test): stay up until killed, so a
	 * kill that comes after the last write is a crash too, not an exit. */
	if (find_arg("rvx.persist.idle=on") != NULL) {
		rvx_a64_puts("RVX-PERSIST-IDLE\n");
		for (;;)
			__asm__ volatile("wfi");
	}
	rvx_a64_exit(0);
}
