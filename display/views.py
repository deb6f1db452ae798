from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from artfeed.release import current_release
from display.feed import next_frames
from display.models import Screen
from display.reloads import record_reloaded_frame, shown_frame
from display.screens import SCREEN_COOKIE, BadScreenSettings, screen_settings
from display.stats import display_stats


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


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
    row = Screen.record_opening(user=request.user, screen=screen, now=now)
    frames = next_frames(request.user, screen=screen.key, dwell=screen.dwell, now=now, restart=True)
    response = render(
        request,
        "display/page.html",
        {
            "frame": frames[0] if frames else None,
            "screen": screen,
            "viewable_ms": settings.ARTFEED_VIEWABLE_MS,
            "batch_max": settings.ARTFEED_BATCH_MAX,
            "release": current_release(),
            "dynamic_min_interval_s": int(settings.ARTFEED_DYNAMIC_MIN_INTERVAL.total_seconds()),
            "wake_lock_problem": row.wake_lock_problem,
            "sleep": row.sleep,
        },
    )
    response.set_cookie(SCREEN_COOKIE, screen.key, max_age=365 * 86400, samesite="Lax")
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
    if not frames:
        return HttpResponse(status=204)
    return render(request, "display/page.html#frame", {"frame": frames[0]})


@require_safe
@login_required
@vary_on_headers("HX-Request")
def stats(request: HtmxHttpRequest) -> HttpResponse:
    """``GET /display/stats/``: the user's feed in numbers, what each screen shows and why,
    the last frames shown. The page refreshes its ``live`` partial through htmx."""
    template = "display/stats.html#live" if request.htmx else "display/stats.html"
    return render(request, template, {"stats": display_stats(user=request.user)})
