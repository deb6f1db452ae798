"""A screen's identity and settings, read from its request: ``?screen=``, ``?dwell=``,
``?fade=``, ``?clock=``, ``?info=``, ``?dynamic=`` and ``?sleep=`` (a kiosk URL configures
its frame)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from artfeed.web.bodies import BadBody, Switch, Text, WholeNumber, read_form

SCREEN_COOKIE = "artfeed_screen"
_SCREEN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_DWELL, MAX_DWELL = 3, 3600
DEFAULT_FADE_MS, MAX_FADE_MS = 1200, 10_000
_SLEEP = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")
NO_SLEEP = "off"
SLEEP_RULE = (
    "sleep must be a start and an end time of day, HH:MM-HH:MM on the 24-hour clock "
    "(e.g. 23:00-07:00), that differ; or off."
)


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
    # The nightly sleep, "HH:MM-HH:MM" in the screen's own time zone; "off" for none;
    # None when the request does not say (the screen keeps what it had).
    sleep: str | None = None

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
        if self.sleep and self.sleep != NO_SLEEP:
            options["sleep"] = self.sleep
        return urlencode(options)


def new_screen_key() -> str:
    return f"screen-{secrets.token_hex(4)}"


SCREEN_KEY_RULE = (
    "screen must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
)


def checked_screen_key(key: object) -> str:
    """``key`` if it may name a screen, else ``BadScreenSettings`` saying what may."""
    if not isinstance(key, str) or not _SCREEN_KEY.fullmatch(key):
        raise BadScreenSettings(SCREEN_KEY_RULE)
    return key


def reported_screen(fields: Mapping[str, object]) -> str:
    """The ``screen`` a report's body names (recoveries, wake lock), checked as a URL's
    ``?screen=`` is; ``BadBody`` says what may name one."""
    try:
        return checked_screen_key(fields["screen"])
    except BadScreenSettings as error:
        raise BadBody(str(error)) from error


# A screen's options, in its page's query string or in a POST body (generate).
SCREEN_FIELDS = {
    "screen": Text(),  # checked by checked_screen_key
    "dwell": WholeNumber(low=MIN_DWELL, high=MAX_DWELL, unit="seconds"),
    "fade": WholeNumber(low=0, high=MAX_FADE_MS, unit="milliseconds"),
    "clock": Switch(),
    "info": Switch(),
    "dynamic": Switch(),
    "sleep": Text(),  # checked by _sleep
}


def screen_settings(
    request: HttpRequest, fields: Mapping[str, object] | None = None
) -> ScreenSettings:
    """The screen named by ``?screen=`` (else the page's cookie, else a new name) and its
    options: dwell seconds (else ``ARTFEED_DWELL``), crossfade milliseconds, the clock,
    the artwork's info and dynamic mode on or off (default off), the sleep period. A POST
    passes its body's ``fields``, read with ``SCREEN_FIELDS`` (as JSON or a form); a GET's
    come from its query string."""
    if fields is None:
        try:
            fields = read_form(request.GET, SCREEN_FIELDS)
        except BadBody as error:
            raise BadScreenSettings(error.message) from error
    key = checked_screen_key(
        fields.get("screen") or request.COOKIES.get(SCREEN_COOKIE) or new_screen_key()
    )
    dwell, fade_ms = fields.get("dwell"), fields.get("fade")
    return ScreenSettings(
        key=key,
        dwell=settings.ARTFEED_DWELL if dwell is None else timedelta(seconds=dwell),  # type: ignore
        fade_ms=DEFAULT_FADE_MS if fade_ms is None else fade_ms,  # type: ignore[arg-type]
        show_clock=bool(fields.get("clock", False)),
        show_info=bool(fields.get("info", False)),
        dynamic=bool(fields.get("dynamic", False)),
        sleep=_sleep(fields.get("sleep")),
    )


def _sleep(value: object) -> str | None:
    """The option ``sleep``: a period of the day, ``HH:MM-HH:MM`` (it may span midnight),
    or ``off``; None when absent."""
    raw = value.strip().lower() if isinstance(value, str) else ""
    if not raw:
        return None
    if raw == NO_SLEEP:
        return NO_SLEEP
    times = _SLEEP.fullmatch(raw)
    if not times or times.group(1, 2) == times.group(3, 4):
        raise BadScreenSettings(SLEEP_RULE)
    return raw
