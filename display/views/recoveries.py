"""``POST /display/recoveries/``: a display's watchdog reports that it stepped in."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.web.bodies import BadBody
from artfeed.web.http import api_view, json_error
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
