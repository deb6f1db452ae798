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
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from artfeed.models import Artwork
from display.lanes import fresh_and_unseen_lanes, rerun_lane
from display.leases import LEASE_SLACK, claim, release_expired, remember_screen

# "pushed": not from the feed but sent to the screen (the user's own new artwork, made
# on another screen, after its fresh window: display.pins).
Lane = Literal["fresh", "unseen", "rerun", "pushed"]

# Why a frame was chosen, in the words of the provenance overlay (key i).
REASONS: dict[str, str] = {
    "fresh": "New: you made it moments ago.",
    "unseen": "Not seen by you yet: the newest art you have not seen.",
    "rerun": "Everything new is seen: the one you saw least recently (liked ones first).",
    "pushed": "Sent to this screen as soon as it was ready.",
}

# Candidates fetched beyond the limit, in case another screen claims some meanwhile.
SPARE = 3


@dataclass(frozen=True)
class Frame:
    artwork: Artwork
    lane: Lane

    @property
    def reason(self) -> str:
        return REASONS[self.lane]


def candidates(
    user: AbstractBaseUser, *, now: datetime, want: int, besides: str | None = None
) -> list[Frame]:
    """Up to ``want`` frames the feed would hand out, in order, without leasing them: the
    fresh and unseen lanes, or else the rerun lane. ``besides``: a screen starting over,
    whose own leases do not hold its frames back."""
    found = fresh_and_unseen_lanes(user, now=now, want=want, besides=besides) or rerun_lane(
        user, now=now, want=want, besides=besides
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
    """The next ``limit`` frames for ``screen``, leased to it for the dwell plus slack.

    ``restart`` says the screen starts over (its page was loaded anew): the frames it
    held are gone from it, so it may get them again. An empty list means every visible
    artwork is on another screen right now (the screen keeps its current frame) or
    there is nothing at all (the empty state).
    """
    now = now or timezone.now()
    until = now + (dwell or settings.ARTFEED_DWELL) + LEASE_SLACK
    found = candidates(user, now=now, want=limit + SPARE, besides=screen if restart else None)
    frames: list[Frame] = []
    with transaction.atomic():
        release_expired(user, now=now)
        # Claim what we need; dip into the spares only if another screen won some.
        remaining = found
        while remaining and len(frames) < limit:
            batch, remaining = remaining[: limit - len(frames)], remaining[limit - len(frames) :]
            won = claim(
                user,
                screen=screen,
                artwork_ids=[f.artwork.pk for f in batch],
                until=until,
                now=now,
                restart=restart,
            )
            frames += [f for f in batch if f.artwork.pk in won]
        remember_screen(
            user,
            key=screen,
            now=now,
            artwork_id=frames[0].artwork.pk if frames else None,
            lane=frames[0].lane if frames else None,
        )
    return frames[:limit]
