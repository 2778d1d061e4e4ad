#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The virt image's persistent witness log under repeated SIGKILL of QEMU.

usage: persist-crash.py --qemu QEMU --image IMG [--rounds N] [--seed S]
                        [--disk-mib M] [--transcripts DIR] [--damage]
                        [--verify-tool RUVIX]

Boots the image with rvx.persist=on and a virtio-blk disk (a fresh raw file),
kills QEMU with SIGKILL at a random moment (seeded), boots again on the same
disk, and so on. The guest prints "RVX-PERSIST-ACK <seq> <head>" after each
record is appended and flushed (acknowledged) and, at each boot after the
first, "RVX-PERSIST-RECOVERED next=<n> ... head=<h>". Each boot must recover
every record acknowledged before the kill (n >= last acknowledged + 1), at
most the one in flight beyond it, with the chain head the guest had printed
when n is exactly the acknowledged count. A last boot runs to a clean exit.

The guest's witness sink is cut to KEEP records (rvx.witness.keep): it
holds only what the disk has not acknowledged and the newest records, so
rounds write far more than it holds. The last boot writes 3 x KEEP records
and dumps what the sink holds (rvx.persist.dump=on), from its anchor; with
--verify-tool, `ruvix witness verify-dump` must verify it.

With --damage, copies of the final disk are then damaged and booted: a
frame block in the middle of the stream (refused: RVX-PERSIST-REFUSED,
exit 6) and the last frame's last block (a torn tail: one record dropped
and reported).
"""
import argparse
import hashlib
import os
import shutil
import struct
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

KEY = "5a" * 32
ACK = re.compile(r"^RVX-PERSIST-ACK (\d+) ([0-9a-f]{64}|-)$")
REC = re.compile(r"^RVX-PERSIST-RECOVERED next=(\d+) ckpt=(\d+) frames=(\d+) replayed=(\d+) "
                 r"torn=(\d+) torn_blocks=(\d+) scanned=(\d+) us=(\d+) head=([0-9a-f]{64})$")
FMT = re.compile(r"^RVX-PERSIST-FORMAT next=(\d+)")



DONE = re.compile(r"^RVX-PERSIST-DONE next=(\d+) .* witness_held=(\d+) from=(\d+) gave_way=(\d+)$")
# The guest's witness sink is cut to this many records (rvx.witness.keep):
# it keeps only what the disk has not acknowledged (and the newest records
# while there is room), so rounds write many times more than it holds.
KEEP = 256
# The last, clean boot writes this many records (past the keep too).
LAST_RECORDS = 3 * KEEP

def boot(args, disk, append, kill_after):
    cmd = [args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-nographic", "-nic", "none", "-semihosting", "-kernel", args.image,
           "-global", "virtio-mmio.force-legacy=false",
           "-drive", "file=%s,if=none,format=raw,id=d0" % disk,
           "-device", "virtio-blk-device,drive=d0", "-append", append]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    killed = False
    try:
        p.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(p.pid, signal.SIGKILL)
        killed = True
        p.wait()
    reader.join()
    text = out[0].decode("utf-8", "replace") if out else ""
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]  # the kill may cut the last line
    return killed, p.returncode, [l.rstrip("\r") for l in lines]


BLOCK = 4096
HEADER = 80


def superblock(img):
    best = None
    for slot in (0, 1):
        b = img[slot * BLOCK:(slot + 1) * BLOCK]
        if struct.unpack_from("<Q", b, 0)[0] != 0x5250555350585652:
            continue
        if hashlib.sha256(b[:128] + bytes(32) + b[160:]).digest() != b[128:160]:
            continue
        gen, epoch, start, start_index, _, has_ckpt, _, ckpt_len = struct.unpack_from(
            "<QQQQQIIQ", b, 32)
        if best is None or gen > best[0]:
            best = (gen, epoch, start, start_index, has_ckpt, ckpt_len)
    return best


def frame_blocks(img):
    """First and last block of each whole frame of the stream in force."""
    _, epoch, start, start_index, has_ckpt, ckpt_len = superblock(img)
    pl = BLOCK - HEADER
    lba = start + ((ckpt_len + pl - 1) // pl if has_ckpt else 0)
    frames = []
    while (lba + 1) * BLOCK <= len(img):
        b = img[lba * BLOCK:(lba + 1) * BLOCK]
        magic, _, btype = struct.unpack_from("<IBB", b, 0)
        e, index, _, _, entry_len, part = struct.unpack_from("<QQQQQI", b, 16)
        if (magic != 0x42585652 or e != epoch or index != lba - start + start_index or
                hashlib.sha256(b[:64] + bytes(16) + b[80:]).digest()[:16] != b[64:80]):
            break
        n = (entry_len + pl - 1) // pl
        if part == n - 1 and btype == 1:
            frames.append((lba - part, lba))
        lba += 1
    return frames


MIN_FRAMES = 3


def damage(args, disk, failures):
    with open(disk, "rb") as f:
        img = bytearray(f.read())
    frames = frame_blocks(img)
    if len(frames) < MIN_FRAMES:
        # The last boot may have ended just after a checkpoint, leaving the
        # stream in force almost empty: one clean boot appends a few more.
        killed, rc, lines = boot(args, disk, "rvx.persist=on rvx.persist.key=%s "
                                 "rvx.witness.keep=%d rvx.persist.count=10" % (KEY, KEEP), 60.0)
        if killed or rc != 0:
            failures.append("damage: the boot adding frames: killed=%s exit %s" % (killed, rc))
            return
        with open(disk, "rb") as f:
            img = bytearray(f.read())
        print("damage: %d frame(s) after the checkpoint; a clean boot added %d"
              % (len(frames), len(frame_blocks(img)) - len(frames)))
        frames = frame_blocks(img)
    if len(frames) < 3:
        failures.append("damage: only %d frames in the stream" % len(frames))
        return
    append = "rvx.persist=on rvx.persist.key=%s rvx.persist.count=0" % KEY
    copy = disk + ".damaged"
    try:
        # A frame block in the middle: later frames prove it was flushed.
        bad = bytearray(img)
        first, _ = frames[len(frames) // 2]
        bad[first * BLOCK + HEADER + 5] ^= 1
        with open(copy, "wb") as f:
            f.write(bad)
        killed, rc, lines = boot(args, copy, append, 60.0)
        if rc != 6 or not any(l.startswith("RVX-PERSIST-REFUSED") for l in lines):
            failures.append("damaged middle: exit %s, %s" % (rc, " | ".join(lines[-2:])))
        # The last frame's last block: a torn tail, one record dropped.
        bad = bytearray(img)
        _, last = frames[-1]
        bad[last * BLOCK + BLOCK - 1] ^= 1
        with open(copy, "wb") as f:
            f.write(bad)
        killed, rc, lines = boot(args, copy, append, 60.0)
        rec = [REC.match(l) for l in lines if REC.match(l)]
        if rc != 0 or not rec or rec[0].group(5) != "1":
            failures.append("torn tail: exit %s, %s" % (rc, " | ".join(l for l in lines if "PERSIST" in l)[:600]))
        else:
            print("damage: middle refused; torn tail dropped 1 record (%s blocks), recovered "
                  "next=%s" % (rec[0].group(6), rec[0].group(1)))
    finally:
        if os.path.exists(copy):
            os.unlink(copy)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--rounds", type=int, default=int(os.environ.get("PERSIST_ROUNDS", "20")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("PERSIST_SEED", "1806")))
    ap.add_argument("--disk-mib", type=int, default=8)
    ap.add_argument("--transcripts")
    ap.add_argument("--damage", action="store_true")
    ap.add_argument("--verify-tool")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fd, disk = tempfile.mkstemp(prefix="rvx-persist-", suffix=".img")
    os.close(fd)
    os.truncate(disk, args.disk_mib << 20)
    acked_next = None      # records below this were acknowledged
    last_head = None       # the head printed with the last acknowledgement
    stats = {"kills": 0, "acks": 0, "extra_max": 0, "extra_runs": 0, "torn": 0,
             "recoveries": 0, "killed_before_recovery": 0, "round_max": 0,
             "rounds_past_keep": 0, "last_gave_way": 0}
    failures = []
    try:
        for rnd in range(args.rounds + 1):
            last = rnd == args.rounds
            append = "rvx.persist=on rvx.persist.key=%s rvx.witness.keep=%d" % (KEY, KEEP)
            if last:
                append += " rvx.persist.count=%d rvx.persist.dump=on" % LAST_RECORDS
            else:
                append += " rvx.persist.idle=on"
            kill_after = 60.0 if last else rng.uniform(0.3, 4.0)
            killed, rc, lines = boot(args, disk, append, kill_after)
            if args.transcripts:
                with open(os.path.join(args.transcripts, "persist-%02d.log" % rnd), "w") as f:
                    f.write("\n".join(lines) + "\n")
            if last and (killed or rc != 0):
                failures.append("last boot: killed=%s exit %s" % (killed, rc))
            if last and args.verify_tool:
                v = subprocess.run([args.verify_tool, "witness", "verify-dump", "-", "--quiet"],
                                   input="\n".join(lines).encode(), capture_output=True)
                msg = (v.stdout + v.stderr).decode("utf-8", "replace").strip()
                if v.returncode != 0:
                    failures.append("last boot: ruvix witness verify-dump: %s" % msg)
                else:
                    print("last boot's witness dump: %s" % msg.split(": ", 1)[-1])
            if not killed and not last:
                failures.append("round %d: QEMU ended by itself (exit %s): %s" %
                                (rnd, rc, " | ".join(lines[-3:])))
                break
            stats["kills"] += 0 if last else 1
            seen_start = False
            round_acks = 0
            for line in lines:
                line = line.rstrip("\r")
                if "RVX-PERSIST-FAIL" in line or "RVX-PERSIST-REFUSED" in line:
                    failures.append("round %d: %s" % (rnd, line))
                m = FMT.match(line)
                if m:
                    if acked_next is not None:
                        failures.append("round %d: formatted a disk that held %d records" %
                                        (rnd, acked_next))
                    seen_start = True
                    acked_next = int(m.group(1))
                    continue
                m = REC.match(line)
                if m:
                    n, head = int(m.group(1)), m.group(9)
                    if acked_next is None:
                        # formatted by a boot killed before it said so
                        acked_next = n
                    if n < acked_next:
                        failures.append("round %d: LOST acknowledged records: %d acknowledged, "
                                        "%d recovered" % (rnd, acked_next, n))
                    if n > acked_next + 1:
                        failures.append("round %d: %d records beyond the acknowledged %d" %
                                        (rnd, n - acked_next, acked_next))
                    if n == acked_next and last_head not in (None, "-") and head != last_head:
                        failures.append("round %d: chain head %s, acknowledged %s" %
                                        (rnd, head, last_head))
                    if n > acked_next:
                        stats["extra_runs"] += 1
                        stats["extra_max"] = max(stats["extra_max"], n - acked_next)
                    stats["torn"] += int(m.group(5))
                    stats["recoveries"] += 1
                    seen_start = True
                    acked_next = n
                    last_head = head
                    continue
                m = ACK.match(line)
                if m:
                    seq = int(m.group(1))
                    if not seen_start or seq != acked_next:
                        failures.append("round %d: acknowledgement %d out of order (next %s)" %
                                        (rnd, seq, acked_next))
                    acked_next = seq + 1
                    last_head = m.group(2)
                    stats["acks"] += 1
                    round_acks += 1
                    continue
                m = DONE.match(line)
                if m and last:
                    held, gave = int(m.group(2)), int(m.group(4))
                    if held > KEEP or int(m.group(3)) + held != int(m.group(1)) or gave == 0:
                        failures.append("last boot: witness sink %s" % line)
                    stats["last_gave_way"] = gave
            if not seen_start:
                stats["killed_before_recovery"] += 1
            stats["round_max"] = max(stats["round_max"], round_acks)
            stats["rounds_past_keep"] += 1 if round_acks > KEEP else 0
            if failures:
                break
        if args.damage and not failures:
            damage(args, disk, failures)
    finally:
        os.unlink(disk)
    print("persist crash test: seed %d, %d SIGKILLs, %d recoveries checked (%d kills before "
          "recovery finished), %d records acknowledged, 0 acknowledged lost; "
          "%d boots recovered an unacknowledged record (at most %d), %d torn tails dropped; "
          "witness sink of %d records: up to %d records in one boot, %d boots past it, "
          "%d records given way in the last"
          % (args.seed, stats["kills"], stats["recoveries"], stats["killed_before_recovery"],
             stats["acks"], stats["extra_runs"], stats["extra_max"], stats["torn"], KEEP,
             stats["round_max"], stats["rounds_past_keep"], stats["last_gave_way"]))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
