"""The Content Security Policy, and where browsers report what it blocked.

The pages carry no inline script, no ``on…`` attribute and no inline style: scripts and
styles come from our own static files, images from our own URLs (and ``data:`` URIs),
requests go to our own origin only. htmx is told not to evaluate code (the
``htmx-config`` meta in base.html), so nothing needs ``unsafe-inline`` or ``unsafe-eval``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from artfeed.web.bodies import BadBody, Record, Text, read_body
from artfeed.web.http import api_view, json_error

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
        "manifest-src 'self'",  # the display's web app manifest
        "worker-src 'self'",  # its service worker
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        f"report-uri {REPORT_PATH}",
    ]
)
# A report is a few hundred bytes; anything much larger is not a browser reporting.
MAX_REPORT_BYTES = 16 * 1024
# What a report says that we log (browsers send more; the rest is ignored).
_DIRECTIVE = {name: Text(max_length=2000) for name in ("violated-directive", "effective-directive")}
_URIS = {name: Text(max_length=2000) for name in ("blocked-uri", "document-uri")}
REPORT_FIELDS = {"csp-report": Record(fields={**_DIRECTIVE, **_URIS}, required=True)}
# Browsers send application/csp-report; a report sent by hand is often plain JSON.
REPORT_TYPES = ("application/csp-report", "application/json")


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
        fields = read_body(request, REPORT_FIELDS, json_types=REPORT_TYPES, form=False)
    except BadBody as error:
        return json_error(error.status, error.message)
    details: dict[str, str] = fields["csp-report"]  # type: ignore[assignment]
    logger.warning(
        "CSP blocked %.200s (%.100s) on %.200s",
        details.get("blocked-uri", "?"),
        details.get("violated-directive") or details.get("effective-directive", "?"),
        details.get("document-uri", "?"),
    )
    return HttpResponse(status=204)
