"""Colours in Oklab, where mixes and lightness steps look even, written out as sRGB hex."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def lerp(a: float, b: float, t: float) -> float:
    """``a`` at 0, ``b`` at 1: how colours mix, and how the inputs scale every drawing."""
    return a + (b - a) * t


@dataclass(frozen=True)
class Colour:
    """A colour in Oklab: perceptually even, so mixes and lightness steps look right."""

    lightness: float
    a: float
    b: float

    @classmethod
    def from_oklch(cls, lightness: float, chroma: float, hue: float) -> Colour:
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

    def mix(self, other: Colour, t: float) -> Colour:
        return Colour(
            lerp(self.lightness, other.lightness, t),
            lerp(self.a, other.a, t),
            lerp(self.b, other.b, t),
        )

    def shifted(self, lightness: float) -> Colour:
        return Colour(min(max(self.lightness + lightness, 0.0), 1.0), self.a, self.b)

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


def distance(one: Colour, other: Colour) -> float:
    """How different two colours look (straight-line distance in Oklab)."""
    return math.dist((one.lightness, one.a, one.b), (other.lightness, other.a, other.b))


def colour_along(colours: Sequence[Colour], u: float) -> Colour:
    """The colour at ``u`` (0..1) along a gradient through ``colours``."""
    if len(colours) == 1:
        return colours[0]
    position = min(max(u, 0.0), 1.0) * (len(colours) - 1)
    index = min(int(position), len(colours) - 2)
    return colours[index].mix(colours[index + 1], position - index)
