#!/usr/bin/python3
"""make_digit_pngs.py - write the 1797 8x8 digits as grey PNG files in class
folders (OUT/<digit>/<row index, 4 digits>.png), the layout of a plankton
image catalogue. Pixels 0..16 become 0..255 (round(v * 255 / 16)).

Usage: scripts/make_digit_pngs.py [CSV] [OUT]
  CSV defaults to /work/shared/data/digits8x8.csv (64 pixel columns, label
  last), OUT to data/digits_png. Only the standard library (zlib, struct)
  is used, so the bytes written depend on nothing but the input and zlib.
"""
import csv
import os
import struct
import sys
import zlib


def png_bytes(pixels, width, height):
    """An 8-bit grey PNG (no filter, zlib level 9) of row-major pixels."""
    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + bytes(pixels[r * width:(r + 1) * width]) for r in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/digits8x8.csv"
    out = sys.argv[2] if len(sys.argv) > 2 else "data/digits_png"
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    assert header[-1] == "label" and len(header) == 65, "expected 64 pixels and a label"
    for i, row in enumerate(rows):
        label = row[-1]
        px = [round(float(v) * 255 / 16) for v in row[:-1]]
        os.makedirs(os.path.join(out, label), exist_ok=True)
        with open(os.path.join(out, label, "%04d.png" % i), "wb") as g:
            g.write(png_bytes(px, 8, 8))
    print("wrote %d PNG files under %s" % (len(rows), out))


if __name__ == "__main__":
    main()
