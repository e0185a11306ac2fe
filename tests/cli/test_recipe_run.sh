#!/usr/bin/env bash
# test_recipe_run.sh - `floe run/status/why`: a second run runs nothing;
# changing one input re-runs exactly the steps downstream of it; a deleted
# output is restored from the store without running; `why` names the change.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
printf '3\n1\n2\n' >a.txt
printf 'x\ny\n' >b.txt
LOG=$WORK/ran.log
: >"$LOG"

# Steps: A <- a, B <- b, C <- A, D <- B + C. Each logs its name when it runs.
cat >r.yaml <<Y
floe: 1
name: demo
seed: 1
inputs:
  a: a.txt
  b: {path: b.txt}
prepare:
  - name: A
    kind: command
    inputs: [a]
    outputs: [sorted.txt]
    params: {run: "echo A >> $LOG; sort -n {in.a} > {out.sorted.txt}"}
  - name: B
    kind: command
    inputs: [b]
    outputs: [upper.txt]
    params: {run: "echo B >> $LOG; tr a-z A-Z < {in.b} > {out.upper.txt}"}
develop:
  - name: C
    kind: command
    inputs: {s: A/sorted.txt}
    outputs: [sum.txt]
    params: {run: "echo C >> $LOG; awk '{t += \$1} END {print t}' {in.s} > {out.sum.txt}"}
implement:
  - name: D
    kind: command
    inputs: {sum: C, up: B}
    outputs: [report.txt, parts]
    params:
      run: >-
        echo D >> $LOG; cat {in.up} {in.sum} > {out.report.txt};
        mkdir -p {out.parts}/sub && cp {in.sum} {out.parts}/sub/s.txt
Y

ran() { tr '\n' ' ' <"$LOG" | sed 's/ $//'; : >"$LOG"; }

run floe run r.yaml
rc_is 0 "first run succeeds"
is "$(ran)" "A B C D" "first run runs every step in order"
is "$(cat out/demo/D/report.txt)" "X
Y
6" "outputs are in out/NAME/STEP/"
is "$(cat out/demo/D/parts/sub/s.txt)" "6" "a folder output is in place"
out_has "ran 4, restored 0, up to date 0" "run summarises what it did"
ok "$([ -s r.lock ]; echo $?)" "the lock file is written beside the recipe"

run floe run r.yaml
rc_is 0 "second run succeeds"
is "$(ran)" "" "second run with nothing changed runs nothing"
out_has "^nothing to do: all 4 steps up to date$" "and says so"

run floe status r.yaml
rc_is 0 "status exits 0"
out_has "^all 4 steps up to date$" "status is clean"

# Change one input: exactly the steps downstream of it run.
printf '3\n1\n2\n10\n' >a.txt
run floe status r.yaml
out_has "^prepare +A +stale +input 'a' changed: [0-9a-f]{12}\.\. -> [0-9a-f]{12}\.\." "status names the changed input"
out_has "^prepare +B +up to date" "status: B is not affected"
out_has "^develop +C +stale +upstream step 'A' runs first" "status: C waits for A"
run floe why r.yaml A
out_has "^A is stale:" "why says the step is stale"
out_has "input 'a' changed" "why names the input"
run floe run --dry-run r.yaml
out_has "^would run +A: input 'a' changed" "dry-run says what would run and why"
ok "$(! grep -q . "$LOG"; echo $?)" "dry-run runs nothing"
run floe run r.yaml
is "$(ran)" "A C D" "changing one input re-runs exactly the steps downstream"
is "$(tail -1 out/demo/D/report.txt)" "16" "and the result follows"

# Same content under a new mtime: hashed again, nothing runs.
touch a.txt
run floe run r.yaml
is "$(ran)" "" "touching an input without changing it runs nothing"

# A parameter change: why names it, exactly that step and its dependants run.
sed -i 's/tr a-z A-Z/tr x X/' r.yaml
run floe why r.yaml B
out_has "parameter 'run' changed: \".*tr a-z A-Z.*\" -> \".*tr x X.*\"" "why names the changed parameter with both values"
run floe run r.yaml
is "$(ran)" "B D" "a parameter change re-runs that step and what depends on it"
sed -i 's/tr x X/tr a-y A-Y/' r.yaml
run floe run r.yaml
is "$(ran)" "B" "a step whose output did not change does not re-run its dependants"
sed -i 's/tr a-y A-Y/tr a-z A-Z/' r.yaml
run floe run r.yaml
is "$(ran)" "" "changing the parameter back finds the old results in the cache"
out_has "restored 1|up to date" "old outputs come back from the store"
is "$(head -1 out/demo/D/report.txt)" "X" "and they are the old ones"

# A seed change touches every step (the seed is part of every key).
sed -i 's/^seed: 1/seed: 2/' r.yaml
run floe why r.yaml A
out_has "recipe seed changed: 1 -> 2" "why names the seed"
sed -i 's/^seed: 2/seed: 1/' r.yaml

# Delete outputs: restored from the store without running.
rm out/demo/C/sum.txt
rm -r out/demo/D/parts
run floe status r.yaml
out_has "^develop +C +restore +output 'sum.txt' is missing" "status: deleted output is restorable"
run floe run r.yaml
rc_is 0 "restoring run succeeds"
is "$(ran)" "" "deleting outputs re-runs nothing"
out_has "ran 0, restored 2" "the two steps were restored"
is "$(cat out/demo/C/sum.txt)" "16" "the file output is back"
is "$(cat out/demo/D/parts/sub/s.txt)" "16" "the folder output is back"
echo tampered >out/demo/A/sorted.txt
run floe run r.yaml
is "$(ran)" "" "a changed output is restored, not re-run"
is "$(head -1 out/demo/A/sorted.txt)" "1" "with its recorded content"
run floe status r.yaml
out_has "^all 4 steps up to date$" "status is clean afterwards"

# A damaged object in the store is detected on read; the step re-runs.
rm out/demo/A/sorted.txt
obj=$(grep -A3 'sorted.txt:' r.lock | sed -n 's/.*sha256: "\{0,1\}\([0-9a-f]\{64\}\)"\{0,1\}/\1/p' | head -1)
chmod u+w ".floe/objects/${obj:0:2}/${obj:2}"
echo junk >".floe/objects/${obj:0:2}/${obj:2}"
run floe run r.yaml
rc_is 0 "a damaged object does not break the run"
err_has "object $obj in the store is damaged" "the damage is reported"
is "$(ran)" "A" "the step whose object was damaged runs again"
is "$(head -1 out/demo/A/sorted.txt)" "1" "and its output is right"

# --quiet prints nothing; --threads is accepted.
touch b.txt
run floe run --quiet --threads 1 r.yaml
rc_is 0 "quiet run exits 0"
is "$(cat "$OUT" "$ERR")" "" "--quiet prints nothing"
run floe run --threads 0 r.yaml
rc_is 2 "--threads 0 is a usage error"

# why for a step that never ran, and an unknown step.
rm r.lock
run floe why r.yaml A
out_has "A is up to date" "why without a lock still sees the cache"
sed -i 's/sort -n/sort -rn/' r.yaml
run floe why r.yaml A
out_has "A has not run before" "why without a lock: no record of the last run"
run floe why r.yaml Z
rc_is 1 "why with an unknown step exits 1"
err_has "has no step 'Z'" "and names it"

done_testing
