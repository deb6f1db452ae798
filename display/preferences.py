"""A user's preferred styles and looks, and how they steer a generation that names none."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace

from django.contrib.auth.models import AbstractBaseUser

from artfeed.generation.base import GenerationRequest, normalise_prompt
from artfeed.generation.looks import LOOKS
from artfeed.generation.registry import get_generator
from display.models import Preferences
from display.votes import style_weights

# A preferred style weighs as much as three net likes of that style.
PREFERRED_WEIGHT = 3.0


def preferences_of(user: AbstractBaseUser) -> Preferences:
    """The user's preferences (empty, unsaved, when they have set none), keeping only
    names the vocabulary still has: a style or look retired since it was saved must not
    make every generation that names none a 400 the user never asked for."""
    preferences = Preferences.objects.filter(user=user).first() or Preferences(user=user)
    styles, looks = get_generator().styles, tuple(LOOKS)
    preferences.styles = [name for name in preferences.styles if name in styles]
    preferences.looks = [name for name in preferences.looks if name in looks]
    return preferences


def save_preferences(
    *, user: AbstractBaseUser, styles: Iterable[str], looks: Iterable[str]
) -> Preferences:
    """Replace the user's preferences; ``ValueError`` naming the field for an unknown name."""
    chosen_styles = _known("styles", styles, get_generator().styles)
    chosen_looks = _known("looks", looks, tuple(LOOKS))
    preferences, _ = Preferences.objects.update_or_create(
        user=user, defaults={"styles": chosen_styles, "looks": chosen_looks}
    )
    return preferences


def _known(field: str, names: Iterable[str], known: tuple[str, ...]) -> list[str]:
    chosen = list(dict.fromkeys(names))
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValueError(f"{field} must be among {', '.join(known)} (got {unknown[0]!r})")
    return [name for name in known if name in chosen]  # the vocabulary's order


def steer(
    request: GenerationRequest, *, user: AbstractBaseUser
) -> tuple[GenerationRequest, dict[str, float] | None]:
    """The request with the user's preferences filled in where it names nothing, and the
    style weights to choose a style by (None when it names one). Without a look, one of
    the preferred looks is picked from the prompt (the same prompt, the same look, so a
    repeat stays idempotent); without a style, preferred styles add to the votes."""
    if request.style and request.look:
        return request, None
    preferences = preferences_of(user)
    if not request.look and preferences.looks and isinstance(request.prompt, str):
        digest = hashlib.sha256(normalise_prompt(request.prompt).encode()).digest()
        look = preferences.looks[int.from_bytes(digest[:4], "big") % len(preferences.looks)]
        request = replace(request, look=look)
    if request.style:
        return request, None
    weights = style_weights(user)
    for style in preferences.styles:
        weights[style] = weights.get(style, 0.0) + PREFERRED_WEIGHT
    return request, weights
