"""The procedural generator: offline, deterministic SVG art from a prompt and audio features.

Everything is derived from a sha256 of the normalised request, so the same request always
yields byte-identical SVG (the idempotency of ``generate_artwork`` leans on this) and a
screen shows the same picture after a re-render. Pure stdlib, a few milliseconds an image.

How the inputs shape a picture:

- the **style** picks the composition (``STYLES``);
- the **mood** picks the palette's character: hue family, saturation, light or dark ground
  (``MOODS``; synonyms are understood, anything else gets a palette derived from its hash);
  a few prompt words ("ocean", "forest", "sunset", ...) steer the hue too;
- **bpm** sets rhythm and density: more bands, rings, tiles and stars, tighter repetition;
- **energy** sets the motion feel: jaggedness, contrast, chroma, stroke weight, extra accents;
- **brightness** (the sound's spectral centroid) sets the light: a dark, bassy sound gets a
  dark ground and deeper colours, a bright, airy one a light ground and lighter colours;
- the music's **fingerprint** seeds the picture: the same prompt on another song differs;
- a **look** (``looks.LOOKS``, "in the manner of" presets) sets the palette's character in
  place of the mood's, and without a named style leans to the look's compositions.

The module is long because it holds nine compositions; each ``_draw_*`` is self-contained.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from artfeed.generation.base import (
    GeneratedImage,
    GenerationRequest,
    normalise_prompt,
    validate_request,
)
from artfeed.generation.looks import LOOKS, Look, leaning

__all__ = [
    "MOODS",
    "STYLES",
    "ProceduralGenerator",
    "choose_style",
    "normalise_prompt",
    "title_for",
]

WIDTH, HEIGHT = 1920, 1080

STYLES: tuple[str, ...] = (
    "aurora",
    "bauhaus",
    "blobs",
    "constellation",
    "mosaic",
    "mountains",
    "rings",
    "stripes",
    "waves",
)

# Bump when the drawing code changes in a way that should change every picture.
_ALGORITHM = "artfeed-procedural-1"


# --------------------------------------------------------------------------- colour


@dataclass(frozen=True)
class _Colour:
    """A colour in Oklab: perceptually even, so mixes and lightness steps look right."""

    lightness: float
    a: float
    b: float

    @classmethod
    def from_oklch(cls, lightness: float, chroma: float, hue: float) -> _Colour:
        """Build from lightness/chroma/hue, lowering chroma until the colour fits in sRGB."""
        lightness = min(max(lightness, 0.0), 1.0)
        angle = math.radians(hue % 360)
        cos, sin = math.cos(angle), math.sin(angle)
        if _in_gamut(lightness, chroma * cos, chroma * sin):
            return cls(lightness, chroma * cos, chroma * sin)
        low, high = 0.0, chroma
        for _ in range(12):
            mid = (low + high) / 2
            if _in_gamut(lightness, mid * cos, mid * sin):
                low = mid
            else:
                high = mid
        return cls(lightness, low * cos, low * sin)

    @property
    def chroma(self) -> float:
        return math.hypot(self.a, self.b)

    def mix(self, other: _Colour, t: float) -> _Colour:
        return _Colour(
            _lerp(self.lightness, other.lightness, t),
            _lerp(self.a, other.a, t),
            _lerp(self.b, other.b, t),
        )

    def shifted(self, lightness: float) -> _Colour:
        return _Colour(min(max(self.lightness + lightness, 0.0), 1.0), self.a, self.b)

    @property
    def hex(self) -> str:
        channels = _oklab_to_srgb(self.lightness, self.a, self.b)
        r, g, b = (round(min(max(c, 0.0), 1.0) * 255) for c in channels)
        return f"#{r:02x}{g:02x}{b:02x}"


def _oklab_to_srgb(lightness: float, a: float, b: float) -> tuple[float, float, float]:
    # Björn Ottosson's Oklab -> linear sRGB matrices, then the sRGB transfer curve.
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    red = 4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_
    green = -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_
    blue = -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_
    return _gamma(red), _gamma(green), _gamma(blue)


def _gamma(linear: float) -> float:
    return 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


def _in_gamut(lightness: float, a: float, b: float) -> bool:
    return all(-0.0005 <= c <= 1.0005 for c in _oklab_to_srgb(lightness, a, b))


@dataclass(frozen=True)
class _Palette:
    background: _Colour
    background_alt: _Colour  # a second tone of the ground, for gradients and halos
    colours: tuple[_Colour, ...]  # 4-5 harmonious colours, all well clear of the ground
    ink: _Colour  # the strongest contrast with the ground, for lines and details
    dark: bool

    def by_contrast(self) -> list[_Colour]:
        """Colours ordered from closest to the ground to furthest from it (for depth)."""
        return sorted(self.colours, key=lambda c: abs(c.lightness - self.background.lightness))


@dataclass(frozen=True)
class _Mood:
    hue: float  # centre of the hue family, OKLCH degrees
    hue_spread: float  # how far the base hue may wander from it
    chroma: float
    dark: bool | None  # dark ground, light ground, or either
    schemes: tuple[str, ...]  # colour harmonies it likes
    energy: float  # defaults when the request leaves them out
    bpm: float
    adjectives: tuple[str, ...]  # for titles


_MOODS: dict[str, _Mood] = {
    "calm": _Mood(210, 30, 0.09, False, ("analogous",), 0.25, 72,
                  ("Quiet", "Still", "Gentle", "Slow", "Soft")),
    "happy": _Mood(75, 40, 0.16, False, ("triadic", "split", "analogous"), 0.7, 124,
                   ("Bright", "Golden", "Sunny", "Merry", "Glad")),
    "melancholy": _Mood(260, 25, 0.06, True, ("analogous", "complementary"), 0.3, 66,
                        ("Faded", "Distant", "Lonely", "Pale", "Wistful")),
    "energetic": _Mood(30, 45, 0.19, True, ("complementary", "triadic", "split"), 0.9, 150,
                       ("Electric", "Racing", "Bold", "Burning", "Restless")),
    "dark": _Mood(300, 50, 0.09, True, ("analogous", "complementary"), 0.5, 90,
                  ("Midnight", "Shadow", "Ember", "Hollow", "Nocturnal")),
    "dreamy": _Mood(320, 40, 0.08, False, ("analogous", "triadic"), 0.35, 80,
                    ("Floating", "Drifting", "Hazy", "Velvet", "Moonlit")),
    "romantic": _Mood(10, 20, 0.12, False, ("analogous", "split"), 0.45, 92,
                      ("Tender", "Rose", "Warm", "Blushing", "Sweet")),
    "mysterious": _Mood(200, 40, 0.08, True, ("complementary", "analogous"), 0.4, 84,
                        ("Hidden", "Veiled", "Secret", "Silent", "Hushed")),
    "nostalgic": _Mood(65, 20, 0.07, False, ("analogous", "complementary"), 0.35, 88,
                       ("Old", "Sepia", "Remembered", "Amber", "Dusty")),
}  # fmt: skip
MOODS: tuple[str, ...] = tuple(_MOODS)

_MOOD_SYNONYMS = {
    **dict.fromkeys(("peaceful", "serene", "relaxed", "chill", "tranquil", "relaxing"), "calm"),
    **dict.fromkeys(("joyful", "cheerful", "upbeat", "sunny", "playful", "joy", "fun"), "happy"),
    **dict.fromkeys(("sad", "lonely", "wistful", "sorrow", "grief", "rainy"), "melancholy"),
    **dict.fromkeys(("excited", "intense", "angry", "hype", "wild", "fierce", "epic"), "energetic"),
    **dict.fromkeys(("gloomy", "ominous", "sinister", "gothic", "night", "horror"), "dark"),
    **dict.fromkeys(("ethereal", "surreal", "hazy", "dream", "dreams", "magical"), "dreamy"),
    **dict.fromkeys(("love", "tender", "passionate", "romance"), "romantic"),
    **dict.fromkeys(("eerie", "mystic", "mystical", "enigmatic", "mystery"), "mysterious"),
    **dict.fromkeys(("retro", "vintage", "nostalgia", "memories", "memory"), "nostalgic"),
}

# Prompt words that should steer the hue whatever the mood: "ocean" ought to look like water.
_HUE_HINTS = {
    **dict.fromkeys(
        ("ocean", "sea", "water", "rain", "river", "lake", "harbour", "harbor", "waves"), 235.0
    ),
    **dict.fromkeys(
        ("forest", "leaf", "leaves", "moss", "jungle", "garden", "meadow", "grass"), 145.0
    ),
    **dict.fromkeys(("sunset", "fire", "autumn", "desert", "ember", "flame", "dusk"), 48.0),
    **dict.fromkeys(("rose", "roses", "cherry", "blossom", "heart", "petals"), 5.0),
    **dict.fromkeys(("space", "galaxy", "cosmos", "stars", "midnight", "nebula"), 285.0),
    **dict.fromkeys(("snow", "ice", "winter", "frost", "glacier"), 230.0),
    **dict.fromkeys(("gold", "golden", "sun", "summer", "honey", "lemon"), 90.0),
}

# Hue offsets of each palette slot from the base hue.
_SCHEMES = {
    "analogous": (0, 28, -28, 56, -14),
    "complementary": (0, 180, 22, 200, -22),
    "triadic": (0, 120, 240, 20, 140),
    "split": (0, 150, 210, 30, 180),
}

# Night scenes need a dark ground whatever the mood says.
_DARK_STYLES = {"aurora": True, "constellation": True}


def _make_palette(
    rng: random.Random,
    mood: _Mood,
    energy: float,
    *,
    dark: bool | None,
    hue_hint: float | None,
    lift: float = 0.0,
) -> _Palette:
    if dark is None:
        dark = mood.dark if mood.dark is not None else rng.random() < 0.5
    centre = mood.hue if hue_hint is None else hue_hint
    spread = mood.hue_spread if hue_hint is None else min(mood.hue_spread, 18)
    hue = (centre + rng.uniform(-spread, spread)) % 360
    offsets = _SCHEMES[rng.choice(mood.schemes)]
    count = rng.choice((4, 5))
    chroma = mood.chroma * _lerp(0.8, 1.3, energy)
    # Energy widens the lightness range: more contrast between the colours themselves.
    if dark:
        low, high = _lerp(0.64, 0.52, energy), _lerp(0.82, 0.9, energy)
    else:
        low, high = _lerp(0.58, 0.42, energy), _lerp(0.76, 0.82, energy)
    steps = [min(low + lift + (high - low) * i / (count - 1), 0.95) for i in range(count)]
    rng.shuffle(steps)
    colours = []
    for i in range(count):
        colour_hue = (hue + offsets[i] + rng.uniform(-6, 6)) % 360
        lightness = steps[i]
        if 70 <= colour_hue <= 125:
            # Yellow only reads as yellow when light; a mid-lightness yellow is drab olive.
            lightness = max(lightness, 0.74)
        colours.append(_Colour.from_oklch(lightness, chroma * rng.uniform(0.85, 1.15), colour_hue))
    if dark:
        # A dark orange-to-yellow ground is brown; turn it to its complement, a night blue.
        ground_hue = hue + 180 if 35 <= hue <= 135 else hue
        ground = _Colour.from_oklch(
            rng.uniform(0.15, 0.2), min(0.045, chroma * 0.35), ground_hue + rng.uniform(-25, 25)
        )
        alt = _Colour.from_oklch(ground.lightness + 0.09, min(0.06, chroma * 0.45), ground_hue + 30)
        ink = _Colour.from_oklch(0.96, 0.015, hue)
    else:
        ground = _Colour.from_oklch(
            rng.uniform(0.94, 0.97), min(0.03, chroma * 0.2 + 0.008), hue + rng.uniform(-25, 25)
        )
        alt = _Colour.from_oklch(ground.lightness - 0.07, min(0.05, chroma * 0.35), hue - 20)
        ink = _Colour.from_oklch(0.25, min(0.05, chroma * 0.4), hue + 10)
    return _Palette(ground, alt, tuple(colours), ink, dark)


def _distance(one: _Colour, other: _Colour) -> float:
    return math.dist((one.lightness, one.a, one.b), (other.lightness, other.a, other.b))


def _ramp(colours: Sequence[_Colour], u: float) -> _Colour:
    """The colour at ``u`` (0..1) along a gradient through ``colours``."""
    if len(colours) == 1:
        return colours[0]
    position = min(max(u, 0.0), 1.0) * (len(colours) - 1)
    index = min(int(position), len(colours) - 2)
    return colours[index].mix(colours[index + 1], position - index)


# --------------------------------------------------------------------------- svg helpers


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _density(energy: float) -> float:
    """Energy's share of element counts: calm pictures are sparser, energetic ones busier."""
    return _lerp(0.85, 1.2, energy)


def _f(value: float, digits: int = 1) -> str:
    """A short, locale-free number for SVG attributes."""
    if digits == 0:
        # The hot path (every path point); round() also never yields "-0".
        return str(round(value))
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pt(x: float, y: float, digits: int = 0) -> str:
    if digits == 0:
        return f"{round(x)} {round(y)}"
    return f"{_f(x, digits)} {_f(y, digits)}"


def _polyline(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{round(x)} {round(y)}" for x, y in points)


def _smooth(points: Sequence[tuple[float, float]], *, closed: bool) -> str:
    """A path through ``points`` as Catmull-Rom splines written as cubic Béziers."""
    n = len(points)

    def at(i: int) -> tuple[float, float]:
        return points[i % n] if closed else points[min(max(i, 0), n - 1)]

    parts = [f"M{_pt(*points[0])}"]
    for i in range(n if closed else n - 1):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = at(i - 1), at(i), at(i + 1), at(i + 2)
        parts.append(
            f"C{_pt(x1 + (x2 - x0) / 6, y1 + (y2 - y0) / 6)} "
            f"{_pt(x2 - (x3 - x1) / 6, y2 - (y3 - y1) / 6)} {_pt(x2, y2)}"
        )
    if closed:
        parts.append("Z")
    return "".join(parts)


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    position = f'x="{_f(x)}" y="{_f(y)}" ' if x or y else ""
    return f'<rect {position}width="{_f(w)}" height="{_f(h)}" fill="{fill}"{extra}/>'


def _circle(cx: float, cy: float, r: float, fill: str, extra: str = "") -> str:
    return f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{fill}"{extra}/>'


class _Svg:
    """Collects ``<defs>`` and body elements, and hands out document-unique ids."""

    def __init__(self) -> None:
        self.defs: list[str] = []
        self.body: list[str] = []
        self._next_id = 0

    def add(self, element: str) -> None:
        self.body.append(element)

    def new_id(self) -> str:
        self._next_id += 1
        return f"d{self._next_id}"

    def gradient(
        self,
        stops: Sequence[tuple[float, _Colour, float]],
        *,
        radial: bool = False,
        geometry: str | None = None,
    ) -> str:
        """Define a gradient from (offset, colour, opacity) stops; return its ``url(#…)``.

        Linear gradients run top to bottom unless ``geometry`` (raw attributes) says otherwise.
        """
        gid = self.new_id()
        tag = "radialGradient" if radial else "linearGradient"
        if geometry is None:
            geometry = "" if radial else 'x2="0" y2="1"'
        body = "".join(
            f'<stop offset="{_f(offset, 2)}" stop-color="{colour.hex}"'
            + (f' stop-opacity="{_f(opacity, 2)}"' if opacity < 1 else "")
            + "/>"
            for offset, colour, opacity in stops
        )
        self.defs.append(f'<{tag} id="{gid}" {geometry}>{body}</{tag}>')
        return f"url(#{gid})"

    def blur(self, deviation: float) -> str:
        fid = self.new_id()
        self.defs.append(
            f'<filter id="{fid}" x="-20%" y="-20%" width="140%" height="140%">'
            f'<feGaussianBlur stdDeviation="{_f(deviation)}"/></filter>'
        )
        return f"url(#{fid})"

    def render(self, title: str) -> str:
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            # No width/height: opened on its own the picture fills the screen, letterboxed.
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            'preserveAspectRatio="xMidYMid meet">'
            f"<title>{escape(title)}</title>{defs}{''.join(self.body)}</svg>\n"
        )


def _spread_points(
    rng: random.Random,
    count: int,
    box: tuple[float, float, float, float],
    *,
    tries: int = 8,
    avoid: Sequence[tuple[float, float]] = (),
) -> list[tuple[float, float]]:
    """Mitchell's best-candidate sampling: random points that keep their distance.

    Points in ``avoid`` repel the new ones but are not returned.
    """
    x0, y0, x1, y1 = box
    points: list[tuple[float, float]] = list(avoid)
    for _ in range(count):
        best, best_distance = (0.0, 0.0), -1.0
        for _ in range(tries):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            distance = min((math.dist((x, y), p) for p in points), default=0.0)
            if distance > best_distance:
                best, best_distance = (x, y), distance
        points.append(best)
    return points[len(avoid) :]


def _fractal_ridge(rng: random.Random, levels: int, roughness: float) -> list[float]:
    """Midpoint displacement: 2**levels + 1 heights in -1..1; higher roughness, rockier."""
    n = 2**levels
    heights = [0.0] * (n + 1)
    heights[0], heights[n] = rng.uniform(-1, 1), rng.uniform(-1, 1)
    step, scale = n, 1.0
    while step > 1:
        half = step // 2
        for i in range(half, n, step):
            heights[i] = (heights[i - half] + heights[i + half]) / 2 + rng.uniform(-1, 1) * scale
        scale *= roughness
        step = half
    peak = max(abs(h) for h in heights) or 1.0
    return [h / peak for h in heights]


def _stars(svg: _Svg, rng: random.Random, pal: _Palette, count: int, bottom: float) -> None:
    # Mostly tiny and dim, a few bright: a power law reads as depth.
    dots = "".join(
        _circle(
            rng.uniform(0, WIDTH),
            rng.uniform(0, bottom),
            0.6 + 2.0 * rng.random() ** 4,
            pal.ink.hex,
            f' opacity="{_f(rng.uniform(0.25, 0.95), 2)}"',
        )
        for _ in range(count)
    )
    svg.add(f"<g>{dots}</g>")


# --------------------------------------------------------------------------- styles

_Drawer = Callable[[_Svg, random.Random, _Palette, float, float], None]


def _draw_bauhaus(
    svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float
) -> None:
    """Quarter circles, half discs, bars and blocks on a square grid, poster-like."""
    rows = max(2, round(_lerp(3, 7, tempo) * _density(energy)))
    cols = round(rows * 16 / 9)
    margin = 70
    size = min((WIDTH - 2 * margin) / cols, (HEIGHT - 2 * margin) / rows)
    left, top = (WIDTH - cols * size) / 2, (HEIGHT - rows * size) / 2
    svg.add(_rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
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
        svg.add(_rect(x, y, 2 * size, 2 * size, ground.hex))
        kind = rng.choice(("quarter", "circle", "half"))
        svg.add(_bauhaus_motif(kind, x, y, 2 * size, rng.randrange(4), figure.hex, energy))
    empty = _lerp(0.3, 0.05, energy)
    for r in range(rows):
        for c in range(cols):
            if (c, r) in taken:
                continue
            x, y = left + c * size, top + r * size
            ground, figure = rng.sample(inks, 2)
            if rng.random() < 0.6:
                # Half a pixel of overlap hides anti-aliasing seams between same-colour blocks.
                svg.add(_rect(x, y, size + 0.5, size + 0.5, ground.hex))
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
    S, H = _f(s), _f(h)
    transform = f"translate({_f(x)} {_f(y)})" + (f" rotate({90 * turns} {H} {H})" if turns else "")
    if kind == "quarter":
        shape = f'<path d="M0 0H{S}A{S} {S} 0 0 1 0 {S}Z"/>'
    elif kind == "half":
        shape = f'<path d="M0 {S}A{H} {H} 0 0 1 {S} {S}Z"/>'
    elif kind == "circle":
        shape = f'<circle cx="{H}" cy="{H}" r="{_f(s * 0.4)}"/>'
    elif kind == "ring":
        width = s * _lerp(0.08, 0.16, energy)
        shape = (
            f'<circle cx="{H}" cy="{H}" r="{_f(s * 0.3)}" fill="none" stroke="{fill}" '
            f'stroke-width="{_f(width)}"/>'
        )
    elif kind == "triangle":
        shape = f'<path d="M0 0H{S}L0 {S}Z"/>'
    elif kind == "leaf":
        shape = f'<path d="M0 {S}A{S} {S} 0 0 1 {S} 0A{S} {S} 0 0 1 0 {S}Z"/>'
    elif kind == "bars":
        bar = s / 7
        shape = "".join(_rect(0, bar * k, s, bar, fill) for k in (1, 3, 5))
    else:  # dots
        shape = "".join(
            _circle(s * i / 6, s * j / 6, s * 0.07, fill) for i in (1, 3, 5) for j in (1, 3, 5)
        )
    return f'<g transform="{transform}" fill="{fill}">{shape}</g>'


def _draw_waves(svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float) -> None:
    """Layered sine bands, from a hazy far sea to a saturated near one."""
    bands = max(3, round(_lerp(5, 14, tempo) * _density(energy)))
    horizon = rng.random() < 0.6
    sky = svg.gradient([(0, pal.background_alt, 1), (0.7, pal.background, 1)])
    svg.add(_rect(0, 0, WIDTH, HEIGHT, sky))
    ordered = pal.by_contrast()
    if horizon:
        sun = ordered[-1] if pal.dark else ordered[0].mix(pal.ink, 0.15)
        svg.add(
            _circle(
                rng.uniform(0.2, 0.8) * WIDTH,
                rng.uniform(0.14, 0.24) * HEIGHT,
                rng.uniform(70, 120),
                sun.hex,
            )
        )
    ramp = [pal.background.mix(ordered[0], 0.5), *ordered]
    amplitude = _lerp(16, 70, energy)
    frequency = _lerp(0.8, 2.6, tempo)  # cycles across the width: the rhythm
    harmonics = 1 + round(energy * 2)
    first = 0.34 if horizon else 0.06
    for i in range(bands):
        u = i / (bands - 1)
        base = _lerp(first * HEIGHT, 0.93 * HEIGHT, u**0.9)
        amp = amplitude * _lerp(0.6, 1.4, u)
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
        curve = _smooth(points, closed=False)
        colour = _ramp(ramp, u)
        svg.add(f'<path d="{curve}L{WIDTH + 64} {HEIGHT}L-64 {HEIGHT}Z" fill="{colour.hex}"/>')
        if rng.random() < energy * 0.8:
            # A bright crest line: foam on an energetic sea.
            crest = colour.mix(pal.ink, 0.5) if pal.dark else colour.shifted(0.12)
            svg.add(
                f'<path d="{curve}" fill="none" stroke="{crest.hex}" '
                f'stroke-width="{_f(_lerp(2, 5, energy))}" stroke-linecap="round"/>'
            )


def _draw_constellation(
    svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float
) -> None:
    """A night sky: star field, soft nebulae, a crescent moon and a few linked constellations."""
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6)
    night = svg.gradient(
        [(0, pal.background_alt, 1), (1, pal.background, 1)],
        radial=True,
        geometry=f'cx="{_f(cx, 2)}" cy="{_f(cy, 2)}" r="0.8"',
    )
    svg.add(_rect(0, 0, WIDTH, HEIGHT, night))
    for colour in rng.sample(pal.colours, 2):
        glow = svg.gradient([(0, colour, 0.28), (1, colour, 0)], radial=True)
        svg.add(
            f'<ellipse cx="{_f(rng.uniform(200, 1720))}" cy="{_f(rng.uniform(150, 930))}" '
            f'rx="{_f(rng.uniform(420, 800))}" ry="{_f(rng.uniform(220, 420))}" fill="{glow}" '
            f'transform="rotate({_f(rng.uniform(-30, 30))} 960 540)"/>'
        )
    _stars(svg, rng, pal, round(_lerp(110, 380, tempo) * _density(energy)), HEIGHT)
    moon: list[tuple[float, float]] = []
    if rng.random() < 0.7:
        # The crescent is a disc minus an offset disc, via a mask (no need to match the sky).
        mx, my, mr = rng.choice((0.15, 0.85)) * WIDTH, rng.uniform(0.15, 0.3) * HEIGHT, 70
        mask = svg.new_id()
        offset = rng.choice((-1, 1)) * mr * 0.45
        svg.defs.append(
            f'<mask id="{mask}">{_circle(mx, my, mr, "#fff")}'
            f"{_circle(mx + offset, my - mr * 0.2, mr * 0.92, '#000')}</mask>"
        )
        halo = svg.gradient([(0, pal.ink, 0.18), (1, pal.ink, 0)], radial=True)
        svg.add(_circle(mx, my, mr * 3, halo))
        svg.add(_circle(mx, my, mr, pal.ink.mix(pal.colours[0], 0.2).hex, f' mask="url(#{mask})"'))
        moon.append((mx, my))
    groups = round(_lerp(2, 5, energy))
    width = _lerp(1.2, 3, energy)
    box = (250, 200, WIDTH - 250, HEIGHT - 200)
    for gx, gy in _spread_points(rng, groups, box, avoid=moon):
        colour = rng.choice(pal.colours)
        count = rng.randint(5, 7) + round(tempo * 2)
        radius = rng.uniform(140, 260)
        points = [
            (gx + radius * rng.uniform(-1, 1), gy + radius * rng.uniform(-0.7, 0.7))
            for _ in range(count)
        ]
        lines = "".join(
            f'<line x1="{_f(points[a][0])}" y1="{_f(points[a][1])}" '
            f'x2="{_f(points[b][0])}" y2="{_f(points[b][1])}"/>'
            for a, b in _spanning_tree(points)
        )
        svg.add(
            f'<g stroke="{colour.hex}" stroke-width="{_f(width)}" stroke-opacity="0.7" '
            f'stroke-linecap="round">{lines}</g>'
        )
        for x, y in points:
            svg.add(_circle(x, y, rng.uniform(9, 16), colour.hex, ' opacity="0.22"'))
            svg.add(_circle(x, y, rng.uniform(2.5, 4.5), pal.ink.hex))


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


def _draw_mosaic(svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float) -> None:
    """Low-poly stained glass: a jittered triangle mesh over a smooth colour field."""
    cols = max(4, round(_lerp(7, 17, tempo) * _density(energy)))
    rows = max(3, round(cols * 9 / 16))
    cw, ch = WIDTH / cols, HEIGHT / rows
    jitter = _lerp(0.12, 0.42, energy)

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
    noise = _lerp(0.03, 0.09, energy)

    def colour_at(x: float, y: float) -> _Colour:
        # Inverse-distance weighting in Oklab: smooth regions of colour, not mud.
        total = lightness = a = b = 0.0
        for ax, ay, colour in anchors:
            weight = 1 / ((x - ax) ** 2 + (y - ay) ** 2 + 1) ** 1.3
            total += weight
            lightness += weight * colour.lightness
            a += weight * colour.a
            b += weight * colour.b
        return _Colour(lightness / total, a / total, b / total).shifted(rng.uniform(-noise, noise))

    tiles = []
    for r in range(rows):
        for c in range(cols):
            a, b, d, e = grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c]
            halves = ((a, b, d), (a, d, e)) if rng.random() < 0.5 else ((a, b, e), (b, d, e))
            for tri in halves:
                mx, my = sum(p[0] for p in tri) / 3, sum(p[1] for p in tri) / 3
                tiles.append(f'<path d="{_polyline(tri)}Z" fill="{colour_at(mx, my).hex}"/>')
    grout = pal.background if pal.dark else pal.ink.mix(pal.background, 0.25)
    svg.add(
        f'<g stroke="{grout.hex}" stroke-width="{_f(_lerp(5, 2, energy))}" '
        f'stroke-linejoin="round">{"".join(tiles)}</g>'
    )
    for _ in range(round(energy * cols * 0.6)):
        x, y = grid[rng.randint(1, rows - 1)][rng.randint(1, cols - 1)]
        svg.add(_circle(x, y, rng.uniform(5, 9), pal.ink.hex if pal.dark else pal.background.hex))


def _draw_rings(svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float) -> None:
    """Concentric broken arcs around one or more centres, like a slowly turning record."""
    svg.add(_rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    main = (rng.uniform(0.3, 0.7) * WIDTH, rng.uniform(0.38, 0.62) * HEIGHT)
    systems = [(main, rng.uniform(0.42, 0.6) * HEIGHT, 1.0)]
    if rng.random() < 0.6:
        # The smaller system sits in the opposite quadrant, so the two talk without tangling.
        other = (
            (rng.uniform(0.12, 0.22) if main[0] > WIDTH / 2 else rng.uniform(0.78, 0.88)) * WIDTH,
            (rng.uniform(0.25, 0.35) if main[1] > HEIGHT / 2 else rng.uniform(0.65, 0.75)) * HEIGHT,
        )
        systems.append((other, rng.uniform(0.18, 0.28) * HEIGHT, 0.5))
    svg.add(_circle(*main, systems[0][1] * 1.12, pal.background_alt.hex))
    for (cx, cy), outer, share in systems:
        count = max(3, round(_lerp(7, 22, tempo) * _density(energy) * share))
        inner = outer * 0.14
        step = (outer - inner) / count
        width = step * _lerp(0.35, 0.78, energy)
        svg.add(_circle(cx, cy, inner * 0.8, rng.choice(pal.colours).hex))
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
            f'<g fill="none" stroke-width="{_f(width)}" stroke-linecap="round">{"".join(arcs)}</g>'
        )
    for _ in range(round(energy * 14)):
        (cx, cy), outer, _ = rng.choice(systems)
        angle, radius = rng.uniform(0, math.tau), rng.uniform(1.05, 1.3) * outer
        svg.add(
            _circle(
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
        f'<path d="M{_pt(x0, y0, 1)}A{_f(r)} {_f(r)} 0 {large} 1 {_pt(x1, y1, 1)}" '
        f'stroke="{stroke}"/>'
    )


def _draw_stripes(
    svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float
) -> None:
    """Op art: even stripes bent by invisible lenses, so the flat wall seems to bulge."""
    count = max(8, round(_lerp(16, 44, tempo) * _density(energy)))
    svg.add(_rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    lenses = [
        (
            rng.uniform(0.2, 0.8) * WIDTH,
            rng.uniform(0.25, 0.75) * HEIGHT,
            rng.uniform(0.32, 0.55) * HEIGHT,
            # Strength stays below 1 so neighbouring stripes never cross (the map stays monotone).
            _lerp(0.35, 0.85, energy) * rng.choice((1, 1, -1)),
        )
        for _ in range(1 + (rng.random() < 0.5))
    ]
    wave = _lerp(4, 30, energy)
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
        fill = pal.ink if mono else _ramp(ramp, (i + 1) / (count + 1))
        svg.add(f'<path d="{_polyline(upper + lower)}Z" fill="{fill.hex}"/>')


def _draw_blobs(svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float) -> None:
    """Organic cut-out shapes, big and soft behind, small and lively in front, with confetti."""
    svg.add(_rect(0, 0, WIDTH, HEIGHT, pal.background.hex))
    wobble = _lerp(0.08, 0.3, energy)

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
        svg.add(f'<path d="{_smooth(outline, closed=True)}" fill="{pal.background_alt.hex}"/>')
    count = max(3, round(_lerp(5, 12, tempo) * _density(energy)))
    crowding = min(1.0, (8 / count) ** 0.5)  # many shapes: smaller, so the ground still shows
    colours = list(pal.colours)
    rng.shuffle(colours)
    centres = _spread_points(rng, count, (160, 140, WIDTH - 160, HEIGHT - 140))
    for i, (cx, cy) in enumerate(centres):
        size = _lerp(360, 120, i / max(1, count - 1)) * crowding * rng.uniform(0.85, 1.15)
        outline = blob(cx, cy, size)
        colour = colours[i % len(colours)]
        svg.add(f'<path d="{_smooth(outline, closed=True)}" fill="{colour.hex}"/>')
        if rng.random() < 0.35:
            # A smaller echo inside: the stone in the fruit.
            inner = [(cx + (x - cx) * 0.45, cy + (y - cy) * 0.45) for x, y in outline]
            echo = colours[(i + 2) % len(colours)].hex
            svg.add(f'<path d="{_smooth(inner, closed=True)}" fill="{echo}"/>')
    confetti = round(_lerp(6, 30, energy) * _lerp(0.7, 1.3, tempo))
    for x, y in _spread_points(rng, confetti, (40, 40, WIDTH - 40, HEIGHT - 40), tries=3):
        colour = rng.choice((*pal.colours, pal.ink)).hex
        if rng.random() < 0.5:
            svg.add(_circle(x, y, rng.uniform(5, 13), colour))
        else:
            angle, length = rng.uniform(0, math.tau), rng.uniform(14, 34)
            dx, dy = length * math.cos(angle), length * math.sin(angle)
            svg.add(
                f'<path d="M{_pt(x, y)}l{_pt(dx, dy)}" stroke="{colour}" '
                f'stroke-width="{_f(_lerp(6, 10, energy))}" stroke-linecap="round"/>'
            )
    for _ in range(round(_lerp(0, 3, energy))):
        x, y = rng.uniform(200, WIDTH - 200), rng.uniform(150, HEIGHT - 150)
        walk = []
        for _ in range(6):
            walk.append((x, y))
            x, y = x + rng.uniform(40, 90), y + rng.uniform(-60, 60)
        svg.add(
            f'<path d="{_smooth(walk, closed=False)}" fill="none" stroke="{pal.ink.hex}" '
            f'stroke-width="6" stroke-linecap="round"/>'
        )


def _draw_mountains(
    svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float
) -> None:
    """Layered ridgelines under a sun, fading with distance (atmospheric perspective)."""
    ordered = pal.by_contrast()
    glow = ordered[-1] if pal.dark else ordered[0]
    horizon = pal.background.mix(glow, 0.35)
    sky = svg.gradient([(0, pal.background_alt, 1), (0.75, horizon, 1)])
    svg.add(_rect(0, 0, WIDTH, HEIGHT, sky))
    if pal.dark:
        _stars(svg, rng, pal, round(_lerp(40, 120, tempo)), HEIGHT * 0.55)
    sx, sy = rng.uniform(0.18, 0.82) * WIDTH, rng.uniform(0.2, 0.4) * HEIGHT
    radius = rng.uniform(80, 140)
    # The sun is the colour that stands out most against the sky around it.
    sun = max(pal.colours, key=lambda c: _distance(c, horizon)).shifted(0.04)
    halo = svg.gradient([(0, sun, 0.45), (1, sun, 0)], radial=True)
    svg.add(_circle(sx, sy, radius * 2.8, halo))
    svg.add(_circle(sx, sy, radius, sun.hex))
    layers = max(2, round(_lerp(3, 7, tempo) * _density(energy)))
    near = pal.background.shifted(-0.06) if pal.dark else pal.ink.mix(ordered[-1], 0.3)
    far = horizon.mix(ordered[len(ordered) // 2], 0.45)
    middle = rng.choice(ordered).mix(near, 0.35)
    # Calm music rolls like hills; energetic music breaks into peaks.
    smooth = energy < 0.4
    levels = 4 if smooth else 6
    roughness = _lerp(0.45, 0.62, energy)
    for j in range(layers):
        u = j / (layers - 1)
        base = _lerp(0.56, 0.9, u) * HEIGHT
        amplitude = _lerp(200, 90, u) * rng.uniform(0.75, 1.1)
        heights = _fractal_ridge(rng, levels, roughness)
        step = (WIDTH + 40) / (len(heights) - 1)
        ridge = [(-20 + k * step, base - amplitude * (h + 1) / 2) for k, h in enumerate(heights)]
        line = _smooth(ridge, closed=False) if smooth else _polyline(ridge)
        colour = _ramp([far, middle, near], u**0.8)
        svg.add(f'<path d="{line}L{WIDTH + 20} {HEIGHT}L-20 {HEIGHT}Z" fill="{colour.hex}"/>')
    for _ in range(round(energy * 7)):
        bx, by = sx + rng.uniform(-420, 420), sy + rng.uniform(-60, 160)
        span = rng.uniform(10, 20)
        # A bird is two shallow curves meeting at the body: the child's "v" seen far away.
        wing, tip = span * 0.5, span * 0.4
        svg.add(
            f'<path d="M{_pt(bx - span, by - tip)}Q{_pt(bx - tip, by - wing)} {_pt(bx, by)}'
            f'Q{_pt(bx + tip, by - wing)} {_pt(bx + span, by - tip)}" fill="none" '
            f'stroke="{near.hex}" stroke-width="3" stroke-linecap="round"/>'
        )


def _draw_aurora(svg: _Svg, rng: random.Random, pal: _Palette, tempo: float, energy: float) -> None:
    """Northern lights: blurred curtains of colour with fine rays, over a dark horizon."""
    sky = svg.gradient([(0, pal.background.shifted(-0.06), 1), (1, pal.background_alt, 1)])
    svg.add(_rect(0, 0, WIDTH, HEIGHT, sky))
    _stars(svg, rng, pal, round(_lerp(70, 220, tempo) * _density(energy)), HEIGHT * 0.8)
    veils = round(_lerp(2, 4, energy) + tempo)
    soft = svg.blur(_lerp(16, 8, energy))
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
                _lerp(0.5, 1.6, tempo) * (k + 1) * rng.uniform(0.8, 1.2),
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
            f'<path d="{_smooth(bottom, closed=False)}L{_smooth(top, closed=False)[1:]}Z" '
            f'fill="{paint}"/>'
        )
        for _ in range(round(_lerp(12, 30, tempo) * _density(energy))):
            x = rng.uniform(0, WIDTH)
            reach = height * rng.uniform(0.6, 1.15)
            rays.append(
                _rect(
                    x,
                    lower(x) - reach,
                    rng.uniform(2, 8),
                    reach + 12,
                    paint,
                    f' opacity="{_f(rng.uniform(0.25, 0.6), 2)}"',
                )
            )
    svg.add(f'<g filter="{soft}">{"".join(curtains)}</g>')
    svg.add(f'<g filter="{svg.blur(1.5)}">{"".join(rays)}</g>')
    hills = [(x, HEIGHT * 0.86 + rng.uniform(-30, 30)) for x in range(-160, WIDTH + 161, 240)]
    land = pal.background.shifted(-0.1)
    svg.add(
        f'<path d="{_smooth(hills, closed=False)}L{WIDTH + 160} {HEIGHT}L-160 {HEIGHT}Z" '
        f'fill="{land.hex}"/>'
    )


_DRAWERS: dict[str, _Drawer] = {
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
assert set(_DRAWERS) == set(STYLES)


# --------------------------------------------------------------------------- titles

_STYLE_PHRASES = {
    "aurora": "in Northern Light",
    "bauhaus": "after Bauhaus",
    "blobs": "in Soft Shapes",
    "constellation": "among Stars",
    "mosaic": "in Glass",
    "mountains": "over the Ridges",
    "rings": "in Rings",
    "stripes": "in Op Art",
    "waves": "in Waves",
}
_ADJECTIVES = ("Tidal", "Silver", "Wandering", "Open", "Paper", "Crystal", "Hollow", "Lucid")
_NOUNS = ("Bloom", "Harbour", "Garden", "Tide", "Meadow", "Signal", "Orbit", "Horizon", "Echo")
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on at to with and or for from by into over under my your our their is "
        "are was were be some very this that these those it its as like about just me we you "
        "make draw paint painting picture image art artwork please show give create something "
        "kind style",
    )
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _title(prompt: str, style: str, mood: _Mood | None, digest: bytes) -> str:
    """A short evocative title: two prompt words (or mood adjective + word), then the style."""
    rng = random.Random(int.from_bytes(digest, "big") ^ 0x7171)
    words = [
        w for w in _WORD.findall(prompt) if len(w) >= 3 and len(w) <= 16 and w not in _STOPWORDS
    ][:12]
    adjectives = mood.adjectives if mood else _ADJECTIVES
    if len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        pair = [words[i], words[i + 1]]
    elif words:
        pair = [rng.choice(adjectives), words[0]]
    else:
        pair = [rng.choice(adjectives), rng.choice(_NOUNS)]
    return f"{' '.join(w[:1].upper() + w[1:] for w in pair)}, {_STYLE_PHRASES[style]}"


# --------------------------------------------------------------------------- public api


def _digest(*parts: object) -> bytes:
    # JSON keeps the parts unambiguous ("a|b" + "c" never collides with "a" + "b|c").
    encoded = json.dumps([_ALGORITHM, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).digest()


def _unit(digest: bytes) -> float:
    return int.from_bytes(digest[:8], "big") / 2**64


def choose_style(prompt: str, *, weights: Mapping[str, float] | None = None) -> str:
    """Pick a style deterministically from the prompt, optionally biased by ``weights``.

    ``weights`` maps style -> non-negative weight (e.g. how much the user likes it). Styles
    missing from it weigh 0 and unknown names are ignored, since weights come from stored
    data and a style may have been retired since. If no style has a positive weight, every
    style is equally likely.
    """
    if weights is None:
        shares = [1.0] * len(STYLES)
    else:
        shares = []
        for style in STYLES:
            weight = weights.get(style, 0.0)
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise ValueError(f"weights must be numbers (got {weight!r} for {style})")
            if not math.isfinite(weight) or weight < 0:
                raise ValueError(f"weights must be finite and >= 0 (got {weight!r} for {style})")
            shares.append(float(weight))
        if sum(shares) <= 0:
            shares = [1.0] * len(STYLES)
    target = _unit(_digest("style", normalise_prompt(prompt))) * sum(shares)
    chosen = STYLES[0]
    for style, share in zip(STYLES, shares, strict=True):
        if share <= 0:
            continue
        chosen = style
        target -= share
        if target < 0:
            break
    return chosen


def _resolve_mood(mood: str | None, prompt: str) -> tuple[_Mood | None, _Mood]:
    """The named mood (if any) and the palette character to use.

    An explicit mood wins; otherwise the first mood word in the prompt; otherwise a
    character derived from the hash of the free-text mood (or of the prompt).
    """
    candidates = [mood] if mood else _WORD.findall(prompt)
    for word in candidates:
        name = word if word in _MOODS else _MOOD_SYNONYMS.get(word)
        if name:
            return _MOODS[name], _MOODS[name]
    seed = _digest("mood", mood or prompt)
    return None, _Mood(
        hue=seed[0] * 360 / 256,
        hue_spread=15,
        chroma=0.06 + seed[1] / 255 * 0.1,
        dark=seed[2] < 128,
        schemes=(tuple(_SCHEMES)[seed[3] % len(_SCHEMES)],),
        energy=0.5,
        bpm=100,
        adjectives=_ADJECTIVES,
    )


def title_for(request: GenerationRequest, style: str) -> str:
    """A title in the procedural generator's manner, for backends that draw no title."""
    named, _ = _resolve_mood(request.mood, request.prompt)
    return _title(request.prompt, style, named, _digest("title", request.prompt, style))


def _hue_hint(prompt: str) -> float | None:
    return next((_HUE_HINTS[w] for w in _WORD.findall(prompt) if w in _HUE_HINTS), None)


class ProceduralGenerator:
    """Offline SVG art, deterministic from its inputs, a few milliseconds an image."""

    name = "procedural"
    styles = STYLES

    def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Render ``request`` as SVG; raise ``ValueError`` naming the field if it is invalid."""
        req = validate_request(request)
        if req.style is not None and req.style not in STYLES:
            raise ValueError(f"style must be one of {', '.join(STYLES)} (got {req.style!r})")
        look = LOOKS[req.look] if req.look else None
        style = req.style or choose_style(req.prompt, weights=leaning(None, req.look))
        bpm = None if req.bpm is None else round(req.bpm, 2)
        energy = None if req.energy is None else round(req.energy, 3)
        brightness = None if req.brightness is None else round(req.brightness, 3)
        inputs: list[object] = [req.prompt, style, req.mood, bpm, energy]
        if brightness is not None or req.fingerprint is not None:  # music heard: its own seed
            inputs += [brightness, req.fingerprint]
        if look is not None:
            inputs += ["look", req.look]
        digest = _digest("image", *inputs)
        rng = random.Random(int.from_bytes(digest, "big"))
        named, mood = _resolve_mood(req.mood, req.prompt)
        if look is not None:
            mood = _look_palette(look, mood)
        if energy is None:
            energy = min(max(mood.energy + rng.uniform(-0.1, 0.1), 0.0), 1.0)
        if bpm is None:
            bpm = mood.bpm + rng.uniform(-12, 12)
        tempo = min(max((bpm - 40) / 180, 0.0), 1.0)
        dark = _DARK_STYLES.get(style)
        if dark is None and look is not None:
            dark = look.dark
        if dark is None and brightness is not None:
            dark = brightness < 0.5
        lift = 0.0 if brightness is None else (brightness - 0.5) * 0.16
        palette = _make_palette(
            rng, mood, energy, dark=dark, hue_hint=_hue_hint(req.prompt), lift=lift
        )
        svg = _Svg()
        _DRAWERS[style](svg, rng, palette, tempo, energy)
        title = _title(req.prompt, style, named, digest)
        return GeneratedImage(
            content=svg.render(title).encode("utf-8"),
            extension="svg",
            content_type="image/svg+xml",
            title=title,
            style=style,
        )


def _look_palette(look: Look, mood: _Mood) -> _Mood:
    """The mood's tempo, energy and words, with the look's colours."""
    return _Mood(
        hue=look.hue,
        hue_spread=12,
        chroma=look.chroma,
        dark=look.dark,
        schemes=look.schemes,
        energy=mood.energy,
        bpm=mood.bpm,
        adjectives=mood.adjectives,
    )
