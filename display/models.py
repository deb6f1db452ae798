from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from display.screens import DEFAULT_FADE_MS, NO_SLEEP

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import AbstractBaseUser

    from display.screens import ScreenSettings


class Vote(models.Model):
    """A like (+1) or dislike (-1): disliked artworks never return, liked ones lead reruns."""

    class Value(models.IntegerChoices):
        UP = 1, "Like"
        DOWN = -1, "Dislike"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    artwork = models.ForeignKey(
        "artfeed.Artwork", on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    value = models.SmallIntegerField(choices=Value.choices)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "artwork"], name="vote_unique_user_artwork"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_is_one"),
        ]
        indexes = [models.Index(fields=["artwork"], name="vote_artwork")]

    def __str__(self) -> str:
        return f"{self.user_id} {'+1' if self.value > 0 else '-1'} {self.artwork_id}"


class Preferences(models.Model):
    """A user's preferred styles and looks (display/preferences.py): a generation that
    names no style or look is steered by them, alongside the user's votes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="art_preferences",
    )
    styles = models.JSONField(default=list, blank=True)  # names from the generator's styles
    looks = models.JSONField(default=list, blank=True)  # names from generation.looks.LOOKS
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class Screen(models.Model):
    """One display device of a user (a TV, a frame, a tab), known by the stable key the
    page keeps in localStorage or takes from ``?screen=``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screens", db_index=False
    )
    key = models.CharField(max_length=64)
    last_seen_at = models.DateTimeField(default=timezone.now)
    last_artwork = models.ForeignKey(
        "artfeed.Artwork", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why last_artwork was chosen: the feed lane it came from (display.feed.Lane).
    last_lane = models.CharField(max_length=10, blank=True, default="")
    # What the screen runs with, from its URL when its page was last loaded (opened_at).
    # Defaults in the database too: leases.remember_screen inserts rows with raw SQL.
    opened_at = models.DateTimeField(null=True, blank=True)
    dwell_seconds = models.PositiveIntegerField(null=True, blank=True)  # null: ARTFEED_DWELL
    fade_ms = models.PositiveIntegerField(default=DEFAULT_FADE_MS, db_default=DEFAULT_FADE_MS)
    show_clock = models.BooleanField(default=False, db_default=False)
    show_info = models.BooleanField(default=False, db_default=False)
    dynamic = models.BooleanField(default=False, db_default=False)
    # Its nightly sleep, "HH:MM-HH:MM" in its own time zone, or "" (display.screens).
    sleep = models.CharField(max_length=11, blank=True, default="", db_default="")
    # Times its watchdog had to retry or reload (display.recoveries), and the last one.
    # (Database defaults: display.leases inserts rows in SQL of its own.)
    recoveries = models.PositiveIntegerField(default=0, db_default=0)
    last_recovery_at = models.DateTimeField(null=True, blank=True)
    last_recovery = models.CharField(max_length=400, blank=True, default="", db_default="")
    # Why the screen cannot hold a Screen Wake Lock (display.wakelock), so the device may
    # dim and lock it; empty while it holds one (or has never said).
    wake_lock_problem = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="screen_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"

    @classmethod
    def record_opening(
        cls, *, user: AbstractBaseUser, screen: ScreenSettings, now: datetime
    ) -> Screen:
        """The screen's page was loaded with these settings: remember them and when. A
        sleep period the URL does not name stays as it was (set on the screens page)."""
        defaults = {
            "opened_at": now,
            "last_seen_at": now,
            "dwell_seconds": screen.dwell_seconds,
            "fade_ms": screen.fade_ms,
            "show_clock": screen.show_clock,
            "show_info": screen.show_info,
            "dynamic": screen.dynamic,
        }
        if screen.sleep is not None:
            defaults["sleep"] = "" if screen.sleep == NO_SLEEP else screen.sleep
        row, _ = cls.objects.update_or_create(user=user, key=screen.key, defaults=defaults)
        return row


class Lease(models.Model):
    """A frame handed to one of the user's screens and not yet reported shown.

    While ``expires_at`` lies ahead, no other screen of the user (and not the same one
    again) gets this artwork. The unique key makes taking a lease atomic.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    artwork = models.ForeignKey(
        "artfeed.Artwork", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    screen_key = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "artwork"], name="lease_unique_user_artwork"),
        ]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="lease_user_expiry"),
            models.Index(fields=["artwork"], name="lease_artwork"),
        ]

    def __str__(self) -> str:
        return f"{self.artwork_id} on {self.screen_key} until {self.expires_at:%H:%M:%S}"
