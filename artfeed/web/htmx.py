"""htmx's side of a request: the request type the views annotate, and the one place a
page chooses between answering with all of itself or with the part htmx swaps."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

View = TypeVar("View", bound=Callable[..., HttpResponse])


class HtmxHttpRequest(HttpRequest):
    """A request seen by django-htmx's middleware: ``request.htmx`` is true when htmx
    sent it."""

    htmx: HtmxDetails


def for_htmx(*, partial: str) -> Callable[[View], View]:
    """A page that htmx refreshes in part: its view answers with a ``TemplateResponse``
    of the whole page, and a request from htmx gets only the named ``partial`` of that
    template (django-template-partials' ``page.html#partial``), the region it swaps.

    Every answer carries ``Vary: HX-Request``, so no cache hands the part to a browser
    asking for the page or the page to htmx. Other responses (JSON, a redirect, a
    fragment the view renders on purpose) pass through unchanged."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if request.htmx and isinstance(response, TemplateResponse):
                response.template_name = f"{response.template_name}#{partial}"
            patch_vary_headers(response, ["HX-Request"])
            return response

        return wrapper  # type: ignore[return-value]

    return decorator
