#!/usr/bin/env bash
# test_recipe_faults.sh - bad input and faults while running a recipe:
# missing input, pinned digest mismatch, a failing step, an output not
# produced, the workspace lock, Ctrl-C, kill -9, and a full disk.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
LOG=$WORK/ran.log
ran() { tr '\n' ' ' <"$LOG" | sed 's/ $//'; : >"$LOG"; }
: >"$LOG"
printf 'hello\n' >in.txt
SUM=$(sha256sum in.txt | cut -d' ' -f1)

# wait_for FILE PATTERN: poll (up to 20 s) until FILE contains PATTERN.
wait_for() {
	for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# Recipe: `first` is quick, `second` runs SECOND (a shell snippet).
recipe() {
	cat >r.yaml <<Y
floe: 1
name: faults
inputs:
  text: {path: in.txt, sha256: $SUM}
prepare:
  - name: first
    kind: command
    inputs: [text]
    outputs: [copy.txt]
    params: {run: "echo first >> $LOG; cp {in.text} {out.copy.txt}"}
  - name: second
    kind: command
    inputs: {c: first}
    outputs: [out.txt]
    params:
      run: "$1"
Y
}

# --- missing input ---
recipe "echo second >> $LOG; cp {in.c} {out.out.txt}"
mv in.txt away.txt
run floe run r.yaml
rc_is 1 "missing input exits 1"
err_has "^floe: r.yaml:4:3: input 'text': $WORK/in.txt: No such file or directory$" "missing input: position, name, path, reason"
is "$(ran)" "" "missing input: nothing ran"
run floe status r.yaml
rc_is 1 "status with a missing input exits 1"
mv away.txt in.txt

# --- pinned sha256 mismatch: both digests shown ---
printf 'changed\n' >in.txt
NEW=$(sha256sum in.txt | cut -d' ' -f1)
run floe run r.yaml
rc_is 1 "pinned mismatch exits 1"
err_has "r.yaml:4:32: input 'text' \(in.txt\) does not match its pinned sha256" "pinned mismatch: position and input"
err_has "pinned: $SUM" "pinned mismatch: the pinned digest"
err_has "actual: $NEW" "pinned mismatch: the actual digest"
is "$(ran)" "" "pinned mismatch: nothing ran"
printf 'hello\n' >in.txt

# --- a step that fails: its output shown, nothing cached ---
recipe "echo second >> $LOG; echo 'disk says no' >&2; exit 3"
run floe run r.yaml
rc_is 1 "failing step exits 1"
err_has "step 'second': the command exited with status 3; its output:" "the failure names the step and status"
err_has "^disk says no$" "the command's stderr is shown"
is "$(ran)" "first second" "the steps before it ran"
ok "$([ ! -e out/faults/second ]; echo $?)" "the failed step left no output"
grep -q "status: failed" r.lock
ok $? "the lock file records the failed run"
run floe run r.yaml
is "$(ran)" "second" "nothing was cached for the failed step: it runs again, the first does not"

# --- an output the step did not produce ---
recipe "echo second >> $LOG; echo x > other.txt"
run floe run r.yaml
rc_is 1 "missing output exits 1"
err_has "step 'second': output 'out.txt' was not produced" "the missing output is named"
: >"$LOG"

# --- one run at a time: the lock names the holder's PID ---
recipe "echo second >> $LOG; sleep 30; cp {in.c} {out.out.txt}"
"$FLOE" run r.yaml >bg.out 2>bg.err &
pid=$!
wait_for "$LOG" second
run floe run r.yaml
rc_is 1 "a second run in the same workspace exits 1"
err_has "the workspace is in use by floe process $pid \(lock .*\.floe/run.lock\)" "the message names the holder's PID"

# --- Ctrl-C: stop cleanly, resume from the cache ---
kill -INT "$pid"
wait "$pid"
rc=$?
is "$rc" 130 "Ctrl-C: exit code 130"
grep -q "interrupted; finished steps are cached" bg.err
ok $? "Ctrl-C: says the next run resumes"
grep -q "status: interrupted" r.lock
ok $? "Ctrl-C: the lock file says interrupted"
ls .floe/tmp | grep -q step-
ok "$([ $? -ne 0 ]; echo $?)" "Ctrl-C: no staging folder left behind"
: >"$LOG"
recipe "echo second >> $LOG; cp {in.c} {out.out.txt}"
run floe run r.yaml
rc_is 0 "the run after Ctrl-C succeeds"
is "$(ran)" "second" "and resumes from the cache (first is not run again)"

# --- kill -9 in the middle of a run ---
sed -i 's/^      run: .*/      run: "echo third >> $LOG_; sleep 30; cp {in.c} {out.out.txt}"/' r.yaml
sed -i "s|\$LOG_|$LOG|" r.yaml
setsid "$FLOE" run r.yaml >bg.out 2>bg.err &
pid=$!
wait_for "$LOG" third
kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid"
wait "$pid" 2>/dev/null
ls .floe/tmp | grep -q step-
ok $? "kill -9 leaves a staging folder behind (to be cleaned)"
sed -i 's/sleep 30; //' r.yaml
: >"$LOG"
run floe run r.yaml
rc_is 0 "the run after kill -9 completes"
is "$(ran)" "third" "it runs only the step that was killed"
run floe status r.yaml
out_has "^all 2 steps up to date$" "floe status is clean after kill -9"
ls .floe/tmp | grep -q step-
ok "$([ $? -ne 0 ]; echo $?)" "the leftover staging folder was cleaned"

# --- a full disk: a clear error, the store intact, the next run succeeds ---
FULL=$WORK/full
mkdir -p "$FULL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=3m tmpfs "$FULL" 2>/dev/null; then
	trap 'umount "$FULL" 2>/dev/null; rm -rf "$WORK"' EXIT
	cd "$FULL" || exit 1
	printf 'seed\n' >in.txt
	cat >big.yaml <<'Y'
floe: 1
name: big
inputs: {seedfile: in.txt}
prepare:
  - name: small
    kind: command
    inputs: [seedfile]
    outputs: [s.txt]
    params: {run: "cp {in.seedfile} {out.s.txt}"}
  - name: big
    kind: command
    inputs: [small/s.txt]
    outputs: [big.bin]
    params: {run: "head -c 2000000 /dev/zero | tr '\\0' x > {out.big.bin}"}
Y
	run floe run big.yaml
	rc_is 1 "full disk: exit 1"
	err_has "step 'big': writing an object into the store: No space left on device" "full disk: a clear error"
	bad=0
	for f in .floe/objects/*/*; do
		[ "$(sha256sum "$f" | cut -c1-64)" = "$(basename "$(dirname "$f")")$(basename "$f")" ] || bad=1
	done
	is "$bad" 0 "full disk: every object in the store matches its name"
	is "$(ls .floe/tmp | wc -l)" 0 "full disk: no temporary object left behind"
	mount -o remount,size=20m "$FULL"
	run floe run big.yaml
	rc_is 0 "full disk: the next run succeeds once there is room"
	out_has "ran 1, restored 0, up to date 1" "full disk: only the failed step runs"
	run floe status big.yaml
	out_has "^all 2 steps up to date$" "full disk: status is clean"
	cd "$WORK" || exit 1
	umount "$FULL"
else
	skip "full disk: cannot mount a tmpfs (needs root)"
fi

done_testing
