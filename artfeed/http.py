"""Small HTTP helpers shared by the JSON endpoints: errors always carry a message."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

View = Callable[..., HttpResponse]


def json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def oversized_body(request: HttpRequest, limit: int) -> HttpResponse | None:
    """413 when the body is larger than ``limit`` bytes (400 for a Content-Length that is
    not a number), else None. A declared length is judged before anything is read; a
    streamed (chunked) body declares none, so it is measured once read, which the ASGI
    layer (artfeed/asgi.py) has already bounded by ``ARTFEED_MAX_REQUEST_BODY``."""
    length = _declared_length(request)
    if length is None:
        return json_error(400, "Content-Length is not a number.")
    if length > limit or (not length and len(request.body) > limit):
        return json_error(413, f"The body is too large: at most {limit} bytes.")
    return None


def _csrf_rejection(request: HttpRequest) -> HttpResponse | None:
    # The middleware's own check, run after the login check so that an anonymous caller
    # learns it must log in (401) rather than that its token is wrong (403).
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})


def _unreadable_form(request: HttpRequest) -> HttpResponse | None:
    # The CSRF check reads the form first: a broken multipart body (no boundary, cut off)
    # must be answered as JSON naming the problem, not with Django's bare HTML 400 page.
    if request.content_type != "multipart/form-data":
        return None
    try:
        request.POST  # noqa: B018 - parsing is the point
    except MultiPartParserError as error:
        return json_error(400, f"The form data could not be read: {error}.")
    return None


def api_view(
    *methods: str,
    max_body: Callable[[], int] | None = None,
    login: bool = True,
    csrf: bool = True,
) -> Callable[[View], View]:
    """An endpoint for scripts and the display's JavaScript, answering in JSON:
    the wrong method is 405, an anonymous caller 401 (never a redirect to the login
    page), a declared body over ``max_body()`` bytes 413 before anything is read, an
    unreadable multipart body 400, a failed CSRF check 403. ``login=False`` and
    ``csrf=False`` are for the few endpoints browsers call on their own (CSP reports),
    which change nothing."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = json_error(
                    405, f"{request.method} is not allowed here; use {' or '.join(methods)}."
                )
                response["Allow"] = ", ".join(methods)
                return response
            if login and not request.user.is_authenticated:
                return json_error(401, "Log in first: this endpoint needs a signed-in user.")
            too_large = oversized_body(request, max_body()) if max_body is not None else None
            if too_large is not None:
                return too_large
            rejection = _unreadable_form(request) or (_csrf_rejection(request) if csrf else None)
            if rejection is not None:
                return rejection
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
