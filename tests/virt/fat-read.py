#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read a file from a mkfs.fat image on the virt image's second virtio-blk disk.

usage: fat-read.py --qemu QEMU --image IMG [--mkfs MKFS] [--mcopy MCOPY] [--mmd MMD]

Makes a FAT32 image with Debian's tools (mkfs.fat, mtools' mmd and mcopy)
holding a 200000-byte file under a long name in a subdirectory (a
space-free one: the boot arguments split at spaces), boots the
image with rvx.fat=<path> and two disks (a blank one first), and checks the
size and SHA-256 the guest prints against the file's. Then the same image
with its boot signature cleared must be refused (RVX-FAT-REFUSED, exit 7).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

def boot(args, blank, fat, append):
    cmd = [args.qemu, "-M", "virt,virtualization=on", "-cpu", "cortex-a72", "-m", "256M",
           "-nographic", "-nic", "none", "-semihosting", "-kernel", args.image,
           "-global", "virtio-mmio.force-legacy=false",
           "-drive", "file=%s,if=none,format=raw,id=d0" % blank,
           "-device", "virtio-blk-device,drive=d0",
           "-drive", "file=%s,if=none,format=raw,id=d1,readonly=on" % fat,
           "-device", "virtio-blk-device,drive=d1", "-append", append]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=60)
    return p.returncode, [l.rstrip("\r") for l in p.stdout.decode("utf-8", "replace").split("\n")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--mkfs", default="/usr/sbin/mkfs.fat")
    ap.add_argument("--mcopy", default="mcopy")
    ap.add_argument("--mmd", default="mmd")
    args = ap.parse_args()
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1", LC_ALL="C.UTF-8")
    fails = []
    with tempfile.TemporaryDirectory(prefix="rvx-fat-") as d:
        fat, blank, src = (os.path.join(d, n) for n in ("fat.img", "blank.img", "src.bin"))
        data = b"".join(hashlib.sha256(b"ruvix fat %d" % i).digest() for i in range(6250))
        with open(src, "wb") as f:
            f.write(data)
        with open(fat, "wb") as f:
            f.truncate(34 << 20)
        with open(blank, "wb") as f:
            f.truncate(1 << 20)
        subprocess.run([args.mkfs, "-F", "32", "-S", "512", "-s", "1", "-n", "RUVIX", fat],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([args.mmd, "-i", fat, "::/docs"], check=True, env=env)
        subprocess.run([args.mcopy, "-i", fat, src, "::/docs/a-long-file-name.bin"],
                       check=True, env=env)
        want = "RVX-FAT-FILE /docs/a-long-file-name.bin %d %s" % (
            len(data), hashlib.sha256(data).hexdigest())
        rc, lines = boot(args, blank, fat, "rvx.fat=/docs/a-long-file-name.bin")
        if rc != 0 or want not in lines:
            fails.append("read: exit %s, %s" % (rc, " | ".join(l for l in lines if "FAT" in l)))
        else:
            print(want)
        rc, lines = boot(args, blank, fat, "rvx.fat=/docs/missing.bin")
        if rc != 7 or not any(l.startswith("RVX-FAT-FAIL /docs/missing.bin") for l in lines):
            fails.append("missing file: exit %s" % rc)
        with open(fat, "r+b") as f:
            f.seek(510)
            f.write(b"\0\0")
        rc, lines = boot(args, blank, fat, "rvx.fat=/docs/a-long-file-name.bin")
        if rc != 7 or not any(l.startswith("RVX-FAT-REFUSED") for l in lines):
            fails.append("damaged: exit %s, %s" % (rc, " | ".join(l for l in lines if "FAT" in l)))
        else:
            print([l for l in lines if l.startswith("RVX-FAT-REFUSED")][0])
    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
