"""What a display reports when its watchdog had to step in (static/display/upkeep.js):
no frame for several dwells, so it retried, or reloaded itself. Counted in the metrics,
logged, and kept on the screen's row for the screens page."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import Counter

from display.models import Screen
from display.screens import BadScreenSettings, checked_screen_key

log = logging.getLogger("display.recoveries")

ACTIONS = ("retry", "reload")
REASONS = ("stalled", "error")
MAX_DETAIL = 300
MAX_BODY = 2048

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


def _fields(request: HttpRequest) -> dict[str, object]:
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadRecovery(f"The body is not valid JSON ({error}).") from error
        if not isinstance(payload, dict):
            raise BadRecovery('Expected a JSON object like {"screen": "hall", "action": "retry"}.')
        return payload
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.POST.dict()
    raise BadRecovery(
        f"Unsupported content type {request.content_type or '(none)'!r}: send application/json "
        "or form data."
    )


def _one_of(fields: dict[str, object], name: str, choices: tuple[str, ...]) -> str:
    value = fields.get(name, choices[-1] if name == "reason" else None)
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
        reason=_one_of(fields, "reason", REASONS),
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
