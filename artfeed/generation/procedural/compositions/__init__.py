"""The compositions, one module per style, each self-contained: its ``draw`` fills the
whole canvas from the seeded random source, the palette, the tempo and the energy (both
0..1)."""

from __future__ import annotations

import random
from collections.abc import Callable

from artfeed.generation.procedural.compositions import (
    aurora,
    bauhaus,
    blobs,
    constellation,
    mosaic,
    mountains,
    rings,
    stripes,
    waves,
)
from artfeed.generation.vocabulary import STYLES

from ..canvas import Svg
from ..palette import Palette

Drawer = Callable[[Svg, random.Random, Palette, float, float], None]

DRAWERS: dict[str, Drawer] = {
    "aurora": aurora.draw,
    "bauhaus": bauhaus.draw,
    "blobs": blobs.draw,
    "constellation": constellation.draw,
    "mosaic": mosaic.draw,
    "mountains": mountains.draw,
    "rings": rings.draw,
    "stripes": stripes.draw,
    "waves": waves.draw,
}
assert set(DRAWERS) == set(STYLES)
