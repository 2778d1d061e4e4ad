#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Make a damaged copy of a signed RVF package, for the refusal tests.

usage: mangle.py tamper|truncate IN OUT

tamper:   flip one bit in the middle of the first region-data segment (or
          of the last segment if there is none), after signing, so the
          segment no longer matches the hash in the signed table.
truncate: keep the first half of the package.

The layout read here (header at 0, segment count u32 at 16, 56-byte table
entries from 64 with type u16 at +0, offset u64 at +8, length u64 at +16)
is docs/rvf.md's.
"""
import struct
import sys

SEG_REGION_DATA = 3


def tamper(pkg):
    (count,) = struct.unpack_from("<I", pkg, 16)
    if count == 0 or 64 + 56 * count > len(pkg):
        sys.exit("mangle.py: not an RVF package")
    segs = []
    for i in range(count):
        kind, = struct.unpack_from("<H", pkg, 64 + 56 * i)
        offset, length = struct.unpack_from("<QQ", pkg, 64 + 56 * i + 8)
        segs.append((kind, offset, length))
    data = [s for s in segs if s[0] == SEG_REGION_DATA]
    _, offset, length = data[0] if data else segs[-1]
    at = offset + length // 2
    if at >= len(pkg):
        sys.exit("mangle.py: segment outside the package")
    out = bytearray(pkg)
    out[at] ^= 0x01
    return bytes(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("tamper", "truncate"):
        sys.exit(__doc__)
    with open(sys.argv[2], "rb") as f:
        pkg = f.read()
    if sys.argv[1] == "tamper":
        out = tamper(pkg)
    else:
        out = pkg[: len(pkg) // 2]
    with open(sys.argv[3], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
