#!/usr/bin/env bash
# images.sh - image descriptors for the 10,000 MNIST 28x28 PNG files (goal:
# under 2 s) next to scikit-image (regionprops of the largest Otsu object,
# Hu moments, intensity statistics and histogram, GLCM properties) reading
# the same files in one Python process. Ratio > 1: floe is faster.
. "$(dirname "$0")/lib.sh"
dir=$BENCH_OUT/mnist_png
if [ ! -d "$dir" ]; then
	/usr/bin/python3 "$(dirname "$0")/../scripts/make_mnist_pngs.py" "$dir" >/dev/null
fi
ref=$BENCH_OUT/skimage_descriptors.py
cat >"$ref" <<'PY'
import os, sys
import numpy as np
from skimage.io import imread
from skimage.filters import threshold_otsu
from skimage.measure import label, regionprops
from skimage.feature import graycomatrix, graycoprops
root = sys.argv[1]
rows = []
for cls in sorted(os.listdir(root)):
    for name in sorted(os.listdir(os.path.join(root, cls))):
        im = imread(os.path.join(root, cls, name))
        t = threshold_otsu(im)
        lab = label(im > t, connectivity=2)
        props = regionprops(lab, intensity_image=im)
        v = [t]
        if props:
            p = max(props, key=lambda q: q.area)
            inside = im[lab == p.label]
            v += [p.area, p.perimeter, p.equivalent_diameter, p.major_axis_length,
                  p.minor_axis_length, p.eccentricity, p.orientation, p.solidity, p.extent]
            v += list(p.moments_hu)
            v += [inside.mean(), inside.std(), inside.min(), inside.max()]
            v += list(np.percentile(inside, [10, 25, 50, 75, 90]))
        v += list(np.histogram(im, bins=16, range=(0, 256))[0] / im.size)
        g = graycomatrix(im // 32, [1], [0, np.pi / 4, np.pi / 2, 3 * np.pi / 4], levels=8,
                         symmetric=True, normed=True)
        v += [graycoprops(g, k).mean() for k in ("contrast", "homogeneity", "energy", "correlation")]
        rows.append(v)
print(len(rows))
PY
"$FLOE" features images "$dir" -o "$BENCH_OUT/mnist_desc.csv" --quiet # warm the page cache
echo "image descriptors, 10,000 MNIST PNGs ($(nproc) cores)"
t_floe=$(best_of 3 "$FLOE" features images "$dir" -o "$BENCH_OUT/mnist_desc.csv" --quiet)
t_floe1=$(best_of 3 "$FLOE" features images "$dir" -o "$BENCH_OUT/mnist_desc.csv" --quiet --threads 1)
t_ref=$(best_of 1 /usr/bin/python3 "$ref" "$dir")
row "descriptors (all cores)" "$t_floe" "skimage regionprops" "$t_ref"
row "descriptors (1 thread)" "$t_floe1" "skimage regionprops" "$t_ref"
t_pix=$(best_of 3 "$FLOE" features images "$dir" -o "$BENCH_OUT/mnist_px.csv" --pixels 14 --quiet)
printf '%-38s floe %8.3f s\n' "14x14 pixels (all cores)" "$t_pix"
echo "goal: descriptors under 2 s -> $(echo "$t_floe < 2" | bc -l | sed 's/1/met/;s/0/NOT met/')"
