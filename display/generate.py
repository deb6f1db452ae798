"""Generating from a screen: the display's door into ``artfeed.generation``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from artfeed.generation.base import GenerationRequest
from artfeed.generation.service import Generation, generate_artwork
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


def parse_generation_request(fields: Mapping[str, object]) -> GenerationRequest:
    """A request from the overlay's fields (strings) or a script's JSON (numbers too).
    Raises ``ValueError`` naming the field; ranges are checked by the service."""
    style = fields.get("style") or None
    return GenerationRequest(
        prompt=fields.get("prompt", ""),  # type: ignore[arg-type]
        style=None if style == SURPRISE else style,  # type: ignore[arg-type]
        mood=fields.get("mood") or None,  # type: ignore[arg-type]
        bpm=_number(fields, "bpm"),
        energy=_number(fields, "energy"),
        brightness=_number(fields, "brightness"),
        fingerprint=fields.get("fingerprint") or None,  # type: ignore[arg-type]
        look=fields.get("look") or None,  # type: ignore[arg-type]
    )


def is_dynamic(fields: Mapping[str, object]) -> bool:
    """Whether dynamic mode (not a person) asked: ``dynamic`` is true, 1, on, true or yes."""
    value = fields.get("dynamic")
    return value is True or (isinstance(value, str) and value.lower() in {"1", "on", "true", "yes"})


def _number(fields: Mapping[str, object], name: str) -> float | None:
    raw = fields.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"{name} must be a number (got {raw!r})")
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number (got {raw!r:.40})") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a number (got {raw!r:.40})")
    return value


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
