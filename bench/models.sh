#!/usr/bin/env bash
# models.sh - the model repository: `floe models list` on a repository of
# N_VERSIONS versions (goal < 0.1 s), next to `floe --help` (the process
# start alone: shared libraries, OpenBLAS initialisation); and
# `floe models add` of a bundle of BIG_MB next to `cp` of the same file (and
# `cp` followed by fsync, as add makes its files durable). Every version is
# made by a real `floe models add` (two at a time, which also exercises the
# writers' lock). Files come from the page cache.
# Usage: bench/models.sh [N_VERSIONS] [BIG_MB]   (defaults 1000, 256)
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000}
big_mb=${2:-256}
dir=$BENCH_OUT/models
rm -rf "$dir" && mkdir -p "$dir/ws"
cd "$dir/ws"
grep -v NA "$src/tests/data/penguins.csv" | cut -d, -f1,3-6 >p.csv
head -c "${big_mb}M" /dev/urandom >blob.bin
cat >pen.yaml <<Y
floe: 1
name: pen
inputs:
  data: p.csv
develop:
  - name: fit
    kind: command
    inputs: [data]
    outputs: [model.floe]
    params:
      run: $FLOE train logistic_regression {in.data} --label species --seed 3 -o {out.model.floe}
Y
sed -e 's/^name: pen/name: big/' -e 's/^  data: p.csv/  data: p.csv\n  blob: blob.bin/' pen.yaml >big.yaml
"$FLOE" run --quiet pen.yaml >/dev/null && "$FLOE" bundle pen.yaml -o "$dir/small.floe.tar.zst" >/dev/null
"$FLOE" run --quiet big.yaml >/dev/null && "$FLOE" bundle big.yaml -o "$dir/big.floe.tar.zst" >/dev/null
repo=$dir/repo
# best_cpu N CMD...: the least user+system CPU seconds of N runs.
best_cpu() {
	local n=$1 best="" t
	shift
	for _ in $(seq "$n"); do
		/usr/bin/time -o "$dir/cpu" -f '%U %S' "$@" >/dev/null 2>&1
		t=$(awk '{print $1 + $2}' "$dir/cpu")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	printf '%.3f\n' "$best"
}
echo "model repository benchmark ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
t0=$(date +%s.%N)
seq "$n" | xargs -P 2 -I{} sh -c '"$1" models add --repo "$2" "$3" --name "m$(({} % 10))" >/dev/null' \
	_ "$FLOE" "$repo" "$dir/small.floe.tar.zst"
t1=$(date +%s.%N)
printf 'made %s versions with floe models add in %.1f s (%.3f s each, 2 at a time)\n' \
	"$("$FLOE" models list --repo "$repo" --json | grep -c '"version"')" "$(echo "$t1 - $t0" | bc -l)" \
	"$(echo "($t1 - $t0) / $n" | bc -l)"
"$FLOE" models fsck --repo "$repo" | tail -1
t_list=$(best_of 5 "$FLOE" models list --repo "$repo")
t_json=$(best_of 5 "$FLOE" models list --repo "$repo" --json)
t_help=$(best_of 5 "$FLOE" --help)
printf '%-38s floe %8.3f s   %-22s %8.3f s   (goal < 0.1 s)\n' \
	"models list, $n versions (wall)" "$t_list" "floe --help (start)" "$t_help"
printf '%-38s floe %8.3f s   %-22s %8.3f s\n' "models list, $n versions (CPU)" \
	"$(best_cpu 5 "$FLOE" models list --repo "$repo")" "floe --help (start)" \
	"$(best_cpu 5 "$FLOE" --help)"
printf '%-38s floe %8.3f s\n' "models list --json, $n versions" "$t_json"
big=$dir/big.floe.tar.zst
cat "$big" >/dev/null
t_add=$(best_of 3 "$FLOE" models add --repo "$dir/repo2" "$big" --name big)
t_cp=$(best_of 3 cp "$big" "$dir/copy.tar.zst")
t_cps=$(best_of 3 dd if="$big" of="$dir/copy2.tar.zst" bs=1M conv=fsync status=none)
printf '%-38s floe %8.3f s   %-22s %8.3f s   add/cp %sx\n' \
	"models add, $(($(stat -c %s "$big") >> 20)) MB bundle" "$t_add" "cp" "$t_cp" "$(ratio "$t_add" "$t_cp")"
printf '%-38s floe %8.3f s   %-22s %8.3f s   add/(cp+fsync) %sx\n' \
	"" "$t_add" "dd conv=fsync" "$t_cps" "$(ratio "$t_add" "$t_cps")"
printf '%-38s floe %8.3f s   %-22s %8.3f s   (CPU: add hashes the file and checks every entry)\n' \
	"models add (CPU)" "$(best_cpu 3 "$FLOE" models add --repo "$dir/repo2" "$big" --name big)" \
	"dd conv=fsync" "$(best_cpu 3 dd if="$big" of="$dir/copy2.tar.zst" bs=1M conv=fsync status=none)"
rm -rf "$dir"
