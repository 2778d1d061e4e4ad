#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build the hosted port and cross_main.c for AArch64 Linux and run them under
# qemu-user. Exits 77 (skipped) when the cross compiler or qemu-aarch64 is
# missing, or when the build itself runs on AArch64 (the Criterion suite
# covers that host directly).
# Usage: check-cross.sh <source root> <scratch dir>
set -eu
src=$1
out=$2
cc=aarch64-linux-gnu-gcc
qemu=qemu-aarch64
command -v "$cc" >/dev/null 2>&1 || { echo "no $cc: skipped"; exit 77; }
command -v "$qemu" >/dev/null 2>&1 || { echo "no $qemu: skipped"; exit 77; }
[ "$(uname -m)" != aarch64 ] || { echo "native AArch64 host: skipped"; exit 77; }
mkdir -p "$out"
"$cc" -std=c11 -O2 -g -Wall -Wextra -Wpedantic -Werror -static -pthread \
	-DRVX_HCTX_FIBER_HOOKS=0 \
	-I"$src/lib/types/include" -I"$src/lib/queue/include" \
	-I"$src/ports/hosted/include" \
	"$src/tests/hosted/cross_main.c" "$src/tests/hosted/regs_aarch64.S" \
	"$src/ports/hosted/src/hctx.c" "$src/ports/hosted/src/hstack.c" \
	"$src/ports/hosted/src/hfault.c" "$src/ports/hosted/src/hsensor.c" \
	"$src/ports/hosted/src/switch_aarch64.S" \
	"$src/lib/queue/src/queue.c" "$src/lib/types/src/err.c" \
	-lm -o "$out/cross_aarch64"
exec "$qemu" "$out/cross_aarch64"
