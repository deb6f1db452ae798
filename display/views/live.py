"""Live updates: the event stream of a user's screens (``/display/stream/``). The frame an
event points them to is fetched from ``display.views.page.frame``."""

from __future__ import annotations

import logging
import uuid

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from artfeed.web.http import json_error
from display.stream import art_ready_events

logger = logging.getLogger(__name__)


def _last_event_id(request: HttpRequest) -> uuid.UUID | None:
    # Only ever an id this stream sent; anything else means "nothing seen yet".
    try:
        return uuid.UUID(request.headers.get("Last-Event-ID", ""))
    except ValueError:
        return None


async def stream(request: HttpRequest) -> HttpResponse:
    """``GET /display/stream/``: Server-Sent Events for the signed-in user's screens."""
    if request.method != "GET":
        response = json_error(405, f"{request.method} is not allowed here; use GET.")
        response["Allow"] = "GET"
        return response
    user = await request.auser()
    if not user.is_authenticated:
        return json_error(401, "Log in first: this endpoint needs a signed-in user.")
    if not hasattr(request, "scope"):
        # Under WSGI an endless stream would hold a worker thread for good.
        logger.warning("live updates need the ASGI server (uvicorn artfeed.asgi:application)")
        return json_error(503, "Live updates need the ASGI server; this one speaks WSGI.")
    response = StreamingHttpResponse(
        art_ready_events(user_id=user.pk, last_event_id=_last_event_id(request)),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
