#!/usr/bin/env bash
# forest.sh - random forest benchmark (issue 6): floe against scikit-learn's
# RandomForestClassifier on make_classification(200000 x 50, 7 classes),
# 75/25 split, 100 trees, default depth, with the same thread count (1 and
# 2): fit time, accuracy, peak memory (/usr/bin/time -v), predict time for
# the 50,000 test rows, as ratios.
#   THREADS="1 2" bash bench/forest.sh
# SKLEARN=0 reuses earlier scikit-learn results in bench/out/forest (the
# scikit-learn fits take minutes).
. "$(dirname "$0")/lib.sh"
OUT=$BENCH_OUT/forest
THREADS=${THREADS:-1 2}
SKLEARN=${SKLEARN:-1}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
[ -f "$OUT/rf_test.csv" ] || $PY "$HERE/forest.py" gen "$OUT"
# the in-memory predict timing helper, built against the library
ROOT=$(cd "$HERE/.." && pwd)
cc -std=c17 -O2 -I"$ROOT/lib" "$HERE/forest_predict.c" "$ROOT/build/libfloe.a" \
	$(pkg-config --cflags --libs yaml-0.1 libarchive libcrypto hdf5-serial openblas jansson netcdf zlib) \
	-lm -pthread -o "$OUT/forest_predict"

for t in $THREADS; do
	/usr/bin/time -v "$FLOE" train random_forest "$OUT/rf_train.csv" --label y \
		--test-size 0 --seed 0 --threads "$t" --json -o "$OUT/rf_$t.floe" \
		>"$OUT/floe_train_$t.json" 2>"$OUT/floe_train_$t.time"
	"$FLOE" score "$OUT/rf_$t.floe" "$OUT/rf_test.csv" --label y --threads "$t" \
		--json >"$OUT/floe_score_$t.json"
	s=$(date +%s.%N)
	"$FLOE" predict "$OUT/rf_$t.floe" "$OUT/rf_test.csv" --threads "$t" \
		-o "$OUT/floe_pred_$t.csv"
	e=$(date +%s.%N)
	echo "$e - $s" | bc >"$OUT/floe_predict_$t.wall"
	"$OUT/forest_predict" "$OUT/rf_$t.floe" "$OUT/rf_test.csv" "$t" \
		>"$OUT/floe_predict_$t.json"
	if [ "$SKLEARN" = 1 ] || [ ! -f "$OUT/sklearn_$t.json" ]; then
		/usr/bin/time -v $PY "$HERE/forest.py" sklearn "$t" \
			>"$OUT/sklearn_$t.json" 2>"$OUT/sklearn_$t.time"
	fi
done
$PY "$HERE/forest.py" report "$OUT" "$THREADS"
