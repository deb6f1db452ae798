from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from display.stats import user_screens
from display.views import HtmxHttpRequest


@require_safe
@login_required
@vary_on_headers("HX-Request")
def screens(request: HtmxHttpRequest) -> HttpResponse:
    """``GET /display/screens/``: the user's screens, last contact first, with what each
    shows, its settings and its kiosk URL. The page refreshes its ``live`` partial."""
    template = "display/screens.html#live" if request.htmx else "display/screens.html"
    return render(request, template, {"screens": user_screens(user=request.user)})
