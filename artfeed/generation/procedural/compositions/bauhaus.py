"""Quarter circles, half discs, bars and blocks on a square grid, poster-like."""

from __future__ import annotations

import random

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, rect
from ..colour import lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    rows = max(2, round(lerp(3, 7, tempo) * density(energy)))
    cols = round(rows * 16 / 9)
    margin = 70
    size = min((WIDTH - 2 * margin) / cols, (HEIGHT - 2 * margin) / rows)
    left, top = (WIDTH - cols * size) / 2, (HEIGHT - rows * size) / 2
    svg.add(rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    inks = (*pal.colours, pal.ink)
    taken: set[tuple[int, int]] = set()
    # One or two double-size forms anchor the grid, as the big shapes do in Bauhaus posters.
    for _ in range(1 if rows < 5 else 2):
        c, r = rng.randrange(cols - 1), rng.randrange(rows - 1)
        block = {(c, r), (c + 1, r), (c, r + 1), (c + 1, r + 1)}
        if block & taken:
            continue
        taken |= block
        ground, figure = rng.sample(inks, 2)
        x, y = left + c * size, top + r * size
        svg.add(rect(x, y, 2 * size, 2 * size, ground.hex))
        kind = rng.choice(("quarter", "circle", "half"))
        svg.add(_motif(kind, x, y, 2 * size, rng.randrange(4), figure.hex, energy))
    empty = lerp(0.3, 0.05, energy)
    for r in range(rows):
        for c in range(cols):
            if (c, r) in taken:
                continue
            x, y = left + c * size, top + r * size
            ground, figure = rng.sample(inks, 2)
            if rng.random() < 0.6:
                # Half a pixel of overlap hides anti-aliasing seams between same-colour blocks.
                svg.add(rect(x, y, size + 0.5, size + 0.5, ground.hex))
            if rng.random() < empty:
                continue
            kind = rng.choice(_MOTIFS)
            svg.add(_motif(kind, x, y, size, rng.randrange(4), figure.hex, energy))


_MOTIFS = (
    "quarter",
    "quarter",
    "half",
    "circle",
    "ring",
    "triangle",
    "leaf",
    "bars",
    "dots",
)


def _motif(kind: str, x: float, y: float, s: float, turns: int, fill: str, energy: float) -> str:
    """One motif drawn in a cell's own coordinates (0..s), turned by quarter turns."""
    h = s / 2
    S, H = num(s), num(h)
    rotation = f" rotate({90 * turns} {H} {H})" if turns else ""
    transform = f"translate({num(x)} {num(y)}){rotation}"
    if kind == "quarter":
        shape = f'<path d="M0 0H{S}A{S} {S} 0 0 1 0 {S}Z"/>'
    elif kind == "half":
        shape = f'<path d="M0 {S}A{H} {H} 0 0 1 {S} {S}Z"/>'
    elif kind == "circle":
        shape = f'<circle cx="{H}" cy="{H}" r="{num(s * 0.4)}"/>'
    elif kind == "ring":
        width = s * lerp(0.08, 0.16, energy)
        shape = (
            f'<circle cx="{H}" cy="{H}" r="{num(s * 0.3)}" fill="none" stroke="{fill}" '
            f'stroke-width="{num(width)}"/>'
        )
    elif kind == "triangle":
        shape = f'<path d="M0 0H{S}L0 {S}Z"/>'
    elif kind == "leaf":
        shape = f'<path d="M0 {S}A{S} {S} 0 0 1 {S} 0A{S} {S} 0 0 1 0 {S}Z"/>'
    elif kind == "bars":
        bar = s / 7
        shape = "".join(rect(0, bar * k, s, bar, fill) for k in (1, 3, 5))
    else:  # dots
        shape = "".join(
            circle(s * i / 6, s * j / 6, s * 0.07, fill) for i in (1, 3, 5) for j in (1, 3, 5)
        )
    return f'<g transform="{transform}" fill="{fill}">{shape}</g>'
