from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoCacheHtmlMiddleware:
    """Mark HTML as ``no-cache``: a display left open for days must revalidate its page
    and fragments, or a proxy could hand it yesterday's frame (images keep their own,
    long-lived headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        return response
