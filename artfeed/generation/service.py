"""Making an artwork for a user: idempotent, within their daily quota, fresh for a while."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from artfeed.generation.base import GenerationRequest, Generator, validate_request
from artfeed.generation.looks import leaning
from artfeed.generation.registry import get_generator
from artfeed.generation.vocabulary import choose_style
from artfeed.models import Artwork

# Requests with the same inputs in one window (or the window before: a double click
# across a window's edge) are one request: a double click, a retry after a dropped
# connection, two tabs submitting at once.
IDEMPOTENCY_WINDOW_SECONDS = 60


class QuotaExceeded(Exception):
    """The user has generated their ``ARTFEED_DAILY_GENERATIONS`` today (message is for them)."""

    def __init__(self, *, used: int, limit: int) -> None:
        self.used, self.limit = used, limit
        super().__init__(
            f"You have made {used} of {limit} artworks today: the quota starts again at "
            "midnight UTC."
        )


class TooSoon(Exception):
    """A dynamic-mode generation came within ``ARTFEED_DYNAMIC_MIN_INTERVAL`` of the user's
    last artwork (message is for them; ``retry_after`` is in whole seconds)."""

    def __init__(self, *, retry_after: int, interval: timedelta) -> None:
        self.retry_after = retry_after
        minutes = interval.total_seconds() / 60
        super().__init__(
            f"Dynamic mode makes at most one artwork every {minutes:g} min; the next can "
            f"come in {retry_after} s."
        )


@dataclass(frozen=True)
class Generation:
    artwork: Artwork
    created: bool  # False when this repeated a request already served
    used_today: int
    daily_limit: int


def request_key(
    *, user: AbstractBaseUser, request: GenerationRequest, now: datetime, windows_ago: int = 0
) -> str:
    """The idempotency key: sha256 hex of the user, the normalised inputs and the window."""
    bucket = int(now.timestamp()) // IDEMPOTENCY_WINDOW_SECONDS - windows_ago
    parts = [user.pk, request.prompt, request.style, request.mood, request.bpm, request.energy]
    # The music heard and the look: the same prompt on a new song is a new artwork.
    parts += [request.brightness, request.fingerprint, request.look]
    encoded = json.dumps([*parts, bucket], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def generations_used(user: AbstractBaseUser, *, now: datetime | None = None) -> int:
    """How many artworks the user generated today (UTC): what the quota counts."""
    return Artwork.objects.generated_today_by(user, now=now or timezone.now()).count()


def generate_artwork(
    *,
    user: AbstractBaseUser,
    request: GenerationRequest,
    now: datetime | None = None,
    style_weights: Mapping[str, float] | None = None,
    generator: Generator | None = None,
    min_interval: timedelta | None = None,
) -> Generation:
    """Make an artwork from ``request`` for ``user`` with the configured generator.

    Private to the user and fresh (first in their feed) for ``ARTFEED_FRESH_TTL``. The
    same request in the same minute or the next returns the artwork already made, even
    when two such requests race (the unique (creator, request_key) constraint decides; the loser
    returns the winner's row), and does not count against the quota again. Without a
    style, one is chosen from the prompt, leaning towards ``style_weights`` (the styles
    the user likes). With ``min_interval`` (dynamic mode) a new artwork is made only that
    long after the user's last one.

    Raises ``ValueError`` naming the bad field, ``QuotaExceeded``, ``TooSoon`` or
    ``GenerationError`` when the backend fails; nothing is stored then.
    """
    now = now or timezone.now()
    generator = generator or get_generator()
    req = validate_request(request, styles=generator.styles)
    key = request_key(user=user, request=req, now=now)
    previous = request_key(user=user, request=req, now=now, windows_ago=1)
    limit = settings.ARTFEED_DAILY_GENERATIONS

    existing = _made_before(user, key, previous)
    if existing is not None:
        return Generation(existing, False, generations_used(user, now=now), limit)
    used = generations_used(user, now=now)
    if used >= limit:  # before generating: an image service may charge by the picture
        raise QuotaExceeded(used=used, limit=limit)
    if min_interval is not None:
        _check_interval(user, now=now, interval=min_interval)

    style = req.style or choose_style(req.prompt, weights=leaning(style_weights, req.look))
    image = generator.generate(replace(req, style=style))
    artwork = Artwork(
        title=image.title,
        prompt=" ".join(request.prompt.split()),
        style=image.style,
        origin=Artwork.Origin.GENERATED,
        is_public=False,
        created_by=user,
        created_at=now,
        fresh_until=now + settings.ARTFEED_FRESH_TTL,
        request_key=key,
    )
    artwork.attach_image(image.content, extension=image.extension)
    try:
        with transaction.atomic():
            # One generation of a user at a time from here to the commit, so that two
            # requests at the limit cannot both pass the count.
            list(get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk"))
            if min_interval is not None:  # two screens hearing the same change at once
                _check_interval(user, now=now, interval=min_interval)
            artwork.save(force_insert=True)
            used = generations_used(user, now=now)
            if used > limit:
                raise QuotaExceeded(used=used - 1, limit=limit)
    except BaseException as error:
        # No row, no file: whatever stopped the save (the idempotency key, the quota, the
        # interval, a value the database refuses, a dropped connection) leaves nothing.
        artwork.image.delete(save=False)
        if not isinstance(error, IntegrityError):
            raise
        existing = _made_before(user, key)
        if existing is None:  # not the idempotency key: a real fault
            raise
        return Generation(existing, False, generations_used(user, now=now), limit)
    return Generation(artwork, True, used, limit)


def _made_before(user: AbstractBaseUser, *keys: str) -> Artwork | None:
    return Artwork.objects.filter(created_by=user, request_key__in=keys).first()


def _check_interval(user: AbstractBaseUser, *, now: datetime, interval: timedelta) -> None:
    """``TooSoon`` unless the user's last generated artwork is ``interval`` old or more."""
    last = Artwork.objects.last_generated_at(user)
    if last is not None and now - last < interval:
        wait = (last + interval - now).total_seconds()
        raise TooSoon(retry_after=max(1, int(wait + 0.999)), interval=interval)
