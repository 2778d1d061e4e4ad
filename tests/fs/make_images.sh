#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: make_images.sh OUTDIR
# Makes the FAT32 image the fs tests read, with Debian's own tools: mkfs.fat
# (dosfstools) formats it, mtools fills it. OUTDIR gets:
#   good.img     34 MiB FAT32 (512-byte sectors and clusters, so > 65525
#                clusters: FAT32 by the specification's own rule)
#   src/         the files copied in, to compare what lib/fs reads
#   listing.txt  every path in the image, as mtools lists it (mdir -/ -b)
#   chains.txt   each file's clusters, as mtools reports them (mshowfat)
# frag.bin is fragmented on purpose: b.bin is written between a.bin and
# c.bin, deleted, and FSInfo's next-free hint is cleared, so mtools fills
# b.bin's hole first and continues after c.bin.
set -eu
out=$1
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
mkfs=$(command -v mkfs.fat || echo /usr/sbin/mkfs.fat)
mkdir -p "$out/src/dir1/dir2/dir3" "$out/src/many"
cd "$out"
rm -f good.img
truncate -s 34M good.img
"$mkfs" -F 32 -S 512 -s 1 -n RUVIX -i 52555658 good.img >/dev/null 2>&1
img="-i good.img"

# Deterministic contents (no /dev/urandom: reruns make the same image).
python3 - <<'PY'
import hashlib, os
def blob(name, n):
    out, k = b"", 0
    while len(out) < n:
        out += hashlib.sha256(("%s:%d" % (name, k)).encode()).digest()
        k += 1
    return out[:n]
files = {
    "hello.txt": b"Hello, RuVix\n",
    "world.txt": b"Hello, World\n",
    "empty.txt": b"",
    "A Long File Name With Spaces.txt": blob("long", 5000),
    "\u00fcn\u00efc\u00f6d\u00e9-\u540d\u524d.txt": "caf\u00e9 \u540d\u524d\n".encode(),
    "a.bin": blob("a", 3000), "b.bin": blob("b", 3000), "c.bin": blob("c", 3000),
    "frag.bin": blob("frag", 9000),
    "big.bin": blob("big", 300000),
    "dir1/dir2/dir3/deep.bin": blob("deep", 70000),
}
for i in range(60):
    files["many/file-%02d-with-a-long-name.txt" % i] = ("file %d\n" % i).encode()
for k, v in files.items():
    with open(os.path.join("src", k), "wb") as f:
        f.write(v)
PY

mcopy $img src/hello.txt src/world.txt src/empty.txt "src/A Long File Name With Spaces.txt" ::/
mcopy $img "src/$(printf '\303\274n\303\257c\303\266d\303\251-\345\220\215\345\211\215.txt')" ::/
mcopy $img src/a.bin src/b.bin src/c.bin ::/
mdel $img ::/b.bin
# Clear FSInfo's next-free-cluster hint (sector 1, byte 492).
printf '\377\377\377\377' | dd of=good.img bs=1 seek=$((512 + 492)) conv=notrunc status=none
mcopy $img src/frag.bin ::/
mcopy $img src/big.bin ::/
mmd $img ::/dir1 ::/dir1/dir2 ::/dir1/dir2/dir3 ::/many
mcopy $img src/dir1/dir2/dir3/deep.bin ::/dir1/dir2/dir3/
for f in src/many/*; do
	mcopy $img "$f" ::/many/
done
rm -f src/b.bin
mdir $img -/ -b :: >listing.txt
: >chains.txt
for f in hello.txt world.txt a.bin c.bin frag.bin big.bin dir1 dir1/dir2 many; do
	mshowfat $img "::/$f" >>chains.txt
done
