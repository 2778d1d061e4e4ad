#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Check kernel8.img's arm64 Image header, what the Pi 4 firmware and QEMU
read to place the image and pass the DTB in x0: magic "ARM\\x64" at 0x38,
text_offset 0x80000 (the image links there, RAM starting at 0), image_size
(bss included) a page multiple no smaller than the file, little-endian;
and, with config.txt, that the firmware's layout fits it: kernel_address
0x80000 and the initramfs placed at an address past the image's end, bss
included (with "followkernel" the firmware would put it right after the
file, where bss clearing would wipe it). Also prints the sizes.

usage: image-header.py kernel8.img [config.txt]"""
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
    if len(sys.argv) > 2:
        conf = {}
        for line in open(sys.argv[2]):
            line = line.split("#")[0].strip()
            if "=" in line:
                k, v = line.split("=", 1)
                conf[k.strip()] = v.strip()
            elif line.startswith("initramfs "):
                conf["initramfs"] = line.split()[1:]
        if conf.get("arm_64bit") != "1" or conf.get("kernel") != "kernel8.img":
            errors.append("config.txt: arm_64bit=1 and kernel=kernel8.img wanted")
        if int(conf.get("kernel_address", "0x80000"), 0) != 0x80000:
            errors.append("config.txt: kernel_address is not 0x80000, where the image links")
        ird = conf.get("initramfs")
        if not ird or len(ird) != 2 or ird[0] != "root.rvf" or ird[1] == "followkernel":
            errors.append("config.txt: initramfs root.rvf at an explicit address wanted")
        elif int(ird[1], 0) < 0x80000 + image_size:
            errors.append("config.txt: the initramfs at %s overlaps the image (ends 0x%x)"
                          % (ird[1], 0x80000 + image_size))
        else:
            print("config.txt: image 0x80000-0x%x, root package at %s" % (0x80000 + image_size,
                                                                        ird[1]))
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
