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
        # Shown for a whole dwell by a page without JavaScript, reported by its reload
        # (display.reloads): no viewability check stands behind it.
        RELOADED = "reloaded", "Displayed (reload)"
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

    **Invariant.** Every artwork visible to ``user`` with ``oldest <= created_at <=
    newest`` either has an impression by ``user`` viewed at or after its ``created_at``,
    or is listed in ``SpanHole`` for ``user``. The feed therefore searches above and below
    the span and, inside it, only the holes; of the span it trusts only the part created
    after the cooldown's start (a view at or after creation is then within the cooldown),
    so the span never expires and a change of ``ARTFEED_COOLDOWN`` or
    ``ARTFEED_POOL_MAX_AGE`` needs nothing done.

    **Invalidation.** Only two kinds of write can break the invariant, and the database
    itself answers both, whatever issued them (the ORM, a bulk ``QuerySet.update``, raw
    SQL, another process): triggers installed by migration ``0003_seen_span_holes``
    (``impressions.triggers``) record a hole when an artwork becomes visible inside a span
    (inserted with an older ``created_at``, published, its creator or ``created_at``
    changed) and when an impression inside a span is deleted or loses its view. Removals
    (unpublishing, deleting an artwork) cannot break it. ``record_impressions`` grows
    the span at its edges (``impressions.spans.grow_seen_span``) and drops the holes that
    are seen again or gone. Deleting a span deletes its holes (a trigger too).

    **No span** only costs time, never a wrong frame (the feed then probes the history).
    Batches grow spans, the backfill starts them, migration ``0005_grow_missing_spans``
    grew one for every user the upgrade left without, and ``manage.py grow_seen_spans``
    does the same after impressions are imported behind the app's back.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    oldest = models.DateTimeField()
    newest = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(oldest__lte=F("newest")), name="seen_span_ordered"),
        ]
        # The triggers look up the spans that cover an artwork's created_at: new artworks
        # lie above every span, so this range is empty for them.
        indexes = [models.Index(fields=["newest"], name="seen_span_newest")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.oldest:%Y-%m-%d %H:%M} … {self.newest:%Y-%m-%d %H:%M}"


class SpanHole(models.Model):
    """An artwork inside ``user``'s seen span that may be unseen (see ``SeenSpan``).

    Written by database triggers (and by a one-off walk that bridges a short gap in a
    user's history, ``impressions.spans.seed_seen_span``), so its columns are plain
    values, not foreign keys: a trigger may record a hole for an artwork or a user being
    deleted in the same transaction. A hole only makes the feed look at an artwork (it
    checks everything again), so a stale one costs a probe, never a wrong frame.
    """

    user_id = models.BigIntegerField()
    artwork_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "artwork_id"], name="span_hole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.artwork_id}"


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
