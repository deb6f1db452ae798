"""Demo data: a demo user and a varied public pool, so a new install is worth watching;
and a ``legacy`` user with art older than the demo's cutover, to try the backfill on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from artfeed.generation.base import GenerationRequest
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.generation.vocabulary import MOODS, STYLES
from artfeed.images import content_digest
from artfeed.models import Artwork

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "artfeed-demo"

# The moment impression tracking began, in the demo's story (``make run`` sets
# ARTFEED_TRACKING_SINCE to it). The legacy user joined, and the legacy art was made,
# before it; the legacy user saw a few of those artworks while an early recorder ran.
DEMO_CUTOVER = datetime(2026, 1, 1, tzinfo=UTC)
LEGACY_USERNAME = "legacy"
LEGACY_PASSWORD = "artfeed-legacy"
LEGACY_ARTWORKS = 12
LEGACY_VIEWED = 3
LEGACY_JOINED = DEMO_CUTOVER - timedelta(days=214)
LEGACY_SERIES = 10_000  # past the largest demo pool: the legacy art is drawn apart

# Sent once the legacy artworks exist: sender=None, user=the legacy user,
# artworks=[the legacy artworks, oldest first], viewed=how many of the oldest they saw,
# viewed_at=when. The impressions app records those views; artfeed does not import it.
legacy_seeded = Signal()

SUBJECTS = [
    "harbour at dawn",
    "desert night",
    "city rain",
    "forest clearing",
    "winter lake",
    "summer meadow",
    "northern lights",
    "coral reef",
    "old lighthouse",
    "neon alley",
    "mountain pass",
    "tea garden",
    "storm front",
    "quiet library",
    "orbiting moons",
    "paper lanterns",
    "salt flats",
    "river delta",
    "glass house",
    "autumn orchard",
    "midnight train",
    "cathedral echoes",
    "tidal pools",
    "jazz club",
    "sand dunes",
    "lavender fields",
    "volcanic coast",
    "snow village",
    "radio static",
    "marble quarry",
    "sunken garden",
    "kite festival",
]


@dataclass(frozen=True)
class DemoResult:
    user: AbstractBaseUser
    created_user: bool
    created_artworks: int
    total_artworks: int
    legacy_user: AbstractBaseUser
    created_legacy_user: bool


def demo_requests(count: int, *, start: int = 0) -> list[GenerationRequest]:
    """``count`` varied requests: every style, every mood, a spread of tempos (the
    ``start``-th on, so two series can be told apart)."""
    requests = []
    for index in range(start, start + count):
        requests.append(
            GenerationRequest(
                prompt=SUBJECTS[index % len(SUBJECTS)],
                style=STYLES[index % len(STYLES)],
                mood=MOODS[(index // len(STYLES)) % len(MOODS)],
                bpm=float(60 + (index * 37) % 120),
                energy=round(((index * 7) % 10) / 9, 2),
            )
        )
    return requests


def seed_demo(
    *, artworks: int = 64, password: str = DEMO_PASSWORD, legacy_password: str = LEGACY_PASSWORD
) -> DemoResult:
    """Create the demo user and ``artworks`` pool artworks, spread over the last hours;
    and the legacy user with ``LEGACY_ARTWORKS`` public artworks made before
    ``DEMO_CUTOVER``, a few of them seen before it (``legacy_seeded``).

    Idempotent: what exists already (matched by content) is not created twice.
    """
    user, created_user = _user(DEMO_USERNAME, password)
    legacy_user, created_legacy_user = _user(
        LEGACY_USERNAME, legacy_password, date_joined=LEGACY_JOINED
    )
    now = timezone.now()
    with transaction.atomic():
        created = _pool(
            demo_requests(artworks),
            lambda index: now - timedelta(minutes=5 * (artworks - index)),
        )
        _pool(
            demo_requests(LEGACY_ARTWORKS, start=LEGACY_SERIES),
            lambda index: LEGACY_JOINED + timedelta(days=7 * (index + 1)),
        )
        legacy = list(
            Artwork.objects.filter(
                origin=Artwork.Origin.POOL, created_at__lt=DEMO_CUTOVER
            ).order_by("created_at")
        )
        legacy_seeded.send(
            sender=None,
            user=legacy_user,
            artworks=legacy,
            viewed=LEGACY_VIEWED,
            viewed_at=DEMO_CUTOVER - timedelta(days=30),
        )
    return DemoResult(
        user, created_user, created, Artwork.objects.count(), legacy_user, created_legacy_user
    )


def _user(username: str, password: str, **defaults: object) -> tuple[AbstractBaseUser, bool]:
    user, created = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def _pool(requests: list[GenerationRequest], created_at: Callable[[int], datetime]) -> int:
    """Public pool artworks drawn from ``requests``, the ``index``-th dated
    ``created_at(index)``; those already in the pool (same bytes) are skipped."""
    generator = ProceduralGenerator()
    existing = set(
        Artwork.objects.filter(origin=Artwork.Origin.POOL).values_list("content_hash", flat=True)
    )
    created = 0
    for index, request in enumerate(requests):
        image = generator.generate(request)
        digest = content_digest(image.content)
        if digest in existing:
            continue
        artwork = Artwork(
            title=image.title,
            prompt=request.prompt,
            style=image.style,
            origin=Artwork.Origin.POOL,
            is_public=True,
            created_at=created_at(index),
        )
        artwork.attach_image(image.content, extension=image.extension)
        artwork.save()
        existing.add(digest)
        created += 1
    return created
