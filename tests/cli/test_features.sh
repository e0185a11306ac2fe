#!/usr/bin/env bash
# test_features.sh - `floe features images|audio` and `floe detect`: real
# data (the digits as PNG folders, the sound clips), agreement with
# scikit-image where it is installed, bad input under skip and fail,
# usage errors.
. "$(dirname "$0")/lib.sh"

# -- images: the 1797 digits
run floe features images "$SRC/data/digits_png" -o "$WORK/d.csv" --threads 2 --quiet
rc_is 0 "descriptors of the digit folder exit 0"
is "$(($(wc -l <"$WORK/d.csv") - 1))" 1797 "one row per digit image"
is "$(head -1 "$WORK/d.csv" | cut -d, -f1)" path "path is the first column"
is "$(head -1 "$WORK/d.csv" | awk -F, '{print $NF}')" label "label is the last column"
is "$(cut -d, -f1 "$WORK/d.csv" | sed -n 2p)" "$SRC/data/digits_png/0/0000.png" "rows follow the sorted folders"
run floe features images "$SRC/data/digits_png" -o "$WORK/d1.csv" --threads 1 --quiet
is "$(cmp "$WORK/d.csv" "$WORK/d1.csv" && echo same)" same "one and two threads write the same bytes"

if /usr/bin/python3 -c 'import skimage' 2>/dev/null; then
	/usr/bin/python3 - "$WORK/d.csv" >"$WORK/sk.txt" 2>&1 <<'PY'
import csv, sys
from skimage.io import imread
from skimage.filters import threshold_otsu
from skimage.measure import label, regionprops
keys = ["area", "perimeter", "equivalent_diameter", "major_axis_length", "minor_axis_length",
        "eccentricity", "orientation", "solidity", "extent"]
worst = 0.0
for r in list(csv.DictReader(open(sys.argv[1])))[::13]:
    im = imread(r["path"])
    p = max(regionprops(label(im > threshold_otsu(im), connectivity=2)), key=lambda q: q.area)
    for k in keys:
        worst = max(worst, abs(float(getattr(p, k)) - float(r[k])))
    for i in range(7):
        worst = max(worst, abs(p.moments_hu[i] - float(r["hu%d" % (i + 1)])))
print("max difference %.3g" % worst)
print("agree" if worst < 1e-6 else "differ")
PY
	is "$(tail -1 "$WORK/sk.txt")" agree "shape descriptors equal scikit-image regionprops ($(head -1 "$WORK/sk.txt"))"
else
	skip "scikit-image not installed"
fi

run floe features images "$SRC/data/digits_png" -o "$WORK/p.csv" --pixels 4 --quiet
rc_is 0 "--pixels 4 exits 0"
is "$(head -1 "$WORK/p.csv" | tr , '\n' | grep -c '^px_')" 16 "16 pixel columns"

run floe features images "$SRC/data/digits_png" -o "$WORK/b.csv" --min-per-class 200 --no-rotate --seed 4 --quiet
rc_is 0 "augmenting exits 0"
is "$(($(wc -l <"$WORK/b.csv") - 1))" 2000 "every class (174 to 183 digits) brought to 200"
is "$(head -1 "$WORK/b.csv" | cut -d, -f2)" augment "an augment column says how each row was made"
is "$(grep -c ',none,' "$WORK/b.csv")" 1797 "the 1797 originals, then 203 augmented copies"
is "$(grep -c 'rot90' "$WORK/b.csv")" 0 "--no-rotate: no rotations"
run floe features images "$SRC/data/digits_png" -o "$WORK/b2.csv" --min-per-class 200 --no-rotate --seed 4 --quiet --threads 1
is "$(cmp "$WORK/b.csv" "$WORK/b2.csv" && echo same)" same "same seed, other thread count: same bytes"
run floe features images "$SRC/data/digits_png" -o "$WORK/b3.csv" --min-per-class 200 --no-rotate --seed 5 --quiet
is "$(cmp -s "$WORK/b.csv" "$WORK/b3.csv" || echo differ)" differ "another seed: other copies"
run floe features images "$SRC/data/digits_png" -o "$WORK/s.csv" --max-per-class 50 --seed 4 --quiet
is "$(($(wc -l <"$WORK/s.csv") - 1))" 500 "--max-per-class 50: 50 per class"
run floe features images "$SRC/data/digits_png" -o "$WORK/s.csv" --max-per-class 50 --min-per-class 60
rc_is 1 "min above max is an error"
err_has "min_per_class 60 is above max_per_class 50" "and says so"

# -- bad images
mkdir -p "$WORK/img/cat_a" "$WORK/img/cat_b" "$WORK/img/empty"
cp "$SRC/data/digits_png/1/0001.png" "$WORK/img/cat_a/"
cp "$SRC/data/digits_png/2/0002.png" "$WORK/img/cat_b/"
echo "not an image" >"$WORK/img/cat_a/fake.png"
head -c 60 "$SRC/data/digits_png/3/0003.png" >"$WORK/img/cat_b/truncated.png"
run floe features images "$WORK/img" -o "$WORK/x.csv"
rc_is 1 "an empty class folder fails by default"
err_has "empty: empty class folder" "the message names the empty class folder"
rmdir "$WORK/img/empty"
run floe features images "$WORK/img" -o "$WORK/x.csv"
rc_is 1 "a file that is not an image fails by default"
err_has "fake.png: not an image" "the message names the file and says why"
[ ! -e "$WORK/x.csv" ]; ok $? "nothing written on failure"
run floe features images "$WORK/img" -o "$WORK/x.csv" --on-bad-file skip
rc_is 0 "--on-bad-file skip goes on"
err_has "warning: .*fake.png: not an image.*skipped" "warning for the fake image"
err_has "warning: .*truncated.png: bad PNG.*skipped" "warning for the truncated PNG"
is "$(($(wc -l <"$WORK/x.csv") - 1))" 2 "the two good images remain"
rm -r "$WORK/img/cat_b"
run floe features images "$WORK/img" -o "$WORK/x.csv"
rc_is 1 "a single class fails under fail"
err_has "only one class \('cat_a'\)" "the message names the single class"

# -- usage
run floe features images "$SRC/data/digits_png"
rc_is 2 "no -o: usage error"
run floe features pictures x -o y
rc_is 2 "unknown kind: usage error"
run floe features images "$SRC/data/digits_png" -o "$WORK/y.csv" --n-fft 512
rc_is 2 "an audio option for images: usage error"
err_has "'--n-fft' is not for 'images'" "which option, for what"
run floe features images "$SRC/data/digits_png" -o "$WORK/y.csv" --on-bad-file maybe
rc_is 2 "bad --on-bad-file value: usage error"
run floe features --help
rc_is 0 "--help exits 0"
out_has "on-bad-file" "help lists the options"

# -- audio: the sound clips
run floe features audio "$SRC/data/sounds/wav" --labels "$SRC/data/sounds/labels.csv" -o "$WORK/a.csv" --quiet
rc_is 0 "features of the 140 clips exit 0"
is "$(($(wc -l <"$WORK/a.csv") - 1))" 140 "one row per clip"
is "$(grep -c ',animal$' "$WORK/a.csv")" 74 "74 animal clips labelled from labels.csv"
is "$(head -1 "$WORK/a.csv" | tr , '\n' | grep -c '^mfcc_')" 65 "13 MFCCs x 5 statistics"
run floe features audio "$SRC/data/sounds/wav/whale.wav" -o "$WORK/w.csv" --window 0.5 --rate 8000 --quiet
rc_is 0 "per-window features of one clip exit 0"
is "$(head -1 "$WORK/w.csv" | cut -d, -f1-3)" "path,start_s,end_s" "window rows say where they are"

# -- bad sounds
mkdir -p "$WORK/snd"
cp "$SRC/data/sounds/wav/whale.wav" "$SRC/data/sounds/wav/flute.wav" "$WORK/snd/"
printf 'RIFF\x24\x00\x00\x00WAVXfmt ' >"$WORK/snd/broken.wav"
head -c 44 "$SRC/data/sounds/wav/whale.wav" | python3 -c '
import sys; h = bytearray(sys.stdin.buffer.read()); h[40:44] = b"\0\0\0\0"; h[4:8] = (36).to_bytes(4, "little")
sys.stdout.buffer.write(h)' >"$WORK/snd/zero.wav"
head -c 200 "$SRC/data/sounds/wav/whale.wav" | python3 -c '
import sys; h = bytearray(sys.stdin.buffer.read()); h[24:28] = b"\0\0\0\0"; h[28:32] = b"\0\0\0\0"
sys.stdout.buffer.write(h)' >"$WORK/snd/rate0.wav"
run floe features audio "$WORK/snd" -o "$WORK/s.csv"
rc_is 1 "a broken WAV fails by default"
err_has "broken.wav: not a readable sound file" "the message names the file"
run floe features audio "$WORK/snd" -o "$WORK/s.csv" --on-bad-file skip
rc_is 0 "skip goes on past broken, empty and rate-0 files"
for f in broken zero rate0; do
	err_has "warning: .*$f.wav.*skipped" "warning for $f.wav"
done
is "$(($(wc -l <"$WORK/s.csv") - 1))" 2 "the two good clips remain"

# -- detection on a short synthetic recording (needs numpy)
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
	/usr/bin/python3 "$SRC/scripts/make_whale_recording.py" "$WORK/rec" --minutes 1 --calls 6 --seed 3 \
		--sounds "$SRC/data/sounds" >/dev/null
	run floe detect "$WORK/rec.wav" --rate 2000 --threshold 9 --truth "$WORK/rec.truth.csv" -o "$WORK/ev.csv" --quiet
	rc_is 0 "detect exits 0"
	is "$(head -1 "$WORK/ev.csv")" "file,start,end,score" "events table header"
	out_has "truth 6 found [56]:" "finds the calls of the truth table"
	run floe detect "$WORK/rec.wav" --rate 2000 --threshold 9 --threads 1 -o "$WORK/ev1.csv" --quiet
	is "$(cmp "$WORK/ev.csv" "$WORK/ev1.csv" && echo same)" same "same events on one thread"
else
	skip "numpy not installed: no synthetic recording"
fi
run floe detect "$WORK/snd/broken.wav"
rc_is 1 "detect on a broken file exits 1"
err_has "broken.wav: not a readable sound file" "and says why"
run floe detect "$WORK/snd/whale.wav" --scorer magic
rc_is 2 "unknown scorer: usage error"

done_testing
