"""The seen span: how the feed skips a user's history instead of probing it.

A user who watches newest first leaves behind one long run of artworks (ordered by
``created_at``) that they have all seen. Probing each of those rows for an impression is
what makes a naive "newest unseen" query slow for a heavy user. ``SeenSpan`` remembers
the run's bounds; the feed searches above and below it only. The span is grown at the
edges as impressions arrive, so each batch walks only the rows it just saw.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from artfeed.models import Artwork
from impressions.models import Impression, SeenSpan


def seen_recently(user: AbstractBaseUser, *, now: datetime) -> Exists:
    """True for an artwork ``user`` has seen within the cooldown (an ``Exists`` on Artwork)."""
    return Exists(
        Impression.objects.filter(
            user=user, artwork=OuterRef("pk"), viewed_at__gt=now - settings.ARTFEED_COOLDOWN
        )
    )


def valid_span(user: AbstractBaseUser, *, now: datetime) -> SeenSpan | None:
    span = SeenSpan.objects.filter(user=user).first()
    if span is None or span.seen_since <= now - settings.ARTFEED_COOLDOWN:
        return None
    return span


def _edge(
    visible: QuerySet[Artwork],
    unseen: QuerySet[Artwork],
    *,
    user: AbstractBaseUser,
    start: Q,
    beyond: str,
    toward: str,
    far: datetime,
) -> dict[str, datetime | None]:
    """Walk from ``start`` toward ``toward`` ("gt"/"lt") up to the first unseen artwork,
    returning the furthest seen created_at and the oldest view among the rows walked."""
    order = "created_at" if toward == "gt" else "-created_at"
    first_unseen = unseen.filter(start).order_by(order).values("created_at")[:1]
    viewed = Impression.objects.filter(user=user, artwork=OuterRef("pk")).values("viewed_at")
    return (
        visible.filter(start, **{f"created_at__{beyond}": Coalesce(Subquery(first_unseen), far)})
        .annotate(viewed=Subquery(viewed[:1]))
        .aggregate(edge=(Max if toward == "gt" else Min)("created_at"), since=Min("viewed"))
    )


def grow_seen_span(
    user: AbstractBaseUser, *, now: datetime, seen_ids: Sequence[uuid.UUID] = ()
) -> SeenSpan | None:
    """Grow the user's span at both edges over the artworks they have seen since.

    With no valid span, start one at the newest of ``seen_ids`` (artworks just seen).
    Five small queries plus the rows newly covered; returns the span or None.
    """
    cutoff = now - settings.ARTFEED_COOLDOWN
    span = valid_span(user, now=now)
    # Looked up even when a span exists, so a batch costs the same queries every time.
    seed = _newest_created(seen_ids) if seen_ids else None
    visible = Artwork.objects.visible_to(user)
    unseen = visible.filter(~seen_recently(user, now=now))
    if span is not None:
        low, high, since = span.oldest, span.newest, span.seen_since
        up, down = Q(created_at__gt=high), Q(created_at__lt=low)
    elif seed is not None:
        low = high = seed
        since = now
        up, down = Q(created_at__gte=seed), Q(created_at__lte=seed)
    else:
        return None
    far_future = datetime.max.replace(tzinfo=now.tzinfo)
    far_past = datetime.min.replace(tzinfo=now.tzinfo)
    above = _edge(visible, unseen, user=user, start=up, beyond="lt", toward="gt", far=far_future)
    below = _edge(visible, unseen, user=user, start=down, beyond="gt", toward="lt", far=far_past)
    if span is None and (above["edge"] is None or below["edge"] is None):
        return None  # the seed itself is not (or no longer) seen: nothing to start from
    views = [v for v in (since, above["since"], below["since"]) if v is not None]
    span = SeenSpan(
        user=user,
        oldest=min(low, below["edge"] or low),
        newest=max(high, above["edge"] or high),
        seen_since=min(views),
    )
    if span.seen_since <= cutoff:
        return None
    SeenSpan.objects.bulk_create(
        [span],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["oldest", "newest", "seen_since"],
    )
    return span


def _newest_created(artwork_ids: Sequence[uuid.UUID]) -> datetime | None:
    return Artwork.objects.filter(id__in=artwork_ids).aggregate(newest=Max("created_at"))["newest"]


def forget_seen_span(user: AbstractBaseUser) -> None:
    """Call whenever a user's impressions are deleted: the span would claim too much."""
    SeenSpan.objects.filter(user=user).delete()
