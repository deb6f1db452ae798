"""Live updates: the event stream of a user's screens, and the frame it points them to."""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from artfeed.models import Artwork
from artfeed.web.http import json_error
from display.pins import pin_frame, pin_ms
from display.screens import BadScreenSettings, screen_settings
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


@require_safe
@login_required
def frame(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """``GET /display/frame/<id>/?screen=…``: that artwork as the ``frame`` partial, pinned
    and leased to the screen (404 unless the user may see it)."""
    try:
        screen = screen_settings(request)
    except BadScreenSettings as error:
        return HttpResponseBadRequest(str(error))
    artwork = get_object_or_404(Artwork.objects.visible_to(request.user), pk=pk)
    pinned = pin_frame(request.user, screen=screen.key, artwork=artwork, dwell=screen.dwell)
    return render(request, "display/page.html#frame", {"frame": pinned, "pin_ms": pin_ms()})
