"""What the stats page shows: the user's feed in numbers, what their screens show and why,
and the frames they saw last; and the screens page: each screen, its status and settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from display.leases import LEASE_SLACK
from display.models import Screen
from display.screens import ScreenSettings
from impressions.models import Impression
from impressions.stats import ImpressionStats, impression_stats

RECENT_FRAMES = 50
SCREENS = 20
SCREENS_PAGE = 200
# A screen asks for a frame every dwell: silent for three dwells (and the lease's slack
# for a slow network), it is off, asleep or lost.
ONLINE_DWELLS = 3

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
class ScreenStatus(ScreenNow):
    now: datetime

    @cached_property
    def options(self) -> ScreenSettings:
        """What the screen runs with, as its page was last opened."""
        seconds = self.screen.dwell_seconds
        return ScreenSettings(
            key=self.screen.key,
            dwell=timedelta(seconds=seconds) if seconds else settings.ARTFEED_DWELL,
            fade_ms=self.screen.fade_ms,
            show_clock=self.screen.show_clock,
            show_info=self.screen.show_info,
            dynamic=self.screen.dynamic,
            sleep=self.screen.sleep or None,
        )

    @property
    def online(self) -> bool:
        silent = self.now - self.screen.last_seen_at
        return silent <= ONLINE_DWELLS * self.options.dwell + LEASE_SLACK


def user_screens(*, user: AbstractBaseUser, now: datetime | None = None) -> list[ScreenStatus]:
    """The user's screens, most recent contact first, with what each shows: one query."""
    now = now or timezone.now()
    return [ScreenStatus(screen, now) for screen in _screens_of(user)[:SCREENS_PAGE]]


def _screens_of(user: AbstractBaseUser) -> QuerySet[Screen]:
    return (
        Screen.objects.filter(user=user)
        .select_related("last_artwork")
        .order_by("-last_seen_at", "key")
    )


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
    screens = _screens_of(user)[:SCREENS]
    recent = (
        Impression.objects.filter(user=user)
        .exclude(source=Impression.Source.BACKFILL)
        .select_related("artwork")
        .order_by("-viewed_at")[:RECENT_FRAMES]
    )
    return DisplayStats(
        numbers=impression_stats(user=user, now=now),
        screens=[ScreenNow(screen) for screen in screens],
        recent=list(recent),
    )
