"""Organic cut-out shapes, big and soft behind, small and lively in front, with confetti."""

from __future__ import annotations

import math
import random

from ..canvas import HEIGHT, WIDTH, Svg, circle, density, num, rect, smooth_path, spread_points, xy
from ..colour import lerp
from ..palette import Palette


def draw(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    svg.add(rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    wobble = lerp(0.08, 0.3, energy)

    def blob(cx: float, cy: float, size: float) -> list[tuple[float, float]]:
        corners = rng.randint(6, 9)
        turn = rng.uniform(0, math.tau)
        outline = []
        for k in range(corners):
            angle = turn + math.tau * k / corners + rng.uniform(-0.2, 0.2)
            r = size * (1 + wobble * rng.uniform(-1, 1))
            outline.append((cx + r * math.cos(angle), cy + r * 0.85 * math.sin(angle)))
        return outline

    # Two huge tone-on-tone shapes bleed off the edges so the ground is never just empty.
    corners = [
        (rng.uniform(0, 0.35), rng.uniform(0.6, 1)),
        (rng.uniform(0.65, 1), rng.uniform(0, 0.4)),
    ]
    for cx, cy in corners:
        outline = blob(cx * WIDTH, cy * HEIGHT, rng.uniform(420, 560))
        svg.add(f'<path d="{smooth_path(outline, closed=True)}" fill="{pal.background_alt.hex}"/>')
    count = max(3, round(lerp(5, 12, tempo) * density(energy)))
    crowding = min(1.0, (8 / count) ** 0.5)  # many shapes: smaller, so the ground still shows
    colours = list(pal.colours)
    rng.shuffle(colours)
    centres = spread_points(rng, count, (160, 140, WIDTH - 160, HEIGHT - 140))
    for i, (cx, cy) in enumerate(centres):
        size = lerp(360, 120, i / max(1, count - 1)) * crowding * rng.uniform(0.85, 1.15)
        outline = blob(cx, cy, size)
        colour = colours[i % len(colours)]
        svg.add(f'<path d="{smooth_path(outline, closed=True)}" fill="{colour.hex}"/>')
        if rng.random() < 0.35:
            # A smaller echo inside: the stone in the fruit.
            inner = [(cx + (x - cx) * 0.45, cy + (y - cy) * 0.45) for x, y in outline]
            echo = colours[(i + 2) % len(colours)].hex
            svg.add(f'<path d="{smooth_path(inner, closed=True)}" fill="{echo}"/>')
    confetti = round(lerp(6, 30, energy) * lerp(0.7, 1.3, tempo))
    for x, y in spread_points(rng, confetti, (40, 40, WIDTH - 40, HEIGHT - 40), tries=3):
        colour = rng.choice((*pal.colours, pal.ink)).hex
        if rng.random() < 0.5:
            svg.add(circle(x, y, rng.uniform(5, 13), colour))
        else:
            angle, length = rng.uniform(0, math.tau), rng.uniform(14, 34)
            dx, dy = length * math.cos(angle), length * math.sin(angle)
            svg.add(
                f'<path d="M{xy(x, y)}l{xy(dx, dy)}" stroke="{colour}" '
                f'stroke-width="{num(lerp(6, 10, energy))}" stroke-linecap="round"/>'
            )
    for _ in range(round(lerp(0, 3, energy))):
        x, y = rng.uniform(200, WIDTH - 200), rng.uniform(150, HEIGHT - 150)
        walk = []
        for _ in range(6):
            walk.append((x, y))
            x, y = x + rng.uniform(40, 90), y + rng.uniform(-60, 60)
        svg.add(
            f'<path d="{smooth_path(walk, closed=False)}" fill="none" stroke="{pal.ink.hex}" '
            f'stroke-width="6" stroke-linecap="round"/>'
        )
