from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from artfeed.web.bodies import BadBody, Text, read_body
from artfeed.web.htmx import HtmxHttpRequest, for_htmx
from artfeed.web.http import json_error, wants_json
from display.models import Screen
from display.screens import BadScreenSettings, screen_settings, user_screens


@require_safe
@login_required
@for_htmx(partial="live")
def screens(request: HtmxHttpRequest) -> HttpResponse:
    """``GET /display/screens/``: the user's screens, last contact first, with what each
    shows, its settings and its kiosk URL. The page refreshes its ``live`` partial."""
    return TemplateResponse(
        request, "display/screens.html", {"screens": user_screens(user=request.user)}
    )


SLEEP_FIELDS = {
    "screen": Text(required=True, message="screen is required: the name of the screen to set."),
    "sleep": Text(default=""),
}


@require_POST
@login_required
def set_sleep(request: HtmxHttpRequest) -> HttpResponse:
    """``POST /display/screens/sleep/`` (the screens page's form): ``screen`` and its
    ``sleep`` period (empty or ``off`` for none), then back to the screens page. The
    screen follows it from its next load; its URL's own ``?sleep=``, when it has one, wins
    there. A bad field is a 400 naming it, an unknown screen a 404 (JSON to JSON clients);
    nothing is saved."""
    try:
        fields = read_body(request, SLEEP_FIELDS)
        if not fields["screen"]:
            raise BadBody(SLEEP_FIELDS["screen"].message)
        options = screen_settings(request, fields)
    except (BadBody, BadScreenSettings) as error:
        return _refused(request, error.status if isinstance(error, BadBody) else 400, str(error))
    sleep = options.sleep_to_keep or ""
    if not Screen.objects.set_sleep(user=request.user, key=options.key, sleep=sleep):
        return _refused(request, 404, f"You have no screen named {options.key!r}.")
    return HttpResponseRedirect(reverse("display:screens"), status=303)


def _refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return json_error(status, message)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
