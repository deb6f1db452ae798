"""What a display reports about its Screen Wake Lock (static/display/awake.js): that it
cannot hold one (the API is missing, or the browser refused), so the device may dim and
lock the screen; or that it holds one again. Kept on the screen's row for the screens
page, like the watchdog's recoveries (display.recoveries)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone

from artfeed.web.bodies import Text, read_body
from display.models import Screen
from display.screens import SCREEN_KEY_RULE, reported_screen

log = logging.getLogger("display.wakelock")

MAX_PROBLEM = Screen._meta.get_field("wake_lock_problem").max_length
MAX_BODY = 1024

FIELDS = {
    "screen": Text(required=True, message=SCREEN_KEY_RULE),
    # Empty: the screen holds its wake lock.
    "problem": Text(default="", message="problem must be text (empty when the lock is held)."),
}


@dataclass(frozen=True)
class WakeLockReport:
    screen: str
    problem: str  # empty: the screen holds its wake lock


def parse_wake_lock_report(request: HttpRequest) -> WakeLockReport:
    """``screen`` and ``problem`` from the body (JSON or form data); ``BadBody`` names a
    bad field."""
    fields = read_body(request, FIELDS)
    screen = reported_screen(fields)
    problem: str = fields["problem"]  # type: ignore[assignment]
    return WakeLockReport(screen=screen, problem=" ".join(problem.split())[:MAX_PROBLEM])


def record_wake_lock_report(user: AbstractBaseUser, report: WakeLockReport) -> None:
    """Keep the report on the screen's row (made if the screen is new)."""
    Screen.objects.record_wake_lock_problem(
        user=user, key=report.screen, problem=report.problem, now=timezone.now()
    )
    if report.problem:
        log.warning("display %s of user %s may sleep: %s", report.screen, user.pk, report.problem)
