#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: test-cli.sh RUVIX EXAMPLES_DIR
# Generates a key, packs examples/packages/hello.txt, verifies and inspects
# the package, then shows that a flipped byte, another key and a bad
# manifest are refused.
set -eu
ruvix=$1
ex=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

fail() { echo "FAIL: $*"; exit 1; }

"$ruvix" keys generate --out signer.key
"$ruvix" keys generate --out other.key
[ -f signer.key ] && [ -f signer.key.pub ] || fail "key files missing"
[ "$(stat -c %a signer.key)" = 600 ] || fail "private key not 0600"

printf 'hello code image, 32 bytes long!' > hello.bin
printf 'config region initial data' > config.bin
"$ruvix" pkg pack --manifest "$ex/hello.txt" --key signer.key --out hello.rvf \
	code:hello.bin data:config.bin

"$ruvix" pkg verify hello.rvf --pub signer.key.pub || fail "valid package refused"
"$ruvix" pkg verify hello.rvf --pub other.key.pub --pub signer.key.pub || fail "refused with two keys"
"$ruvix" pkg inspect hello.rvf > inspect.txt || fail "inspect failed"
cat inspect.txt
grep -q "package 'hello'" inspect.txt || fail "inspect: no package name"
grep -q "region\[1\] embeddings policy=slab size=4096 slot=256" inspect.txt || fail "inspect: region"
grep -q "wire\[4\] perception <- region:embeddings rights=read,write,prove" inspect.txt || fail "inspect: wire"

# Untrusted key.
if "$ruvix" pkg verify hello.rvf --pub other.key.pub 2> err.txt; then fail "verified with the wrong key"; fi
grep -q "unknown key" err.txt || fail "wrong message: $(cat err.txt)"

# Flip one byte 100 bytes before the end (inside a segment or its padding).
size=$(stat -c %s hello.rvf)
cp hello.rvf flipped.rvf
off=$((size - 100))
orig=$(od -An -tu1 -j "$off" -N1 hello.rvf | tr -d ' ')
new=$(( (orig + 1) % 256 ))
printf "$(printf '\\%03o' "$new")" | dd of=flipped.rvf bs=1 seek="$off" conv=notrunc 2>/dev/null
cmp -s hello.rvf flipped.rvf && fail "byte not flipped"
if "$ruvix" pkg verify flipped.rvf --pub signer.key.pub 2> err.txt; then fail "flipped package verified"; fi
echo "flipped byte at $off: $(cat err.txt)"
grep -q "REFUSED" err.txt || fail "no clear message"

# Truncated.
head -c $((size - 1)) hello.rvf > short.rvf
if "$ruvix" pkg verify short.rvf --pub signer.key.pub 2> err.txt; then fail "truncated package verified"; fi
grep -q "truncated" err.txt || fail "wrong message: $(cat err.txt)"

# A manifest that widens rights is refused at pack time.
sed 's/^wire sensor     required:sensor0  rights=read$/wire sensor required:sensor0 rights=read,write/' \
	"$ex/hello.txt" > bad.txt
grep -q "rights=read,write$" bad.txt || fail "test manifest not changed"
if "$ruvix" pkg pack --manifest bad.txt --key signer.key --out bad.rvf code:hello.bin data:config.bin 2> err.txt; then
	fail "bad manifest packed"
fi
grep -q "invalid rights" err.txt || fail "wrong message: $(cat err.txt)"
echo "all CLI checks passed"
