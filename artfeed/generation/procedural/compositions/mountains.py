"""Layered ridgelines under a sun, fading with distance (atmospheric perspective)."""

from __future__ import annotations

import random

from ..canvas import (
    HEIGHT,
    WIDTH,
    Svg,
    circle,
    density,
    fractal_ridge,
    polyline,
    rect,
    smooth_path,
    stars,
    xy,
)
from ..colour import colour_along, distance, lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    ordered = pal.by_contrast()
    glow = ordered[-1] if pal.dark else ordered[0]
    horizon = pal.background.mix(glow, 0.35)
    sky = svg.gradient([(0, pal.background_alt, 1), (0.75, horizon, 1)])
    svg.add(rect(0, 0, WIDTH, HEIGHT, sky))
    if pal.dark:
        stars(svg, rng, pal.ink, round(lerp(40, 120, tempo)), HEIGHT * 0.55)
    sx, sy = rng.uniform(0.18, 0.82) * WIDTH, rng.uniform(0.2, 0.4) * HEIGHT
    radius = rng.uniform(80, 140)
    # The sun is the colour that stands out most against the sky around it.
    sun = max(pal.colours, key=lambda c: distance(c, horizon)).shifted(0.04)
    halo = svg.gradient([(0, sun, 0.45), (1, sun, 0)], radial=True)
    svg.add(circle(sx, sy, radius * 2.8, halo))
    svg.add(circle(sx, sy, radius, sun.hex))
    layers = max(2, round(lerp(3, 7, tempo) * density(energy)))
    near = pal.background.shifted(-0.06) if pal.dark else pal.ink.mix(ordered[-1], 0.3)
    far = horizon.mix(ordered[len(ordered) // 2], 0.45)
    middle = rng.choice(ordered).mix(near, 0.35)
    # Calm music rolls like hills; energetic music breaks into peaks.
    smooth = energy < 0.4
    levels = 4 if smooth else 6
    roughness = lerp(0.45, 0.62, energy)
    for j in range(layers):
        u = j / (layers - 1)
        base = lerp(0.56, 0.9, u) * HEIGHT
        amplitude = lerp(200, 90, u) * rng.uniform(0.75, 1.1)
        heights = fractal_ridge(rng, levels, roughness)
        step = (WIDTH + 40) / (len(heights) - 1)
        ridge = [(-20 + k * step, base - amplitude * (h + 1) / 2) for k, h in enumerate(heights)]
        line = smooth_path(ridge, closed=False) if smooth else polyline(ridge)
        colour = colour_along([far, middle, near], u**0.8)
        svg.add(f'<path d="{line}L{WIDTH + 20} {HEIGHT}L-20 {HEIGHT}Z" fill="{colour.hex}"/>')
    for _ in range(round(energy * 7)):
        bx, by = sx + rng.uniform(-420, 420), sy + rng.uniform(-60, 160)
        span = rng.uniform(10, 20)
        # A bird is two shallow curves meeting at the body: the child's "v" seen far away.
        wing, tip = span * 0.5, span * 0.4
        svg.add(
            f'<path d="M{xy(bx - span, by - tip)}Q{xy(bx - tip, by - wing)} {xy(bx, by)}'
            f'Q{xy(bx + tip, by - wing)} {xy(bx + span, by - tip)}" fill="none" '
            f'stroke="{near.hex}" stroke-width="3" stroke-linecap="round"/>'
        )
