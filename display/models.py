from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from artfeed.sql import fetch_rows, from_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from display.screens import ScreenSettings

# A screen's crossfade unless its URL says otherwise (``?fade=``); its dwell's default is
# the setting ``ARTFEED_DWELL``. Both reach the page through ``display.screens``.
DEFAULT_FADE_MS = 1200


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


# What a page load writes besides the visit (``ScreenManager.visit_statement``): the
# settings from its URL. ``sleep`` only when the URL names one.
_OPENING_COLUMNS = ("opened_at", "dwell_seconds", "fade_ms", "show_clock", "show_info", "dynamic")


class ScreenManager(models.Manager["Screen"]):
    """Every write of a screen's row. A request writes it once: the feed's visit (with
    the page's settings when its page loads), a recovery, a wake lock report or the
    screens page's sleep period."""

    def visit_statement(
        self,
        *,
        user_id: Any,
        key: str,
        now: datetime,
        opening: ScreenSettings | None = None,
        frame: str = "%s",
        lane: str = "%s",
    ) -> tuple[str, list[Any]]:
        """The upsert of a visit and its parameters: screen ``key`` asked at ``now``, and
        shows ``frame`` (an SQL expression: a parameter, or a subquery of the statement
        this one is part of) chosen by ``lane``; when that is NULL it keeps the frame it
        had. ``opening``: its page loaded with these settings (a sleep period the URL does
        not name stays as it was). It returns the row, every column.

        SQL because it runs on every request of every screen, and on PostgreSQL inside
        the lease's statement (``display.leases``): the ORM would read the row first.
        When ``frame`` and ``lane`` are parameters, theirs come last."""
        table = self.model._meta.db_table
        opened = list(_OPENING_COLUMNS) if opening else []
        params: list[Any] = [user_id, key, _prep("last_seen_at", now)]
        if opening:
            params += [
                _prep("opened_at", now),
                opening.dwell_seconds,
                opening.fade_ms,
                opening.show_clock,
                opening.show_info,
                opening.dynamic,
            ]
            if opening.sleep_to_keep is not None:
                opened.append("sleep")
                params.append(opening.sleep_to_keep)
        inserted = ["user_id", "key", "last_seen_at", *opened, "last_artwork_id", "last_lane"]
        values = ["%s"] * (len(inserted) - 2) + [frame, f"COALESCE({lane}, '')"]
        kept = [
            "last_seen_at = excluded.last_seen_at",
            f"last_artwork_id = COALESCE(excluded.last_artwork_id, {table}.last_artwork_id)",
            f"""last_lane = CASE WHEN excluded.last_artwork_id IS NULL
                               THEN {table}.last_lane ELSE excluded.last_lane END""",
            *(f"{column} = excluded.{column}" for column in opened),
        ]
        statement = f"""INSERT INTO {table} ({", ".join(inserted)})
            VALUES ({", ".join(values)})
            ON CONFLICT (user_id, key) DO UPDATE SET {", ".join(kept)}
            RETURNING {self.returned_columns()}"""  # noqa: S608 - names from model metadata
        return statement, params

    def returned_columns(self) -> str:
        """The row's columns as ``visit_statement`` returns them, for ``from_returned``."""
        quote = connection.ops.quote_name
        return ", ".join(quote(f.column) for f in self.model._meta.concrete_fields)

    def from_returned(self, row: Sequence[Any]) -> Screen:
        """The row ``visit_statement`` returned, as a ``Screen``."""
        return from_rows(self.model, [row])[0]  # type: ignore[return-value]

    def record_visit(
        self,
        *,
        user: AbstractBaseUser,
        key: str,
        now: datetime,
        frame: uuid.UUID | None = None,
        lane: str = "",
        opening: ScreenSettings | None = None,
    ) -> Screen:
        """Screen ``key`` asked at ``now`` and shows ``frame`` (None: the frame it had), as
        ``visit_statement`` says; the row as written."""
        statement, params = self.visit_statement(user_id=user.pk, key=key, now=now, opening=opening)
        artwork = self.model._meta.get_field("last_artwork").target_field
        frame_value = artwork.get_db_prep_value(frame, connection) if frame else None
        return self.from_returned(fetch_rows(statement, [*params, frame_value, lane])[0])

    def record_recovery(
        self, *, user: AbstractBaseUser, key: str, summary: str, now: datetime
    ) -> int:
        """Count a recovery of screen ``key`` (made if new), and keep its ``summary``;
        how many that screen has reported."""
        screen, _ = self.get_or_create(user=user, key=key)
        self.filter(pk=screen.pk).update(
            recoveries=F("recoveries") + 1,
            last_recovery_at=now,
            last_recovery=summary,
            last_seen_at=now,
        )
        screen.refresh_from_db(fields=["recoveries"])
        return screen.recoveries

    def record_wake_lock_problem(
        self, *, user: AbstractBaseUser, key: str, problem: str, now: datetime
    ) -> None:
        """Why screen ``key`` (made if new) cannot hold a wake lock; empty: it holds one."""
        self.update_or_create(
            user=user, key=key, defaults={"wake_lock_problem": problem, "last_seen_at": now}
        )

    def set_sleep(self, *, user: AbstractBaseUser, key: str, sleep: str) -> bool:
        """The nightly sleep of the user's screen ``key`` ("" for none); False when the user
        has no such screen."""
        return bool(self.filter(user=user, key=key).update(sleep=sleep))


def _prep(name: str, value: object) -> object:
    return Screen._meta.get_field(name).get_db_prep_value(value, connection)


class Screen(models.Model):
    """One display device of a user (a TV, a frame, a tab), known by the stable key the
    page keeps in localStorage or takes from ``?screen=``. Written only through its
    manager (``ScreenManager``); read and shown through ``display.screens``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screens", db_index=False
    )
    key = models.CharField(max_length=64)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # Not indexed: every frame rewrites it, and a write that changes no indexed column
    # is a heap-only update (HOT), which adds no index entries and whose old versions
    # the table prunes itself, without waiting for VACUUM. With the index, 2% of the
    # bench's 106,407 screen updates were HOT, each other one leaving a dead row and
    # three index entries behind; without it, 3,387 of 3,400. Only an artwork's deletion
    # looks rows up by it, and the table holds one row per screen.
    last_artwork = models.ForeignKey(
        "artfeed.Artwork",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Why last_artwork was chosen: the feed lane it came from (display.feed.Lane).
    last_lane = models.CharField(max_length=10, blank=True, default="")
    # What the screen runs with, from its URL when its page was last loaded (opened_at).
    # Defaults in the database too: the visit's upsert (ScreenManager) is SQL.
    opened_at = models.DateTimeField(null=True, blank=True)
    dwell_seconds = models.PositiveIntegerField(null=True, blank=True)  # null: ARTFEED_DWELL
    fade_ms = models.PositiveIntegerField(default=DEFAULT_FADE_MS, db_default=DEFAULT_FADE_MS)
    show_clock = models.BooleanField(default=False, db_default=False)
    show_info = models.BooleanField(default=False, db_default=False)
    dynamic = models.BooleanField(default=False, db_default=False)
    # Its nightly sleep, "HH:MM-HH:MM" in its own time zone, or "" (display.screens).
    sleep = models.CharField(max_length=11, blank=True, default="", db_default="")
    # Times its watchdog had to retry or reload (display.recoveries), and the last one.
    recoveries = models.PositiveIntegerField(default=0, db_default=0)
    last_recovery_at = models.DateTimeField(null=True, blank=True)
    last_recovery = models.CharField(max_length=400, blank=True, default="", db_default="")
    # Why the screen cannot hold a Screen Wake Lock (display.wakelock), so the device may
    # dim and lock it; empty while it holds one (or has never said).
    wake_lock_problem = models.CharField(max_length=200, blank=True, default="", db_default="")

    objects = ScreenManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="screen_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


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
