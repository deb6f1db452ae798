"""The display as an installed app: its web app manifest."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

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
