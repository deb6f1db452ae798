"""``/display/stats/``: the stats page, the user's feed in numbers, what each screen shows
and why, the last frames shown (its view model is ``display.stats``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from artfeed.web.htmx import HtmxHttpRequest, for_htmx
from display.stats import display_stats


@require_safe
@login_required
@for_htmx(partial="live")
def stats_page(request: HtmxHttpRequest) -> HttpResponse:
    """``GET /display/stats/``: the page; it refreshes its ``live`` partial through htmx.
    (``GET /api/stats/``, ``impressions.views.stats_json``, is its numbers for scripts.)"""
    return TemplateResponse(
        request, "display/stats.html", {"stats": display_stats(user=request.user)}
    )
