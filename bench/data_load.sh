#!/usr/bin/env bash
# data_load.sh - load and summarise (per-column mean, std, missing count) a
# seeded numeric CSV with floe (`floe data info`), pandas (read_csv, then
# mean/std/isna().sum()) and, when installed, Dask; time and peak memory
# side by side (/usr/bin/time -v), with floe's speed-up and memory ratio.
#
#   bench/data_load.sh            ~100 MB and ~1 GB
#   bench/data_load.sh --5gb      also ~5 GB (disk: 5 GB; pandas needs ~15 GB RAM)
#   BENCH_DIR=/path               where the generated files go (default /tmp)
#   FLOE=build/floe PYTHON=/usr/bin/python3
set -eu
here=$(cd "$(dirname "$0")" && pwd)
FLOE=${FLOE:-$here/../build/floe}
PYTHON=${PYTHON:-/usr/bin/python3}
DIR=${BENCH_DIR:-/tmp}/floe-bench-data
mkdir -p "$DIR"
# rows for ~100 MB, ~1 GB, ~5 GB at 213 bytes a row (25 columns)
sizes="100MB:470000 1GB:4700000"
[ "${1:-}" = "--5gb" ] && sizes="$sizes 5GB:23500000"

"$PYTHON" -c 'import pandas' 2>/dev/null || { echo "pandas missing: apt-get install python3-pandas" >&2; exit 1; }
have_dask=0
"$PYTHON" -c 'import dask.dataframe' 2>/dev/null && have_dask=1

# measure LABEL CMD...: prints "seconds peak_kb" from /usr/bin/time -v
measure() {
	local log=$DIR/time.log
	if ! /usr/bin/time -v "$@" >"$DIR/out.txt" 2>"$log"; then
		cat "$log" >&2
		echo "0 0"
		return 1
	fi
	local wall peak
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
	peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
	echo "$wall $peak"
}

PANDAS='import sys, pandas as pd
d = pd.read_csv(sys.argv[1])
m, s, n = d.mean(), d.std(), d.isna().sum()
print(repr(m.iloc[0]), repr(s.iloc[0]), int(n.iloc[0]))'
DASK='import sys, dask, dask.dataframe as dd
dask.config.set(scheduler="threads", num_workers=2)
d = dd.read_csv(sys.argv[1], blocksize="64MB", assume_missing=True)
m, s, n = dask.compute(d.mean(), d.std(), d.isna().sum())
print(repr(m.iloc[0]), repr(s.iloc[0]), int(n.iloc[0]))'

printf '%-6s %-7s %9s %10s %9s %8s\n' size tool seconds peak_MB speedup mem_ratio
for spec in $sizes; do
	label=${spec%%:*} rows=${spec##*:}
	csv=$DIR/numeric_$label.csv
	[ -s "$csv" ] || "$here/gen_numeric_csv.sh" "$csv" "$rows" 42
	cat "$csv" >/dev/null # same page-cache state for every tool
	read -r ft fm <<<"$(measure "$FLOE" data info --json "$csv")"
	fmean=$("$PYTHON" -c 'import json,sys; c=json.load(open(sys.argv[1]))["columns"][0]; print(repr(c["mean"]), repr(c["std"]), c["missing"])' "$DIR/out.txt")
	read -r pt pm <<<"$(measure "$PYTHON" -c "$PANDAS" "$csv")"
	pmean=$(cat "$DIR/out.txt")
	printf '%-6s %-7s %9.2f %10.0f %9s %8s\n' "$label" floe "$ft" "$((fm / 1024))" "" ""
	printf '%-6s %-7s %9.2f %10.0f %8.1fx %7.1fx\n' "$label" pandas "$pt" "$((pm / 1024))" \
		"$(echo "$pt / $ft" | bc -l)" "$(echo "$pm / $fm" | bc -l)"
	if [ $have_dask = 1 ]; then
		read -r dt dm <<<"$(measure "$PYTHON" -c "$DASK" "$csv")"
		printf '%-6s %-7s %9.2f %10.0f %8.1fx %7.1fx\n' "$label" dask "$dt" "$((dm / 1024))" \
			"$(echo "$dt / $ft" | bc -l)" "$(echo "$dm / $fm" | bc -l)"
	fi
	echo "       c1 mean/std/missing: floe $fmean | pandas $pmean"
done
echo "(speedup = tool's time / floe's time; mem_ratio = tool's peak / floe's peak;"
echo " $(nproc) cores; floe parses on all of them, Dask uses 2 threads)"
