"""``/display/generate/``: the generate overlay's form (GET) and making an artwork (POST)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django_htmx.http import reswap, retarget, trigger_client_event

from artfeed.generation.base import GenerationError
from artfeed.generation.looks import LOOKS
from artfeed.generation.registry import get_generator
from artfeed.generation.service import QuotaExceeded, TooSoon, generations_used
from artfeed.generation.vocabulary import MOODS
from artfeed.web.bodies import BadBody, read_body
from artfeed.web.htmx import HtmxHttpRequest, for_htmx
from artfeed.web.http import page_view, wants_json
from display.generate import (
    GENERATION_FIELDS,
    SURPRISE,
    generate_on_screen,
    parse_generation_request,
)
from display.screens import SCREEN_FIELDS, screen_settings
from display.views.page import pinned_frame

TEMPLATE = "display/generate.html"
# Where the overlay's form lives on the display page: a refusal re-renders it there.
OVERLAY = "#generate-overlay"


def _form(
    request: HtmxHttpRequest,
    *,
    values: Mapping[str, object] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    # The overlay's page; htmx gets its form partial alone (for_htmx on the view).
    context = {
        "styles": get_generator().styles,
        "surprise": SURPRISE,
        "moods": MOODS,
        "looks": LOOKS.items(),
        "values": values or {},
        "error": error,
        "used": generations_used(request.user),
        "limit": settings.ARTFEED_DAILY_GENERATIONS,
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)


def _refused(
    request: HtmxHttpRequest,
    status: int,
    message: str,
    values: Mapping[str, object],
    *,
    reason: str = "",
    retry_after: int | None = None,
) -> HttpResponse:
    """The message, and nothing else changed: JSON for scripts (and for dynamic mode,
    with a ``reason`` it acts on: ``quota`` or ``interval``); for the overlay, its form
    again (values kept) in place of the frame it asked for."""
    if wants_json(request):
        extra = {"reason": reason} if reason else {}
        response = JsonResponse({"error": message, **extra}, status=status)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response
    response = _form(request, values=values, error=message, status=status)
    if request.htmx:
        reswap(retarget(response, OVERLAY), "innerHTML")
    return response


@page_view("GET", "POST")
@for_htmx(partial="form")
def generate(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the form, with today's usage ("12 of 100 today"). POST (prompt, style,
    mood, bpm, energy, brightness, fingerprint, dynamic, screen, dwell): make the artwork
    and answer with it as the ``frame`` partial, pinned on the generating screen, plus an
    ``artfeed:generated`` event. Refusals are JSON when the client accepts it, even from htmx
    (dynamic mode asks for the frame and for JSON errors)."""
    if request.method == "GET":
        return _form(request)
    fields: Mapping[str, object] = {}
    try:
        fields = read_body(request, {**GENERATION_FIELDS, **SCREEN_FIELDS})
        screen = screen_settings(request, fields)
        made = generate_on_screen(
            user=request.user,
            request=parse_generation_request(fields),
            screen=screen,
            dynamic=screen.dynamic,  # dynamic mode asked, not a person
        )
    except BadBody as error:
        return _refused(request, error.status, error.message, fields)
    except QuotaExceeded as error:
        return _refused(request, 429, str(error), fields, reason="quota")
    except TooSoon as error:
        return _refused(
            request, 429, str(error), fields, reason="interval", retry_after=error.retry_after
        )
    except GenerationError as error:
        return _refused(request, 502, str(error), fields)
    except ValueError as error:  # a field, the body or the screen settings
        return _refused(request, 400, str(error), fields)

    generation, artwork = made.generation, made.generation.artwork
    summary = {
        "id": str(artwork.pk),
        "title": artwork.title,
        "style": artwork.style,
        "created": generation.created,
        "used_today": generation.used_today,
        "daily_limit": generation.daily_limit,
    }
    if request.htmx:
        return trigger_client_event(pinned_frame(request, made.frame), "artfeed:generated", summary)
    if wants_json(request):
        summary["image_url"] = reverse("artwork-image", args=[artwork.pk])
        return JsonResponse(summary, status=201 if generation.created else 200)
    # A plain form post (no JavaScript): back to the display, where it is first in line.
    return HttpResponseRedirect(reverse("display:page"), status=303)
