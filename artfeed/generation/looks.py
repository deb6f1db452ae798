"""Looks: named "in the manner of" presets a user may prefer or a generation may name.

One vocabulary for every backend: the procedural generator reads a look's colours and
compositions, an image model reads its words. A look is a palette and a leaning, not a
copy of anyone's work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    label: str  # what the settings page and the form show
    prompt: str  # how an image model is told (OpenAI-compatible backend)
    hue: float  # the palette's centre, OKLCH degrees (procedural backend)
    chroma: float
    dark: bool  # a dark ground or a light one
    schemes: tuple[str, ...]  # colour harmonies (procedural ``_SCHEMES``)
    styles: tuple[str, ...]  # the compositions it leans to when no style is named


LOOKS: dict[str, Look] = {
    "rothko": Look(
        "Rothko: colour fields",
        "in the manner of Mark Rothko: large soft-edged fields of deep, glowing colour",
        20, 0.15, True, ("analogous",), ("blobs", "stripes"),
    ),
    "mondrian": Look(
        "Mondrian: primary grid",
        "in the manner of Piet Mondrian: a white ground, black lines, red, yellow and blue",
        25, 0.2, False, ("triadic",), ("bauhaus", "mosaic"),
    ),
    "hokusai": Look(
        "Hokusai: woodblock blues",
        "in the manner of a Hokusai woodblock print: Prussian blue, crisp lines, paper white",
        250, 0.12, False, ("analogous", "complementary"), ("waves", "mountains"),
    ),
    "monet": Look(
        "Monet: soft light",
        "in the manner of Claude Monet: broken brushwork, pastel light on water and gardens",
        150, 0.08, False, ("analogous", "split"), ("blobs", "waves"),
    ),
    "kandinsky": Look(
        "Kandinsky: circles and colour",
        "in the manner of Wassily Kandinsky: circles, lines and vivid colour in rhythm",
        300, 0.18, False, ("triadic", "split"), ("rings", "bauhaus"),
    ),
    "klimt": Look(
        "Klimt: gold",
        "in the manner of Gustav Klimt: gold leaf, ornament and jewel-like mosaic",
        85, 0.14, True, ("analogous", "complementary"), ("mosaic", "rings"),
    ),
    "van-gogh": Look(
        "Van Gogh: starry swirls",
        "in the manner of Vincent van Gogh: swirling strokes, deep blue night and yellow light",
        260, 0.16, True, ("complementary",), ("constellation", "waves", "aurora"),
    ),
    "riley": Look(
        "Riley: op art",
        "in the manner of Bridget Riley: precise black-and-white optical rhythms",
        240, 0.03, False, ("complementary",), ("stripes", "rings"),
    ),
}  # fmt: skip


def leaning(weights: Mapping[str, float] | None, look: str | None) -> Mapping[str, float] | None:
    """Style weights for choosing a composition: ``weights`` (the user's, or None for every
    style alike) with one more for each style the look leans to."""
    if look is None:
        return weights
    combined = dict(weights or {})
    for style in LOOKS[look].styles:
        combined[style] = combined.get(style, 0.0) + 1.0
    return combined
