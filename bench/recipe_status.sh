#!/usr/bin/env bash
# recipe_status.sh - the recipe runner's bookkeeping speed (issue 3): a
# recipe whose input is a folder of N small files. Measures the first run
# (which hashes every file) next to `floe hash` of the same folder, then a
# no-op `floe status` and `floe run` (stat cache: nothing read again).
# Goals: first run close to `floe hash`; no-op status/run under 0.3 s at
# 10,000 files and under 1 s at 100,000. "cold status" is `floe status`
# with the stat cache deleted: every file hashed, no step run, the
# like-for-like comparison with `floe hash`; the first run adds the step
# itself (find | wc over the folder) and the writes to the store.
# Usage: bench/recipe_status.sh [N...]   (default: 10000 100000)
set -eu
FLOE=${FLOE:-$(cd "$(dirname "$0")/.." && pwd)/build/floe}
SIZES=${*:-10000 100000}
BASE=${BENCH_TMP:-${TMPDIR:-/tmp}}/floe-bench-recipe.$$
trap 'rm -rf "$BASE"' EXIT

# best-of-3 wall time of a command, and the CPU time (user + system) of
# that best run: "WALL/CPU" in seconds. The machine is shared, so wall
# time alone can be inflated by other work; CPU time is what floe spends.
best() {
	local best=999999 cpu=0 line w c
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$BASE/.time" "$@" >/dev/null 2>&1
		line=$(tail -1 "$BASE/.time")
		w=${line%% *}
		c=$(echo "$line" | awk '{ print $2 + $3 }')
		if awk -v w="$w" -v b="$best" 'BEGIN { exit !(w < b) }'; then best=$w; cpu=$c; fi
	done
	printf '%.2f/%.2f' "$best" "$cpu"
}

wall() { echo "${1%%/*}"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-8s %11s %11s %11s %6s %13s %11s\n' files "floe hash" "first run" "cold status" ratio "no-op status" "no-op run"
for n in $SIZES; do
	d=$BASE/n$n
	mkdir -p "$d/data"
	# n files of about 1 KiB in 100 folders (seeded content, no randomness)
	awk -v n="$n" -v dir="$d/data" 'BEGIN {
		for (i = 0; i < n; i++) {
			sub_ = sprintf("%s/%02d", dir, i % 100)
			if (i < 100) system("mkdir -p " sub_)
			f = sprintf("%s/f%06d.txt", sub_, i)
			for (j = 0; j < 16; j++) printf "%d line %d of file %d, some padding text\n", i * j, j, i > f
			close(f)
		}
	}'
	cat >"$d/r.yaml" <<'Y'
floe: 1
name: bench
inputs:
  images: data
prepare:
  - name: count
    kind: command
    inputs: [images]
    outputs: [n.txt]
    params: {run: "find {in.images} -type f | wc -l > {out.n.txt}"}
Y
	sleep 2.1 # files older than the stat cache's same-tick margin, as real data is
	sync
	thash=$(best "$FLOE" hash "$d/data")
	/usr/bin/time -f '%e %U %S' -o "$BASE/.time" "$FLOE" run --quiet "$d/r.yaml"
	tfirst=$(awk '{ printf "%.2f/%.2f", $1, $2 + $3 }' "$BASE/.time")
	tstatus=$(best "$FLOE" status "$d/r.yaml")
	tcold=$(best bash -c "rm -f '$d/.floe/statcache-bench'; '$FLOE' status '$d/r.yaml'")
	"$FLOE" status "$d/r.yaml" >/dev/null # warm the stat cache again
	trun=$(best "$FLOE" run --quiet "$d/r.yaml")
	grep -q "^$n$" "$d/out/bench/count/n.txt" || { echo "wrong count" >&2; exit 1; }
	printf '%-8s %11s %11s %11s %6s %13s %11s\n' "$n" "$thash" "$tfirst" "$tcold" \
		"$(awk -v a="$(wall "$tcold")" -v b="$(wall "$thash")" 'BEGIN { printf "%.2f", a / b }')" \
		"$tstatus" "$trun"
	rm -rf "$d"
done
echo "(times: wall/CPU seconds, best of 3 except the first run; ratio = cold"
echo " status / floe hash in wall time; both hash every file on all cores)"
