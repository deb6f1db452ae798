"""Small HTTP helpers shared by the JSON endpoints: errors always carry a message."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from artfeed.web.bodies import unreadable_body

View = Callable[..., HttpResponse]

log = logging.getLogger(__name__)


def json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


class JsonThen(JsonResponse):
    """A JSON answer with work to do once it has been sent. Django closes a response
    after its last byte has gone to the client (its ASGI and WSGI handlers, and the test
    client before it returns), so the client does not wait for ``then``. Work that fails
    is logged; work that never runs (the client went away first, the process stopped)
    must be work nothing depends on."""

    def __init__(self, data: Any, *, then: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._then: Callable[[], None] | None = then

    def close(self) -> None:
        then, self._then = self._then, None
        try:
            if then is not None:
                then()
        except Exception:
            log.exception("The work after an answer failed")
        finally:
            super().close()


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


def _unreadable(request: HttpRequest) -> HttpResponse | None:
    # The CSRF check reads the form first: a body Django cannot read (over its limit, a
    # broken multipart form) must be answered as JSON naming the problem, not with
    # Django's HTML 400 page.
    problem = unreadable_body(request)
    return None if problem is None else json_error(problem.status, problem.message)


def api_view(
    *methods: str,
    max_body: Callable[[], int] | None = None,
    login: bool = True,
    csrf: bool = True,
) -> Callable[[View], View]:
    """An endpoint for scripts and the display's JavaScript, answering in JSON:
    the wrong method is 405, an anonymous caller 401 (never a redirect to the login
    page), a declared body over ``max_body()`` bytes 413 before anything is read, a
    body that cannot be read 400 (413 over Django's limit), a failed CSRF check 403.
    Every refusal is JSON, whatever the client accepts. ``login=False`` and
    ``csrf=False`` are for the few endpoints browsers call on their own (CSP reports),
    which change nothing."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.speaks_json = True  # type: ignore[attr-defined]  # see wants_json
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
            rejection = _unreadable(request) or (_csrf_rejection(request) if csrf else None)
            if rejection is not None:
                return rejection
            return view(request, *args, **kwargs)

        wrapper.speaks_json = True  # type: ignore[attr-defined]  # the ASGI body limit reads it
        return csrf_exempt(wrapper)

    return decorator


def answers_in_json(*, path: str, accept: str, content_type: str, view: object = None) -> bool:
    """The one rule for answering in JSON, refusals included: an ``api_view`` endpoint,
    anything under /api/, a client that accepts JSON or sends it. Shared by views
    (``wants_json``) and the ASGI body limit, which answers before any view runs."""
    return (
        getattr(view, "speaks_json", False)
        or path.startswith("/api/")
        or "application/json" in accept
        or content_type.split(";")[0].strip().lower() == "application/json"
    )


def wants_json(request: HttpRequest) -> bool:
    """Whether to answer this request in JSON (``answers_in_json``)."""
    return answers_in_json(
        path=request.path,
        accept=request.headers.get("Accept", ""),
        content_type=request.content_type or "",
        view=request,
    )


def page_view(*methods: str) -> Callable[[View], View]:
    """A page that scripts may also call (a form that takes JSON too): the wrong method
    is 405 and an anonymous caller 401, both in JSON for a JSON or htmx client; a person
    in a browser who is not logged in goes to the login page, as ``login_required``
    sends them."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            scripted = wants_json(request) or request.headers.get("HX-Request") == "true"
            if request.method not in methods:
                if not scripted:
                    return HttpResponseNotAllowed(methods)
                response = json_error(
                    405, f"{request.method} is not allowed here; use {' or '.join(methods)}."
                )
                response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                if scripted:
                    return json_error(401, "Log in first: this endpoint needs a signed-in user.")
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
