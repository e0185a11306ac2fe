#!/usr/bin/env bash
# bench/mlp.sh - floe's mlp against scikit-learn's MLPClassifier (issue 7),
# in the same run, printed as ratios.
#
# Data: make_classification(n_samples=200000, n_features=50,
# n_informative=20, n_classes=7, random_state=0), written once as CSV;
# 75/25 split (each tool its own seeded split); hidden layers (128, 64),
# 20 epochs, batch 200, Adam, everything else at the defaults. Times are
# the fit alone (floe's fit_seconds; sklearn's fit() call); floe is run
# with 1 thread and with all cores (THREADS, default nproc). scikit-learn
# runs with OpenBLAS pinned to one thread (OPENBLAS_NUM_THREADS=1): a
# second BLAS thread does not speed its MLP up (PLATFORM.md), and on a
# busy machine it slows it down a lot, which would flatter floe.
#
#   bash bench/mlp.sh            # FLOE=path/to/floe, BENCH_WORK=folder
set -euo pipefail
cd "$(dirname "$0")/.."
FLOE=${FLOE:-$PWD/build/floe}
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/floe-bench}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
mkdir -p "$WORK"
data=$WORK/mlp_classification_200k.csv
[ -s "$data" ] || "$PY" bench/mlp.py --write-csv "$data"

floe_fit() { # floe_fit THREADS -> "fit_seconds accuracy"
	"$FLOE" train mlp "$data" --label y --test-size 0.25 --seed 0 --threads "$1" --json \
		--param hidden_layer_sizes=128,64 --param max_iter=20 --param batch_size=200 \
		--param solver=adam -o "$WORK/mlp_t$1.floe" |
		jq -r '"\(.fit_seconds) \(.test.accuracy)"'
}

echo "== mlp: make_classification 200000 x 50, 7 classes; (128, 64), 20 epochs, batch 200, Adam"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
	"OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
sk=$(OPENBLAS_NUM_THREADS=1 "$PY" bench/mlp.py)
sk_s=$(jq -r .fit_seconds <<<"$sk")
sk_acc=$(jq -r .accuracy <<<"$sk")
read -r f1_s f1_acc <<<"$(floe_fit 1)"
read -r fn_s fn_acc <<<"$(floe_fit "$THREADS")"
cmp -s "$WORK/mlp_t1.floe" "$WORK/mlp_t$THREADS.floe" && same=yes || same=NO
printf '%-28s %10s %10s %10s\n' tool "fit s" accuracy "speed-up"
printf '%-28s %10.2f %10.4f %10s\n' "$(jq -r .tool <<<"$sk")" "$sk_s" "$sk_acc" 1.00
printf '%-28s %10.2f %10.4f %10.2f\n' "floe mlp, 1 thread" "$f1_s" "$f1_acc" \
	"$(awk -v a="$sk_s" -v b="$f1_s" 'BEGIN{print a/b}')"
printf '%-28s %10.2f %10.4f %10.2f\n' "floe mlp, $THREADS threads" "$fn_s" "$fn_acc" \
	"$(awk -v a="$sk_s" -v b="$fn_s" 'BEGIN{print a/b}')"
echo "model files for 1 and $THREADS threads byte-identical: $same"
echo "   load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
