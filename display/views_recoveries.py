from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.web.bodies import BadBody
from artfeed.web.http import api_view, json_error
from display import wakelock
from display.recoveries import MAX_BODY, parse_recovery, record_recovery


@api_view("POST", max_body=lambda: MAX_BODY)
def recoveries(request: HttpRequest) -> JsonResponse:
    """``POST /display/recoveries/``: a display's watchdog retried or reloaded. JSON, or
    form data from ``navigator.sendBeacon`` (sent just before a reload)."""
    try:
        recovery = parse_recovery(request)
    except BadBody as error:
        return json_error(error.status, error.message)
    count = record_recovery(request.user, recovery)
    return JsonResponse(
        {"screen": recovery.screen, "action": recovery.action, "recoveries": count}, status=201
    )


@api_view("POST", max_body=lambda: wakelock.MAX_BODY)
def wake_lock(request: HttpRequest) -> JsonResponse:
    """``POST /display/wake-lock/``: a display cannot hold a Screen Wake Lock (``problem``
    says why), or holds one again (``problem`` empty)."""
    try:
        report = wakelock.parse_wake_lock_report(request)
    except BadBody as error:
        return json_error(error.status, error.message)
    wakelock.record_wake_lock_report(request.user, report)
    return JsonResponse({"screen": report.screen, "problem": report.problem})
