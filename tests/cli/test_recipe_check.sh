#!/usr/bin/env bash
# test_recipe_check.sh - `floe check` and `floe dag`: valid recipes list their
# steps; every kind of invalid recipe is refused with file:line:column, and
# nothing runs when the recipe is invalid.
. "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
printf 'b\na\n' >words.txt

good() {
	cat <<'Y'
floe: 1
name: demo
seed: 3
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
  - name: count
    kind: command
    inputs: {s: sorted}
    outputs: [n.txt]
    params:
      run: wc -l < {in.s} > {out.n.txt}
Y
}

good >ok.yaml
run floe check ok.yaml
rc_is 0 "a valid recipe checks"
out_has "recipe 'demo' is valid: 1 inputs, 2 steps" "check summarises the recipe"
out_has "prepare +sorted +command +<- words=words +-> sorted.txt" "check lists a step with its inputs and outputs"

run floe dag ok.yaml
rc_is 0 "dag exits 0"
out_has "^develop count \[command\]" "dag lists steps in order"
out_has "<- sorted \(as s\)" "dag shows an edge"
run floe dag --dot ok.yaml
out_has '"sorted" -> "count" \[label="sorted.txt"\]' "dag --dot draws the edge with the output name"

run floe check --kinds
rc_is 0 "check --kinds exits 0"
out_has "^command: " "the command kind is listed"
out_has "run +text, required" "its parameter schema is shown"

# bad RECIPE-TEXT REGEX DESCRIPTION: check fails with exit 1 and that message.
bad() {
	printf '%s\n' "$1" >bad.yaml
	run floe check bad.yaml
	rc_is 1 "$3: exit 1"
	err_has "$2" "$3: message"
}

bad "$(good | sed 's/^    params:/    parms:/')" \
	"^floe: bad.yaml:11:5: unknown key 'parms' in a step; did you mean 'params'\?" \
	"misspelt step key"
bad "$(good | sed 's/^seed: 3/sed: 3/')" \
	"bad.yaml:3:1: unknown key 'sed' in the recipe; did you mean 'seed'\?" \
	"misspelt top-level key"
bad "$(good | sed 's/^seed: 3/seed: three/')" \
	"bad.yaml:3:7: 'seed' must be a whole number, not 'three'" "wrong type"
bad "$(good | sed '/^name: demo/d')" \
	"bad.yaml:1:1: missing key 'name' in the recipe" "missing field"
bad "$(good | sed 's/^floe: 1/floe: 2/')" \
	"bad.yaml:1:7: recipe format 2 is not supported" "unsupported format version"
bad "$(good | sed 's/inputs: \[words\]/inputs: {words: wrods}/')" \
	"bad.yaml:9:21: step 'sorted' input 'words': 'wrods' is not an input or a step; did you mean 'words'\?" \
	"undefined input reference"
bad "$(good | sed 's/{s: sorted}/{s: sorted\/nope.txt}/')" \
	"step 'sorted' has no output 'nope.txt'" "undefined step output"
bad "$(good | sed 's/kind: command/kind: comand/' )" \
	"bad.yaml:8:11: unknown step kind 'comand'; did you mean 'command'\?" "misspelt kind"
bad "$(good | sed 's/{out.n.txt}/{out.m.txt}/')" \
	"bad.yaml:19:12: step 'count': '\{out.m.txt\}' names no declared output" "undeclared output placeholder"
bad "$(good | sed '/^    outputs: \[n.txt\]/d')" \
	"step 'count' must declare its 'outputs'" "missing outputs"
bad "$(good | sed 's/^      run: wc.*/      rn: x/')" \
	"bad.yaml:19:7: unknown parameter 'rn'; did you mean 'run'\?" "misspelt parameter"
bad "$(good | sed 's/^      run: wc.*/      run: [a, b]/')" \
	"bad.yaml:19:12: parameter 'run' must be a text" "parameter of the wrong type"
bad "$(good | sed 's/name: count/name: sorted/')" \
	"step name 'sorted' is used twice" "duplicate step name"
bad "$(good | sed 's/^seed: 3/seed: 3\nseed: 4/')" \
	"bad.yaml:4:1: duplicate key 'seed'" "duplicate key"
bad "$(good | sed 's/^  - name: sorted/  - name: sorted\n    container: ubuntu/')" \
	"'container' must be an image ID" "container that is not an image ID"
bad "floe: 1
name: x
prepare:
  - name: a
    kind: command
    inputs: [b/y]
    outputs: [x]
    params: {run: 'true'}
  - name: b
    kind: command
    inputs: [a/x]
    outputs: [y]
    params: {run: 'true'}" \
	"bad.yaml:(6:14|11:14): cycle: (a -> b -> a|b -> a -> b)" "cycle"
bad "floe: 1
name: x
develop:
  - name: a
    kind: command
    inputs: [b]
    outputs: [x]
    params: {run: 'true'}
prepare:
  - name: b
    kind: command
    inputs: [a]
    outputs: [y]
    params: {run: 'true'}" \
	"bad.yaml:12:14: step 'b' \(prepare\) cannot use step 'a' \(develop\)" "a later phase used by an earlier one"
bad "floe: 1
name: x" "the recipe has no steps" "no steps"
bad "floe: 1
name: x
prepare: [ {name: a" "bad.yaml:[0-9]+:[0-9]+: did not find expected" "YAML syntax error"

# An invalid recipe runs nothing (not even the steps before the mistake).
good | sed 's/^      run: wc.*/      run: wc {in.nope}/' >bad.yaml
run floe run bad.yaml
rc_is 1 "run refuses an invalid recipe"
err_has "'\{in.nope\}' names no declared input" "run gives the check's message"
ok "$([ ! -e out ] && [ ! -e bad.lock ]; echo $?)" "nothing ran: no outputs, no lock file"

run floe check
rc_is 2 "check without a recipe is a usage error"
run floe check --frobnicate ok.yaml
rc_is 2 "unknown option exits 2"
err_has "unknown option '--frobnicate'" "unknown option is named"
run floe check nope.yaml
rc_is 1 "missing recipe exits 1"
is "$(cat "$ERR")" "floe: nope.yaml: No such file or directory" "missing recipe: its name and the reason"

done_testing
