from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control


class SecureCookiesMiddleware:
    """Over HTTPS every cookie is ``Secure``, whoever set it (the screen's name, the
    messages, any later one), not only those Django's settings know about. Placed
    outside the session and CSRF middlewares, it sees their cookies too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure() or settings.SESSION_COOKIE_SECURE:
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response


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


class SessionRenewalMiddleware:
    """Keeps a signed-in screen's session alive: once a day a request that used the
    session marks it changed, so it is saved with a fresh ``SESSION_COOKIE_AGE`` and its
    cookie re-sent. A wall display that stays on is never logged out; the cost is one
    session write per screen per day instead of one per request
    (``SESSION_SAVE_EVERY_REQUEST``)."""

    STAMP = "artfeed.renewed_on"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request already loaded: renewal never costs a read.
        if session is None or not session.accessed or response.status_code >= 500:
            return response
        if SESSION_KEY not in session:
            return response
        stamp_session(session)
        return response


def stamp_session(session) -> None:
    """Mark the session renewed today (a change, so it is saved) unless it already is."""
    today = timezone.now().date().isoformat()
    if session.get(SessionRenewalMiddleware.STAMP) != today:
        session[SessionRenewalMiddleware.STAMP] = today


@receiver(user_logged_in)
def _stamp_at_login(sender, request: HttpRequest, **kwargs) -> None:
    # A login saves the session anyway: stamping it then spares the first request a write.
    stamp_session(request.session)
