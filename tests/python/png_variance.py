#!/usr/bin/env python3
"""Prints the pixel variance of a PNG's grey levels (standard library only).

usage: png_variance.py FILE.png [MIN]

Decodes 8-bit greyscale, RGB or RGBA PNGs (what Chromium's --screenshot
writes) with zlib and the five row filters.  With MIN, exits 1 when the
variance is below it (a blank or single-colour screenshot) or when fewer
than 1% of the pixels differ from the most common one.
"""
import collections
import struct
import sys
import zlib


def grey_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = ihdr
    if depth != 8 or interlace != 0 or colour not in (0, 2, 6):
        raise ValueError(f"unsupported PNG (depth {depth}, colour {colour})")
    bpp = {0: 1, 2: 3, 6: 4}[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        prev = line
        if bpp == 1:
            out.extend(line)
        else:
            out.extend((line[i] + line[i + 1] + line[i + 2]) // 3 for i in range(0, stride, bpp))
    return out


def main():
    px = grey_pixels(sys.argv[1])
    n = len(px)
    mean = sum(px) / n
    var = sum((p - mean) ** 2 for p in px) / n
    common = collections.Counter(px).most_common(1)[0][1]
    print(f"{n} pixels, mean {mean:.1f}, variance {var:.1f}, "
          f"{100.0 * (n - common) / n:.1f}% differ from the commonest")
    if len(sys.argv) > 2:
        if var < float(sys.argv[2]) or (n - common) < 0.01 * n:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
