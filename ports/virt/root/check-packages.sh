#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: check-packages.sh RUVIX PUB GOOD UNSIGNED TAMPERED WRONG_KEY TRUNCATED
# The root package verifies under the image's trusted key and holds the
# expected tasks; each bad package is refused with its own reason.
set -eu
ruvix=$1
pub=$2
good=$3
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

"$ruvix" pkg verify "$good" --pub "$pub" || fail "the root package is refused"
"$ruvix" pkg inspect "$good" > "$tmp" || fail "inspect failed"
for t in "producer symbol=1" "consumer symbol=2" "worker0 symbol=3" "worker1 symbol=4"; do
	grep -q "task\[[0-9]*\] $t " "$tmp" || fail "no task '$t'"
done

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
