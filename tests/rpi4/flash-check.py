#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`ruvix flash --target rpi4` end to end, with other people's tools as the
judges: the MBR read back here, the FAT32 partition checked by dosfstools'
fsck.fat and listed and read back by mtools (no mount, no loop device), the
files on it byte for byte the build's; at 64 MiB (512-byte clusters) and at
300 MiB (4 KiB clusters); and once through a loop device, the block-device
path (where root may set one up). Then the refusals, none of which may write
anything: the disk holding / (and any mounted disk) as the output, a target
without an SD layout, a root package that is not one, a partition too small
for FAT32.

usage: flash-check.py RUVIX INPUT_DIR"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

NAMES = ["kernel8.img", "config.txt", "bcm2711-rpi-4-b.dtb", "root.rvf"]


def sh(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def check_card(ruvix, src, tmp, size):
    img = os.path.join(tmp, "sd-%d.img" % size)
    args = [ruvix, "flash", "--target", "rpi4", "--out", img]
    names = list(NAMES)
    if size != 64:
        args += ["--size", str(size)]
    else:
        # Files beside the four (the firmware's, on a real card): an 8.3
        # name and a long one, whose alias must not clash with the DTB's.
        for n, data in (("start4.elf", os.urandom(5000)), ("fixup4-long-name.dat", b"x" * 700)):
            with open(os.path.join(tmp, n), "wb") as g:
                g.write(data)
            args += ["--add", os.path.join(tmp, n)]
            names.append(n)
    rc, out = sh(args)
    print(out.rstrip())
    if rc != 0:
        raise AssertionError("ruvix flash failed (%d)" % rc)
    with open(img, "rb") as f:
        mbr = f.read(512)
    if mbr[510:512] != b"\x55\xaa":
        raise AssertionError("no MBR signature")
    boot, ptype = mbr[446], mbr[450]
    start, count = struct.unpack_from("<II", mbr, 454)
    if ptype != 0x0C or start != 2048 or count != size * 2048 or boot not in (0, 0x80):
        raise AssertionError("partition 1: type 0x%02x start %d sectors %d" % (ptype, start, count))
    if any(mbr[462:510]):
        raise AssertionError("partitions 2-4 are not empty")
    if os.path.getsize(img) != (2048 + count) * 512:
        raise AssertionError("image size %d" % os.path.getsize(img))
    part = os.path.join(tmp, "part.img")
    rc, out = sh(["dd", "if=" + img, "of=" + part, "bs=1M", "skip=1", "conv=sparse",
                  "status=none"])
    if rc != 0:
        raise AssertionError("dd: " + out)
    rc, out = sh(["fsck.fat", "-n", "-v", part])
    print("\n".join(l for l in out.splitlines() if "cluster" in l or "files" in l))
    if rc != 0:
        print(out)
        raise AssertionError("fsck.fat -n found errors (%d)" % rc)
    for bad in ("Dirty bit", "differ", "Free cluster summary wrong", "Reclaimed", "truncat"):
        if bad in out:
            print(out)
            raise AssertionError("fsck.fat says %r" % bad)
    os.remove(part)
    rc, out = sh(["mdir", "-i", img + "@@1M", "-b", "::"])
    listed = sorted(l.strip().split("/")[-1] for l in out.splitlines() if l.strip())
    print("mdir: " + " ".join(listed))
    if rc != 0 or listed != sorted(names):
        raise AssertionError("mdir lists %s (%d)" % (listed, rc))
    for n in names:
        back = os.path.join(tmp, "back-" + n)
        rc, out = sh(["mcopy", "-n", "-i", img + "@@1M", "::/" + n, back])
        if rc != 0:
            raise AssertionError("mcopy %s: %s" % (n, out))
        orig = os.path.join(src if n in NAMES else tmp, n)
        with open(back, "rb") as a, open(orig, "rb") as b:
            if a.read() != b.read():
                raise AssertionError("%s on the card differs from the build's" % n)
        os.remove(back)
    os.remove(img)
    print("card of %d MiB: MBR, fsck.fat clean, mtools lists and reads the %d files" % (size, len(names)))


def check_block_device(ruvix, src, tmp):
    """The block-device path, on a loop device standing in for a card
    reader (ruvix itself needs none): written, then the backing file
    checked as an image. Needs root and loop devices; says so otherwise."""
    back = os.path.join(tmp, "card.bin")
    with open(back, "wb") as f:
        f.truncate(80 << 20)
    rc, dev = sh(["losetup", "-f", "--show", back])
    dev = dev.strip()
    if rc != 0 or not dev.startswith("/dev/"):
        print("note: no loop device here (%s): the block-device write is not exercised"
              % dev.splitlines()[-1] if dev else "losetup failed")
        return
    try:
        rc, out = sh([ruvix, "flash", "--target", "rpi4", "--out", dev])
        print(out.rstrip())
        if rc != 0 or "block device" not in out:
            raise AssertionError("writing %s (a loop device) failed" % dev)
    finally:
        sh(["losetup", "-d", dev])
    img = os.path.join(tmp, "card.img")
    with open(back, "rb") as f, open(img, "wb") as g:
        g.write(f.read((2048 + 64 * 2048) * 512))
    os.remove(back)
    part = os.path.join(tmp, "part.img")
    sh(["dd", "if=" + img, "of=" + part, "bs=1M", "skip=1", "status=none"])
    rc, out = sh(["fsck.fat", "-n", part])
    rc2, listing = sh(["mdir", "-i", img + "@@1M", "-b", "::"])
    os.remove(part)
    os.remove(img)
    if rc != 0 or rc2 != 0 or len(listing.split()) != len(NAMES):
        print(out + listing)
        raise AssertionError("the card written through %s does not check clean" % dev)
    print("block device %s: written, fsck.fat clean, %d files" % (dev, len(NAMES)))


def host_disks():
    """Block devices of this host that hold / or a mounted file system."""
    found = []
    st = os.stat("/")
    cands = ["%d:%d" % (os.major(st.st_dev), os.minor(st.st_dev))]
    with open("/proc/self/mountinfo") as f:
        cands += [l.split()[2] for l in f]
    for devno in cands:
        try:
            name = os.path.basename(os.path.realpath("/sys/dev/block/" + devno))
        except OSError:
            continue
        path = "/dev/" + name
        if os.path.exists("/sys/dev/block/" + devno) and os.path.exists(path) and \
                path not in found:
            found.append(path)
    return found


def refusals(ruvix, tmp):
    disks = host_disks()
    def first_mib(disk):
        # Unreadable in some sandboxes even for root: then the message and
        # the exit code are what the check has.
        try:
            with open(disk, "rb") as f:
                return hashlib.sha256(f.read(1 << 20)).hexdigest()
        except OSError:
            return None

    for disk in disks[:3]:
        before = first_mib(disk)
        rc, out = sh([ruvix, "flash", "--target", "rpi4", "--out", disk])
        after = first_mib(disk)
        print(out.rstrip())
        if rc == 0 or "refusing" not in out or before != after:
            raise AssertionError("%s (a disk of this host) was not refused" % disk)
    if not disks:
        print("note: no host disk visible here to refuse; the other refusals still run")
    dup = []
    for d, n in (("d1", "dup.bin"), ("d2", "DUP.BIN")):
        os.mkdir(os.path.join(tmp, d))
        dup.append(os.path.join(tmp, d, n))
        with open(dup[-1], "wb") as g:
            g.write(b"same name, other case")
    checks = [
        (["--target", "virt", "--out", os.path.join(tmp, "r1.img")], "no SD card layout"),
        (["--target", "rpi4", "--out", os.path.join(tmp, "r2.img"), "--root", "/etc/hostname"],
         "not an RVF package"),
        (["--target", "rpi4", "--out", os.path.join(tmp, "r3.img"), "--size", "39"],
         "--size takes 40 to 4096"),
        (["--target", "rpi4", "--out", "/dev/null"], "neither a regular file nor a block device"),
        (["--target", "rpi4", "--out", os.path.join(tmp, "r4.img"), "--add", dup[0],
          "--add", dup[1]], "would have the same name"),
    ]
    for args, want in checks:
        rc, out = sh([ruvix, "flash"] + args)
        print(out.rstrip())
        if rc == 0 or want not in out:
            raise AssertionError("ruvix flash %s: not refused with %r" % (" ".join(args), want))
    left = [n for n in os.listdir(tmp) if n.startswith("r")]
    if left:
        raise AssertionError("a refused run left %s behind" % left)


def main():
    ruvix, src = sys.argv[1], sys.argv[2]
    for tool in ("fsck.fat", "mdir", "mcopy"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            print("FAIL: %s is missing (dosfstools, mtools: scripts/setup installs them)" % tool)
            return 1
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    os.environ["MTOOLS_SKIP_CHECK"] = "1"
    try:
        with tempfile.TemporaryDirectory(prefix="rvx-flash-") as tmp:
            check_card(ruvix, src, tmp, 64)
            check_card(ruvix, src, tmp, 300)
            check_block_device(ruvix, src, tmp)
            refusals(ruvix, tmp)
    except AssertionError as e:
        print("FAIL: %s" % e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
