"""Screens as the pages see them: a screen's identity and settings, read from its request
(``?screen=``, ``?dwell=``, ``?fade=``, ``?clock=``, ``?info=``, ``?dynamic=`` and
``?sleep=``: a kiosk URL configures its frame), its cookie, and how each of a user's
screens stands (the screens and stats pages). Its row is written by
``display.models.ScreenManager`` only."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from artfeed.web.bodies import BadBody, Switch, Text, WholeNumber, read_form
from display.feed import LANE_REASONS
from display.leases import LEASE_SLACK
from display.models import DEFAULT_FADE_MS, Screen

SCREEN_COOKIE = "artfeed_screen"
_SCREEN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MIN_DWELL, MAX_DWELL = 3, 3600
MAX_FADE_MS = 10_000
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
    def sleep_to_keep(self) -> str | None:
        """The sleep period for the screen's row: "" for none, None to keep what it has."""
        return "" if self.sleep == NO_SLEEP else self.sleep

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


def set_screen_cookie(response: HttpResponse, key: str) -> None:
    """Keep the screen's name in its browser for a year: a page opened there without
    ``?screen=`` is the same screen again. The one place the cookie is written."""
    response.set_cookie(SCREEN_COOKIE, key, max_age=365 * 86400, samesite="Lax")


# A screen asks for a frame every dwell: silent for three dwells (and the lease's slack
# for a slow network), it is off, asleep or lost.
ONLINE_DWELLS = 3
NOT_RECORDED = "Not recorded yet."
SCREENS_PAGE = 200


@dataclass(frozen=True)
class ScreenStatus:
    """How one screen stands at ``now``: what it shows and why, the settings it runs with
    and whether it is online (the screens page and the stats page)."""

    screen: Screen
    now: datetime

    @property
    def reason(self) -> str:
        """Why its current frame was chosen, by the lane it came from."""
        return LANE_REASONS.get(self.screen.last_lane, NOT_RECORDED)

    @cached_property
    def options(self) -> ScreenSettings:
        """What the screen runs with, as its page was last opened."""
        seconds = self.screen.dwell_seconds
        return ScreenSettings(
            key=self.screen.key,
            dwell=timedelta(seconds=seconds) if seconds else settings.ARTFEED_DWELL,
            fade_ms=self.screen.fade_ms,
            show_clock=self.screen.show_clock,
            show_info=self.screen.show_info,
            dynamic=self.screen.dynamic,
            sleep=self.screen.sleep or None,
        )

    @property
    def online(self) -> bool:
        silent = self.now - self.screen.last_seen_at
        return silent <= ONLINE_DWELLS * self.options.dwell + LEASE_SLACK


def user_screens(
    *, user: AbstractBaseUser, now: datetime | None = None, limit: int = SCREENS_PAGE
) -> list[ScreenStatus]:
    """The user's screens, most recent contact first, up to ``limit``, each with what it
    shows: one query."""
    now = now or timezone.now()
    return [ScreenStatus(screen, now) for screen in _screens_of(user)[:limit]]


def _screens_of(user: AbstractBaseUser) -> QuerySet[Screen]:
    return (
        Screen.objects.filter(user=user)
        .select_related("last_artwork")
        .order_by("-last_seen_at", "key")
    )
