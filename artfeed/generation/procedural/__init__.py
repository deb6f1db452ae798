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

One module per concern: ``palette`` (moods and looks as colours), ``colour`` (Oklab),
``canvas`` (the SVG document and its shapes), ``compositions`` (one module per style) and
``generator`` (``ProceduralGenerator``). The styles, the moods and the titles are
generation's shared vocabulary (``artfeed/generation/vocabulary.py``).
"""

from __future__ import annotations

from artfeed.generation.procedural.generator import ProceduralGenerator

__all__ = ["ProceduralGenerator"]
