#!/usr/bin/env bash
# test_science_recipes.sh - the two case-study recipes end to end
# (recipes/plankton.yaml, recipes/whale-calls.yaml): the image_features,
# audio_features and detect step kinds, floors on the metrics read from
# their outputs, a second run that runs nothing, the same tables with 1 and
# 2 threads, and the bad-input rules of the media kinds (on_bad_file, a
# detect step with a model but no positive class).
#
# Floors (measured values in README.md): descriptors + forest/logistic
# test accuracy >= 0.6 on ten classes (chance 0.1), 8x8 pixels >= 0.9;
# animal vs instrument >= 0.6 (chance about 0.5); the up-sweep detector's
# clip accuracy >= 0.85, its detections' precision and recall >= 0.7, the
# built-in sweep scorer's >= 0.9.
. "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
	skip "the whale-calls recipe needs /usr/bin/python3 with numpy"
	done_testing
	exit
fi

mkdir -p "$WORK/ex" && cp -r "$SRC/recipes" "$SRC/data" "$SRC/scripts" "$WORK/ex/" || exit 1
rm -rf "$WORK/ex/recipes/out" "$WORK/ex/recipes/.floe" "$WORK"/ex/recipes/*.lock
cd "$WORK/ex" || exit 1
R=recipes/out

metric() { awk -F, -v m="$2" '$1 == m { print $2 }' "$1"; }
at_least() { awk -v v="$1" -v t="$2" 'BEGIN { exit !(v != "" && v + 0 >= t + 0) }'; }
json_num() { sed -n "s/^ *\"$2\": *\([0-9.eE+-]*\).*/\1/p" "$1"; }

# --- plankton: descriptors and pixels of the digit PNGs
run floe run recipes/plankton.yaml
rc_is 0 "plankton recipe runs"
run floe data info $R/plankton/descriptors/table.h5
out_has "1797 rows" "a descriptor row per image"
out_has "^file +categorical +1797 .*1797 levels" "a file id column, one level per image"
out_has "^label +categorical" "a label column from the class folders"
out_has "^hu7 +numeric" "Hu moments among the descriptors"
run floe data info $R/plankton/pixels/table.h5
out_has "1797 rows, 66 columns" "8 x 8 pixels: file, 64 pixels, label"
acc=$(metric $R/plankton/model_descriptors/test_metrics.csv accuracy)
at_least "$acc" 0.6
ok $? "descriptors: test accuracy $acc >= 0.6"
acc=$(metric $R/plankton/model_pixels/test_metrics.csv accuracy)
at_least "$acc" 0.9
ok $? "pixels: test accuracy $acc >= 0.9"
tr=$(floe data info $R/plankton/px_split/train.h5 | sed -n 's/.*hdf5, \([0-9]*\) rows.*/\1/p')
te=$(metric $R/plankton/model_pixels/test_metrics.csv rows)
is "$((tr + te))" 1797 "train and test rows make up the 1797 images"
at_least "$te" 340 && at_least 380 "$te"
ok $? "the test table is about a fifth ($te rows)"
run floe run recipes/plankton.yaml
out_has "nothing to do: all 9 steps up to date" "plankton: a second run runs nothing"

# --- whale calls: clips, a trained detector, detections
run floe run recipes/whale-calls.yaml
rc_is 0 "whale-calls recipe runs"
run floe data info $R/whale-calls/clips/table.h5
out_has "140 rows" "a feature row per clip"
out_has "^label +categorical" "labels from labels.csv"
acc=$(metric $R/whale-calls/sounds_model/test_metrics.csv accuracy)
at_least "$acc" 0.6
ok $? "animal vs instrument: test accuracy $acc >= 0.6"
acc=$(metric $R/whale-calls/detector/test_metrics.csv accuracy)
at_least "$acc" 0.85
ok $? "up-sweep vs noise clips: test accuracy $acc >= 0.85"
E=$R/whale-calls/detections/evaluation.json
is "$(json_num $E truth)" "$(($(wc -l <$R/whale-calls/recording/recording.truth.csv) - 1))" \
	"evaluation counts every true call"
is "$(json_num $E events)" "$(($(wc -l <$R/whale-calls/detections/detections.csv) - 1))" \
	"evaluation counts every detection"
is "$(head -1 $R/whale-calls/detections/detections.csv)" "file,start,end,score" "detections header"
p=$(json_num $E precision) r=$(json_num $E recall)
at_least "$p" 0.7 && at_least "$r" 0.7
ok $? "trained detector: precision $p and recall $r >= 0.7"
E=$R/whale-calls/detections_builtin/evaluation.json
p=$(json_num $E precision) r=$(json_num $E recall)
at_least "$p" 0.9 && at_least "$r" 0.9
ok $? "built-in sweep scorer: precision $p and recall $r >= 0.9"
run floe run recipes/whale-calls.yaml
out_has "nothing to do: all 13 steps up to date" "whale-calls: a second run runs nothing"

# --- the same tables and detections with one thread
mkdir -p "$WORK/one" && cp -r "$SRC/recipes" "$SRC/data" "$SRC/scripts" "$WORK/one/" &&
	rm -rf "$WORK/one/recipes/out" "$WORK/one/recipes/.floe" "$WORK"/one/recipes/*.lock
run floe run --threads 1 "$WORK/one/recipes/plankton.yaml"
rc_is 0 "plankton with one thread"
cmp -s $R/plankton/descriptors/table.h5 "$WORK/one/$R/plankton/descriptors/table.h5"
ok $? "descriptor tables identical with 1 and 2 threads"
run floe run --threads 1 "$WORK/one/recipes/whale-calls.yaml"
rc_is 0 "whale-calls with one thread"
cmp -s $R/whale-calls/clips/table.h5 "$WORK/one/$R/whale-calls/clips/table.h5"
ok $? "audio feature tables identical with 1 and 2 threads"
cmp -s $R/whale-calls/detections/detections.csv "$WORK/one/$R/whale-calls/detections/detections.csv"
ok $? "detections identical with 1 and 2 threads"

# --- bad input
mkdir -p "$WORK/bad" && cp -r data/digits_png/0 data/digits_png/1 "$WORK/bad/" || exit 1
echo "not a png" >"$WORK/bad/1/0001.png"
cat >"$WORK/bad.yaml" <<YAML
floe: 1
name: bad
inputs: {images: bad}
prepare:
  - name: f
    kind: image_features
    inputs: {images: images}
    params: {on_bad_file: skip}
YAML
run floe run "$WORK/bad.yaml"
rc_is 0 "on_bad_file: skip runs"
err_has "0001.png" "the skipped file is named"
n=$(($(ls "$WORK/bad/0" "$WORK/bad/1" | grep -c png) - 1))
run floe data info "$WORK/out/bad/f/table.h5"
out_has "$n rows" "every readable image has a row ($n)"
sed -i 's/on_bad_file: skip/on_bad_file: fail/' "$WORK/bad.yaml"
run floe run "$WORK/bad.yaml"
rc_is 1 "on_bad_file: fail stops"
err_has "0001.png" "the bad file is named"
sed -i 's/on_bad_file: fail/on_bad_file: maybe/' "$WORK/bad.yaml"
run floe check "$WORK/bad.yaml"
rc_is 1 "an unknown on_bad_file value is refused at check time"
err_has "bad.yaml:[0-9]+:[0-9]+: .*'on_bad_file' must be skip or fail" "positioned message"
cat >"$WORK/det.yaml" <<YAML
floe: 1
name: det
inputs: {rec: bad/0/0000.png, model: bad.yaml}
implement:
  - name: d
    kind: detect
    inputs: {recording: rec, model: model}
YAML
run floe check "$WORK/det.yaml"
rc_is 1 "detect with a model but no positive class is refused"
err_has "give 'positive'" "the message says what to add"

done_testing
