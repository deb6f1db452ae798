"""The Content Security Policy, and where browsers report what it blocked.

The pages carry no inline script, no ``on…`` attribute and no inline style: scripts and
styles come from our own static files, images from our own URLs (and ``data:`` URIs),
requests go to our own origin only. htmx is told not to evaluate code (the
``htmx-config`` meta in base.html), so nothing needs ``unsafe-inline`` or ``unsafe-eval``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from artfeed.http import api_view, json_error

logger = logging.getLogger("artfeed.csp")

REPORT_PATH = "/csp-report/"
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",  # blob: frames kept for outages (offline.js)
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        f"report-uri {REPORT_PATH}",
    ]
)
# A report is a few hundred bytes; anything much larger is not a browser reporting.
MAX_REPORT_BYTES = 16 * 1024


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response that has none of its own (an artwork image
    brings a stricter one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = POLICY
        return response


# Browsers send reports with neither a session nor a token; a report changes nothing.
@api_view("POST", max_body=lambda: MAX_REPORT_BYTES, login=False, csrf=False)
def report(request: HttpRequest) -> HttpResponse:
    """``POST /csp-report/``: log what the policy blocked, so a regression shows in the
    logs instead of as a silently broken screen."""
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return json_error(400, "A report is a JSON object.")
    details = payload.get("csp-report") if isinstance(payload, dict) else None
    if not isinstance(details, dict):
        return json_error(400, 'A report is a JSON object with a "csp-report" member.')
    logger.warning(
        "CSP blocked %.200s (%.100s) on %.200s",
        details.get("blocked-uri", "?"),
        details.get("violated-directive") or details.get("effective-directive", "?"),
        details.get("document-uri", "?"),
    )
    return HttpResponse(status=204)
