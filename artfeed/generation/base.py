"""The generator interface: what every backend takes, what it returns, and how it fails.

No Django here, so backends stay plain functions of their inputs and test without a database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from artfeed.generation.looks import LOOKS

PROMPT_MAX_LENGTH = 500
MOOD_MAX_LENGTH = 40
BPM_RANGE = (20.0, 300.0)
ENERGY_RANGE = (0.0, 1.0)
BRIGHTNESS_RANGE = (0.0, 1.0)
# What the display's listening module sends as the music's fingerprint (static/display/
# listen.js): a short token such as "t120-c8f3a00b21c04-s7a52". Opaque here: it only has
# to tell songs apart, in the idempotency key and in the picture's seed.
FINGERPRINT = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class GenerationRequest:
    """What the user asked for: a prompt plus optional style and audio features."""

    prompt: str
    # One of the backend's styles, or None: the generator picks (deterministically from prompt).
    style: str | None = None
    # "calm", "happy", "melancholy", "energetic", "dark", "dreamy", ...; free text is allowed.
    mood: str | None = None
    bpm: float | None = None  # 40..220 typical
    energy: float | None = None  # 0..1
    # From the display's listening (static/display/listen.js): the sound's spectral
    # centroid on a 0..1 scale (dark, bassy .. bright, airy) and the music's fingerprint.
    brightness: float | None = None
    fingerprint: str | None = None
    # One of ``looks.LOOKS`` ("in the manner of" presets), or None.
    look: str | None = None


@dataclass(frozen=True)
class GeneratedImage:
    content: bytes
    extension: str  # "svg", "png", ...
    content_type: str  # "image/svg+xml", ...
    title: str  # a short pleasant human title, e.g. "Tidal Bloom"
    style: str  # the style actually used


class GenerationError(Exception):
    """A generator failed in a way the user should be told about (message is user-facing)."""


class Generator(Protocol):
    name: str
    styles: tuple[str, ...]  # the styles a request may name

    def generate(self, request: GenerationRequest) -> GeneratedImage: ...


def normalise_prompt(prompt: str) -> str:
    """Return the canonical form of a prompt: NFKC, whitespace collapsed, casefolded.

    Two prompts a person would call "the same" compare equal, which is what idempotency
    keys need. Idempotent: ``normalise_prompt(normalise_prompt(p)) == normalise_prompt(p)``
    (NFKC runs again after casefolding because casefolding can leave non-NFKC text).
    """
    text = unicodedata.normalize("NFKC", prompt)
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


def validate_request(request: GenerationRequest, *, styles: Sequence[str]) -> GenerationRequest:
    """Check a request's fields and return it normalised: the one check, made by every
    backend and by the service before it looks for a repeated request.

    Raises ``ValueError`` whose message starts with the offending field's name, so the web
    layer can answer 400 with it as is. The style is tidied (stripped, casefolded, blank
    means None) and must be one of ``styles``, the generator's (``Generator.styles``).
    """
    if not isinstance(request.prompt, str):
        raise ValueError("prompt must be text")
    prompt = normalise_prompt(request.prompt)
    if not prompt:
        raise ValueError("prompt must not be empty")
    if len(prompt) > PROMPT_MAX_LENGTH:
        raise ValueError(
            f"prompt must be at most {PROMPT_MAX_LENGTH} characters (got {len(prompt)})"
        )
    validated = GenerationRequest(
        prompt=prompt,
        style=_optional_word("style", request.style),
        mood=_optional_word("mood", request.mood, max_length=MOOD_MAX_LENGTH),
        bpm=_optional_number("bpm", request.bpm, BPM_RANGE),
        energy=_optional_number("energy", request.energy, ENERGY_RANGE),
        brightness=_optional_number("brightness", request.brightness, BRIGHTNESS_RANGE),
        fingerprint=_optional_fingerprint(request.fingerprint),
        look=_optional_look(request.look),
    )
    if validated.style is not None and validated.style not in styles:
        raise ValueError(f"style must be one of {', '.join(styles)} (got {validated.style!r})")
    return validated


def _optional_look(value: object) -> str | None:
    look = _optional_word("look", value)
    if look is not None and look not in LOOKS:
        raise ValueError(f"look must be one of {', '.join(LOOKS)} (got {look!r})")
    return look


def _optional_fingerprint(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("fingerprint must be text")
    token = value.strip().lower()
    if token and not FINGERPRINT.fullmatch(token):
        raise ValueError(
            "fingerprint must be 1 to 64 letters, digits or '-' (as the display's listening sends)"
        )
    return token or None


def _optional_word(field: str, value: object, *, max_length: int = 100) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text")
    word = normalise_prompt(value)
    if len(word) > max_length:
        raise ValueError(f"{field} must be at most {max_length} characters (got {len(word)})")
    return word or None


def _optional_number(field: str, value: object, bounds: tuple[float, float]) -> float | None:
    if value is None:
        return None
    # bool is an int subclass; True as a bpm is a bug upstream, not a tempo.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{field} must be a number")
    low, high = bounds
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{field} must be between {low:g} and {high:g} (got {value!r})")
    return number
