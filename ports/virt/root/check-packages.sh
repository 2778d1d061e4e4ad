#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-packages.sh RUVIX PUB GOOD UNSIGNED TAMPERED WRONG_KEY TRUNCATED
# The root package verifies under the image's trusted key and holds the
# expected component tasks; each bad package is refused with its own reason.
set -eu
ruvix=$1
pub=$2
good=$3
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

"$ruvix" pkg verify "$good" --pub "$pub" || fail "the root package is refused"
"$ruvix" pkg inspect "$good" > "$tmp" || fail "inspect failed"
# Every task is code in the package (a component), none a kernel symbol.
for t in producer consumer worker0 worker1; do
	grep -q "task\[[0-9]*\] $t code=\[[0-9]*\] entry=[0-9]* " "$tmp" || fail "no component task '$t'"
done
if grep -q "symbol=" "$tmp"; then fail "a task names a kernel symbol"; fi

# refused PKG WHAT REASON
refused() {
	if "$ruvix" pkg verify "$1" --pub "$pub" > /dev/null 2> "$tmp"; then
		fail "$2 package verified"
	fi
	grep -q "REFUSED: $3 " "$tmp" || fail "$2 package: wrong message: $(cat "$tmp")"
	echo "$2: $(cat "$tmp")"
}
refused "$4" unsigned "unsigned"
refused "$5" tampered "segment hash mismatch"
refused "$6" wrong-key "signed by an unknown key"
refused "$7" truncated "truncated"
echo "root package and bad packages checked"
