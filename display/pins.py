"""Frames put on a screen on purpose, outside the feed's turn: the artwork the user just
generated there, or one they made on another screen (DESIGN.md, "What I just made
shows now")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from artfeed.models import Artwork
from artfeed.rules import is_in_fresh_window
from display.feed import Frame
from display.leases import LEASE_SLACK
from display.models import Lease, Screen


def pin_ms() -> int:
    """``ARTFEED_PIN`` for the page: a pinned frame carries it as ``data-pin-ms``."""
    return int(settings.ARTFEED_PIN.total_seconds() * 1000)


def pin_frame(
    user: AbstractBaseUser,
    *,
    screen: str,
    artwork: Artwork,
    dwell: timedelta,
    now: datetime | None = None,
) -> Frame:
    """Lease ``artwork`` to ``screen`` for its dwell (at least ``ARTFEED_PIN``) plus slack
    and return it as a frame.

    Unlike the feed's claim, this takes the lease whoever held it: every screen of the
    user shows the artwork they just made, while the lease keeps the feed from handing it
    to a screen a second time. The lane is "fresh" inside its freshness window.
    """
    now = now or timezone.now()
    until = now + max(dwell, settings.ARTFEED_PIN) + LEASE_SLACK
    lane = "fresh" if is_in_fresh_window(artwork, user, now=now) else "pushed"
    with transaction.atomic():
        Lease.objects.bulk_create(
            [Lease(user=user, artwork=artwork, screen_key=screen, expires_at=until)],
            update_conflicts=True,
            unique_fields=["user", "artwork"],
            update_fields=["screen_key", "expires_at"],
        )
        Screen.objects.record_visit(user=user, key=screen, now=now, frame=artwork.pk, lane=lane)
    return Frame(artwork, lane)
