"""What the stats page shows: the user's feed in numbers, what their screens show and why
(``display.screens``), and the frames they saw last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from display.screens import ScreenStatus, user_screens
from impressions.models import Impression
from impressions.stats import ImpressionStats, impression_stats

RECENT_FRAMES = 50
SCREENS = 20


@dataclass(frozen=True)
class DisplayStats:
    numbers: ImpressionStats
    screens: list[ScreenStatus]
    recent: list[Impression]


def display_stats(*, user: AbstractBaseUser, now: datetime | None = None) -> DisplayStats:
    """Everything the stats page shows, in four queries whatever the history: the numbers
    (``impression_stats``), the user's screens (most recently active first) and the last
    ``RECENT_FRAMES`` frames really displayed (newest first, backfilled rows left out)."""
    now = now or timezone.now()
    recent = (
        Impression.objects.filter(user=user)
        .exclude(source=Impression.Source.BACKFILL)
        .select_related("artwork")
        .order_by("-viewed_at")[:RECENT_FRAMES]
    )
    return DisplayStats(
        numbers=impression_stats(user=user, now=now),
        screens=user_screens(user=user, now=now, limit=SCREENS),
        recent=list(recent),
    )
