"""``/display/preferences/``: a user's preferred styles and looks (a small settings page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from artfeed.generation.looks import LOOKS
from artfeed.generation.registry import get_generator
from artfeed.web.bodies import BadBody, TextList, read_body
from artfeed.web.http import json_error, page_view, wants_json
from display.preferences import preferences_of, save_preferences

TEMPLATE = "display/preferences.html"
FIELDS = {"styles": TextList(), "looks": TextList()}


@page_view("GET", "POST")
def preferences(request: HttpRequest) -> HttpResponse:
    """GET: the form, with what is saved ticked. POST (``styles`` and ``looks``, each
    repeated in a form or a list in JSON): save them and come back to the page saying
    so (a JSON client gets what is saved); an unknown name or a bad body is a 400
    naming the field (JSON to a JSON client), and nothing is saved."""
    if request.method == "POST":
        styles: list[str] = []
        looks: list[str] = []
        try:
            fields = read_body(request, FIELDS)
            styles, looks = fields.get("styles", []), fields.get("looks", [])  # type: ignore
            save_preferences(user=request.user, styles=styles, looks=looks)
        except ValueError as error:  # the body, or a name that is no style or look
            status = error.status if isinstance(error, BadBody) else 400
            if wants_json(request):
                return json_error(status, str(error))
            return _page(request, styles=styles, looks=looks, error=str(error), status=status)
        if wants_json(request):
            return JsonResponse({"styles": styles, "looks": looks})
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
