#!/usr/bin/env python3
"""Draws Confab's app icons (RGBA PNGs) with the standard library only:
a rounded indigo square with a white speech bubble. Run from anywhere;
writes the sizes Tauri needs next to this script."""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {
    "16x16.png": 16,
    "32x32.png": 32,
    "48x48.png": 48,
    "64x64.png": 64,
    "128x128.png": 128,
    "256x256.png": 256,
    "icon.png": 512,
}
SAMPLES = 4  # supersampling per axis


def inside_rounded(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def bubble(x, y):
    """The speech bubble, in unit coordinates."""
    if inside_rounded(x, y, 0.22, 0.25, 0.78, 0.66, 0.13):
        return True
    # The tail: a triangle below the bubble's lower left.
    ax, ay, bx, by, cx, cy = 0.32, 0.62, 0.48, 0.62, 0.30, 0.79
    d = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy)
    l1 = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / d
    l2 = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / d
    return l1 >= 0 and l2 >= 0 and 1 - l1 - l2 >= 0


def dots(x, y):
    return any((x - cx) ** 2 + (y - 0.455) ** 2 <= 0.045 ** 2 for cx in (0.37, 0.5, 0.63))


def pixel(px, py, size):
    acc = [0.0, 0.0, 0.0, 0.0]
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            if not inside_rounded(x, y, 0.03, 0.03, 0.97, 0.97, 0.2):
                continue
            t = (x + y) / 2
            colour = (int(88 - 30 * t), int(101 - 40 * t), int(242 - 40 * t))
            if bubble(x, y):
                colour = (79, 70, 229) if dots(x, y) else (255, 255, 255)
            for i in range(3):
                acc[i] += colour[i]
            acc[3] += 255
    n = SAMPLES * SAMPLES
    alpha = acc[3] / n
    if alpha == 0:
        return (0, 0, 0, 0)
    return tuple(int(round(c / (acc[3] / 255))) for c in acc[:3]) + (int(round(alpha)),)


def png(size):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            row.extend(pixel(px, py, size))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    for name, size in SIZES.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(png(size))
        print(name, size)
