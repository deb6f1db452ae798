"""Shared setup for the backfill tests: a cutover, veterans who joined before it, and
legacy art created before it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from artfeed.models import Artwork
from tests.factories import ArtworkFactory, UserFactory

CUTOVER = (timezone.now() - timedelta(days=30)).replace(microsecond=0)


def before(cutover: datetime = CUTOVER, **kwargs: float) -> datetime:
    return cutover - timedelta(**kwargs)


def veteran(username: str, **kwargs: object):
    """A user who joined well before the cutover."""
    return UserFactory(username=username, date_joined=before(days=300), **kwargs)


def legacy_art(count: int, **kwargs: object) -> list:
    """Public artworks created before the cutover, oldest first."""
    return [ArtworkFactory(created_at=before(days=count - i), **kwargs) for i in range(count)]


def legacy_rows(count: int) -> None:
    """``count`` public legacy artworks as rows only (no image files), in one statement:
    enough for a backfill to take several chunks."""
    Artwork.objects.bulk_create(
        Artwork(title=f"legacy {i}", image="art/legacy.svg", created_at=before(minutes=i + 1))
        for i in range(count)
    )
