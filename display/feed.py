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

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from artfeed.models import Artwork
from display.leases import LEASE_SLACK, claim, on_screen, release_expired
from display.models import Screen, Vote
from impressions.models import Impression
from impressions.spans import seen_recently, valid_span

Lane = Literal["fresh", "unseen", "rerun"]

# Candidates fetched beyond the limit, in case another screen claims some meanwhile.
SPARE = 3


@dataclass(frozen=True)
class Frame:
    artwork: Artwork
    lane: Lane


def _voted(user: AbstractBaseUser, value: int) -> Exists:
    return Exists(Vote.objects.filter(user=user, artwork=OuterRef("pk"), value=value))


def _available(user: AbstractBaseUser, now: datetime) -> QuerySet[Artwork]:
    """Visible to the user, not disliked, not on one of their screens right now."""
    return (
        Artwork.objects.visible_to(user)
        .filter(~_voted(user, Vote.Value.DOWN), ~on_screen(user, now=now))
        .select_related("created_by")
    )


def _fresh(user: AbstractBaseUser, now: datetime) -> Iterator[QuerySet[Artwork]]:
    never_displayed = Exists(Impression.objects.filter(user=user, artwork=OuterRef("pk")))
    yield (
        _available(user, now)
        .fresh_for(user, now=now)
        .filter(~never_displayed)
        .order_by("-created_at")
    )


def _unseen(user: AbstractBaseUser, now: datetime) -> Iterator[QuerySet[Artwork]]:
    candidates = (
        _available(user, now)
        .pool(now=now)
        .filter(~seen_recently(user, now=now))
        .order_by("-created_at")
    )
    span = valid_span(user, now=now)
    if span is None:
        yield candidates
        return
    yield candidates.filter(created_at__gt=span.newest)
    yield candidates.filter(created_at__lt=span.oldest)


def _rerun(user: AbstractBaseUser, now: datetime) -> Iterator[QuerySet[Artwork]]:
    seen = _available(user, now).filter(impressions__user=user)
    yield seen.filter(_voted(user, Vote.Value.UP)).order_by("impressions__viewed_at")
    yield seen.filter(~_voted(user, Vote.Value.UP)).order_by("impressions__viewed_at")
    # Never blank: someone who has seen nothing in the pool still gets older artworks.
    yield _available(user, now).order_by("-created_at")


def _collect(lanes: list[tuple[Lane, Iterator[QuerySet[Artwork]]]], want: int) -> list[Frame]:
    """Run the lanes' queries in order, stopping as soon as ``want`` frames are found."""
    frames: list[Frame] = []
    seen_ids: set = set()
    for lane, querysets in lanes:
        for queryset in querysets:
            for artwork in queryset[: want - len(frames)]:
                if artwork.pk not in seen_ids:
                    seen_ids.add(artwork.pk)
                    frames.append(Frame(artwork, lane))
            if len(frames) >= want:
                return frames
    return frames


def _candidates(user: AbstractBaseUser, now: datetime, want: int) -> list[Frame]:
    frames = _collect([("fresh", _fresh(user, now)), ("unseen", _unseen(user, now))], want)
    return frames or _collect([("rerun", _rerun(user, now))], want)


def _screen_row(user: AbstractBaseUser, screen: str, now: datetime, frames: list[Frame]) -> Screen:
    """The screen seen now, with the frame it got and why (its lane: the stats page)."""
    row = Screen(user=user, key=screen, last_seen_at=now)
    if frames:
        row.last_artwork, row.last_lane = frames[0].artwork, frames[0].lane
    return row


def next_frames(
    user: AbstractBaseUser,
    *,
    screen: str,
    limit: int = 1,
    dwell: timedelta | None = None,
    now: datetime | None = None,
) -> list[Frame]:
    """The next ``limit`` frames for ``screen``, leased to it for the dwell plus slack.

    An empty list means every visible artwork is on another screen right now (the
    screen keeps its current frame) or there is nothing at all (the empty state).
    """
    now = now or timezone.now()
    until = now + (dwell or settings.ARTFEED_DWELL) + LEASE_SLACK
    candidates = _candidates(user, now, limit + SPARE)
    frames: list[Frame] = []
    with transaction.atomic():
        release_expired(user, now=now)
        # Claim what we need; dip into the spares only if another screen won some.
        remaining = candidates
        while remaining and len(frames) < limit:
            batch, remaining = remaining[: limit - len(frames)], remaining[limit - len(frames) :]
            won = claim(
                user, screen=screen, artwork_ids=[f.artwork.pk for f in batch], until=until, now=now
            )
            frames += [f for f in batch if f.artwork.pk in won]
        Screen.objects.bulk_create(
            [_screen_row(user, screen, now, frames)],
            update_conflicts=True,
            unique_fields=["user", "key"],
            # With nothing new the screen keeps showing its frame: keep it on record too.
            update_fields=["last_seen_at", "last_artwork", "last_lane"]
            if frames
            else ["last_seen_at"],
        )
    return frames[:limit]
