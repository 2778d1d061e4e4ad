#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cold-boot figures of the Raspberry Pi 4 image under QEMU raspi4b, as
tests/virt/boot-figures.py measures virt's: wall time from starting QEMU to
the RVX-FIRST-WITNESS line (median of N runs), guest instructions from the
image's first instruction to that record under -icount shift=0 (median of
3), and the sizes of kernel8.img and of the image in memory.

usage: boot-figures.py --qemu QEMU --image kernel8.img --dtb DTB [--initrd PKG] [--runs N]"""
import argparse
import importlib.util
import os
import statistics
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--dtb", required=True)
    ap.add_argument("--initrd")
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    rpi4 = load("run_rpi4", os.path.join(HERE, "run-rpi4.py"))
    virt = load("boot_figures", os.path.join(HERE, "..", "virt", "boot-figures.py"))
    args.append = None
    with tempfile.TemporaryDirectory(prefix="rvx-rpi4-fig-") as tmp:
        dtb = rpi4.make_dtb(args.dtb, tmp, "mini", "keep")
        base = rpi4.qemu_cmd(args, dtb, None)
        # boot-figures.py's run stamps the banner of virt; only the first
        # witness line and the guest's own stamps are used here.
        runs = [virt.one_run(base) for _ in range(args.runs)]
        icount = [virt.one_run(rpi4.qemu_cmd(args, dtb, None, icount=True)) for _ in range(3)]
        insns = [r[1] for r in icount]
    walls = [r[0] * 1000.0 for r in runs]
    data = open(args.image, "rb").read()
    mem = struct.unpack_from("<Q", data, 16)[0]
    print("raspi4b: cold boot to first witness record, wall from QEMU start: median %.1f ms "
          "(min %.1f, max %.1f, %d runs)" % (statistics.median(walls), min(walls), max(walls),
                                             len(walls)))
    print("raspi4b: guest instructions from entry to first witness record (-icount shift=0): "
          "%d (runs: %s)" % (statistics.median(insns), ", ".join(str(i) for i in insns)))
    virt.print_steps(icount[0][3], "raspi4b: ")
    print("kernel8.img: %d bytes (%.1f KiB) in the file, %d bytes (%.1f KiB) in memory with bss"
          % (len(data), len(data) / 1024.0, mem, mem / 1024.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
