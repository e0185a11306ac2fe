# lib.sh - helpers for the benchmark scripts: timing and ratios.
set -euo pipefail
FLOE=${FLOE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/floe}
BENCH_OUT=${BENCH_OUT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out}
mkdir -p "$BENCH_OUT"

# best_of N CMD... : run CMD N times (output discarded), print the best wall
# time in seconds.
best_of() {
	local n=$1 best="" t0 t1 t
	shift
	for _ in $(seq "$n"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	printf '%.3f\n' "$best"
}

# ratio A B : A / B with two decimals.
ratio() { printf '%.2f\n' "$(echo "$1 / $2" | bc -l)"; }

# row LABEL FLOE_SECONDS REF_SECONDS REF_NAME
row() {
	printf '%-38s floe %8.3f s   %-22s %8.3f s   ratio %sx\n' "$1" "$2" "$3" "$4" \
		"$(ratio "$4" "$2")"
}
