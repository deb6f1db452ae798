"""The display as an installed app: its web app manifest, and its service worker (which
keeps the page and its last frames for a reload during an outage)."""

from __future__ import annotations

import json
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from artfeed.web.release import current_release

NAME = "artfeed"
THEME_COLOUR = "#000000"  # the display's own background (display.css, --bg)


@require_safe
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    """``GET /display/manifest.webmanifest``: what a browser needs to install the display
    as an app that opens full screen on ``/display/``. Public: browsers fetch manifests
    without cookies, and it tells nothing about anyone."""
    display = reverse("display:page")
    return JsonResponse(
        {
            "id": display,
            "name": NAME,
            "short_name": NAME,
            "description": "Art on your screens, one frame at a time.",
            "start_url": display,
            "scope": display,
            "display": "fullscreen",
            "orientation": "any",
            "background_color": THEME_COLOUR,
            "theme_color": THEME_COLOUR,
            # The favicon, and the same drawing as PNGs for launchers that want pixels.
            "icons": [
                {"src": static("display/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("display/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("display/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
    )


@cache
def _display_static_names() -> list[str]:
    """The names of every static file under ``display/``: the page's scripts (those
    loaded only when used too), its styles, its icons."""
    names = {
        path
        for finder in finders.get_finders()
        for path, _ in finder.list(ignore_patterns=[])
        if path.startswith("display/")
    }
    return sorted(names)


def _display_static_files() -> list[str]:
    # The names are found once; their URLs are asked of the storage each time, since
    # which storage (hashed names or plain) is a setting, not a property of the files.
    return [static(name) for name in _display_static_names()]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """``GET /display/service-worker.js``: the display's service worker, scoped to
    ``/display/``. It names the release and the static files of that release, so a new
    release is a new worker (browsers compare its bytes), which replaces the old cache.
    Never cached by HTTP: a browser must see a new release at once."""
    response = render(
        request,
        "display/service-worker.js",
        {
            "release": json.dumps(current_release()),
            "static_files": json.dumps(_display_static_files()),
            "display": json.dumps(reverse("display:page")),
        },
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    return response
