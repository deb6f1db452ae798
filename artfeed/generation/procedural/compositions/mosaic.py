"""Low-poly stained glass: a jittered triangle mesh over a smooth colour field."""

from __future__ import annotations

import random

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, polyline
from ..colour import Colour, lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    cols = max(4, round(lerp(7, 17, tempo) * density(energy)))
    rows = max(3, round(cols * 9 / 16))
    cw, ch = WIDTH / cols, HEIGHT / rows
    jitter = lerp(0.12, 0.42, energy)

    def node(c: int, r: int) -> tuple[float, float]:
        # Border nodes only slide along the border, so the mesh always covers the canvas.
        x = c * cw + (0 if c in (0, cols) else jitter * cw * rng.uniform(-1, 1))
        y = r * ch + (0 if r in (0, rows) else jitter * ch * rng.uniform(-1, 1))
        return x, y

    grid = [[node(c, r) for c in range(cols + 1)] for r in range(rows + 1)]
    anchors = [
        (rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT), colour)
        for colour in rng.sample(pal.colours, min(4, len(pal.colours)))
    ]
    noise = lerp(0.03, 0.09, energy)

    def colour_at(x: float, y: float) -> Colour:
        # Inverse-distance weighting in Oklab: smooth regions of colour, not mud.
        total = lightness = a = b = 0.0
        for ax, ay, colour in anchors:
            weight = 1 / ((x - ax) ** 2 + (y - ay) ** 2 + 1) ** 1.3
            total += weight
            lightness += weight * colour.lightness
            a += weight * colour.a
            b += weight * colour.b
        return Colour(lightness / total, a / total, b / total).shifted(rng.uniform(-noise, noise))

    tiles = []
    for r in range(rows):
        for c in range(cols):
            a, b, d, e = grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c]
            halves = ((a, b, d), (a, d, e)) if rng.random() < 0.5 else ((a, b, e), (b, d, e))
            for tri in halves:
                mx, my = sum(p[0] for p in tri) / 3, sum(p[1] for p in tri) / 3
                tiles.append(f'<path d="{polyline(tri)}Z" fill="{colour_at(mx, my).hex}"/>')
    grout = pal.background if pal.dark else pal.ink.mix(pal.background, 0.25)
    svg.add(
        f'<g stroke="{grout.hex}" stroke-width="{num(lerp(5, 2, energy))}" '
        f'stroke-linejoin="round">{"".join(tiles)}</g>'
    )
    for _ in range(round(energy * cols * 0.6)):
        x, y = grid[rng.randint(1, rows - 1)][rng.randint(1, cols - 1)]
        svg.add(circle(x, y, rng.uniform(5, 9), pal.ink.hex if pal.dark else pal.background.hex))
