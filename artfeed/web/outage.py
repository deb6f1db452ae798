"""A database that is down or too slow answers 503 with ``Retry-After``, never a 500.

Screens and their recorders retry a 503 after ``Retry-After`` seconds, so a restart or a
failover of PostgreSQL costs a short pause and nothing else. The error is logged with
what was asked, for the operator; the caller gets a short message it can act on.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

from artfeed.web.http import json_error, wants_json

logger = logging.getLogger("artfeed.outage")

RETRY_AFTER_SECONDS = 5
OUTAGES = (OperationalError, InterfaceError)


def _is_timeout(error: BaseException) -> bool:
    # psycopg's QueryCanceled (ARTFEED_DB_STATEMENT_TIMEOUT), an OperationalError, is
    # what Django wraps as the error's cause.
    return type(error.__cause__ or error).__name__ == "QueryCanceled"


def log_outage(request: HttpRequest, error: BaseException) -> str:
    """Log the outage with what was asked; return the message for the caller."""
    slow = _is_timeout(error)
    cause = error.__cause__ or error
    first_line = (str(error).strip().splitlines() or [""])[0]
    logger.error(
        "Database %s during %s %s from %s: %s: %s",
        "too slow" if slow else "unavailable",
        request.method,
        request.path,
        request.META.get("REMOTE_ADDR", "?"),
        type(cause).__name__,
        first_line,
    )
    return outage_message(error)


def outage_message(error: BaseException) -> str:
    """What to tell the caller: the database was too slow, or not there."""
    if _is_timeout(error):
        return "The database took too long to answer. Try again in a few seconds."
    return "The database is unavailable for a moment. Try again in a few seconds."


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 for a request that met a database outage: JSON for scripts, a small page
    for people (rendered without touching the database or the session)."""
    message = log_outage(request, error)
    if wants_json(request):
        response: HttpResponse = json_error(503, message)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged above with its cause; Django's request logger need not repeat it.
    response._has_been_logged = True  # noqa: SLF001 - django.utils.log.log_response's flag
    return response


class DatabaseOutageMiddleware:
    """Turns a database outage met by a view into the 503 of ``outage_response``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGES):
            return outage_response(request, exception)
        return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that cannot be saved because the database went
    away after the view ran is a 503 too (the one write outside the views)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except OUTAGES as error:
            return outage_response(request, error)


def server_error_view(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage that escaped the middleware above is still a 503."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES):
        return outage_response(request, error)
    if wants_json(request):
        return json_error(500, "Something went wrong on the server; it was logged.")
    return server_error(request)
