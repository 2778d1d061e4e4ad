#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The partitions' programs need nothing of the kernel: the guest library
references no outside symbol, and the image's .guest section (the only part
of the image stage 2 maps into partitions) holds the guest's code alone.

usage: guest-contained.py --nm NM --guest-lib LIB --elf ELF
"""
import argparse
import subprocess
import sys


def nm(tool, *args):
    return subprocess.run([tool] + list(args), stdout=subprocess.PIPE, check=True,
                          timeout=60).stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", required=True)
    ap.add_argument("--guest-lib", required=True)
    ap.add_argument("--elf", required=True)
    a = ap.parse_args()
    undef = [l.split()[-1] for l in nm(a.nm, "-u", a.guest_lib).splitlines()
             if l.strip() and not l.endswith(":")]
    if undef:
        print("FAIL: the guest library needs outside symbols: %s" % ", ".join(undef))
        return 1
    syms = {}
    for line in nm(a.nm, a.elf).splitlines():
        f = line.split()
        if len(f) == 3:
            syms[f[2]] = int(f[0], 16)
    lo, hi = syms["__guest_start"], syms["__guest_end"]
    inside = sorted(n for n, v in syms.items() if lo <= v < hi and not n.startswith("$"))
    guest = set(l.split()[-1] for l in nm(a.nm, "--defined-only", a.guest_lib).splitlines()
                if len(l.split()) == 3)
    foreign = [n for n in inside if n not in guest and n not in ("__guest_start",)]
    if foreign:
        print("FAIL: kernel symbols inside .guest: %s" % ", ".join(foreign))
        return 1
    if "guest_entry" not in inside or "guest_vectors" not in inside:
        print("FAIL: guest_entry / guest_vectors are not in .guest")
        return 1
    print(".guest [0x%x, 0x%x): %d guest symbols, nothing else; the guest needs no outside "
          "symbol" % (lo, hi, len(inside)))
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
