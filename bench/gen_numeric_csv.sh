#!/usr/bin/env bash
# gen_numeric_csv.sh - a seeded numeric CSV for the data-loading benchmark:
# gen_numeric_csv.sh OUT ROWS [SEED] writes ROWS rows of 25 columns
# (c1..c25: floats of mixed magnitude, integers, ~1% empty fields). The
# same ROWS and SEED always give the same bytes (mawk/gawk: srand(seed)).
set -eu
out=$1 rows=$2 seed=${3:-42}
awk -v rows="$rows" -v seed="$seed" 'BEGIN {
	srand(seed); OFS = ","
	h = "c1"; for (j = 2; j <= 25; j++) h = h ",c" j; print h
	for (i = 0; i < rows; i++) {
		line = ""
		for (j = 1; j <= 25; j++) {
			r = rand()
			if (r < 0.01) v = ""
			else if (j % 5 == 0) v = int(r * 100000)
			else if (j % 5 == 1) v = sprintf("%.6f", (r - 0.5) * 200)
			else if (j % 5 == 2) v = sprintf("%.4e", r * 1e-3)
			else v = sprintf("%.3f", r * 1000)
			line = (j == 1) ? v : line "," v
		}
		print line
	}
}' >"$out.tmp"
mv "$out.tmp" "$out"
