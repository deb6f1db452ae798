"""A screen's identity and settings, read from its request: ``?screen=``, ``?dwell=``,
``?fade=``, ``?clock=``, ``?info=`` and ``?dynamic=`` (a kiosk URL configures its frame)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

SCREEN_COOKIE = "artfeed_screen"
_SCREEN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_DWELL, MAX_DWELL = 3, 3600
DEFAULT_FADE_MS, MAX_FADE_MS = 1200, 10_000
_ON, _OFF = {"1", "on", "true", "yes"}, {"0", "off", "false", "no"}


class BadScreenSettings(ValueError):
    pass


@dataclass(frozen=True)
class ScreenSettings:
    key: str
    dwell: timedelta
    fade_ms: int = DEFAULT_FADE_MS
    show_clock: bool = False
    show_info: bool = False
    # Dynamic mode: listening, and a new artwork when the music changes (listen.js).
    dynamic: bool = False

    @property
    def dwell_seconds(self) -> int:
        return int(self.dwell.total_seconds())

    @property
    def kiosk_query(self) -> str:
        """The query string that opens this screen as it is: its name and each option
        that differs from the default."""
        options: dict[str, object] = {"screen": self.key}
        if self.dwell != settings.ARTFEED_DWELL:
            options["dwell"] = self.dwell_seconds
        if self.fade_ms != DEFAULT_FADE_MS:
            options["fade"] = self.fade_ms
        if self.show_clock:
            options["clock"] = 1
        if self.show_info:
            options["info"] = 1
        if self.dynamic:
            options["dynamic"] = 1
        return urlencode(options)


def new_screen_key() -> str:
    return f"screen-{secrets.token_hex(4)}"


def checked_screen_key(key: object) -> str:
    """``key`` if it may name a screen, else ``BadScreenSettings`` saying what may."""
    if not isinstance(key, str) or not _SCREEN_KEY.match(key):
        raise BadScreenSettings(
            "screen must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
            "or digit."
        )
    return key


def screen_settings(request: HttpRequest) -> ScreenSettings:
    """The screen named by ``?screen=`` (else the page's cookie, else a new name) and its
    options: dwell seconds (else ``ARTFEED_DWELL``), crossfade milliseconds, the clock and
    the artwork's info on or off (default off). A POST carries them in its body."""
    fields = request.POST if request.method == "POST" else request.GET
    key = checked_screen_key(
        fields.get("screen") or request.COOKIES.get(SCREEN_COOKIE) or new_screen_key()
    )
    dwell = _whole_number(fields, "dwell", MIN_DWELL, MAX_DWELL, "seconds")
    fade_ms = _whole_number(fields, "fade", 0, MAX_FADE_MS, "milliseconds")
    return ScreenSettings(
        key=key,
        dwell=settings.ARTFEED_DWELL if dwell is None else timedelta(seconds=dwell),
        fade_ms=DEFAULT_FADE_MS if fade_ms is None else fade_ms,
        show_clock=_switch(fields, "clock"),
        show_info=_switch(fields, "info"),
        dynamic=_switch(fields, "dynamic"),
    )


def _whole_number(
    fields: Mapping[str, str], name: str, low: int, high: int, unit: str
) -> int | None:
    """The option ``name`` as a whole number from ``low`` to ``high``; None when absent."""
    raw = fields.get(name)
    if raw is None or raw == "":
        return None
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not low <= int(raw) <= high:
        raise BadScreenSettings(f"{name} must be a whole number of {unit} from {low} to {high}.")
    return int(raw)


def _switch(fields: Mapping[str, str], name: str) -> bool:
    """The option ``name`` as on or off; off when absent."""
    raw = (fields.get(name) or "").lower()
    if raw in _ON:
        return True
    if raw in _OFF or raw == "":
        return False
    raise BadScreenSettings(f"{name} must be 1 or 0 (or on/off, true/false, yes/no).")
