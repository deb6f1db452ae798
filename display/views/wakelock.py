"""``POST /display/wake-lock/``: a display reports on its Screen Wake Lock."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from artfeed.web.bodies import BadBody
from artfeed.web.http import api_view, json_error
from display import wakelock


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
