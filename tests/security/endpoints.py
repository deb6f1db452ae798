"""Every URL of the site, once, with what the security tests need to know about it.

The fuzz test (test_fuzz.py), the authorisation matrix (test_authorisation.py) and the
GET-is-safe test (test_get_is_safe.py) all read this table, and test_endpoint_table.py
fails for a URL missing from it: a new endpoint is covered by adding its one line.

``route`` is the URL pattern as Django spells it (``<uuid:pk>`` is an artwork id);
``access`` who may use it; ``writes`` that it changes state (so GET must be refused);
``body`` a valid JSON body, for every endpoint that takes one (``{artwork}`` stands
for an artwork id; the body fuzz, test_fuzz_bodies.py, varies it); ``shows_art``
that its answer shows artworks (so it must never show another user's private ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Endpoint:
    route: str
    methods: tuple[str, ...]
    access: Literal["anyone", "user", "staff"]
    writes: bool = False
    body: str = ""  # a valid body; "{artwork}" stands for the artwork id
    shows_art: bool = False
    api: bool = False  # answers in JSON (401 for anonymous callers, not a redirect)
    asgi_only: bool = False  # a stream: the test client's WSGI-like calls get a 503

    def path(self, artwork: object = "00000000-0000-0000-0000-000000000000") -> str:
        return "/" + self.route.replace("<uuid:pk>", str(artwork))

    def body_for(self, artwork: object) -> str:
        return self.body.replace("{artwork}", str(artwork))

    @property
    def takes_artwork(self) -> bool:
        return "<uuid:pk>" in self.route or "{artwork}" in self.body


ENDPOINTS = [
    Endpoint("", ("GET",), "anyone"),  # redirects to the display
    Endpoint("healthz", ("GET", "HEAD"), "anyone"),
    Endpoint(
        "csp-report/",
        ("POST",),
        "anyone",
        api=True,
        body='{"csp-report": {"blocked-uri": "inline", "violated-directive": "script-src"}}',
    ),
    Endpoint(
        "accounts/login/",
        ("GET", "POST"),
        "anyone",
        body='{"username": "alice", "password": "wrong"}',
    ),
    Endpoint("accounts/logout/", ("POST",), "user", writes=True, body="{}"),
    Endpoint("artworks/<uuid:pk>/image", ("GET", "HEAD"), "user", shows_art=True),
    Endpoint("display/", ("GET", "HEAD"), "user", shows_art=True),
    Endpoint("display/next/", ("GET", "HEAD"), "user", shows_art=True),
    Endpoint(
        "api/impressions/",
        ("POST",),
        "user",
        writes=True,
        api=True,
        body='{"artwork_ids": ["{artwork}"]}',
    ),
    Endpoint("api/stats/", ("GET", "HEAD"), "user", api=True),
    Endpoint("display/stats/", ("GET", "HEAD"), "user", shows_art=True),
    Endpoint("display/screens/", ("GET", "HEAD"), "user", shows_art=True),
    Endpoint(
        "display/preferences/",
        ("GET", "POST"),
        "user",
        writes=True,
        api=True,
        body='{"styles": ["waves"], "looks": []}',
    ),
    Endpoint(
        "display/screens/sleep/",
        ("POST",),
        "user",
        writes=True,
        body='{"screen": "hall", "sleep": "23:00-07:00"}',
    ),
    Endpoint("metrics", ("GET",), "staff", api=True),
    Endpoint(
        "display/generate/",
        ("GET", "POST"),
        "user",
        writes=True,
        shows_art=True,
        api=True,
        body='{"prompt": "a quiet harbour"}',
    ),
    Endpoint("display/stream/", ("GET",), "user", shows_art=True, api=True, asgi_only=True),
    Endpoint("display/frame/<uuid:pk>/", ("GET",), "user", shows_art=True),
    Endpoint(
        "display/recoveries/",
        ("POST",),
        "user",
        writes=True,
        api=True,
        body='{"screen": "hall", "action": "retry", "reason": "stalled", "stalled_ms": 9000}',
    ),
    Endpoint(
        "artworks/<uuid:pk>/vote/", ("POST",), "user", writes=True, api=True, body='{"value": 1}'
    ),
    Endpoint(
        "display/wake-lock/",
        ("POST",),
        "user",
        writes=True,
        api=True,
        body='{"screen": "hall", "problem": "NotAllowedError: denied"}',
    ),
    # Browsers fetch a manifest without cookies; it names no one.
    Endpoint("display/manifest.webmanifest", ("GET", "HEAD"), "anyone"),
    # A service worker script: the release and the static files' names, nothing else.
    Endpoint("display/service-worker.js", ("GET", "HEAD"), "anyone"),
]

# Django's admin is its own (its state changes are POST with CSRF); it is checked
# as a whole: only staff get in.
ADMIN_PREFIX = "admin/"
