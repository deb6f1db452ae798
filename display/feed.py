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

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import get_script_prefix, get_urlconf, reverse
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

    # What its partial writes about the artwork whatever the user: its links and when it
    # was made. The template's two ``{% url %}`` tags (40 µs each in process) and two
    # ``date`` filters (45 µs together) made them anew on every frame of every screen,
    # in a partial of 223 µs; they are made once per artwork (``_artwork_texts``), and
    # looked up once per frame.
    @cached_property
    def texts(self) -> ArtworkTexts:
        artwork = self.artwork
        return _artwork_texts(
            artwork.pk,
            artwork.created_at,
            timezone.get_current_timezone(),
            translation.get_language(),
            get_script_prefix(),
            get_urlconf(),
        )


class ArtworkTexts(NamedTuple):
    image_url: str
    vote_url: str
    made_at_iso: str  # when it was made, as the ``date`` filter's format ``c`` writes it
    made_at: str  # and as its ``j M Y, H:i e`` does


@lru_cache(maxsize=4096)
def _artwork_texts(
    pk: uuid.UUID,
    created_at: datetime,
    zone: tzinfo,
    language: str | None,
    script_prefix: str,
    urlconf: str | None,
) -> ArtworkTexts:
    """The artwork's links, reversed, and when it was made, in ``zone`` and ``language``
    (the month's name), for the last 4,096 artworks framed. Nothing to invalidate: they
    depend on the key alone (``reverse`` on the script prefix and the URLconf too)."""
    local = created_at.astimezone(zone)
    return ArtworkTexts(
        image_url=reverse("artwork-image", args=[pk]),
        vote_url=reverse("artworks:vote", args=[pk]),
        made_at_iso=dateformat.format(local, "c"),
        made_at=dateformat.format(local, "j M Y, H:i e"),
    )


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
