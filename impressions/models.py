from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Impression(models.Model):
    """A user saw an artwork. One row per (user, artwork); ``viewed_at`` moves forward on
    every new view, which is what restarts the cooldown."""

    class Source(models.TextChoices):
        DISPLAYED = "displayed", "Displayed"
        BACKFILL = "backfill", "Backfill"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="impressions",
        db_index=False,  # the unique (user, artwork) key leads with user
    )
    artwork = models.ForeignKey(
        "artfeed.Artwork", on_delete=models.CASCADE, related_name="impressions", db_index=False
    )
    viewed_at = models.DateTimeField(default=timezone.now)
    first_viewed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DISPLAYED)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "artwork"], name="impression_unique_user_artwork"
            ),
            models.CheckConstraint(
                condition=Q(viewed_at__gte=F("first_viewed_at")),
                name="impression_viewed_after_first_view",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "viewed_at"], name="impression_user_viewed"),
            models.Index(fields=["artwork"], name="impression_artwork"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.artwork_id} at {self.viewed_at:%Y-%m-%d %H:%M}"


class SeenSpan(models.Model):
    """A summary that keeps the feed's cost independent of a user's history.

    It asserts: every artwork visible to ``user`` with ``oldest <= created_at <= newest``
    has an impression by them viewed at ``seen_since`` or later. While
    ``seen_since + ARTFEED_COOLDOWN`` lies in the future, the feed can jump over the
    whole span instead of probing each seen artwork. ``record_impressions`` grows it as
    frames are seen; deleting impressions must delete it (see ``forget_seen_span``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    oldest = models.DateTimeField()
    newest = models.DateTimeField()
    seen_since = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(oldest__lte=F("newest")), name="seen_span_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.oldest:%Y-%m-%d %H:%M} … {self.newest:%Y-%m-%d %H:%M}"


class Backfill(models.Model):
    """One backfill run for one user: the audit log and the "already backfilled" flag."""

    class Trigger(models.TextChoices):
        COMMAND = "command", "Management command"
        ADMIN = "admin", "Admin action"
        LOGIN = "login", "First login"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backfills"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cutover = models.DateTimeField()
    rows_inserted = models.PositiveIntegerField(default=0)
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "backfills"
        ordering = ["-started_at"]
        # Running a backfill writes impressions for other users: staff need this on top
        # of seeing users in the admin.
        permissions = [("run_backfill", "Can backfill impressions of users")]

    def __str__(self) -> str:
        kind = "dry run" if self.dry_run else f"{self.rows_inserted} rows"
        return f"Backfill of {self.user_id} ({self.trigger}, {kind})"
