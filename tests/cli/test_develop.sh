#!/usr/bin/env bash
# test_develop.sh - the three phases end to end on the example recipes
# (penguins, digits, ocean): thresholds read from their outputs, floe
# report, floe predict from a recipe and standard input, bitwise-identical
# results with 1 and 2 threads, and the bad-input messages (a metric that
# does not fit the task, an empty grid, a huge grid, unseen categories,
# missing and extra columns).
. "$(dirname "$0")/lib.sh"

# The examples run in a copy, so their out/ and .floe/ stay out of the tree.
mkdir -p "$WORK/ex" && cp -r "$SRC/recipes" "$SRC/data" "$WORK/ex/" || exit 1
rm -rf "$WORK/ex/recipes/out" "$WORK/ex/recipes/.floe" "$WORK"/ex/recipes/*.lock
cd "$WORK/ex" || exit 1
R=recipes/out

# metric VALUE of a test_metrics.csv, and "VALUE >= MIN" as an exit code
metric() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1"; }
at_least() { awk -v v="$1" -v t="$2" 'BEGIN { exit !(v != "" && v + 0 >= t + 0) }'; }

# --- penguins: logistic regression, random forest, MLP; 5-fold CV
run floe run recipes/penguins.yaml
rc_is 0 "penguins recipe runs"
err_has "develop: 3 candidates x 5 folds = 15 fits, then 1 refit on" "says how many fits before running"
acc=$(metric $R/penguins/model/test_metrics.csv accuracy)
at_least "$acc" 0.97
ok $? "penguins test accuracy $acc >= 0.97"
is "$(($(wc -l <$R/penguins/model/candidates.csv) - 1))" 3 "three candidates in the table"
is "$(head -1 $R/penguins/model/candidates.csv | cut -d, -f1-6)" \
	"rank,candidate,kind,params,mean_accuracy,std_accuracy" "candidates table header"
is "$(($(wc -l <$R/penguins/model/confusion.csv) - 1))" 9 "confusion matrix: 3 x 3 pairs"
is "$(awk -F, 'NR > 1 { s += $3 } END { print s }' $R/penguins/model/confusion.csv)" \
	"$(metric $R/penguins/model/test_metrics.csv rows)" "confusion counts add up to the test rows"
is "$(($(wc -l <$R/penguins/species/predictions.csv) - 1))" 344 "a prediction for every raw penguin"
is "$(head -1 $R/penguins/species/predictions.csv)" \
	"row,prediction,proba_Adelie,proba_Chinstrap,proba_Gentoo" "predictions header"
run floe run recipes/penguins.yaml
out_has "nothing to do: all 9 steps up to date" "a second run runs nothing"

# --- floe report
run floe report recipes/penguins.yaml
rc_is 0 "report"
out_has "chosen: candidate [123] \(" "report names the chosen candidate"
out_has "5-fold cross-validation, 3 candidates, 15 fits" "report says how it chose"
out_has "confusion matrix" "report prints the confusion matrix"
run floe report recipes/penguins.yaml --json
out_has '"metric": "accuracy"' "report --json"
run floe report recipes/penguins.yaml species
rc_is 1 "report of a step that is not a develop step"
err_has "step 'species' is of kind 'implement', not a develop step" "message names the kind"

# --- floe predict: a recipe's chosen model, standard input and output
head -21 data/penguins.csv | floe predict recipes/penguins.yaml - --id island >"$WORK/p.csv"
ok $? "predict RECIPE - (standard input)"
is "$(($(wc -l <"$WORK/p.csv") - 1))" 20 "one prediction per piped row"
is "$(head -1 "$WORK/p.csv")" "island,prediction" "identifier column, then the prediction"
run floe predict recipes/penguins.yaml:model data/penguins.csv -o "$WORK/p.h5"
rc_is 0 "predict RECIPE:STEP to HDF5"
sed 's/,Dream,/,Atlantis,/' data/penguins.csv >"$WORK/atlantis.csv"
run floe predict recipes/penguins.yaml "$WORK/atlantis.csv"
rc_is 1 "an island the model never saw is refused"
err_has "column 'island' row [0-9]+ has the category 'Atlantis', not seen when fitting" "message names the category"
awk -F, -v OFS=, '{ print $0, (NR == 1 ? "tag" : "x") }' data/penguins.csv >"$WORK/extra.csv"
run floe predict recipes/penguins.yaml "$WORK/extra.csv"
rc_is 1 "an extra column is refused"
err_has "extra features 'tag'" "message names the extra column"
cut -d, -f1-5,7,8 data/penguins.csv >"$WORK/missing.csv"
run floe predict recipes/penguins.yaml "$WORK/missing.csv"
rc_is 1 "a missing column is refused"
err_has "no column 'body_mass_g'" "message names the missing column"

# --- same bits with 1 and 2 threads (separate workspaces: no cache)
for t in 1 2; do
	mkdir -p "$WORK/t$t" && cp -r recipes data "$WORK/t$t/" && rm -rf "$WORK/t$t/recipes/out" "$WORK/t$t/recipes/.floe"
	(cd "$WORK/t$t" && floe run --quiet --threads $t recipes/penguins.yaml) >/dev/null 2>&1
done
for f in model/model.floe model/candidates.csv model/report.json species/predictions.csv; do
	cmp -s "$WORK/t1/recipes/out/penguins/$f" "$WORK/t2/recipes/out/penguins/$f"
	ok $? "--threads 1 and 2: identical $f"
done

# --- digits
run floe run recipes/digits.yaml
rc_is 0 "digits recipe runs"
acc=$(metric $R/digits/model/test_metrics.csv accuracy)
at_least "$acc" 0.96
ok $? "digits test accuracy $acc >= 0.96"
is "$(($(wc -l <$R/digits/digits_out/predictions.csv) - 1))" 1797 "a prediction for every image"

# --- ocean: regression without AIRT, PCA, k-means
run floe run recipes/ocean.yaml
rc_is 0 "ocean recipe runs"
r2=$(metric $R/ocean/sst/test_metrics.csv r2)
at_least "$r2" 0.95
ok $? "SST test R^2 $r2 >= 0.95"
run floe model info $R/ocean/sst/model.floe --json
out_has '"name": "SPEH"' "the SST model uses humidity"
is "$(grep -c '"name": "AIRT"' "$OUT")" 0 "the SST model does not use air temperature"
out_has '"kind": "drop"' "its prepare chain drops AIRT from new data"
evr=$(metric $R/ocean/modes/test_metrics.csv explained_variance_ratio)
at_least "$evr" 0.5
ok $? "PCA keeps $evr of the variance on the test cells"
run floe data info $R/ocean/modes_map/components.h5
out_has "pc3 " "components of every cell written"
out_has "99235 rows" "one row per ocean cell and month"
is "$(head -1 $R/ocean/regions_map/regions.csv)" "COADSX,COADSY,TIME,cluster" "regions beside their cell"
is "$(($(wc -l <$R/ocean/regions_map/regions.csv) - 1))" 99235 "a region for every ocean cell and month"

# --- bad develop steps, found by floe check (with positions)
cat >"$WORK/ex/recipes/bad.yaml" <<'Y'
floe: 1
name: bad
inputs:
  p: ../data/penguins.csv
develop:
  - name: m
    kind: develop
    inputs: {train: p}
    params:
      task: classification
      label: species
      metric: r2
      candidates:
        - kind: logistic_regression
Y
run floe check recipes/bad.yaml
rc_is 1 "a metric of another task"
err_has "bad.yaml:12:15: metric 'r2' is for regression, not classification" "positioned message"
sed -i 's/metric: r2/metric: accuracy/; s/- kind: logistic_regression/- {kind: ridge}/' recipes/bad.yaml
run floe check recipes/bad.yaml
err_has "bad.yaml:14:18: model kind 'ridge' does regression, but this step's task is classification" "a candidate of another task"
sed -i 's/- {kind: ridge}/- {kind: logistic_regression, params: {C: []}}/' recipes/bad.yaml
run floe check recipes/bad.yaml
err_has "'C' has no values: an empty grid runs nothing" "an empty grid"
sed -i 's/C: \[\]/C: [1,2,3,4,5,6,7,8,9,10], tol: [1,2,3,4,5,6,7,8,9,10], max_iter: [1,2,3,4,5,6,7,8,9,10]/' recipes/bad.yaml
run floe check recipes/bad.yaml
err_has "the candidates expand to 1000 models, more than max_candidates \(200\)" "a huge grid is counted and refused"
sed -i 's/      task: classification/      max_candidates: 1000\n      task: classification/' recipes/bad.yaml
run floe check recipes/bad.yaml
rc_is 0 "max_candidates allows it"
run floe check recipes/penguins.yaml
rc_is 0 "the examples check"

done_testing
