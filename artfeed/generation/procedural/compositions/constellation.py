"""A night sky: star field, soft nebulae, a crescent moon and a few linked constellations."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, rect, spread_points, stars
from ..colour import lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6)
    night = svg.gradient(
        [(0, pal.background_alt, 1), (1, pal.background, 1)],
        radial=True,
        geometry=f'cx="{num(cx, 2)}" cy="{num(cy, 2)}" r="0.8"',
    )
    svg.add(rect(0, 0, WIDTH, HEIGHT, night))
    for colour in rng.sample(pal.colours, 2):
        glow = svg.gradient([(0, colour, 0.28), (1, colour, 0)], radial=True)
        svg.add(
            f'<ellipse cx="{num(rng.uniform(200, 1720))}" cy="{num(rng.uniform(150, 930))}" '
            f'rx="{num(rng.uniform(420, 800))}" ry="{num(rng.uniform(220, 420))}" fill="{glow}" '
            f'transform="rotate({num(rng.uniform(-30, 30))} 960 540)"/>'
        )
    stars(svg, rng, pal.ink, round(lerp(110, 380, tempo) * density(energy)), HEIGHT)
    moon: list[tuple[float, float]] = []
    if rng.random() < 0.7:
        # The crescent is a disc minus an offset disc, via a mask (no need to match the sky).
        mx, my, mr = rng.choice((0.15, 0.85)) * WIDTH, rng.uniform(0.15, 0.3) * HEIGHT, 70
        mask = svg.new_id()
        offset = rng.choice((-1, 1)) * mr * 0.45
        svg.defs.append(
            f'<mask id="{mask}">{circle(mx, my, mr, "#fff")}'
            f"{circle(mx + offset, my - mr * 0.2, mr * 0.92, '#000')}</mask>"
        )
        halo = svg.gradient([(0, pal.ink, 0.18), (1, pal.ink, 0)], radial=True)
        svg.add(circle(mx, my, mr * 3, halo))
        svg.add(circle(mx, my, mr, pal.ink.mix(pal.colours[0], 0.2).hex, f' mask="url(#{mask})"'))
        moon.append((mx, my))
    groups = round(lerp(2, 5, energy))
    width = lerp(1.2, 3, energy)
    box = (250, 200, WIDTH - 250, HEIGHT - 200)
    for gx, gy in spread_points(rng, groups, box, avoid=moon):
        colour = rng.choice(pal.colours)
        count = rng.randint(5, 7) + round(tempo * 2)
        radius = rng.uniform(140, 260)
        points = [
            (gx + radius * rng.uniform(-1, 1), gy + radius * rng.uniform(-0.7, 0.7))
            for _ in range(count)
        ]
        lines = "".join(
            f'<line x1="{num(points[a][0])}" y1="{num(points[a][1])}" '
            f'x2="{num(points[b][0])}" y2="{num(points[b][1])}"/>'
            for a, b in _spanning_tree(points)
        )
        svg.add(
            f'<g stroke="{colour.hex}" stroke-width="{num(width)}" stroke-opacity="0.7" '
            f'stroke-linecap="round">{lines}</g>'
        )
        for x, y in points:
            svg.add(circle(x, y, rng.uniform(9, 16), colour.hex, ' opacity="0.22"'))
            svg.add(circle(x, y, rng.uniform(2.5, 4.5), pal.ink.hex))


def _spanning_tree(points: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """Prim's minimum spanning tree: constellation lines join near stars without crossing much."""
    inside, edges = {0}, []
    while len(inside) < len(points):
        a, b = min(
            ((i, j) for i in sorted(inside) for j in range(len(points)) if j not in inside),
            key=lambda e: math.dist(points[e[0]], points[e[1]]),
        )
        inside.add(b)
        edges.append((a, b))
    return edges
