#!/usr/bin/env bash
# hash.sh - `floe hash` next to coreutils sha256sum: one 2 GB file, and a
# folder of 10,000 small files (also against `find | xargs -P2 sha256sum`).
# Files are read from the page cache (a warm-up pass first), so this measures
# hashing and per-file overhead, not the disk. Ratios > 1: floe is faster.
# Usage: bench/hash.sh [SIZE_MB]   (default 2048)
. "$(dirname "$0")/lib.sh"
size_mb=${1:-2048}
dir=$BENCH_OUT/hash
mkdir -p "$dir"

if [ ! -f "$dir/big.bin" ] || [ "$(stat -c %s "$dir/big.bin")" != $((size_mb << 20)) ]; then
	head -c $((size_mb << 20)) /dev/urandom >"$dir/big.bin"
fi
if [ ! -d "$dir/small" ]; then
	mkdir -p "$dir/small"
	for d in $(seq 0 99); do
		mkdir -p "$dir/small/d$d"
		for f in $(seq 0 99); do
			head -c $((1000 + (d * 100 + f) % 3000)) /dev/urandom >"$dir/small/d$d/f$f"
		done
	done
fi
cat "$dir/big.bin" >/dev/null
"$FLOE" hash "$dir/small" >/dev/null

echo "floe hash benchmark ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
t_floe=$(best_of 3 "$FLOE" hash "$dir/big.bin")
t_ref=$(best_of 3 sha256sum "$dir/big.bin")
row "one ${size_mb} MB file" "$t_floe" "sha256sum" "$t_ref"

t_floe=$(best_of 3 "$FLOE" hash "$dir/small")
t_ref=$(best_of 3 bash -c "find '$dir/small' -type f -print0 | xargs -0 sha256sum")
row "10,000 small files" "$t_floe" "sha256sum (1 process)" "$t_ref"
t_ref=$(best_of 3 bash -c "find '$dir/small' -type f -print0 | xargs -0 -n 500 -P2 sha256sum")
row "10,000 small files" "$t_floe" "xargs -P2 sha256sum" "$t_ref"
