#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Check kernel8.img's arm64 Image header, what the Pi 4 firmware and QEMU
read to place the image and pass the DTB in x0: magic "ARM\\x64" at 0x38,
text_offset 0x80000 (the image links there, RAM starting at 0), image_size
(bss included) a page multiple no smaller than the file, little-endian,
4 KiB pages. Also prints the sizes for the notes.

usage: image-header.py kernel8.img"""
import struct
import sys


def main():
    data = open(sys.argv[1], "rb").read()
    if len(data) < 64:
        print("FAIL: %d bytes, shorter than the header" % len(data))
        return 1
    text_offset, image_size, flags = struct.unpack_from("<QQQ", data, 8)
    magic = data[0x38:0x3c]
    errors = []
    if magic != b"ARM\x64":
        errors.append("magic %r, expected 'ARM\\x64'" % magic)
    if text_offset != 0x80000:
        errors.append("text_offset 0x%x, expected 0x80000" % text_offset)
    if image_size < len(data) or image_size % 4096 != 0:
        errors.append("image_size 0x%x for a file of 0x%x bytes" % (image_size, len(data)))
    if flags & 1:
        errors.append("flags say big-endian")
    print("kernel8.img: %d bytes in the file, %d in memory (bss included), text_offset 0x%x, "
          "flags 0x%x" % (len(data), image_size, text_offset, flags))
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
