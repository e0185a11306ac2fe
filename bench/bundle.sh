#!/usr/bin/env bash
# bundle.sh - `floe bundle` of a run with SIZE_MB of outputs (half random
# bytes, half repetitive CSV text) next to `tar --zstd -cf` of the same
# output files (GNU tar piping to zstd -3, its default level, as floe uses).
# floe also hashes every file and writes the manifest and RO-Crate; the goal
# is packing at most 1.2x tar's time. Files come from the page cache.
# Usage: bench/bundle.sh [SIZE_MB]   (default 1024)
. "$(dirname "$0")/lib.sh"
size_mb=${1:-1024}
half=$((size_mb / 2))
dir=$BENCH_OUT/bundle
rm -rf "$dir" && mkdir -p "$dir/ws"
cd "$dir/ws"
echo seed >seed.txt
cat >big.yaml <<Y
floe: 1
name: big
inputs:
  seed: seed.txt
develop:
  - name: make
    kind: command
    inputs: [seed]
    outputs: [random.bin, table.csv]
    params:
      run: head -c ${half}M /dev/urandom > {out.random.bin} && yes '0.1234567,12.345678,3,station-17,-1.5e-3' | head -c ${half}M > {out.table.csv}
Y
"$FLOE" run --quiet big.yaml >/dev/null
cat out/big/make/* >/dev/null

echo "floe bundle benchmark: ${size_mb} MB of outputs ($(nproc) cores)"
t_floe=$(best_of 3 "$FLOE" bundle big.yaml -o "$dir/b.floe.tar.zst")
t_tar=$(best_of 3 tar --zstd -cf "$dir/b.tar.zst" out/big/make/random.bin out/big/make/table.csv)
printf '%-38s floe %8.3f s   %-22s %8.3f s   floe/tar %sx (goal <= 1.2)\n' \
	"pack ${size_mb} MB" "$t_floe" "tar --zstd -cf" "$t_tar" "$(ratio "$t_floe" "$t_tar")"
printf 'sizes: floe %s bytes, tar %s bytes\n' "$(stat -c %s "$dir/b.floe.tar.zst")" \
	"$(stat -c %s "$dir/b.tar.zst")"
t_ver=$(best_of 1 "$FLOE" verify "$dir/b.floe.tar.zst")
t_x=$(best_of 1 tar --zstd -xf "$dir/b.tar.zst" -C "$dir")
printf '%-38s floe %8.3f s   %-22s %8.3f s   (verify unpacks twice and re-runs)\n' \
	"verify ${size_mb} MB" "$t_ver" "tar --zstd -xf" "$t_x"
rm -rf "$dir"
