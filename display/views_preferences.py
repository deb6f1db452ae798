"""``/display/preferences/``: a user's preferred styles and looks (a small settings page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from artfeed.generation.looks import LOOKS
from artfeed.generation.registry import get_generator
from display.preferences import preferences_of, save_preferences

TEMPLATE = "display/preferences.html"


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """GET: the form, with what is saved ticked. POST (``styles`` and ``looks``, each
    repeated): save them and come back to the page saying so; an unknown name is a 400
    naming the field, and nothing is saved."""
    if request.method == "POST":
        styles, looks = request.POST.getlist("styles"), request.POST.getlist("looks")
        try:
            save_preferences(user=request.user, styles=styles, looks=looks)
        except ValueError as error:
            return _page(request, styles=styles, looks=looks, error=str(error), status=400)
        return HttpResponseRedirect(f"{reverse('display:preferences')}?saved=1", status=303)
    saved = preferences_of(request.user)
    return _page(request, styles=saved.styles, looks=saved.looks, saved="saved" in request.GET)


def _page(
    request: HttpRequest,
    *,
    styles: list[str],
    looks: list[str],
    error: str = "",
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "styles": [(name, name in styles) for name in get_generator().styles],
        "looks": [(name, look.label, name in looks) for name, look in LOOKS.items()],
        "error": error,
        "saved": saved,
    }
    return render(request, TEMPLATE, context, status=status)
