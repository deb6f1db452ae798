"""Which frames come next for a screen (DESIGN.md, "The feed").

Lanes, in order: **fresh** (the user's own new artworks, never displayed), **unseen**
(the pool, newest first, not seen within the cooldown) and, only when both are empty,
**rerun** (least recently seen first, liked ones first). Every frame handed out is
leased to its screen so no other screen of the user shows it at the same time.

The cost does not grow with the user's history: the unseen lane searches above and
below the user's seen span (``impressions.spans``) instead of probing every artwork
they have seen, and the rerun lane walks the ``(user, viewed_at)`` index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from artfeed.models import Artwork
from display import lanes
from display.lanes import fresh_and_unseen_lanes, rerun_lane
from display.leases import LEASE_SLACK, Visit, claim

if TYPE_CHECKING:
    from display.models import Screen
    from display.screens import ScreenSettings

# "pushed": not from the feed but sent to the screen (the user's own new artwork, made
# on another screen, after its fresh window: display.pins).
Lane = Literal["fresh", "unseen", "rerun", "pushed"]

# Why a frame was chosen, by its lane: in the provenance overlay (key i), and for each
# screen's current frame on the screens and stats pages (display.screens).
LANE_REASONS: dict[str, str] = {
    "fresh": "Fresh: your own new artwork, not shown to you before.",
    "unseen": "Unseen: the newest artwork you have not seen within the cooldown.",
    "rerun": "Rerun: nothing unseen is left, so the one you saw least recently comes back "
    "(liked ones first).",
    "pushed": "Pushed: sent to this screen as soon as it was ready.",
}

# Candidates fetched beyond the limit, in case another screen claims some meanwhile.
SPARE = 3


@dataclass(frozen=True)
class Frame:
    artwork: Artwork
    lane: Lane

    @property
    def reason(self) -> str:
        return LANE_REASONS[self.lane]

    # The frame's two links, for its partial: reversed here for 18 µs each, where the
    # template's ``{% url %}`` tag (which also looks up the request's current app) took
    # 40 µs, on a fragment rendered for every frame of every screen.
    @property
    def image_url(self) -> str:
        return reverse("artwork-image", args=[self.artwork.pk])

    @property
    def vote_url(self) -> str:
        return reverse("artworks:vote", args=[self.artwork.pk])

    # When the artwork was made, in the current time zone, for the provenance overlay:
    # as the ``date`` filter writes it, once per artwork (see ``_moment_texts``).
    @property
    def made_at_iso(self) -> str:
        return self._made_at[0]

    @property
    def made_at(self) -> str:
        return self._made_at[1]

    @property
    def _made_at(self) -> tuple[str, str]:
        return _moment_texts(
            self.artwork.created_at, timezone.get_current_timezone(), translation.get_language()
        )


@lru_cache(maxsize=4096)
def _moment_texts(created_at: datetime, zone: tzinfo, language: str | None) -> tuple[str, str]:
    """``created_at`` as the ``date`` filter writes it with formats ``c`` and
    ``j M Y, H:i e`` in ``zone`` and ``language`` (the month's name): every frame of the
    newest artworks wrote the same two strings, at 45 µs a frame, a quarter of its
    partial. Nothing to invalidate: the strings depend on the key alone."""
    local = created_at.astimezone(zone)
    return dateformat.format(local, "c"), dateformat.format(local, "j M Y, H:i e")


def kept_reads() -> list[str]:
    """The feed's reads a frame's request makes (one frame and the spares), which
    ``migrate`` keeps in the database behind a pooler (``artfeed.sql.keep_in_database``)."""
    return lanes.statements(want=1 + SPARE)


def candidates(
    user: AbstractBaseUser, *, now: datetime, want: int, restart: str | None = None
) -> list[Frame]:
    """Up to ``want`` frames the feed would hand out, in order, without leasing them: the
    fresh and unseen lanes, or else the rerun lane. ``restart``: the screen whose page was
    loaded anew; its own leases do not hold its frames back."""
    found = fresh_and_unseen_lanes(user, now=now, want=want, restart=restart) or rerun_lane(
        user, now=now, want=want, restart=restart
    )
    return [Frame(artwork, lane) for lane, artwork in found[:want]]


def next_frames(
    user: AbstractBaseUser,
    *,
    screen: str,
    limit: int = 1,
    dwell: timedelta | None = None,
    now: datetime | None = None,
    restart: bool = False,
) -> list[Frame]:
    """The next ``limit`` frames for ``screen``, leased to it for the dwell plus slack;
    the screen's row notes the visit and the first of them.

    ``restart`` says the screen starts over (its page was loaded anew): the frames it
    held are gone from it, so it may get them again. An empty list means every visible
    artwork is on another screen right now (the screen keeps its current frame) or
    there is nothing at all (the empty state).
    """
    frames, _ = _hand_out(user, screen=screen, limit=limit, dwell=dwell, now=now, restart=restart)
    return frames


@dataclass(frozen=True)
class Opening:
    frame: Frame | None
    screen: Screen  # its row as written: its settings, its wake lock problem, its sleep


def open_screen(user: AbstractBaseUser, *, screen: ScreenSettings, now: datetime) -> Opening:
    """The screen's page was loaded: its first frame, a restart (see ``next_frames``),
    and its settings noted on its row, in the same one write."""
    frames, row = _hand_out(
        user, screen=screen.key, limit=1, dwell=screen.dwell, now=now, restart=True, opening=screen
    )
    assert row is not None  # an opening visit's claim always brings its row back
    return Opening(frames[0] if frames else None, row)


def _hand_out(
    user: AbstractBaseUser,
    *,
    screen: str,
    limit: int,
    dwell: timedelta | None,
    now: datetime | None,
    restart: bool,
    opening: ScreenSettings | None = None,
) -> tuple[list[Frame], Screen | None]:
    """The frames handed out, and, for an ``opening``, the screen's row as written."""
    now = now or timezone.now()
    until = now + (dwell or settings.ARTFEED_DWELL) + LEASE_SLACK
    remaining = candidates(user, now=now, want=limit + SPARE, restart=screen if restart else None)
    visit = Visit(screen, opening)
    frames: list[Frame] = []
    row = None
    # Claim what we need; dip into the spares only if another screen won some. The
    # screen's row is written with the first claim, and again only if that won nothing.
    while True:
        batch, remaining = remaining[: limit - len(frames)], remaining[limit - len(frames) :]
        claimed = claim(
            user,
            screen=screen,
            frames=[(f.artwork.pk, f.lane) for f in batch],
            until=until,
            now=now,
            restart=restart,
            visit=None if frames else visit,
        )
        row = claimed.screen or row
        frames += [f for f in batch if f.artwork.pk in claimed.artwork_ids]
        if not remaining or len(frames) >= limit:
            return frames[:limit], row
