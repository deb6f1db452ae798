"""A screen's identity and settings, read from its request (``?screen=``, ``?dwell=``)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

SCREEN_COOKIE = "artfeed_screen"
_SCREEN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_DWELL, MAX_DWELL = 3, 3600


class BadScreenSettings(ValueError):
    pass


@dataclass(frozen=True)
class ScreenSettings:
    key: str
    dwell: timedelta

    @property
    def dwell_seconds(self) -> int:
        return int(self.dwell.total_seconds())


def new_screen_key() -> str:
    return f"screen-{secrets.token_hex(4)}"


def screen_settings(request: HttpRequest) -> ScreenSettings:
    """The screen named by ``?screen=`` (else the page's cookie, else a new name) and its
    dwell from ``?dwell=`` seconds (else ``ARTFEED_DWELL``); a POST carries them in its body."""
    fields = request.POST if request.method == "POST" else request.GET
    key = fields.get("screen") or request.COOKIES.get(SCREEN_COOKIE) or new_screen_key()
    if not _SCREEN_KEY.match(key):
        raise BadScreenSettings(
            "screen must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit."
        )
    raw_dwell = fields.get("dwell")
    if raw_dwell is None or raw_dwell == "":
        dwell = settings.ARTFEED_DWELL
    else:
        try:
            seconds = int(raw_dwell)
        except ValueError:
            seconds = 0
        if not MIN_DWELL <= seconds <= MAX_DWELL:
            raise BadScreenSettings(
                f"dwell must be a whole number of seconds from {MIN_DWELL} to {MAX_DWELL}."
            )
        dwell = timedelta(seconds=seconds)
    return ScreenSettings(key=key, dwell=dwell)
