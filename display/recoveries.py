"""What a display reports when its watchdog had to step in (static/display/upkeep.js):
no frame for several dwells, so it retried, or reloaded itself. Counted in the metrics,
logged, and kept on the screen's row for the screens page."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import Counter

from display.inputs import BadInput, posted_fields
from display.models import Screen
from display.screens import BadScreenSettings, checked_screen_key

log = logging.getLogger("display.recoveries")

ACTIONS = ("retry", "reload")
REASONS = ("stalled", "error")
MAX_DETAIL = 300
MAX_BODY = 2048
_CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")

RECOVERIES = Counter(
    "artfeed_display_recoveries",
    "Displays that recovered on their own, by what they did and why.",
    ["action", "reason"],
)
for _action in ACTIONS:
    for _reason in REASONS:
        RECOVERIES.labels(_action, _reason)


class BadRecovery(ValueError):
    pass


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


def _fields(request: HttpRequest) -> Mapping[str, object]:
    # JSON from the page, form data from a beacon; nothing else is a report.
    if request.content_type not in _CONTENT_TYPES:
        raise BadRecovery(
            f"Unsupported content type {request.content_type or '(none)'!r}: send "
            "application/json or form data."
        )
    try:
        return posted_fields(request)
    except BadInput as error:
        raise BadRecovery(str(error)) from error


def _one_of(
    fields: Mapping[str, object], name: str, choices: tuple[str, ...], default: str | None = None
) -> str:
    value = fields.get(name, default)
    if value not in choices:
        raise BadRecovery(f"{name} must be one of {', '.join(choices)} (got {value!r:.40}).")
    return str(value)


def parse_recovery(request: HttpRequest) -> Recovery:
    """The report in the body, every field checked; ``BadRecovery`` names the bad one."""
    fields = _fields(request)
    try:
        screen = checked_screen_key(fields.get("screen"))
    except BadScreenSettings as error:
        raise BadRecovery(str(error)) from error
    try:
        stalled_ms = int(fields.get("stalled_ms", 0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        stalled_ms = -1
    if not 0 <= stalled_ms <= 10**9:
        raise BadRecovery("stalled_ms must be a whole number of milliseconds, 0 or more.")
    detail = fields.get("detail", "")
    if not isinstance(detail, str):
        raise BadRecovery("detail must be text.")
    return Recovery(
        screen=screen,
        action=_one_of(fields, "action", ACTIONS),
        reason=_one_of(fields, "reason", REASONS, default="error"),
        stalled_ms=stalled_ms,
        detail=" ".join(detail.split())[:MAX_DETAIL],
    )


def record_recovery(user: AbstractBaseUser, recovery: Recovery) -> int:
    """Count the recovery on the screen's row (made if the screen is new) and in the
    metrics; returns how many recoveries that screen has reported."""
    now = timezone.now()
    screen, _ = Screen.objects.get_or_create(user=user, key=recovery.screen)
    Screen.objects.filter(pk=screen.pk).update(
        recoveries=F("recoveries") + 1,
        last_recovery_at=now,
        last_recovery=recovery.summary(),
        last_seen_at=now,
    )
    RECOVERIES.labels(recovery.action, recovery.reason).inc()
    log.warning("display %s of user %s recovered: %s", recovery.screen, user.pk, recovery.summary())
    screen.refresh_from_db(fields=["recoveries"])
    return screen.recoveries
