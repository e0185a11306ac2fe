#!/usr/bin/env bash
# test_forest.sh - random forests from the command line: train, model info
# (trees, depth, importances), predict, the regressor on ocean data, the
# progress bar on a terminal only, identical model files with 1 and 2
# threads, and bad input.
. "$(dirname "$0")/lib.sh"

D=$SRC/tests/data

run floe train random_forest "$D/digits8x8.csv" --label label --param n_estimators=30 \
	--param oob_score=true --threads 1 -o "$WORK/rf1.floe"
rc_is 0 "train random_forest on digits"
acc=$(sed -n 's/^  accuracy  *//p' "$OUT")
ok "$(awk -v a="$acc" 'BEGIN{print (a >= 0.95) ? 0 : 1}')" "digits accuracy >= 0.95 with 30 trees (got $acc)"
out_has 'fit: oob_score +0\.9' "OOB score printed"
run floe train random_forest "$D/digits8x8.csv" --label label --param n_estimators=30 \
	--param oob_score=true --threads 2 -o "$WORK/rf2.floe"
cmp -s "$WORK/rf1.floe" "$WORK/rf2.floe"
ok $? "1 and 2 threads: byte-identical forest files"

run floe model info "$WORK/rf1.floe"
rc_is 0 "model info"
out_has '^kind +random_forest \(classification\)' "info names the kind"
out_has '^  n_trees +30$' "info shows the tree count"
out_has '^  max_depth +[0-9]+$' "info shows the depth"
out_has '^  feature importances' "info shows feature importances"
out_has '^    p[0-9]+ +0\.[0-9]+$' "importances list features"
run floe model info --json "$WORK/rf1.floe"
out_has '"feature_importances"' "info --json has the importances"
out_has '"leaf_value"' "info --json lists the forest arrays"

run floe predict "$WORK/rf1.floe" "$D/digits8x8.csv" --proba -o "$WORK/pred.csv"
rc_is 0 "predict with probabilities"
is "$(head -1 "$WORK/pred.csv" | cut -d, -f1-3)" "prediction,proba_0,proba_1" "prediction header"
is "$(($(wc -l <"$WORK/pred.csv") - 1))" 1797 "one prediction per row"

# progress through the runner's bar: none when stderr is not a terminal,
# a bar on a terminal (script gives a pty), the same forest either way
run floe train random_forest "$D/digits8x8.csv" --label label --param n_estimators=20 \
	--threads 2 -o "$WORK/p2.floe"
ok "$(grep -c 'trees \[' "$ERR")" "no progress bar when stderr is not a terminal"
if script -qec "true" /dev/null >/dev/null 2>&1; then
	script -qec "$FLOE train random_forest $D/digits8x8.csv --label label \
		--param n_estimators=20 --threads 2 -o $WORK/p.floe" /dev/null >"$WORK/tty.out" 2>&1
	grep -q 'trees \[#*\.*\] 1/20' "$WORK/tty.out" &&
		grep -q 'trees \[#\{30\}\] 20/20' "$WORK/tty.out"
	ok $? "progress counts the trees on a terminal, 1/20 to 20/20"
	cmp -s "$WORK/p.floe" "$WORK/p2.floe"
	ok $? "the same forest with and without the progress bar"
else
	skip "script(1) cannot open a pseudo-terminal here"
	skip "script(1) cannot open a pseudo-terminal here"
fi

run floe train random_forest_regressor "$D/coads_sst_12k.csv" --label SST \
	--param n_estimators=20 -o "$WORK/rfr.floe"
rc_is 0 "train random_forest_regressor on SST"
r2=$(sed -n 's/^  r2  *//p' "$OUT")
ok "$(awk -v a="$r2" 'BEGIN{print (a >= 0.99) ? 0 : 1}')" "SST R^2 >= 0.99 (got $r2)"
run floe model info "$WORK/rfr.floe"
out_has '^    AIRT +0\.[0-9]+$' "regressor importances name AIRT"

# bad input
run floe train random_forest "$D/digits8x8.csv" --label label --param max_features=65 -o "$WORK/x.floe"
rc_is 1 "max_features above the feature count"
err_has 'max_features=65 is more than the 64 features' "message names the limit"
run floe train random_forest "$D/digits8x8.csv" --label label --param bootstrap=false \
	--param oob_score=true -o "$WORK/x.floe"
rc_is 1 "oob_score without bootstrap"
err_has 'oob_score needs bootstrap' "message explains"
run floe train random_forest "$D/digits8x8.csv" --label label --param class_weight=heavy -o "$WORK/x.floe"
rc_is 1 "an unknown class_weight is refused"
err_has "class_weight: .heavy. is not none\|balanced" "message lists the choices"
head -1 "$D/digits8x8.csv" >"$WORK/one.csv"
grep ',3$' "$D/digits8x8.csv" >>"$WORK/one.csv"
run floe train random_forest "$WORK/one.csv" --label label -o "$WORK/x.floe"
rc_is 1 "a single class"
err_has 'single class' "message names the single class"
{ head -1 "$D/digits8x8.csv"; sed -n '2,40p' "$D/digits8x8.csv" | sed '5s/^0,/nan,/'; } >"$WORK/nan.csv"
run floe train random_forest "$WORK/nan.csv" --label label -o "$WORK/x.floe"
rc_is 1 "NaN in the input"
err_has 'nan.csv:6:1: .*NaN' "message gives file:line:column of the NaN"
ok "$([ ! -e "$WORK/x.floe" ]; echo $?)" "no model file written on failure"

done_testing
