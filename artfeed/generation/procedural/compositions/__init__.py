"""The nine compositions, one ``_draw_*`` per style, each self-contained: it fills the
whole canvas from the seeded random source, the palette, the tempo and the energy (both
0..1). Kept in one module so that they read side by side."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from artfeed.generation.procedural.canvas import (
    HEIGHT,
    WIDTH,
    Svg,
    circle,
    fractal_ridge,
    num,
    polyline,
    rect,
    smooth_path,
    spread_points,
    xy,
)
from artfeed.generation.procedural.colour import Colour, colour_along, distance, lerp
from artfeed.generation.procedural.palette import Palette
from artfeed.generation.vocabulary import STYLES


def _density(energy: float) -> float:
    """Energy's share of element counts: calm pictures are sparser, energetic ones busier."""
    return lerp(0.85, 1.2, energy)


def _stars(svg: Svg, rng: random.Random, pal: Palette, count: int, bottom: float) -> None:
    # Mostly tiny and dim, a few bright: a power law reads as depth.
    dots = "".join(
        circle(
            rng.uniform(0, WIDTH),
            rng.uniform(0, bottom),
            0.6 + 2.0 * rng.random() ** 4,
            pal.ink.hex,
            f' opacity="{num(rng.uniform(0.25, 0.95), 2)}"',
        )
        for _ in range(count)
    )
    svg.add(f"<g>{dots}</g>")


_Drawer = Callable[[Svg, random.Random, Palette, float, float], None]


def _draw_bauhaus(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Quarter circles, half discs, bars and blocks on a square grid, poster-like."""
    rows = max(2, round(lerp(3, 7, tempo) * _density(energy)))
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
        svg.add(_bauhaus_motif(kind, x, y, 2 * size, rng.randrange(4), figure.hex, energy))
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
            kind = rng.choice(_BAUHAUS_MOTIFS)
            svg.add(_bauhaus_motif(kind, x, y, size, rng.randrange(4), figure.hex, energy))


_BAUHAUS_MOTIFS = (
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


def _bauhaus_motif(
    kind: str, x: float, y: float, s: float, turns: int, fill: str, energy: float
) -> str:
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


def _draw_waves(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Layered sine bands, from a hazy far sea to a saturated near one."""
    bands = max(3, round(lerp(5, 14, tempo) * _density(energy)))
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


def _draw_constellation(
    svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float
) -> None:
    """A night sky: star field, soft nebulae, a crescent moon and a few linked constellations."""
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
    _stars(svg, rng, pal, round(lerp(110, 380, tempo) * _density(energy)), HEIGHT)
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


def _draw_mosaic(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Low-poly stained glass: a jittered triangle mesh over a smooth colour field."""
    cols = max(4, round(lerp(7, 17, tempo) * _density(energy)))
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


def _draw_rings(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Concentric broken arcs around one or more centres, like a slowly turning record."""
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
        count = max(3, round(lerp(7, 22, tempo) * _density(energy) * share))
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


def _draw_stripes(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Op art: even stripes bent by invisible lenses, so the flat wall seems to bulge."""
    count = max(8, round(lerp(16, 44, tempo) * _density(energy)))
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


def _draw_blobs(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Organic cut-out shapes, big and soft behind, small and lively in front, with confetti."""
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
    count = max(3, round(lerp(5, 12, tempo) * _density(energy)))
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


def _draw_mountains(
    svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float
) -> None:
    """Layered ridgelines under a sun, fading with distance (atmospheric perspective)."""
    ordered = pal.by_contrast()
    glow = ordered[-1] if pal.dark else ordered[0]
    horizon = pal.background.mix(glow, 0.35)
    sky = svg.gradient([(0, pal.background_alt, 1), (0.75, horizon, 1)])
    svg.add(rect(0, 0, WIDTH, HEIGHT, sky))
    if pal.dark:
        _stars(svg, rng, pal, round(lerp(40, 120, tempo)), HEIGHT * 0.55)
    sx, sy = rng.uniform(0.18, 0.82) * WIDTH, rng.uniform(0.2, 0.4) * HEIGHT
    radius = rng.uniform(80, 140)
    # The sun is the colour that stands out most against the sky around it.
    sun = max(pal.colours, key=lambda c: distance(c, horizon)).shifted(0.04)
    halo = svg.gradient([(0, sun, 0.45), (1, sun, 0)], radial=True)
    svg.add(circle(sx, sy, radius * 2.8, halo))
    svg.add(circle(sx, sy, radius, sun.hex))
    layers = max(2, round(lerp(3, 7, tempo) * _density(energy)))
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


def _draw_aurora(svg: Svg, rng: random.Random, pal: Palette, tempo: float, energy: float) -> None:
    """Northern lights: blurred curtains of colour with fine rays, over a dark horizon."""
    sky = svg.gradient([(0, pal.background.shifted(-0.06), 1), (1, pal.background_alt, 1)])
    svg.add(rect(0, 0, WIDTH, HEIGHT, sky))
    _stars(svg, rng, pal, round(lerp(70, 220, tempo) * _density(energy)), HEIGHT * 0.8)
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
        for _ in range(round(lerp(12, 30, tempo) * _density(energy))):
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


DRAWERS: dict[str, _Drawer] = {
    "aurora": _draw_aurora,
    "bauhaus": _draw_bauhaus,
    "blobs": _draw_blobs,
    "constellation": _draw_constellation,
    "mosaic": _draw_mosaic,
    "mountains": _draw_mountains,
    "rings": _draw_rings,
    "stripes": _draw_stripes,
    "waves": _draw_waves,
}
assert set(DRAWERS) == set(STYLES)
