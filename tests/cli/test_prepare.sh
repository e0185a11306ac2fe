#!/usr/bin/env bash
# test_prepare.sh - the prepare step kinds from the command line: a penguins
# recipe (load -> stratified split -> impute / encode / scale fitted on the
# training table), re-runs, identical bytes for 1 and 2 threads, the chain
# stored with the data, netCDF and .csv.gz loads, and positioned errors.
. "$(dirname "$0")/lib.sh"
D=$SRC/data
cd "$WORK" || exit 1
cp "$D/penguins.csv" .

cat >p.yaml <<'YAML'
floe: 1
name: peng
seed: 3
inputs:
  penguins: penguins.csv
prepare:
  - name: raw
    kind: load
    inputs: [penguins]
  - name: split
    kind: split
    inputs: [raw]
    params: {validation: 0.15, test: 0.2, stratify: species}
  - name: fill
    kind: impute
    inputs: [split/train.h5, split/validation.h5, split/test.h5]
    params: {strategy: median}
  - name: fillsex
    kind: impute
    inputs: [fill/train.h5, fill/validation.h5, fill/test.h5]
    params: {strategy: most_frequent, columns: [sex]}
  - name: enc
    kind: encode
    inputs: [fillsex/train.h5, fillsex/validation.h5, fillsex/test.h5]
    params: {exclude: [species]}
  - name: scale
    kind: scale
    inputs: [enc/train.h5, enc/validation.h5, enc/test.h5]
    params: {exclude: [year]}
YAML

run floe check p.yaml
rc_is 0 "check accepts the prepare recipe"
out_has 'scale +scale .*-> train.h5, validation.h5, test.h5' "a fitted kind writes one output per input"

run floe run --quiet p.yaml
rc_is 0 "run of the prepare recipe exits 0"
O=out/peng
for f in train validation test; do
	[ -s "$O/scale/$f.h5" ]
	ok $? "scale/$f.h5 written"
done
run floe data info "$O/scale/train.h5"
out_has '^island=Biscoe +numeric' "island is one-hot encoded"
out_has '^species +categorical +[0-9]+ +0 +3 levels' "the label is left alone"
if grep -E '^[a-z_=A-Z]+ +numeric +[0-9]+ +[1-9]' "$OUT" >/dev/null; then r=1; else r=0; fi
ok $r "no missing values are left in the prepared training table"
n_tr=$(sed -n 's/.*hdf5, \([0-9]*\) rows.*/\1/p' "$OUT")
run floe data info "$O/split/test.h5"
n_te=$(sed -n 's/.*hdf5, \([0-9]*\) rows.*/\1/p' "$OUT")
run floe data info "$O/split/validation.h5"
n_va=$(sed -n 's/.*hdf5, \([0-9]*\) rows.*/\1/p' "$OUT")
is "$((n_tr + n_va + n_te))" 344 "train + validation + test hold every row"

# Leakage: the test table was scaled with the TRAINING table's mean.
run floe data info --json "$O/scale/test.h5"
center=$(python3 -c 'import json,sys
f=json.load(open(sys.argv[1]))["provenance"]["fitted"]
s=[t for t in f if t["kind"]=="scale"][0]
print("%.9f" % [c for c in s["columns"] if c["name"]=="body_mass_g"][0]["center"])' "$OUT")
steps=$(python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))["provenance"]
print(" ".join(t["step"] for t in p["fitted"]), "|", len(p["inputs"]))' "$OUT")
is "$steps" "fill fillsex enc scale | 1" "the test table carries the whole fitted chain and its one input"
run floe data info --json "$O/enc/train.h5"
train_mean=$(python3 -c 'import json,sys
c=[c for c in json.load(open(sys.argv[1]))["columns"] if c["name"]=="body_mass_g"][0]
print("%.9f" % c["mean"])' "$OUT")
is "$center" "$train_mean" "scale's center is the mean of the training table"

run floe run p.yaml
rc_is 0 "a second run exits 0"
out_has 'nothing to do: all 6 steps up to date' "a second run runs nothing"

sums() { sha256sum "$O"/*/*.h5 | sed 's| .*/out/| |'; }
first=$(sums)
rm -rf out .floe p.lock
run floe run --quiet --threads 1 p.yaml
is "$(sums)" "$first" "a fresh run with 1 thread writes the same bytes"
rm -rf out .floe p.lock
run floe run --quiet --threads 2 p.yaml
is "$(sums)" "$first" "a fresh run with 2 threads writes the same bytes"

# A one-class split: the message points at 'stratify' in the recipe.
cat >one.yaml <<'YAML'
floe: 1
name: one
inputs:
  penguins: penguins.csv
prepare:
  - name: raw
    kind: load
    inputs: [penguins]
  - name: adelie
    kind: filter
    inputs: [raw]
    params: {expr: species == Adelie}
  - name: split
    kind: split
    inputs: [adelie/raw.h5]
    params: {test: 0.2, stratify: species}
YAML
run floe run --quiet one.yaml
rc_is 1 "a split of one class fails"
err_has "^floe: one.yaml:16:35: step 'split': split: label column 'species' has only one class \('Adelie'\); stratifying needs at least 2$" \
	"the one-class message has the recipe's line and column"
[ ! -e out/one/split ]
ok $? "nothing is left of the failed step"

sed 's/stratify: species/stratify: specie/' one.yaml >miss.yaml
run floe run --quiet miss.yaml
rc_is 1 "a missing column fails"
err_has "miss.yaml:16:35: step 'split': the input has no column 'specie' \(it has: species, island, bill_length_mm" \
	"a missing column is named with the columns that exist"

sed 's/kind: split/kind: impute/; s/params: {test: 0.2, stratify: species}/params: {strategy: meen}/' one.yaml >bad.yaml
run floe check bad.yaml
rc_is 1 "check refuses an unknown strategy"
err_has "bad.yaml:16:24: step 'split': .*meen" "the strategy is pointed at"

# NaN in a CSV: refused with the data file's place; allow_nonfinite reads it.
printf 'a,b\n1,2\n3,NaN\n' >nan.csv
cat >nan.yaml <<'YAML'
floe: 1
name: nan
inputs:
  d: nan.csv
prepare:
  - name: raw
    kind: load
    inputs: [d]
YAML
run floe run --quiet nan.yaml
rc_is 1 "NaN in a CSV fails the load"
err_has "nan.csv:3:3: column 'b' has the value 'NaN'" "the NaN is located in the data file"
sed -i 's/inputs: \[d\]/inputs: [d]\n    params: {allow_nonfinite: true}/' nan.yaml
run floe run --quiet nan.yaml
rc_is 0 "allow_nonfinite: true loads it"

# netCDF with land dropped, and a gzip CSV.
cp "$D/coads_climatology.cdf" "$D/coads_sst.csv.gz" .
cat >ocean.yaml <<'YAML'
floe: 1
name: ocean
inputs:
  grid: coads_climatology.cdf
  sst: coads_sst.csv.gz
prepare:
  - name: cells
    kind: load
    inputs: [grid]
    params: {drop_missing: true, compress: 4}
  - name: sstcsv
    kind: load
    inputs: [sst]
YAML
run floe run --quiet ocean.yaml
rc_is 0 "netCDF and .csv.gz load"
run floe data info out/ocean/cells/table.h5
out_has '109380 rows' "the netCDF grid loads without land cells"
run floe data info out/ocean/sstcsv/table.h5
out_has '99235 rows, 10 columns' "the gzip CSV loads"
sed -i 's/drop_missing: true, compress: 4/variables: [SALT]/' ocean.yaml
run floe run --quiet ocean.yaml
rc_is 1 "an unknown netCDF variable fails"
err_has "ocean.yaml:10:25: step 'cells': .*no variable 'SALT'; the file has: .*SST" \
	"the variable is pointed at, with those that exist"

done_testing
