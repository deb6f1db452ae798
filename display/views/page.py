"""The display page and the frames it swaps in: ``/display/``, ``/display/next/`` (the
feed's next frame) and ``/display/frame/<id>/`` (a frame pinned on purpose)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from artfeed.models import Artwork
from artfeed.web.htmx import HtmxHttpRequest
from artfeed.web.release import current_release
from display.feed import Frame, next_frames, open_screen
from display.pins import pin_frame, pin_ms
from display.reloads import record_reloaded_frame, shown_frame
from display.screens import SCREEN_COOKIE, BadScreenSettings, screen_settings, set_screen_cookie

FRAME = "display/page.html#frame"


@require_safe
@login_required
def page(request: HtmxHttpRequest) -> HttpResponse:
    """The display: the first frame is in the HTML, so the first paint is already art.
    Without JavaScript it reloads every dwell, naming the frame it showed (display.reloads)."""
    try:
        screen = screen_settings(request)
        shown = shown_frame(request)
    except BadScreenSettings as error:
        return HttpResponseBadRequest(str(error))
    now = timezone.now()
    if shown:
        record_reloaded_frame(user=request.user, screen=screen, artwork_id=shown, now=now)
    opened = open_screen(request.user, screen=screen, now=now)
    response = render(
        request,
        "display/page.html",
        {
            "frame": opened.frame,
            "screen": screen,
            "viewable_ms": settings.ARTFEED_VIEWABLE_MS,
            "batch_max": settings.ARTFEED_BATCH_MAX,
            "release": current_release(),
            "dynamic_min_interval_s": int(settings.ARTFEED_DYNAMIC_MIN_INTERVAL.total_seconds()),
            "wake_lock_problem": opened.screen.wake_lock_problem,
            "sleep": opened.screen.sleep,
        },
    )
    set_screen_cookie(response, screen.key)
    return response


@require_safe
@login_required
def next_frame(request: HtmxHttpRequest) -> HttpResponse:
    """``GET /display/next/``: the next frame as the page's ``frame`` partial.

    204 when every visible artwork is on the user's other screens right now: the screen
    keeps its current frame rather than going blank.
    """
    try:
        screen = screen_settings(request)
    except BadScreenSettings as error:
        return HttpResponseBadRequest(str(error))
    frames = next_frames(request.user, screen=screen.key, dwell=screen.dwell)
    response = (
        render(request, FRAME, {"frame": frames[0]}) if frames else HttpResponse(status=204)
    )
    if request.COOKIES.get(SCREEN_COOKIE) != screen.key:
        # The page's script names its screen as it keeps it (localStorage): a cookie that
        # says otherwise (cleared, or from before) follows it.
        set_screen_cookie(response, screen.key)
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
    return pinned_frame(request, pinned)


def pinned_frame(request: HttpRequest, frame: Frame) -> HttpResponse:
    """``frame`` as the page's ``frame`` partial, held on screen for the pin's time
    (``pin_ms``) instead of the screen's dwell."""
    return render(request, FRAME, {"frame": frame, "pin_ms": pin_ms()})
