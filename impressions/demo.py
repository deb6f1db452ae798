"""The impressions side of the demo data: the legacy user's views from before the cutover."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from artfeed.models import Artwork
from impressions.services import record_impressions


def record_legacy_views(
    sender: Any,
    *,
    user: AbstractBaseUser,
    artworks: list[Artwork],
    viewed: int,
    viewed_at: datetime,
    **kwargs: Any,
) -> None:
    """``artfeed.demo.legacy_seeded`` receiver: the user saw the ``viewed`` oldest of
    ``artworks`` at ``viewed_at``. Safe to repeat: a view only ever moves forward."""
    record_impressions(user=user, artwork_ids=[a.pk for a in artworks[:viewed]], now=viewed_at)
