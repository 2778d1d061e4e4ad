#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: make_fat_corpus.sh OUTDIR
# Seeds for the FAT fuzzer (fuzz_fat.c): 34 MiB FAT32 volumes made by
# mkfs.fat and filled by mtools (which needs that size: it tells FAT32 by
# its cluster count), written in the fuzzer's sparse form: for each run of
# non-zero 512-byte sectors, a 4-byte little-endian byte offset, a 2-byte
# length and the bytes. Run once to (re)make tests/fuzz/corpus-fat; the
# committed seeds came from this.
set -eu
out=$1
export MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8
mkfs=$(command -v mkfs.fat || echo /usr/sbin/mkfs.fat)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

seed() { # mkfs options...
	rm -f "$tmp/v.img"
	truncate -s 34M "$tmp/v.img"
	"$mkfs" -F 32 -S 512 -s 1 -n SEED -i 5eed5eed "$@" "$tmp/v.img" >/dev/null 2>&1
}

sparse_to() { # the image's non-zero sector runs to $out/$1
	python3 - "$tmp/v.img" "$out/$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
out, s, n = b"", 0, len(d) // 512
while s < n:
    if d[s * 512:(s + 1) * 512] == bytes(512):
        s += 1
        continue
    e = s
    while e < n and e - s < 120 and d[e * 512:(e + 1) * 512] != bytes(512):
        e += 1
    out += struct.pack("<IH", s * 512, (e - s) * 512) + d[s * 512:e * 512]
    s = e
open(sys.argv[2], "wb").write(out)
PY
}

fill() {
	i="-i $tmp/v.img"
	printf 'Hello, RuVix\n' >"$tmp/hello.txt"
	head -c 1500 /dev/zero | tr '\0' 'a' >"$tmp/a.bin"
	head -c 1500 /dev/zero | tr '\0' 'b' >"$tmp/b.bin"
	head -c 2500 /dev/zero | tr '\0' 'f' >"$tmp/frag.bin"
	mcopy $i "$tmp/hello.txt" "::/A long name, with spaces.txt"
	mcopy $i "$tmp/hello.txt" "::/$(printf 'caf\303\251-\345\220\215.txt')"
	mcopy $i "$tmp/a.bin" "$tmp/b.bin" ::/
	mcopy $i "$tmp/hello.txt" ::/c.txt
	: >"$tmp/empty.txt"
	mcopy $i "$tmp/empty.txt" ::/
	mdel $i ::/b.bin
	printf '\377\377\377\377' | dd of="$tmp/v.img" bs=1 seek=$((512 + 492)) conv=notrunc status=none
	mcopy $i "$tmp/frag.bin" ::/
	mmd $i ::/d ::/d/e ::/many
	mcopy $i "$tmp/hello.txt" ::/d/e/deep.txt
	for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
		mcopy $i "$tmp/hello.txt" "::/many/file number $n.txt"
	done
}

seed -f 2
sparse_to empty
seed -f 2
fill
sparse_to tree-2fats
seed -f 1
fill
sparse_to tree-1fat
