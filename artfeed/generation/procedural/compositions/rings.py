"""Concentric broken arcs around one or more centres, like a slowly turning record."""

from __future__ import annotations

import math
import random

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, rect, xy
from ..colour import lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    svg.add(rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    main = (rng.uniform(0.3, 0.7) * WIDTH, rng.uniform(0.38, 0.62) * HEIGHT)
    systems = [(main, rng.uniform(0.42, 0.6) * HEIGHT, 1.0)]
    if rng.random() < 0.6:
        # The smaller system sits in the opposite quadrant, so the two talk without tangling.
        other = (
            (rng.uniform(0.12, 0.22) if main[0] > WIDTH / 2 else rng.uniform(0.78, 0.88)) * WIDTH,
            (rng.uniform(0.25, 0.35) if main[1] > HEIGHT / 2 else rng.uniform(0.65, 0.75)) * HEIGHT,
        )
        systems.append((other, rng.uniform(0.18, 0.28) * HEIGHT, 0.5))
    svg.add(circle(*main, systems[0][1] * 1.12, pal.background_alt.hex))
    for (cx, cy), outer, share in systems:
        count = max(3, round(lerp(7, 22, tempo) * density(energy) * share))
        inner = outer * 0.14
        step = (outer - inner) / count
        width = step * lerp(0.35, 0.78, energy)
        svg.add(circle(cx, cy, inner * 0.8, rng.choice(pal.colours).hex))
        arcs = []
        for i in range(count):
            radius = inner + (i + 0.5) * step
            pieces = 1 + (rng.random() < energy) + (rng.random() < energy * 0.5)
            start = rng.uniform(0, 360)
            for _ in range(pieces):
                sweep = rng.uniform(40, 320) / pieces
                arcs.append(_arc(cx, cy, radius, start, sweep, rng.choice(pal.colours).hex))
                start += sweep + rng.uniform(10, 40)
        svg.add(
            f'<g fill="none" stroke-width="{num(width)}" stroke-linecap="round">{"".join(arcs)}</g>'
        )
    for _ in range(round(energy * 14)):
        (cx, cy), outer, _ = rng.choice(systems)
        angle, radius = rng.uniform(0, math.tau), rng.uniform(1.05, 1.3) * outer
        svg.add(
            circle(
                cx + radius * math.cos(angle),
                cy + radius * math.sin(angle),
                rng.uniform(4, 10),
                pal.ink.hex,
            )
        )


def _arc(cx: float, cy: float, r: float, start: float, sweep: float, stroke: str) -> str:
    a0, a1 = math.radians(start), math.radians(start + sweep)
    x0, y0 = cx + r * math.cos(a0), cy + r * math.sin(a0)
    x1, y1 = cx + r * math.cos(a1), cy + r * math.sin(a1)
    large = 1 if sweep > 180 else 0
    return (
        f'<path d="M{xy(x0, y0, 1)}A{num(r)} {num(r)} 0 {large} 1 {xy(x1, y1, 1)}" '
        f'stroke="{stroke}"/>'
    )
