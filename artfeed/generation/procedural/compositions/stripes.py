"""Op art: even stripes bent by invisible lenses, so the flat wall seems to bulge."""

from __future__ import annotations

import math
import random

from ..canvas import HEIGHT, WIDTH, Svg, density, polyline, rect
from ..colour import colour_along, lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    count = max(8, round(lerp(16, 44, tempo) * density(energy)))
    svg.add(rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    lenses = [
        (
            rng.uniform(0.2, 0.8) * WIDTH,
            rng.uniform(0.25, 0.75) * HEIGHT,
            rng.uniform(0.32, 0.55) * HEIGHT,
            # Strength stays below 1 so neighbouring stripes never cross (the map stays monotone).
            lerp(0.35, 0.85, energy) * rng.choice((1, 1, -1)),
        )
        for _ in range(1 + (rng.random() < 0.5))
    ]
    wave = lerp(4, 30, energy)
    phase, cycles = rng.uniform(0, math.tau), rng.uniform(0.6, 1.6)

    def bend(x: float, y: float) -> float:
        shift = wave * math.sin(math.tau * cycles * x / WIDTH + phase + y * 0.004)
        for lx, ly, radius, strength in lenses:
            d2 = ((x - lx) ** 2 + (y - ly) ** 2) / radius**2
            if d2 < 1:
                shift += (y - ly) * strength * (1 - d2) ** 2
        return y + shift

    mono = rng.random() < 0.4
    ramp = pal.by_contrast()[-3:]
    spacing = HEIGHT / count
    xs = range(-30, WIDTH + 31, 30)
    for i in range(-1, count + 1, 2):
        top, bottom = i * spacing, (i + 1) * spacing
        upper = [(x, bend(x, top)) for x in xs]
        lower = [(x, bend(x, bottom)) for x in reversed(xs)]
        fill = pal.ink if mono else colour_along(ramp, (i + 1) / (count + 1))
        svg.add(f'<path d="{polyline(upper + lower)}Z" fill="{fill.hex}"/>')
