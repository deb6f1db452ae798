"""The release a server runs, so that open displays notice an upgrade and reload.

Every response carries it in the ``X-Artfeed-Release`` header and the display page in
``data-release``. A page that sees another release on a fragment reloads itself once,
at a frame boundary (static/display/upkeep.js).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Artfeed-Release"
MANIFEST = "staticfiles.json"  # written by collectstatic with hashed storage


def current_release() -> str:
    """``ARTFEED_RELEASE`` when the operator sets it (a version or commit), else a digest
    of the package version and the collected static files' manifest: any change to the
    code the browser runs changes the release."""
    return settings.ARTFEED_RELEASE or _derived_release()


@functools.cache
def _derived_release() -> str:
    digest = hashlib.sha256()
    with contextlib.suppress(PackageNotFoundError):
        digest.update(version("artfeed").encode())
    # Not collected (a bare test run): the version alone names the release.
    with contextlib.suppress(OSError):
        digest.update((settings.STATIC_ROOT / MANIFEST).read_bytes())
    return digest.hexdigest()[:12]


class ReleaseHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response[HEADER] = current_release()
        return response
