from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from artfeed import rules
from artfeed.images import content_digest

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def artwork_upload_to(artwork: Artwork, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"art/{artwork.id.hex[:2]}/{artwork.id.hex}.{extension}"


class ArtworkQuerySet(models.QuerySet["Artwork"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ArtworkQuerySet:
        """Public artworks, and the user's own private ones (``artfeed.rules``)."""
        return self.filter(rules.visible_to(user))

    def publish(self) -> list[Artwork]:
        """Make these artworks public (the shared pool); return those that were not."""
        return self._set_public(True)

    def unpublish(self) -> list[Artwork]:
        """Make these artworks private (their creator's alone; nobody's without one);
        return those that were public."""
        return self._set_public(False)

    def _set_public(self, public: bool) -> list[Artwork]:
        # One UPDATE and nothing else: whatever the feed derives from visibility is checked
        # against the rows where it is read (DESIGN.md, "The feed"), so every screen's next
        # choice follows at once.
        # The rows are locked while read, so one changed by another request meanwhile is
        # neither changed twice nor reported (and logged) as changed by this one.
        with transaction.atomic():
            pending = self.exclude(is_public=public).select_for_update(of=("self",))
            changing = list(pending.order_by("created_at"))
            Artwork.objects.filter(pk__in=[a.pk for a in changing]).update(is_public=public)
        for artwork in changing:
            artwork.is_public = public
        return changing

    def generated_today_by(self, user: AbstractBaseUser, *, now: datetime) -> ArtworkQuerySet:
        """What the user generated since midnight UTC: their daily quota counts these."""
        midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        generated = Artwork.Origin.GENERATED
        return self.filter(created_by=user, origin=generated, created_at__gte=midnight)

    def last_generated_at(self, user: AbstractBaseUser) -> datetime | None:
        """When the user last generated an artwork (one probe of artwork_creator_recent)."""
        mine = self.filter(created_by=user, origin=Artwork.Origin.GENERATED)
        return mine.order_by("-created_at").values_list("created_at", flat=True).first()


class Artwork(models.Model):
    class Origin(models.TextChoices):
        POOL = "pool", "Pool"
        GENERATED = "generated", "Generated"
        IMPORTED = "imported", "Imported"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    prompt = models.TextField(blank=True)
    style = models.CharField(max_length=40, blank=True)
    image = models.FileField(upload_to=artwork_upload_to, max_length=255)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.POOL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="artworks",
        db_index=False,  # covered by the (created_by, created_at) index
    )
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    fresh_until = models.DateTimeField(null=True, blank=True)
    # NULL, not "", when absent: the unique (creator, key) constraint skips NULLs only.
    request_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    content_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = ArtworkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The feed walks artworks newest first; every lane's scan starts here.
            models.Index(fields=["created_at"], name="artwork_created_at"),
            models.Index(fields=["created_by", "created_at"], name="artwork_creator_recent"),
            models.Index(
                fields=["content_hash"], name="artwork_content_hash", condition=~Q(content_hash="")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "request_key"],
                condition=Q(request_key__isnull=False),
                name="artwork_unique_request_key",
            ),
            models.CheckConstraint(
                condition=~Q(origin="generated") | Q(created_by__isnull=False),
                name="artwork_generated_has_creator",
            ),
            models.CheckConstraint(
                condition=Q(fresh_until__isnull=True) | Q(origin="generated"),
                name="artwork_only_generated_is_fresh",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def attach_image(self, content: bytes, *, extension: str) -> None:
        """Store ``content`` as this artwork's image file (named after its id) and record
        its content hash; the row itself is left for the caller to save."""
        self.content_hash = content_digest(content)
        self.image.save(f"{self.id}.{extension}", ContentFile(content), save=False)


class LoginThrottle(models.Model):
    """Failed logins of one (username, client address) pair since ``window_started_at``:
    once they reach ``ARTFEED_LOGIN_MAX_FAILURES`` that pair waits out the window
    (artfeed/web/throttle.py). Kept in the database so every app server counts alike."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of username and address
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["window_started_at"], name="login_throttle_window")]

    def __str__(self) -> str:
        return f"{self.failures} failures since {self.window_started_at:%Y-%m-%d %H:%M}"
