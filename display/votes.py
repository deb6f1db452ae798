"""Likes and dislikes: how a user steers what their screens show and what they get made."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum
from django.utils import timezone

from artfeed.models import Artwork
from display.models import Vote


def vote_artwork(
    *, user: AbstractBaseUser, artwork: Artwork, value: int, now: datetime | None = None
) -> None:
    """Record the user's like (+1) or dislike (-1) of ``artwork``, replacing any earlier
    vote; 0 takes the vote back. A disliked artwork never returns to the user's screens;
    liked ones lead the rerun lane, and the styles of both weigh on the style chosen
    when the user generates without naming one (``style_weights``)."""
    if value not in (1, -1, 0):
        raise ValueError(f"value must be 1, -1 or 0, not {value!r}.")
    if value == 0:
        Vote.objects.filter(user=user, artwork=artwork).delete()
        return
    # One upsert: a double tap or two screens voting at once never meet the unique key.
    Vote.objects.bulk_create(
        [Vote(user=user, artwork=artwork, value=value, voted_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "artwork"],
        update_fields=["value", "voted_at"],
    )


def style_weights(user: AbstractBaseUser) -> dict[str, float]:
    """Per style, the user's likes minus dislikes, floored at 0: styles they never voted
    on are absent (``choose_style`` then gives them no weight unless none has any)."""
    scores = (
        Vote.objects.filter(user=user)
        .exclude(artwork__style="")
        .values("artwork__style")
        .annotate(score=Sum("value"))
    )
    return {row["artwork__style"]: max(float(row["score"]), 0.0) for row in scores}
