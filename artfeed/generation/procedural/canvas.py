"""The SVG document a composition draws into, and the shapes and point sets it is built
from. Numbers are written short and locale-free; ids are unique within a document."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from xml.sax.saxutils import escape

from artfeed.generation.procedural.colour import Colour, lerp

WIDTH, HEIGHT = 1920, 1080


def num(value: float, digits: int = 1) -> str:
    """A short, locale-free number for SVG attributes."""
    if digits == 0:
        # The hot path (every path point); round() also never yields "-0".
        return str(round(value))
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def xy(x: float, y: float, digits: int = 0) -> str:
    if digits == 0:
        return f"{round(x)} {round(y)}"
    return f"{num(x, digits)} {num(y, digits)}"


def polyline(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{round(x)} {round(y)}" for x, y in points)


def smooth_path(points: Sequence[tuple[float, float]], *, closed: bool) -> str:
    """A path through ``points`` as Catmull-Rom splines written as cubic Béziers."""
    n = len(points)

    def at(i: int) -> tuple[float, float]:
        return points[i % n] if closed else points[min(max(i, 0), n - 1)]

    parts = [f"M{xy(*points[0])}"]
    for i in range(n if closed else n - 1):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = at(i - 1), at(i), at(i + 1), at(i + 2)
        parts.append(
            f"C{xy(x1 + (x2 - x0) / 6, y1 + (y2 - y0) / 6)} "
            f"{xy(x2 - (x3 - x1) / 6, y2 - (y3 - y1) / 6)} {xy(x2, y2)}"
        )
    if closed:
        parts.append("Z")
    return "".join(parts)


def rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    position = f'x="{num(x)}" y="{num(y)}" ' if x or y else ""
    return f'<rect {position}width="{num(w)}" height="{num(h)}" fill="{fill}"{extra}/>'


def circle(cx: float, cy: float, r: float, fill: str, extra: str = "") -> str:
    return f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{fill}"{extra}/>'


class Svg:
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
        stops: Sequence[tuple[float, Colour, float]],
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
            f'<stop offset="{num(offset, 2)}" stop-color="{colour.hex}"'
            + (f' stop-opacity="{num(opacity, 2)}"' if opacity < 1 else "")
            + "/>"
            for offset, colour, opacity in stops
        )
        self.defs.append(f'<{tag} id="{gid}" {geometry}>{body}</{tag}>')
        return f"url(#{gid})"

    def blur(self, deviation: float) -> str:
        fid = self.new_id()
        self.defs.append(
            f'<filter id="{fid}" x="-20%" y="-20%" width="140%" height="140%">'
            f'<feGaussianBlur stdDeviation="{num(deviation)}"/></filter>'
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


def spread_points(
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


def fractal_ridge(rng: random.Random, levels: int, roughness: float) -> list[float]:
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


def density(energy: float) -> float:
    """Energy's share of element counts: calm pictures are sparser, energetic ones busier."""
    return lerp(0.85, 1.2, energy)


def stars(svg: Svg, rng: random.Random, ink: Colour, count: int, bottom: float) -> None:
    """A starry sky down to ``bottom``; mostly tiny and dim, a few bright: a power law
    reads as depth."""
    dots = "".join(
        circle(
            rng.uniform(0, WIDTH),
            rng.uniform(0, bottom),
            0.6 + 2.0 * rng.random() ** 4,
            ink.hex,
            f' opacity="{num(rng.uniform(0.25, 0.95), 2)}"',
        )
        for _ in range(count)
    )
    svg.add(f"<g>{dots}</g>")
