#!/usr/bin/env python3
"""Draws icons/source.png, the one image every app icon is generated from.

The logo is a hub with six spokes: one code template (centre) reaching many mini programs (ring).
Run from the repository root, then regenerate the set:
    python3 icons/make-source.py && (cd ui && npx tauri icon ../icons/source.png -o ../icons)
Only the standard library is used, so it runs anywhere Python 3 does.
"""
import math
import struct
import zlib

SIZE = 1024
SUPERSAMPLE = 4  # per axis; edges are anti-aliased by averaging SUPERSAMPLE² sub-pixels

TILE = (15, 118, 110)  # teal
INK = (255, 255, 255)

CORNER = 200
HUB_R = 120
SAT_R = 62
RING_R = 300
SPOKE_W = 34


def inside_rounded_square(x, y):
    margin = 40
    lo, hi = margin, SIZE - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + CORNER), hi - CORNER)
    cy = min(max(y, lo + CORNER), hi - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


SATELLITES = [
    (SIZE / 2 + RING_R * math.cos(math.radians(a)), SIZE / 2 + RING_R * math.sin(math.radians(a))) for a in range(-90, 270, 60)
]


def near_segment(x, y, ax, ay, bx, by, half_width):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= half_width**2


def ink_at(x, y):
    c = SIZE / 2
    if (x - c) ** 2 + (y - c) ** 2 <= HUB_R**2:
        return True
    for sx, sy in SATELLITES:
        if (x - sx) ** 2 + (y - sy) ** 2 <= SAT_R**2:
            return True
        if near_segment(x, y, c, c, sx, sy, SPOKE_W / 2):
            return True
    return False


def pixel(px, py):
    tile = ink = 0
    n = SUPERSAMPLE
    for j in range(n):
        for i in range(n):
            x, y = px + (i + 0.5) / n, py + (j + 0.5) / n
            if inside_rounded_square(x, y):
                tile += 1
                if ink_at(x, y):
                    ink += 1
    if tile == 0:
        return (0, 0, 0, 0)
    f = ink / tile
    rgb = tuple(round(t * (1 - f) + k * f) for t, k in zip(TILE, INK))
    return rgb + (round(255 * tile / (n * n)),)


def fast_pixel(px, py):
    """Skips supersampling where the whole pixel is plainly one colour (most of the image)."""
    corners = [(px, py), (px + 1, py), (px, py + 1), (px + 1, py + 1)]
    t = [inside_rounded_square(x, y) for x, y in corners]
    k = [ink_at(x, y) for x, y in corners]
    if all(t) and not any(k):
        return TILE + (255,)
    if not any(t):
        return (0, 0, 0, 0)
    return pixel(px, py)


def png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    rows = [[fast_pixel(x, y) for x in range(SIZE)] for y in range(SIZE)]
    with open("icons/source.png", "wb") as f:
        f.write(png(SIZE, SIZE, rows))
