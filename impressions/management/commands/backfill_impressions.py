"""``manage.py backfill_impressions``: a door into ``impressions.backfill``."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db.models import QuerySet

from artfeed.environment import parse_moment
from impressions.backfill import (
    DEFAULT_BATCH_SIZE,
    BackfillError,
    BackfillProgress,
    backfill_impressions,
)
from impressions.models import Backfill

MAX_BATCH_SIZE = 100_000


class Command(BaseCommand):
    help = (
        "Mark artworks created before the cutover as seen by users who joined before it "
        "(source=backfill), so legacy art they saw untracked stops coming back as new."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", action="append", metavar="USERNAME", help="repeatable")
        who.add_argument("--all", action="store_true", help="every user")
        parser.add_argument(
            "--before",
            metavar="WHEN",
            help="the cutover: 2025-01-31 (midnight UTC) or 2025-01-31T12:00:00+00:00; "
            "default ARTFEED_TRACKING_SINCE",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, write nothing")
        parser.add_argument(
            "--batch-size",
            default=str(DEFAULT_BATCH_SIZE),
            help="rows a chunk (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = _batch_size(options["batch_size"])  # checks that need no database first
        cutover = _cutover(options["before"])
        try:
            result = backfill_impressions(
                users=_users(options["user"]),
                trigger=Backfill.Trigger.COMMAND,
                cutover=cutover,
                dry_run=options["dry_run"],
                batch_size=batch_size,
                progress=ProgressBar(self.stderr),
            )
        except BackfillError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.summary())


def _users(usernames: list[str] | None) -> QuerySet:
    model = get_user_model()
    if usernames is None:  # --all
        return model.objects.all()
    field = model.USERNAME_FIELD
    users = model.objects.filter(**{f"{field}__in": usernames})
    known = set(users.values_list(field, flat=True))
    unknown = [name for name in dict.fromkeys(usernames) if name not in known]
    if unknown:
        raise CommandError(f"--user: no user named {', '.join(map(repr, unknown))}.")
    return users


def _cutover(raw: str | None) -> datetime:
    if raw is None:
        if settings.ARTFEED_TRACKING_SINCE is None:
            raise CommandError("No cutover: ARTFEED_TRACKING_SINCE is not set; pass --before.")
        return settings.ARTFEED_TRACKING_SINCE
    try:
        return parse_moment(raw)
    except ValueError as error:
        raise CommandError(f"--before {raw!r} {error}") from error


def _batch_size(raw: str) -> int:
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise CommandError(
            f"--batch-size {raw!r} must be a whole number from 1 to {MAX_BATCH_SIZE}."
        )
    return size


class ProgressBar:
    """Draws a run's progress on stderr: redrawn in place up to ten times a second on a
    terminal, a line every few seconds in a log; the final state is always drawn."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.interval = 0.1 if self.terminal else 5.0
        self.drawn_at = float("-inf")

    def __call__(self, step: BackfillProgress) -> None:
        user_done = step.rows >= step.expected
        last = user_done and step.user_number == step.user_count
        now = time.monotonic()
        if not last and now - self.drawn_at < self.interval:
            return
        self.drawn_at = now
        share = step.rows / step.expected if step.expected else 1.0
        filled = round(self.WIDTH * (step.user_number - 1 + share) / step.user_count)
        line = (
            f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] user {step.user_number}/"
            f"{step.user_count} {step.username}: {step.rows}/{step.expected} rows"
        )
        if self.terminal:
            self.stream.write(f"\r\033[K{line}", ending="\n" if last else "")
            self.stream.flush()
        else:
            self.stream.write(line)
