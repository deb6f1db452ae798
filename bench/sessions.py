"""Signing in the bench's HTTP client: a session made in the database (as a login would)
and a CSRF token pair, sent as cookies and a header like the display's JavaScript does."""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from artfeed.web.middleware import stamp_session
from bench.load import request_bytes

CSRF_TOKEN = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    stamp_session(session)  # as a login does: its first request renews nothing
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_headers(user, *, csrf: bool = False) -> dict[str, str]:
    """Headers of a signed-in browser; with ``csrf``, also what an unsafe request needs
    (Django accepts the unmasked secret in the header when it matches the cookie)."""
    cookie = session_cookie(user)
    if not csrf:
        return {"Cookie": cookie}
    return {
        "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
        settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-"): CSRF_TOKEN,
    }


def frame_headers(headers: dict[str, str], screen: str) -> dict[str, str]:
    """What a display's frame requests send, signed in with ``headers``: htmx's header,
    and the screen's cookie, which its page set when it loaded (without it each answer
    would set it again)."""
    from display.screens import SCREEN_COOKIE

    cookie = f"{SCREEN_COOKIE}={screen}"
    if "Cookie" in headers:
        cookie = f"{headers['Cookie']}; {cookie}"
    return {**headers, "Cookie": cookie, "HX-Request": "true"}


def frame_request(host: str, headers: dict[str, str], screen: str) -> bytes:
    """A display's ``GET /display/next/`` for ``screen`` (see ``frame_headers``)."""
    return request_bytes(
        "GET", f"/display/next/?screen={screen}", host=host, headers=frame_headers(headers, screen)
    )
