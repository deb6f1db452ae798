"""Northern lights: blurred curtains of colour with fine rays, over a dark horizon."""

from __future__ import annotations

import math
import random

from ..canvas import HEIGHT, WIDTH, Svg, density, num, rect, smooth_path, stars
from ..colour import lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    sky = svg.gradient([(0, pal.background.shifted(-0.06), 1), (1, pal.background_alt, 1)])
    svg.add(rect(0, 0, WIDTH, HEIGHT, sky))
    stars(svg, rng, pal.ink, round(lerp(70, 220, tempo) * density(energy)), HEIGHT * 0.8)
    veils = round(lerp(2, 4, energy) + tempo)
    soft = svg.blur(lerp(16, 8, energy))
    curtains, rays = [], []
    colours = sorted(pal.colours, key=lambda c: -c.chroma)
    for v in range(veils):
        colour = colours[v % len(colours)]
        paint = svg.gradient(
            [
                (0, colour, 0),
                (0.55, colour, 0.28),
                (0.9, colour.shifted(0.08), 0.8),
                (1, colour, 0.1),
            ]
        )
        base = rng.uniform(0.42, 0.68) * HEIGHT
        waves = [
            (
                rng.uniform(40, 120) / (k + 1),
                lerp(0.5, 1.6, tempo) * (k + 1) * rng.uniform(0.8, 1.2),
                rng.uniform(0, math.tau),
            )
            for k in range(2)
        ]
        height = rng.uniform(220, 420)

        def lower(x: float, base: float = base, waves: list[tuple[float, ...]] = waves) -> float:
            return base + sum(a * math.sin(math.tau * f * x / WIDTH + p) for a, f, p in waves)

        xs = range(-80, WIDTH + 81, 80)
        bottom = [(x, lower(x)) for x in xs]
        top = [(x, lower(x) - height * (0.8 + 0.2 * math.sin(x / 170 + v))) for x in reversed(xs)]
        curtains.append(
            f'<path d="{smooth_path(bottom, closed=False)}L{smooth_path(top, closed=False)[1:]}Z" '
            f'fill="{paint}"/>'
        )
        for _ in range(round(lerp(12, 30, tempo) * density(energy))):
            x = rng.uniform(0, WIDTH)
            reach = height * rng.uniform(0.6, 1.15)
            rays.append(
                rect(
                    x,
                    lower(x) - reach,
                    rng.uniform(2, 8),
                    reach + 12,
                    paint,
                    f' opacity="{num(rng.uniform(0.25, 0.6), 2)}"',
                )
            )
    svg.add(f'<g filter="{soft}">{"".join(curtains)}</g>')
    svg.add(f'<g filter="{svg.blur(1.5)}">{"".join(rays)}</g>')
    hills = [(x, HEIGHT * 0.86 + rng.uniform(-30, 30)) for x in range(-160, WIDTH + 161, 240)]
    land = pal.background.shifted(-0.1)
    svg.add(
        f'<path d="{smooth_path(hills, closed=False)}L{WIDTH + 160} {HEIGHT}L-160 {HEIGHT}Z" '
        f'fill="{land.hex}"/>'
    )
