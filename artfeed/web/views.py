"""The site's own endpoints that carry no art: the health check, and the answers to what
Django refuses before a view can (``handler400``, ``CSRF_FAILURE_VIEW``)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as default_bad_request

from artfeed.web.bodies import UNREADABLE, BadBody, refusal_for
from artfeed.web.http import json_error, wants_json
from artfeed.web.outage import OUTAGES, RETRY_AFTER_SECONDS, log_outage


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: what Django refuses before a view can (the CSRF check reading a
    form over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields): 413 for a body too
    large, else 400, in JSON for JSON clients."""
    if isinstance(exception, UNREADABLE):
        problem = refusal_for(exception)
    else:
        problem = BadBody("The request was malformed and is refused.")
    if wants_json(request):
        return json_error(problem.status, problem.message)
    response = default_bad_request(request, exception)
    response.status_code = problem.status
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return json_error(403, f"CSRF check failed: {reason}. Reload the page and try again.")
    return default_csrf_failure(request, reason)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """``GET /healthz``: 200 ``{"status": "ok"}`` when the database answers ``SELECT 1``,
    else 503 with Retry-After. No login, no session: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except OUTAGES as error:
        response = JsonResponse(
            {"status": "unavailable", "error": log_outage(request, error)}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response
