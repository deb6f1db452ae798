"""The third door into the backfill: once, at the first login after the cutover.

A user who joined before the cutover and has neither an impression nor a backfill gets
backfilled when they log in. Backfilling a big pool takes a while, so it runs after the
login's transaction commits, in a thread with its own database connection: the login
answers at once. A run that never finished (the process stopped, the database failed)
does not count as done: the next login runs again and writes only what is missing.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import connections, transaction
from django.utils import timezone

from impressions.backfill import backfill_impressions
from impressions.models import Backfill, Impression

logger = logging.getLogger(__name__)


def backfill_on_login(sender: Any, user: AbstractUser, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: schedule the backfill if this user needs one."""
    if needs_login_backfill(user):
        user_pk = user.pk
        transaction.on_commit(lambda: start_in_background(user_pk))


def needs_login_backfill(user: AbstractUser, *, now: datetime | None = None) -> bool:
    """True for a user who joined before the cutover and has no finished (real) backfill,
    and either no impression at all or a backfill that was cut short: their first login
    after the cutover backfills them, and the next one finishes a run that did not."""
    cutover = settings.ARTFEED_TRACKING_SINCE
    now = now or timezone.now()
    if cutover is None or cutover > now or user.date_joined >= cutover:
        return False
    runs = Backfill.objects.filter(user=user, dry_run=False)
    if runs.filter(finished_at__isnull=False).exists():
        return False
    # The impressions of an unfinished run are only part of what it had to write.
    return runs.exists() or not Impression.objects.filter(user=user).exists()


def start_in_background(user_pk: int) -> threading.Thread:
    """Run ``run_login_backfill`` in a daemon thread (tests replace this to run inline)."""
    thread = threading.Thread(
        target=_in_own_connection, args=(user_pk,), name="artfeed-login-backfill", daemon=True
    )
    thread.start()
    return thread


def run_login_backfill(user_pk: int) -> None:
    """Backfill one user, trigger ``login``; a failure is logged, never raised."""
    try:
        backfill_impressions(
            users=get_user_model().objects.filter(pk=user_pk), trigger=Backfill.Trigger.LOGIN
        )
    except Exception:
        logger.exception("Backfill at login failed for user %s", user_pk)


def _in_own_connection(user_pk: int) -> None:
    try:
        run_login_backfill(user_pk)
    finally:
        # Django opened connections for this thread; nobody else will close them.
        connections.close_all()
