"""The procedural backend's face: a request in, its picture and title out."""

from __future__ import annotations

import random

from artfeed.generation.base import GeneratedImage, GenerationRequest, validate_request
from artfeed.generation.looks import LOOKS, leaning
from artfeed.generation.procedural.canvas import Svg
from artfeed.generation.procedural.compositions import DRAWERS
from artfeed.generation.procedural.palette import (
    character_for,
    look_character,
    make_palette,
    prompt_hue,
)
from artfeed.generation.vocabulary import STYLES, choose_style, seed, title_for

# Night scenes need a dark ground whatever the mood says.
_DARK_STYLES = {"aurora": True, "constellation": True}


class ProceduralGenerator:
    """Offline SVG art, deterministic from its inputs, a few milliseconds an image."""

    name = "procedural"
    styles = STYLES

    def generate(self, request: GenerationRequest) -> GeneratedImage:
        """Render ``request`` as SVG; raise ``ValueError`` naming the field if it is invalid."""
        req = validate_request(request, styles=self.styles)
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
        digest = seed("image", *inputs)
        rng = random.Random(int.from_bytes(digest, "big"))
        character = character_for(req.mood, req.prompt)
        if look is not None:
            character = look_character(look, character)
        if energy is None:
            energy = min(max(character.energy + rng.uniform(-0.1, 0.1), 0.0), 1.0)
        if bpm is None:
            bpm = character.bpm + rng.uniform(-12, 12)
        tempo = min(max((bpm - 40) / 180, 0.0), 1.0)
        dark = _DARK_STYLES.get(style)
        if dark is None and look is not None:
            dark = look.dark
        if dark is None and brightness is not None:
            dark = brightness < 0.5
        lift = 0.0 if brightness is None else (brightness - 0.5) * 0.16
        palette = make_palette(
            rng, character, energy, dark=dark, hue_hint=prompt_hue(req.prompt), lift=lift
        )
        svg = Svg()
        DRAWERS[style](svg, rng, palette, tempo, energy)
        title = title_for(req, style, digest=digest)
        return GeneratedImage(
            content=svg.render(title).encode("utf-8"),
            extension="svg",
            content_type="image/svg+xml",
            title=title,
            style=style,
        )
