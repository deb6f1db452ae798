"""What the stats page shows: the user's feed in numbers, what their screens show and why,
and the frames they saw last."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from display.models import Screen
from impressions.models import Impression
from impressions.stats import ImpressionStats, impression_stats

RECENT_FRAMES = 50
SCREENS = 20

# Why a screen's current frame was chosen, by the lane it came from (display.feed).
LANE_REASONS = {
    "fresh": "Fresh: your own new artwork, not shown to you before.",
    "unseen": "Unseen: the newest artwork you have not seen within the cooldown.",
    "rerun": "Rerun: nothing unseen is left, so the one you saw longest ago comes back "
    "(liked ones first).",
}


@dataclass(frozen=True)
class ScreenNow:
    screen: Screen

    @property
    def reason(self) -> str:
        return LANE_REASONS.get(self.screen.last_lane, "Not recorded yet.")


@dataclass(frozen=True)
class DisplayStats:
    numbers: ImpressionStats
    screens: list[ScreenNow]
    recent: list[Impression]


def display_stats(*, user: AbstractBaseUser, now: datetime | None = None) -> DisplayStats:
    """Everything the stats page shows, in four queries whatever the history: the numbers
    (``impression_stats``), the user's screens (most recently active first) and the last
    ``RECENT_FRAMES`` frames really displayed (newest first, backfilled rows left out)."""
    now = now or timezone.now()
    screens = (
        Screen.objects.filter(user=user)
        .select_related("last_artwork")
        .order_by("-last_seen_at")[:SCREENS]
    )
    recent = (
        Impression.objects.filter(user=user, source=Impression.Source.DISPLAYED)
        .select_related("artwork")
        .order_by("-viewed_at")[:RECENT_FRAMES]
    )
    return DisplayStats(
        numbers=impression_stats(user=user, now=now),
        screens=[ScreenNow(screen) for screen in screens],
        recent=list(recent),
    )
