#!/usr/bin/env bash
# penguins.sh - the penguins example, all three phases (prepare: 7 steps;
# develop: 3 candidates x 5 folds + refit + test; implement: predictions
# for the 344 raw rows), timed as a cold run (empty workspace) and as a
# no-op re-run (nothing changed). Goals (issue 8): cold < 2 s, no-op
# < 0.1 s. Beside it, the same work in scikit-learn (bench/penguins.py,
# GridSearchCV over the same candidates; python start-up and imports
# included, as floe's start-up is).
# Usage: bench/penguins.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
FLOE=${FLOE:-$HERE/../build/floe}
BASE=${BENCH_TMP:-${TMPDIR:-/tmp}}/floe-bench-penguins.$$
trap 'rm -rf "$BASE"' EXIT
mkdir -p "$BASE/recipes" "$BASE/data"
cp "$HERE/../recipes/penguins.yaml" "$BASE/recipes/"
cp "$HERE/../data/penguins.csv" "$BASE/data/"

# wall seconds of one run of a command (stdout and stderr discarded)
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}
min() { printf '%s\n' "$@" | sort -g | head -1; }

cold=() noop=() sk=()
for _ in 1 2 3; do
	rm -rf "$BASE/recipes/out" "$BASE/recipes/.floe" "$BASE/recipes/penguins.lock"
	cold+=("$(wall "$FLOE" run "$BASE/recipes/penguins.yaml")")
	for _ in 1 2 3; do noop+=("$(wall "$FLOE" run "$BASE/recipes/penguins.yaml")"); done
done
have_sk=0
if /usr/bin/python3 -c 'import sklearn, pandas' 2>/dev/null; then
	have_sk=1
	for _ in 1 2 3; do sk+=("$(wall /usr/bin/python3 "$HERE/penguins.py" "$BASE/data/penguins.csv" "$BASE/sk.csv")"); done
fi
acc=$(awk -F, '$1 == "accuracy" { print $2 }' "$BASE/recipes/out/penguins/model/test_metrics.csv")
c=$(min "${cold[@]}") n=$(min "${noop[@]}")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; best of 3 (no-op: of 9)"
printf 'penguins cold run (3 phases, 15 CV fits)  floe %6.3f s  (goal < 2 s)   test accuracy %s\n' "$c" "$acc"
printf 'penguins no-op re-run                     floe %6.3f s  (goal < 0.1 s)\n' "$n"
if [ $have_sk = 1 ]; then
	s=$(min "${sk[@]}")
	printf 'scikit-learn, the same work               sklearn %6.3f s   ratio %.2fx\n' "$s" \
		"$(echo "$s / $c" | bc -l)"
	/usr/bin/python3 "$HERE/penguins.py" "$BASE/data/penguins.csv" "$BASE/sk.csv" 2>&1 | tail -1
else
	echo "scikit-learn: not installed (scripts/install-deps --bench)"
fi
