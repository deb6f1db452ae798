"""Demo data: a demo user and a varied public pool, so a new install is worth watching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from artfeed.generation.base import GenerationRequest
from artfeed.generation.procedural import MOODS, STYLES, ProceduralGenerator
from artfeed.images import content_digest
from artfeed.models import Artwork

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "artfeed-demo"

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


def demo_requests(count: int) -> list[GenerationRequest]:
    """``count`` varied requests: every style, every mood, a spread of tempos."""
    requests = []
    for index in range(count):
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


def seed_demo(*, artworks: int = 64, password: str = DEMO_PASSWORD) -> DemoResult:
    """Create the demo user and ``artworks`` pool artworks, spread over the last hours.

    Idempotent: what exists already (matched by content) is not created twice.
    """
    User = get_user_model()
    user, created_user = User.objects.get_or_create(username=DEMO_USERNAME)
    if created_user:
        user.set_password(password)
        user.save(update_fields=["password"])
    generator = ProceduralGenerator()
    now = timezone.now()
    existing = set(
        Artwork.objects.filter(origin=Artwork.Origin.POOL).values_list("content_hash", flat=True)
    )
    created = 0
    with transaction.atomic():
        for index, request in enumerate(demo_requests(artworks)):
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
                created_at=now - timedelta(minutes=5 * (artworks - index)),
            )
            artwork.attach_image(image.content, extension=image.extension)
            artwork.save()
            existing.add(digest)
            created += 1
    return DemoResult(user, created_user, created, Artwork.objects.count())
