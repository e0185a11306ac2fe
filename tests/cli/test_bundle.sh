#!/usr/bin/env bash
# test_bundle.sh - `floe bundle/inspect/unpack/verify/key` end to end on a
# small recipe: byte-identical bundles, the digest in the name, unpacking
# into a workspace that `floe status` finds up to date, verify's exit codes
# (0 bitwise, 3 within tolerance, 4 different), signatures, tampering.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
mkdir ws && cd ws || exit 1
printf 'b\na\nc\n' >words.txt
cat >demo.yaml <<'Y'
floe: 1
name: demo
inputs:
  words: words.txt
prepare:
  - name: sorted
    kind: command
    inputs: [words]
    outputs: [sorted.txt]
    params:
      run: sort {in.words} > {out.sorted.txt}
develop:
  - name: stats
    kind: command
    inputs: {s: sorted}
    outputs: [m.csv]
    params:
      run: "printf 'n,x\\n%s,%s\\n' $(wc -l < {in.s}) ${X:-0.25} > {out.m.csv}"
Y

run floe bundle demo.yaml
rc_is 1 "bundling before a run fails"
err_has "not up to date|no lock file" "the message says to run first"

floe run demo.yaml >/dev/null 2>&1
run floe bundle demo.yaml -o "$WORK/b1/"
rc_is 0 "bundle exits 0"
b1=$(head -1 "$OUT")
digest=$(sed -n 's/^digest \([0-9a-f]*\).*/\1/p' "$OUT")
case "$b1" in *"demo-${digest:0:16}.floe.tar.zst") r=0 ;; *) r=1 ;; esac
ok $r "the file name carries the digest"
floe bundle demo.yaml -o "$WORK/b2.tar.zst" >/dev/null
cmp -s "$b1" "$WORK/b2.tar.zst"
ok $? "the same run bundled twice is byte-identical"
SOURCE_DATE_EPOCH=1700000000 floe bundle demo.yaml -o "$WORK/b3.tar.zst" >/dev/null
tar --zstd -tvf "$WORK/b3.tar.zst" 2>/dev/null | grep -q "2023-11-14" ||
	bsdtar -tvf "$WORK/b3.tar.zst" 2>/dev/null | grep -q "Nov 14  2023"
ok $? "SOURCE_DATE_EPOCH sets the archive times"

run floe inspect "$b1"
rc_is 0 "inspect exits 0"
out_has "^digest +$digest" "inspect shows the digest"
out_has "steps +2: sorted stats|steps +2: stats sorted" "inspect lists the steps"
run floe inspect --json "$b1"
out_has '"floe-bundle": 1' "inspect --json prints the manifest"

run floe unpack "$b1" "$WORK/u"
rc_is 0 "unpack exits 0"
run floe status "$WORK/u/demo.yaml"
rc_is 0 "status in the unpacked workspace exits 0"
out_has "all 2 steps up to date" "the unpacked workspace is up to date"
run floe unpack "$b1" "$WORK/u"
rc_is 1 "unpacking over a non-empty folder fails"

run floe verify "$b1"
rc_is 0 "verify of an honest bundle exits 0"
out_has "^bitwise +out/demo/stats/m.csv" "each output is reported"
out_has "reproduced bitwise" "the verdict is printed"

# Drift: the step prints ${X:-0.25}; the environment variable is not part
# of the step key, so a run with X set records another value than a re-run.
mk_drift() { # VALUE OUT
	rm -rf "$WORK/d"; floe unpack "$b1" "$WORK/d" >/dev/null
	(cd "$WORK/d" && rm -rf .floe out demo.lock && X=$1 floe run demo.yaml >/dev/null 2>&1 &&
		floe bundle demo.yaml -o "$2" >/dev/null)
}
mk_drift 0.2500000000001 "$WORK/drift.tar.zst"
run floe verify "$WORK/drift.tar.zst"
rc_is 3 "drift within the default tolerance exits 3"
out_has "^tolerance +out/demo/stats/m.csv +\(largest difference abs 1e-13" "the largest difference is shown"
run floe verify --tolerance rel=0,abs=0 "$WORK/drift.tar.zst"
rc_is 4 "the same drift with a zero tolerance exits 4"
out_has "NOT reproduced" "the verdict says not reproduced"
mk_drift 0.5 "$WORK/diff.tar.zst"
run floe verify "$WORK/diff.tar.zst"
rc_is 4 "a real difference exits 4"
out_has "^different +out/demo/stats/m.csv" "the differing output is named"

# signing
run floe key generate -o "$WORK/me"
rc_is 0 "key generate exits 0"
is "$(stat -c %a "$WORK/me.key")" 600 "the private key is mode 0600"
floe key generate -o "$WORK/you" >/dev/null
run floe bundle demo.yaml --sign "$WORK/me.key" -o "$WORK/signed.tar.zst"
rc_is 0 "a signed bundle is written"
run floe verify --key "$WORK/me.pub" "$WORK/signed.tar.zst"
rc_is 0 "verify with the signer's key exits 0"
out_has "signature +valid" "the signature is reported valid"
run floe verify --key "$WORK/you.pub" "$WORK/signed.tar.zst"
rc_is 1 "verify with another key fails"
err_has "was signed by key" "the message says another key signed it"
run floe verify --key "$WORK/me.pub" "$b1"
rc_is 1 "an unsigned bundle with --key fails"
err_has "is not signed" "the message says it is not signed"

# tampering: replace an output inside the archive, keep the manifest
mkdir "$WORK/t" && (cd "$WORK/t" && tar --zstd -xf "$b1" && printf 'x\n' >out/demo/sorted/sorted.txt &&
	tar --zstd -cf "$WORK/tampered.tar.zst" .floe-bundle/manifest.json $(tar --zstd -tf "$b1" | grep -v manifest.json))
run floe verify "$WORK/tampered.tar.zst"
rc_is 1 "a tampered bundle is refused"
err_has "entry 'out/demo/sorted/sorted.txt' does not match the manifest" "the changed entry is named"
run floe unpack "$WORK/tampered.tar.zst" "$WORK/tu"
rc_is 1 "unpacking a tampered bundle fails"
[ ! -e "$WORK/tu" ]
ok $? "nothing is left behind"

head -c 2000 "$b1" >"$WORK/trunc.tar.zst"
run floe inspect "$WORK/trunc.tar.zst"
rc_is 1 "a truncated bundle is refused"
run floe bundle
rc_is 2 "bundle without a recipe is a usage error"
run floe verify --tolerance nonsense "$b1"
rc_is 2 "a malformed tolerance is a usage error"

done_testing
