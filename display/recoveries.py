"""What a display reports when its watchdog had to step in (static/display/upkeep.js):
no frame for several dwells, so it retried, or reloaded itself. Counted in the metrics,
logged, and kept on the screen's row for the screens page."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import Counter

from artfeed.web.bodies import Choice, Text, WholeNumber, read_body
from display.models import Screen
from display.screens import SCREEN_KEY_RULE, reported_screen

log = logging.getLogger("display.recoveries")

RECOVERY_ACTIONS = ("retry", "reload")
# Why the display stalled: a script error was seen meanwhile, or none (upkeep.js).
RECOVERY_REASONS = ("stalled", "error")
MAX_DETAIL = 300
MAX_BODY = 2048

RECOVERIES = Counter(
    "artfeed_display_recoveries",
    "Displays that recovered on their own, by what they did and why.",
    ["action", "reason"],
)
for _action in RECOVERY_ACTIONS:
    for _reason in RECOVERY_REASONS:
        RECOVERIES.labels(_action, _reason)


@dataclass(frozen=True)
class Recovery:
    screen: str
    action: str
    reason: str
    stalled_ms: int
    detail: str

    def summary(self) -> str:
        text = f"{self.action} after {self.stalled_ms / 1000:.0f} s ({self.reason})"
        return f"{text}: {self.detail}" if self.detail else text


FIELDS = {
    "screen": Text(required=True, message=SCREEN_KEY_RULE),
    "action": Choice(choices=RECOVERY_ACTIONS, required=True),
    "reason": Choice(choices=RECOVERY_REASONS, default="error"),
    "stalled_ms": WholeNumber(
        low=0,
        high=10**9,
        default=0,
        message="stalled_ms must be a whole number of milliseconds, 0 or more.",
    ),
    "detail": Text(default=""),
}


def parse_recovery(request: HttpRequest) -> Recovery:
    """The report in the body (JSON from the page, form data from a beacon), every field
    checked; ``BadBody`` names the bad one."""
    fields = read_body(request, FIELDS)
    screen = reported_screen(fields)
    detail: str = fields["detail"]  # type: ignore[assignment]
    return Recovery(
        screen=screen,
        action=fields["action"],  # type: ignore[arg-type]
        reason=fields["reason"],  # type: ignore[arg-type]
        stalled_ms=fields["stalled_ms"],  # type: ignore[arg-type]
        detail=" ".join(detail.split())[:MAX_DETAIL],
    )


def record_recovery(user: AbstractBaseUser, recovery: Recovery) -> int:
    """Count the recovery on the screen's row (made if the screen is new) and in the
    metrics; returns how many recoveries that screen has reported."""
    count = Screen.objects.record_recovery(
        user=user, key=recovery.screen, summary=recovery.summary(), now=timezone.now()
    )
    RECOVERIES.labels(recovery.action, recovery.reason).inc()
    log.warning("display %s of user %s recovered: %s", recovery.screen, user.pk, recovery.summary())
    return count
