"""Layered sine bands, from a hazy far sea to a saturated near one."""

from __future__ import annotations

import math
import random

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, rect, smooth_path
from ..colour import colour_along, lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    bands = max(3, round(lerp(5, 14, tempo) * density(energy)))
    horizon = rng.random() < 0.6
    sky = svg.gradient([(0, pal.background_alt, 1), (0.7, pal.background, 1)])
    svg.add(rect(0, 0, WIDTH, HEIGHT, sky))
    ordered = pal.by_contrast()
    if horizon:
        sun = ordered[-1] if pal.dark else ordered[0].mix(pal.ink, 0.15)
        svg.add(
            circle(
                rng.uniform(0.2, 0.8) * WIDTH,
                rng.uniform(0.14, 0.24) * HEIGHT,
                rng.uniform(70, 120),
                sun.hex,
            )
        )
    ramp = [pal.background.mix(ordered[0], 0.5), *ordered]
    amplitude = lerp(16, 70, energy)
    frequency = lerp(0.8, 2.6, tempo)  # cycles across the width: the rhythm
    harmonics = 1 + round(energy * 2)
    first = 0.34 if horizon else 0.06
    for i in range(bands):
        u = i / (bands - 1)
        base = lerp(first * HEIGHT, 0.93 * HEIGHT, u**0.9)
        amp = amplitude * lerp(0.6, 1.4, u)
        waves = [
            (
                amp * rng.uniform(0.5, 1.0) / (k + 1),
                frequency * (k + 1) * rng.uniform(0.8, 1.25),
                rng.uniform(0, math.tau),
            )
            for k in range(harmonics)
        ]
        points = [
            (x, base + sum(a * math.sin(math.tau * f * x / WIDTH + p) for a, f, p in waves))
            for x in range(-64, WIDTH + 65, 64)
        ]
        curve = smooth_path(points, closed=False)
        colour = colour_along(ramp, u)
        svg.add(f'<path d="{curve}L{WIDTH + 64} {HEIGHT}L-64 {HEIGHT}Z" fill="{colour.hex}"/>')
        if rng.random() < energy * 0.8:
            # A bright crest line: foam on an energetic sea.
            crest = colour.mix(pal.ink, 0.5) if pal.dark else colour.shifted(0.12)
            svg.add(
                f'<path d="{curve}" fill="none" stroke="{crest.hex}" '
                f'stroke-width="{num(lerp(2, 5, energy))}" stroke-linecap="round"/>'
            )
