"""Generating from a screen: the display's door into ``artfeed.generation``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from artfeed.generation.base import GenerationRequest
from artfeed.generation.service import Generation, generate_artwork
from artfeed.web.bodies import Number, Text
from display.feed import Frame
from display.pins import pin_frame
from display.preferences import steer
from display.screens import ScreenSettings

# The style select's first option: let the generator choose (leaning to liked styles).
SURPRISE = "surprise"


@dataclass(frozen=True)
class ScreenGeneration:
    generation: Generation
    frame: Frame


# The generate request's fields, as the overlay's form, dynamic mode or a script's JSON
# sends them (the screen's own, SCREEN_FIELDS, come with them). Ranges are the
# service's to check.
GENERATION_FIELDS = {
    "prompt": Text(),
    "style": Text(),
    "mood": Text(),
    "bpm": Number(),
    "energy": Number(),
    "brightness": Number(),
    "fingerprint": Text(),
    "look": Text(),
}


def parse_generation_request(fields: Mapping[str, object]) -> GenerationRequest:
    """A request from the fields ``read_body`` read with ``GENERATION_FIELDS``."""
    style = fields.get("style") or None
    return GenerationRequest(
        prompt=fields.get("prompt", ""),  # type: ignore[arg-type]
        style=None if style == SURPRISE else style,  # type: ignore[arg-type]
        mood=fields.get("mood") or None,  # type: ignore[arg-type]
        bpm=fields.get("bpm"),  # type: ignore[arg-type]
        energy=fields.get("energy"),  # type: ignore[arg-type]
        brightness=fields.get("brightness"),  # type: ignore[arg-type]
        fingerprint=fields.get("fingerprint") or None,  # type: ignore[arg-type]
        look=fields.get("look") or None,  # type: ignore[arg-type]
    )


def generate_on_screen(
    *,
    user: AbstractBaseUser,
    request: GenerationRequest,
    screen: ScreenSettings,
    dynamic: bool = False,
) -> ScreenGeneration:
    """Generate for ``user`` (their preferences and the styles they like steer what the
    request leaves open) and put the artwork on ``screen`` at once, leased to it so the
    feed does not hand it to another.
    A ``dynamic`` request (the music changed) waits ``ARTFEED_DYNAMIC_MIN_INTERVAL`` after
    the user's last artwork, whichever screen made it."""
    request, weights = steer(request, user=user)
    interval = settings.ARTFEED_DYNAMIC_MIN_INTERVAL if dynamic else None
    generation = generate_artwork(
        user=user, request=request, style_weights=weights, min_interval=interval
    )
    frame = pin_frame(user, screen=screen.key, artwork=generation.artwork, dwell=screen.dwell)
    return ScreenGeneration(generation, frame)
