"""Login attempts, counted per (username, client address) so that guessing one user's
password is slow and one address cannot lock a user out everywhere."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from artfeed.models import LoginThrottle


def throttle_key(*, username: str, address: str) -> str:
    # Hashed: the table never holds the names people mistyped (passwords, often).
    return hashlib.sha256(f"{username.strip().lower()}\0{address}".encode()).hexdigest()


def login_locked_until(*, username: str, address: str, now: datetime | None = None):
    """When this pair may try again, or None if it may now."""
    now = now or timezone.now()
    window_start = now - settings.ARTFEED_LOGIN_LOCKOUT
    row = (
        LoginThrottle.objects.filter(
            key=throttle_key(username=username, address=address),
            window_started_at__gt=window_start,
            failures__gte=settings.ARTFEED_LOGIN_MAX_FAILURES,
        )
        .values_list("window_started_at", flat=True)
        .first()
    )
    return None if row is None else row + settings.ARTFEED_LOGIN_LOCKOUT


def record_login_failure(*, username: str, address: str, now: datetime | None = None) -> None:
    """Count one failed login; a pair whose window has passed starts a new one. Windows
    that have passed are deleted on the way, so guessed usernames do not pile up."""
    now = now or timezone.now()
    window_start = now - settings.ARTFEED_LOGIN_LOCKOUT
    key = throttle_key(username=username, address=address)
    LoginThrottle.objects.filter(window_started_at__lte=window_start).delete()
    counted = LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
    if not counted:
        LoginThrottle.objects.get_or_create(
            key=key, defaults={"failures": 1, "window_started_at": now}
        )


def clear_login_failures(*, username: str, address: str) -> None:
    """A successful login forgets the pair's failures."""
    LoginThrottle.objects.filter(key=throttle_key(username=username, address=address)).delete()
