#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: test-cli.sh RUVIX EXAMPLES_DIR
# Generates a key, packs examples/packages/hello.txt, verifies and inspects
# the package, then shows that a flipped byte, another key, an unsigned
# package and a bad manifest are refused; exports keys as C; verifies a
# witness dump and shows that every kind of damage to it is refused.
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

# An unsigned package packs (for tests of the refusal) and is refused.
"$ruvix" pkg pack --manifest "$ex/hello.txt" --unsigned --out unsigned.rvf \
	code:hello.bin data:config.bin > out.txt || fail "unsigned pack failed"
grep -q "UNSIGNED" out.txt || fail "unsigned pack not marked: $(cat out.txt)"
if "$ruvix" pkg verify unsigned.rvf --pub signer.key.pub 2> err.txt; then fail "unsigned package verified"; fi
grep -q "REFUSED: unsigned" err.txt || fail "wrong message: $(cat err.txt)"

# Vector and graph stores with text seeds (converted to their segments).
cat > stores.txt <<'EOT'
package stores
task agent symbol=1
vector emb dim=3 metric=cosine capacity=8 m=8 seed=emb.txt
graph kg nodes=4 edges=4 seed=kg.txt
wire agent vector:emb rights=read,write,prove
wire agent graph:kg rights=read,write,prove
proof vector:emb tier=standard payload=64 keys=0-100
proof graph:kg tier=reflex
witness flags=mutations checkpoint=32 log=64
EOT
printf '# key then components\n20 0 1 0\n10 1 0 0\n30 0 0 1\n' > emb.txt
printf 'edge 5 6 0.5\nnode 6\nnode 5 414243\n' > kg.txt
"$ruvix" pkg pack --manifest stores.txt --key signer.key --out stores.rvf \
	vector:emb.txt graph:kg.txt || fail "stores package not packed"
"$ruvix" pkg inspect stores.rvf > inspect.txt || fail "inspect stores failed"
cat inspect.txt
grep -q "vector\[0\] emb dim=3 metric=cosine capacity=8 m=8 seed=\[1\] (3 vectors)" inspect.txt ||
	fail "inspect: vector store"
grep -q "graph\[0\] kg nodes=4 edges=4 seed=\[2\] (3 mutations)" inspect.txt || fail "inspect: graph store"
grep -q "wire\[0\] agent <- vector:emb rights=read,write,prove" inspect.txt || fail "inspect: store wire"
grep -q "proof\[0\] vector:emb tier=standard" inspect.txt || fail "inspect: store policy"
# More seed vectors than the capacity, and a repeated key, are refused.
sed 's/capacity=8/capacity=2/' stores.txt > small.txt
if "$ruvix" pkg pack --manifest small.txt --key signer.key --out bad.rvf vector:emb.txt graph:kg.txt 2> err.txt; then
	fail "seeds over capacity packed"
fi
grep -q "invalid value" err.txt || fail "wrong message: $(cat err.txt)"
printf '10 1 0 0\n10 0 1 0\n' > dup.txt
sed 's/seed=emb.txt/seed=dup.txt/' stores.txt > dupm.txt
if "$ruvix" pkg pack --manifest dupm.txt --key signer.key --out bad.rvf vector:dup.txt graph:kg.txt 2> err.txt; then
	fail "repeated seed key packed"
fi
grep -q "given twice" err.txt || fail "wrong message: $(cat err.txt)"
printf 'edge 5 7\nnode 5\n' > dangling.txt
sed 's/seed=kg.txt/seed=dangling.txt/' stores.txt > dangm.txt
if "$ruvix" pkg pack --manifest dangm.txt --key signer.key --out bad.rvf vector:emb.txt graph:dangling.txt 2> err.txt; then
	fail "dangling edge packed"
fi
grep -q "index out of range" err.txt || fail "wrong message: $(cat err.txt)"

# Trusted keys as C source: every key's 65 bytes in order, and a count.
"$ruvix" keys export-c --out keys.c signer.key.pub other.key.pub || fail "export-c failed"
grep -q "^const uint8_t rvx_virt_trusted_keys\[130\] = {" keys.c || fail "export-c: no key array"
grep -q "^const uint32_t rvx_virt_trusted_key_count = 2;" keys.c || fail "export-c: no count"
want=$(tr -d '\n' < signer.key.pub; tr -d '\n' < other.key.pub)
got=$(grep -o '0x[0-9a-f][0-9a-f]' keys.c | sed 's/^0x//' | tr -d '\n')
[ "$want" = "$got" ] || fail "export-c: key bytes differ"
cc=$(command -v cc || command -v gcc || true)
if [ -n "$cc" ]; then
	"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -c keys.c -o keys.o || fail "export-c: does not compile"
fi
"$ruvix" keys export-c --name my_keys --out mine.c signer.key.pub || fail "export-c --name failed"
grep -q "^const uint32_t my_keys_count = 1;" mine.c || fail "export-c --name: no count"
if "$ruvix" keys export-c --out bad.c signer.key 2> err.txt; then fail "a private key exported"; fi
printf '04%0128d\n' 0 > zero.pub
if "$ruvix" keys export-c --out bad.c zero.pub 2> err.txt; then fail "a point off the curve exported"; fi
grep -q "not a P-256 public key" err.txt || fail "wrong message: $(cat err.txt)"

# Witness dumps. A good one (LF and CRLF) verifies and shows every record.
stages=boot_stage:reset,boot_stage:hardware,boot_stage:console,boot_stage:mmu
stages=$stages,boot_stage:objects_ready,mount,task_spawn,boot_stage:package,boot_stage:first_task
"$ruvix" witness sample-dump > dump.txt
"$ruvix" witness sample-dump --crlf > dump-crlf.txt
grep -q "$(printf '\r')$" dump-crlf.txt || fail "no CRLF in the CRLF sample"
"$ruvix" witness verify-dump dump.txt --expect-kinds "$stages" > out.txt || fail "good dump refused"
cat out.txt
grep -q "OK, 11 records, chain intact" out.txt || fail "no OK line"
[ "$(grep -c '^  seq ' out.txt)" = 11 ] || fail "not one line per record"
grep -q "seq 5 .*mount .*target 0x100000001" out.txt || fail "mount record not decoded"
grep -q "boot_stage .*target 7 (first_task)" out.txt || fail "boot stage not named"
"$ruvix" witness verify-dump --quiet dump-crlf.txt --expect-kinds "$stages" > /dev/null || fail "CRLF dump refused"
"$ruvix" witness sample-dump | "$ruvix" witness verify-dump --quiet - > /dev/null || fail "dump from a pipe refused"
"$ruvix" witness verify-dump --quiet dump.txt --exact --expect-kinds \
	"1:1,1:2,1:3,1:4,1:5,17,2,2,2,1:6,1:7" > /dev/null || fail "exact kinds refused"

# refused DUMP WHAT MESSAGE: the damaged dump must fail with MESSAGE.
refused() {
	if "$ruvix" witness verify-dump --quiet "$1" > /dev/null 2> err.txt; then fail "$2: verified"; fi
	grep -q "$3" err.txt || fail "$2: wrong message: $(cat err.txt)"
	echo "$2: $(head -n 1 err.txt)"
}
# Line 5 is record 2: flip one bit of one hex digit (3 <-> 2, a <-> b, ...).
awk 'NR == 5 { c = substr($2, 41, 1); i = index("0123456789abcdef", c) - 1;
	d = substr("1032547698badcfe", i + 1, 1); $2 = substr($2, 1, 40) d substr($2, 42) } { print }' \
	dump.txt > flipped.txt
cmp -s dump.txt flipped.txt && fail "bit not flipped"
refused flipped.txt "flipped bit" ":5: record 2 (sequence 2) is bad"
sed '6d' dump.txt > dropped.txt
refused dropped.txt "dropped line" ":6: record 3 has sequence 4, expected 3: a record is missing"
awk 'NR == 5 { hold = $0; next } NR == 6 { print; print hold; next } { print }' dump.txt > swapped.txt
refused swapped.txt "reordered lines" ":5: record 2 has sequence 3, expected 2: records out of order"
head -n 9 dump.txt > truncated.txt
refused truncated.txt "truncated dump" "truncated witness dump: 7 of 11 records"
awk '/^RVX-WITNESS-END / { i = index("0123456789abcdef", substr($2, 1, 1)) - 1;
	$2 = substr("1032547698badcfe", i + 1, 1) substr($2, 2) } { print }' dump.txt > head.txt
cmp -s dump.txt head.txt && fail "head not changed"
refused head.txt "wrong head" ":14: the chain head does not match"
sed 's/^RVX-WITNESS-BEGIN 11 0$/RVX-WITNESS-BEGIN 12 0/' dump.txt > count.txt
refused count.txt "wrong count" "announces 12 records"
sed '5 s/^\(RVX-W .\{20\}\)./\1G/' dump.txt > malformed.txt
refused malformed.txt "malformed line" ":5: malformed witness dump line"
sed '/^RVX-/d' dump.txt > none.txt
refused none.txt "no dump" "no witness dump"
cat dump.txt dump.txt > two.txt
refused two.txt "two dumps" "a second witness dump"
# Intact, but not the records expected.
if "$ruvix" witness verify-dump --quiet dump.txt --expect-kinds boot_stage:mmu,boot_stage:reset 2> err.txt; then
	fail "wrong stage order accepted"
fi
grep -q "expected kind 'boot_stage:reset' (entry 2" err.txt || fail "wrong message: $(cat err.txt)"
if "$ruvix" witness verify-dump --quiet dump.txt --exact --expect-kinds "$stages" 2> err.txt; then
	fail "exact match of a subsequence accepted"
fi
grep -q "11 records, but 9 kinds expected" err.txt || fail "wrong message: $(cat err.txt)"
if "$ruvix" witness verify-dump --quiet dump.txt --expect-kinds bogus 2> err.txt; then fail "unknown kind accepted"; fi
grep -q "unknown kind 'bogus'" err.txt || fail "wrong message: $(cat err.txt)"
echo "all CLI checks passed"
