#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-install.sh BUILD_ROOT CC LIB_NAME...
# Installs the build into a scratch DESTDIR and checks that it holds every
# public header under include/ruvix/, every archive, the combined
# libruvix.a and one .pc file per library plus ruvix.pc; then compiles and
# runs a program against the installed tree using only pkg-config.
set -eu
build=$1
cc=$2
shift 2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
inc=$(find "$dest" -type d -path '*/include/ruvix' | head -n 1)
pcdir=$(find "$dest" -type f -name 'ruvix.pc' -exec dirname {} \; | head -n 1)
libdir=$(find "$dest" -type f -name 'libruvix.a' -exec dirname {} \; | head -n 1)
[ -n "$inc" ] && [ -n "$pcdir" ] && [ -n "$libdir" ] || { echo "install tree incomplete"; find "$dest"; exit 1; }
for h in ruvix.h types.h err.h env.h config.h port.h atomic.h; do
	[ -f "$inc/$h" ] || { echo "missing header $h"; exit 1; }
done
for name in "$@"; do
	[ -f "$libdir/libruvix-$name.a" ] || { echo "missing archive libruvix-$name.a"; exit 1; }
	[ -f "$pcdir/ruvix-$name.pc" ] || { echo "missing ruvix-$name.pc"; exit 1; }
	[ -f "$inc/$name.h" ] || [ "$name" = types ] || { echo "missing header $name.h"; exit 1; }
done
cat >"$dest/prog.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include <ruvix/ruvix.h>
int main(void)
{
	const char *s = rvx_strerror(-RVX_ESTALE);
	puts(s);
	return strcmp(s, "stale handle") != 0;
}
PROG
flags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs ruvix)
# shellcheck disable=SC2086
$cc -std=c11 -o "$dest/prog" "$dest/prog.c" $flags
"$dest/prog"
echo "install tree complete: $(ls "$libdir"/libruvix*.a | wc -l) archives, $(ls "$pcdir"/ruvix*.pc | wc -l) .pc files, $(ls "$inc" | wc -l) headers"
