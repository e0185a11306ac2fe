#!/usr/bin/env bash
# test_ml.sh - floe train / predict / score / model info on the real
# penguins and digits data (tests/data), and every bad-input case of the
# ML core from the command line.
. "$(dirname "$0")/lib.sh"

D=$SRC/tests/data
# penguins without the rows holding NA, numeric features and the label
grep -v NA "$D/penguins.csv" | cut -d, -f1,3-6 >"$WORK/p.csv"

run floe train logistic_regression "$WORK/p.csv" --label species --seed 3 -o "$WORK/lr.floe"
rc_is 0 "train logistic_regression on penguins"
out_has '^held-out metrics \(83 rows' "held-out metrics on 25% of 333 rows"
acc=$(sed -n 's/^  accuracy  *//p' "$OUT")
ok "$(awk -v a="$acc" 'BEGIN{print (a >= 0.95) ? 0 : 1}')" "penguins accuracy >= 0.95 (got $acc)"

run floe train logistic_regression "$WORK/p.csv" --label species --seed 3 --json -o "$WORK/lr2.floe"
rc_is 0 "train --json"
out_has '"fit_seconds"' "--json reports fit_seconds"
out_has '"load_seconds"' "--json reports load_seconds"
cmp -s "$WORK/lr.floe" "$WORK/lr2.floe"
ok $? "same data and seed: byte-identical model files"
run floe train logistic_regression "$WORK/p.csv" --label species --seed 3 --threads 2 -o "$WORK/lr3.floe"
cmp -s "$WORK/lr.floe" "$WORK/lr3.floe"
ok $? "1 and 2 threads: byte-identical model files"

run floe model info "$WORK/lr.floe"
rc_is 0 "model info"
out_has '^kind +logistic_regression \(classification\)' "info names kind and task"
out_has '^ +4 +body_mass_g +f64' "info lists features in order with types"
out_has '^classes +Adelie Chinstrap Gentoo' "info lists classes"
out_has '^metrics: test' "info shows the held-out metrics"
run floe model info --json "$WORK/lr.floe"
out_has '"format_version": 1' "info --json has the format version"

run floe predict "$WORK/lr.floe" "$WORK/p.csv" --proba -o "$WORK/pred.csv"
rc_is 0 "predict -o"
is "$(head -1 "$WORK/pred.csv")" "prediction,proba_Adelie,proba_Chinstrap,proba_Gentoo" "prediction header"
is "$(($(wc -l <"$WORK/pred.csv") - 1))" 333 "one prediction per row"
run floe predict "$WORK/lr.floe" "$WORK/p.csv"
is "$(sed -n 2p "$OUT")" "$(sed -n 2p "$WORK/pred.csv" | cut -d, -f1)" "predict to stdout"

run floe score "$WORK/lr.floe" "$WORK/p.csv" --label species --json
rc_is 0 "score"
out_has '"balanced_accuracy"' "score prints balanced accuracy"
out_has '"confusion_matrix"' "score prints the confusion matrix"
run floe score "$WORK/lr.floe" "$WORK/p.csv"
rc_is 1 "score of a classifier without --label"
err_has 'needs --label' "score says the label is needed"

# data of another shape
awk -F, -v OFS=, '{print $1,$2,$4,$3,$5}' "$WORK/p.csv" >"$WORK/reordered.csv"
run floe predict "$WORK/lr.floe" "$WORK/reordered.csv"
rc_is 1 "reordered features refused"
err_has "another order: at position 2 the model expects 'bill_depth_mm', the data has 'flipper_length_mm'" "message names the reordering"
cut -d, -f1-4 "$WORK/p.csv" >"$WORK/missing.csv"
run floe predict "$WORK/lr.floe" "$WORK/missing.csv"
rc_is 1 "missing feature refused"
err_has "missing features 'body_mass_g'" "message names the missing feature"
paste -d, "$WORK/p.csv" <(awk 'NR==1{print "year"; next}{print 2008}' "$WORK/p.csv") >"$WORK/extra.csv"
run floe predict "$WORK/lr.floe" "$WORK/extra.csv"
rc_is 1 "extra feature refused"
err_has "extra features 'year'" "message names the extra feature"

# HDF5 input (a floe table written by floe data convert) gives the same model
run floe data convert "$WORK/p.csv" "$WORK/p.h5"
rc_is 0 "convert the penguins CSV to HDF5"
run floe train logistic_regression "$WORK/p.h5" --label species --seed 3 -o "$WORK/lr_h5.floe"
rc_is 0 "train on HDF5"
cmp -s "$WORK/lr.floe" "$WORK/lr_h5.floe"
ok $? "HDF5 and CSV input: byte-identical model files"
run floe train logistic_regression "$WORK/p.csv" --label species --seed 3 --json -o "$WORK/x.floe"
out_has '"fit_cpu_seconds"' "--json reports fit_cpu_seconds"

# damaged model files
cp "$WORK/lr.floe" "$WORK/bad.floe"
printf 'X' | dd of="$WORK/bad.floe" bs=1 seek=100 conv=notrunc 2>/dev/null
run floe model info "$WORK/bad.floe"
rc_is 1 "damaged model refused"
err_has 'checksum mismatch' "damage reported as a checksum mismatch"
run floe predict "$WORK/p.csv" "$WORK/p.csv"
err_has 'not a floe model file' "a CSV is not a model file"

# other kinds on real data
grep -v NA "$D/penguins.csv" | cut -d, -f3-6 >"$WORK/reg.csv"
run floe train linear_regression "$WORK/reg.csv" --label body_mass_g -o "$WORK/ols.floe"
rc_is 0 "linear_regression"
out_has '^  r2 ' "regression metrics"
run floe train ridge "$WORK/reg.csv" --label body_mass_g --param alpha=10 -o "$WORK/ridge.floe"
rc_is 0 "ridge with a parameter"
run floe train pca "$D/digits8x8.csv" --label label --param n_components=10 -o "$WORK/pca.floe"
rc_is 0 "pca on digits"
out_has 'explained_variance_ratio_sum' "pca reports the explained variance ratio"
run floe predict "$WORK/pca.floe" "$D/digits8x8.csv" -o "$WORK/pcs.csv"
is "$(head -1 "$WORK/pcs.csv" | cut -d, -f1,10)" "pc1,pc10" "pca predict writes components"
run floe train kmeans "$D/digits8x8.csv" --label label --param n_clusters=10 --param n_init=2 --json -o "$WORK/km.floe"
rc_is 0 "kmeans on digits"
out_has '"adjusted_rand"' "kmeans scored against the label"
run floe train kmeans "$D/digits8x8.csv" --label label --param n_clusters=10 --param n_init=2 --json --threads 3 -o "$WORK/km3.floe"
cmp -s "$WORK/km.floe" "$WORK/km3.floe"
ok $? "kmeans: byte-identical model with 1 and 3 threads"

# bad input
run floe train svm "$WORK/p.csv" --label species -o "$WORK/x.floe"
rc_is 1 "unknown kind"
err_has "unknown model kind 'svm' \(known: linear_regression" "unknown kind listed with the known ones"
run floe train pca "$WORK/p.csv" --param n_component=2 -o "$WORK/x.floe"
err_has "unknown parameter 'n_component'" "unknown parameter"
run floe train logistic_regression "$WORK/p.csv" --label species --param C=-1 -o "$WORK/x.floe"
err_has "parameter C: '-1' is not a number in" "out-of-range parameter"
run floe train logistic_regression "$WORK/p.csv" -o "$WORK/x.floe"
err_has "name the label column" "classification without a label"
run floe train logistic_regression "$WORK/p.csv" --label species --bogus -o "$WORK/x.floe"
rc_is 2 "unknown option exits 2"
run floe train logistic_regression "$WORK/p.csv" --label species
rc_is 2 "missing -o exits 2"
run floe train logistic_regression "$D/penguins.csv" --label species -o "$WORK/x.floe"
rc_is 1 "categorical feature refused"
err_has "column 'island' is categorical" "message names the categorical column"
# NaN in the input
sed '5s/^\([^,]*\),[^,]*/\1,NaN/' "$WORK/p.csv" >"$WORK/nan.csv"
run floe train logistic_regression "$WORK/nan.csv" --label species -o "$WORK/x.floe"
rc_is 1 "NaN in the input refused"
err_has "nan.csv" "the NaN message names the file"
# a single class
{ head -1 "$WORK/p.csv"; grep '^Adelie' "$WORK/p.csv"; } >"$WORK/one.csv"
run floe train logistic_regression "$WORK/one.csv" --label species -o "$WORK/x.floe"
rc_is 1 "single class refused"
err_has "single class \('Adelie'\)" "single class named"
# constant feature, rank-deficient design, more features than rows
awk -F, -v OFS=, 'NR==1{print $0",const"; next}{print $0",1"}' "$WORK/reg.csv" >"$WORK/const.csv"
run floe train linear_regression "$WORK/const.csv" --label body_mass_g -o "$WORK/x.floe"
rc_is 1 "OLS with a constant feature refused"
err_has "'const' is constant or a linear combination.*use ridge" "OLS says why and suggests ridge"
run floe train ridge "$WORK/const.csv" --label body_mass_g -o "$WORK/x.floe"
rc_is 0 "ridge fits with a constant feature"
head -4 "$WORK/reg.csv" >"$WORK/wide.csv"
run floe train linear_regression "$WORK/wide.csv" --label body_mass_g --test-size 0 -o "$WORK/x.floe"
err_has "more features \(3\) than rows \(3\)" "more features than rows"
# k larger than the number of distinct points
{ echo a,b; for i in 1 2 3 4 5 6; do echo 1,2; echo 3,4; done; } >"$WORK/dup.csv"
run floe train kmeans "$WORK/dup.csv" --param n_clusters=3 --test-size 0 -o "$WORK/x.floe"
rc_is 1 "k above the distinct points refused"
err_has "only 2 distinct rows" "message gives the number of distinct rows"

done_testing
