#!/usr/bin/python3
"""make_mnist_pngs.py - write the 10,000 MNIST digits of mnist10k.csv.gz as
28x28 grey PNG files in class folders (OUT/<digit>/<row index, 5 digits>.png),
for the image benchmarks (bench/images.sh). Values in 0..1 are scaled to
0..255; values already in 0..255 are kept.

Usage: scripts/make_mnist_pngs.py [CSV_GZ] OUT
"""
import gzip
import os
import struct
import sys
import zlib


def png_bytes(pixels, width, height):
    """An 8-bit grey PNG (no filter, zlib level 6) of row-major pixels."""
    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + bytes(pixels[r * width:(r + 1) * width]) for r in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) == 2:
        src, out = "/work/shared/data/mnist10k.csv.gz", sys.argv[1]
    elif len(sys.argv) == 3:
        src, out = sys.argv[1], sys.argv[2]
    else:
        sys.exit("usage: make_mnist_pngs.py [CSV_GZ] OUT")
    with gzip.open(src, "rt") as f:
        header = f.readline().strip().split(",")
        assert header[-1] == "label" and len(header) == 785, "expected 784 pixels and a label"
        rows = [line.strip().split(",") for line in f if line.strip()]
    scale = 255.0 if max(max(float(v) for v in r[:-1]) for r in rows[:100]) <= 1.0 else 1.0
    for i, row in enumerate(rows):
        label = row[-1]
        px = [min(255, max(0, round(float(v) * scale))) for v in row[:-1]]
        os.makedirs(os.path.join(out, label), exist_ok=True)
        with open(os.path.join(out, label, "%05d.png" % i), "wb") as g:
            g.write(png_bytes(px, 28, 28))
    print("wrote %d PNG files under %s" % (len(rows), out))


if __name__ == "__main__":
    main()
