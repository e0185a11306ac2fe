#!/usr/bin/env bash
# test_models.sh - the model repository end to end: add bundles made by
# `floe train` in a command step, list/show/diff/tag/get/rm/fsck, predict
# from the repository, bad names, missing versions, tampered objects, a
# read-only repository, 8 concurrent writers, and kill -9 during an add.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
export FLOE_MODELS=$WORK/repo
grep -v NA "$SRC/tests/data/penguins.csv" | cut -d, -f1,3-6 >p.csv
mk_bundle() { # NAME C OUTDIR: a run training logistic regression with C
	mkdir -p "ws_$1" && cp p.csv "ws_$1/" || return 1
	cat >"ws_$1/$1.yaml" <<Y
floe: 1
name: $1
inputs:
  data: p.csv
develop:
  - name: fit
    kind: command
    inputs: [data]
    outputs: [model.floe]
    params:
      run: $FLOE train logistic_regression {in.data} --label species --seed 3 --param C=$2 -o {out.model.floe}
Y
	(cd "ws_$1" && floe run "$1.yaml" >/dev/null 2>&1 && floe bundle "$1.yaml" -o "$3/$1.floe.tar.zst" >/dev/null)
}
mk_bundle pa 1 "$WORK" && mk_bundle pb 0.01 "$WORK"
ok $? "two bundles made with floe train in a command step"
A=$WORK/pa.floe.tar.zst
B=$WORK/pb.floe.tar.zst

run floe models list
rc_is 0 "list of a repository that does not exist yet"
out_has "^no models in $WORK/repo" "it says there are no models"
run floe models add "$A" --name penguins
rc_is 0 "add exits 0"
out_has "^added penguins@1: out/pa/fit/model.floe \(logistic_regression\)" "the first version is 1"
run floe models add "$B" --name penguins
out_has "^added penguins@2" "the second version is 2"
run floe models list
out_has "^penguins@1 +- +logistic_regression +test accuracy" "list shows version 1 with a metric"
out_has "^penguins@2 " "list shows version 2"
run floe models list --json
out_has '"version": 2' "list --json"

run floe models show penguins@1
rc_is 0 "show exits 0"
out_has "^kind +logistic_regression \(classification\)" "show: kind"
out_has "^  digest +$(floe inspect "$A" | sed -n 's/^digest *//p')" "show: the bundle digest"
out_has "^  made by step fit \(develop\)" "show: the step that made the model"
out_has "^recipe +pa \(pa.yaml" "show: the recipe"
out_has "^  data +p.csv +$(sha256sum p.csv | cut -c1-16)" "show: the input digest"
out_has "^input schema +4 features: bill_length_mm:f64" "show: the input schema"
out_has "^  C +1$" "show: the parameters"
out_has "^environment +floe " "show: the environment"
run floe models show penguins
out_has "^model +penguins@2" "NAME alone is the latest version"
run floe models show penguins@7
rc_is 1 "a missing version fails"
err_has "model 'penguins' has no version 7 \(versions: 1, 2\)" "the message lists the versions that exist"
run floe models show nosuch@1
err_has "no model named 'nosuch' in $WORK/repo \(models: penguins\)" "an unknown model lists the models"

run floe models diff penguins@1 penguins@2
rc_is 0 "diff exits 0"
out_has "^\* C +1(\.0)? +0.01" "diff: the differing parameter side by side"
out_has "^\* test.accuracy " "diff: a differing metric"
out_has "^\* recipe +pa +pb" "diff: the recipe"
run floe models diff --json penguins@1 penguins@2
out_has '"section": "environment"' "diff --json has the environment section"

# names
run floe models add "$A" --name "Sea Ice"
rc_is 1 "a bad name is refused"
err_has "must start with a lower-case letter" "the message says why"
run floe models add "$A" --name "sea ice"
err_has "the character ' ' \(position 4\) does not belong in a name" "the bad character is named"
run floe models add "$A"
rc_is 2 "add without --name is a usage error"
run floe models tag penguins@1 latest
rc_is 1 "the alias 'latest' is reserved"

# aliases, get, predict
run floe models tag penguins@1 production
rc_is 0 "tag exits 0"
out_has "^penguins@production -> penguins@1$" "tag says where the alias points"
run floe models show penguins@production
out_has "^model +penguins@1" "an alias resolves"
run floe models tag penguins@2 production
out_has "was penguins@1" "moving an alias says where it was"
run floe models get penguins@production -o "$WORK/got"
rc_is 0 "get exits 0"
cmp -s "$(cat "$OUT")" "$B"
ok $? "get writes the bundle back byte for byte"
floe predict "ws_pb/out/pb/fit/model.floe" p.csv >want.csv
run floe predict penguins@production p.csv
rc_is 0 "predict NAME@ALIAS"
cmp -s "$OUT" want.csv
ok $? "predict from the repository equals predict from the model file"
cut -d, -f1-4 p.csv >missing.csv
run floe predict penguins@2 missing.csv
rc_is 1 "input of another schema is refused"
err_has "missing features 'body_mass_g'" "the message names the missing feature"
run floe predict penguins@9 p.csv
err_has "has no version 9" "predict of a missing version names the problem"

# rm
run floe models rm penguins@2
rc_is 1 "rm of a version an alias points at is refused"
err_has "alias production points at" "the alias is named"
run floe models rm penguins@production
rc_is 1 "rm needs a version number"
run floe models rm --force penguins@2
rc_is 0 "rm --force removes it and its alias"
run floe models show penguins@2
err_has "penguins@2 was removed \(versions: 1\)" "a removed version says so"
run floe models add "$B" --name penguins
out_has "^added penguins@3" "a removed number is never given again"
run floe models fsck
rc_is 0 "fsck of a sound repository exits 0"
out_has "checked 4 objects, 2 versions, 0 aliases .*: ok" "fsck counts what it checked"
run floe models list nosuch
rc_is 1 "list of an unknown model fails"
err_has "no model named 'nosuch'" "and says so"
sed -i 's/logistic_regression/ridge/' "$WORK/repo/models/penguins/list.json"
run floe models fsck
rc_is 1 "fsck finds a list cache that disagrees with the records"
out_has "list.json: the summary of version 1 differs from its record" "and names it"
rm "$WORK/repo/models/penguins/list.json"
run floe models list penguins
out_has "^penguins@3 +- +logistic_regression" "list works without its cache (from the records)"
run floe models fsck
rc_is 0 "a missing cache is not a problem"

# tampering: change the model object of penguins@3 in place
obj=$(floe models show penguins@3 | sed -n '/^model file/{n;s/^  sha256 *//p;}')
f=$WORK/repo/objects/${obj:0:2}/${obj:2}
chmod u+w "$f" && printf 'X' | dd of="$f" bs=1 seek=300 conv=notrunc 2>/dev/null
run floe predict penguins@3 p.csv
rc_is 1 "predict refuses a tampered model object"
err_has "object $obj .* tampered" "the message names the object"
run floe models fsck
rc_is 1 "fsck finds the tampered object"
out_has "^PROBLEM $obj: .*used by \[\"penguins@3 \(model\)\"\]" "fsck names the object and its version"
bobj=$(floe models show penguins@3 | sed -n '/^bundle /{n;n;s/^  sha256 *//p;}')
bf=$WORK/repo/objects/${bobj:0:2}/${bobj:2}
chmod u+w "$bf" && printf 'X' | dd of="$bf" bs=1 seek=100 conv=notrunc 2>/dev/null
run floe models get penguins@3 -o "$WORK/got2"
rc_is 1 "get refuses a tampered bundle"
[ -z "$(ls -A "$WORK/got2" 2>/dev/null)" ]
ok $? "nothing is written by a refused get"

# bundles that are not what add expects
printf 'not a bundle' >junk.tar.zst
run floe models add junk.tar.zst --name x
rc_is 1 "a file that is not a bundle is refused"
err_has "junk.tar.zst" "the message names the file"
mkdir ws_nomodel && (cd ws_nomodel && printf 'a\n' >a.txt && cat >n.yaml <<'Y'
floe: 1
name: n
inputs:
  a: a.txt
develop:
  - name: copy
    kind: command
    inputs: [a]
    outputs: [b.txt]
    params:
      run: cp {in.a} {out.b.txt}
Y
floe run n.yaml >/dev/null 2>&1 && floe bundle n.yaml -o "$WORK/n.floe.tar.zst" >/dev/null)
run floe models add "$WORK/n.floe.tar.zst" --name x
rc_is 1 "a bundle without a model is refused"
err_has "holds no floe model file" "the message says there is no model"
mkdir ws_two && cp p.csv ws_two/ && (cd ws_two && cat >two.yaml <<Y
floe: 1
name: two
inputs:
  data: p.csv
develop:
  - name: lr
    kind: command
    inputs: [data]
    outputs: [m.floe]
    params:
      run: $FLOE train logistic_regression {in.data} --label species -o {out.m.floe}
  - name: km
    kind: command
    inputs: [data]
    outputs: [m.floe]
    params:
      run: $FLOE train kmeans {in.data} --label species --param n_clusters=3 -o {out.m.floe}
Y
floe run two.yaml >/dev/null 2>&1 && floe bundle two.yaml -o "$WORK/two.floe.tar.zst" >/dev/null)
run floe models add "$WORK/two.floe.tar.zst" --name two
rc_is 1 "a bundle with two models needs --model"
err_has "holds 2 model files .*choose one with --model" "the message lists them"
run floe models add "$WORK/two.floe.tar.zst" --name two --model km
rc_is 0 "--model STEP chooses one"
out_has "out/two/km/m.floe \(kmeans\)" "the chosen model is stored"

# 8 writers at once on one folder
R8=$WORK/r8
for i in 1 2 3 4 5 6 7 8; do floe models add --repo "$R8" "$A" --name conc >/dev/null 2>"$WORK/c$i.err" & done
wait
is "$(cat "$WORK"/c*.err)" "" "8 concurrent adds report no error"
is "$(floe models list --repo "$R8" | awk 'NR > 1 {print $1}' | sort -t@ -k2n | tr '\n' ' ')" \
	"conc@1 conc@2 conc@3 conc@4 conc@5 conc@6 conc@7 conc@8 " "8 concurrent adds give versions 1..8"
run floe models fsck --repo "$R8"
rc_is 0 "fsck after concurrent adds is clean"

# kill -9 in the middle of an add: the bundle comes through a pipe, half of it
RK=$WORK/rk
mkfifo "$WORK/fifo"
"$FLOE" models add --repo "$RK" "$WORK/fifo" --name killed >/dev/null 2>&1 &
pid=$!
exec 3>"$WORK/fifo"
head -c 3000 "$A" >&3
sleep 0.3
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
run floe models list --repo "$RK"
out_has "^no models in" "no version is visible after kill -9 during an add"
run floe models fsck --repo "$RK"
rc_is 0 "fsck after the kill is clean"
out_has "note: 1 temporary files" "the leftover temporary file is reported as a note"
run floe models add --repo "$RK" "$A" --name killed
out_has "^added killed@1" "the next add gets version 1"
# kill -9 at random moments of adds of a larger bundle: never a half version
big=$WORK/big.floe.tar.zst
mkdir ws_big && cp p.csv ws_big/ && head -c 8M /dev/urandom >ws_big/blob.bin &&
	sed -e 's/^name: pa/name: big/' -e 's/^  data: p.csv/  data: p.csv\n  blob: blob.bin/' ws_pa/pa.yaml >ws_big/big.yaml &&
	(cd ws_big && floe run big.yaml >/dev/null 2>&1 && floe bundle big.yaml -o "$big" >/dev/null)
bad=0
for d in 0.05 0.1 0.2 0.4 0.8 1.5; do
	"$FLOE" models add --repo "$RK" "$big" --name big >/dev/null 2>&1 &
	pid=$!
	sleep "$d"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(floe models list --repo "$RK" --json | grep -c '"name": "big"')
	floe models fsck --repo "$RK" >/dev/null || bad=1
	for v in $(seq "$n"); do floe models show --repo "$RK" "big@$v" >/dev/null || bad=1; done
done
ok $bad "kill -9 at six moments of an add: every visible version whole, fsck clean"
diag_n=$(floe models list --repo "$RK" --json | grep -c '"name": "big"')
echo "# $diag_n of the 6 killed adds had finished"

# a read-only repository
RO=$WORK/ro
floe models add --repo "$RO" "$A" --name frozen >/dev/null
if [ "$(id -u)" != 0 ]; then
	chmod -R a-w "$RO"
	ro=1
elif mount --bind "$RO" "$RO" 2>/dev/null && mount -o remount,ro,bind "$RO" 2>/dev/null; then
	trap 'umount "$RO" 2>/dev/null; rm -rf "$WORK"' EXIT
	ro=2
else
	umount "$RO" 2>/dev/null
	ro=0
fi
if [ "$ro" = 0 ]; then
	skip "running as root without permission to mount: cannot make a folder read-only"
	skip "(read-only repository)"
	skip "(read-only repository)"
else
	run floe models add --repo "$RO" "$A" --name frozen
	rc_is 1 "add to a read-only repository fails"
	err_has "the model repository $RO is read-only" "the message says the repository is read-only"
	run floe predict --repo "$RO" frozen@1 p.csv
	rc_is 0 "a read-only repository can still be read"
	[ "$ro" = 2 ] && umount "$RO"
	[ "$ro" = 1 ] && chmod -R u+w "$RO"
fi

# usage
run floe models --help
rc_is 0 "models --help"
out_has "add BUNDLE --name NAME" "help lists the subcommands"
run floe models show --help
rc_is 0 "a subcommand's --help"
run floe models frob
rc_is 2 "an unknown subcommand is a usage error"
run floe models list --force
rc_is 2 "an option of another subcommand is a usage error"
run floe models show
rc_is 2 "show without a reference is a usage error"
XDG_DATA_HOME=$WORK/xdg FLOE_MODELS= floe models add "$A" --name home >/dev/null
[ -f "$WORK/xdg/floe/models/models/home/versions/1.json" ]
ok $? "without FLOE_MODELS the repository is under XDG_DATA_HOME/floe/models"

done_testing
