"""A kiosk URL configures its screen: ?screen=, ?dwell=, ?fade=, ?clock=, ?info=."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from display.models import Screen
from display.screens import ScreenSettings, screen_settings
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def parse(query: str) -> ScreenSettings:
    return screen_settings(RequestFactory().get(f"/display/?{query}"))


def body_tag(html: str) -> str:
    return re.search(r"<body\b[^>]*>", html)[0]


def test_without_options_a_screen_gets_the_defaults(settings):
    settings.ARTFEED_DWELL = timedelta(seconds=45)

    screen = parse("screen=hall")

    assert screen == ScreenSettings(
        key="hall",
        dwell=timedelta(seconds=45),
        fade_ms=1200,
        show_clock=False,
        show_info=False,
    )


def test_fade_is_a_whole_number_of_milliseconds():
    assert parse("fade=0").fade_ms == 0
    assert parse("fade=300").fade_ms == 300
    assert parse("fade=10000").fade_ms == 10_000
    assert parse("fade=").fade_ms == 1200


@pytest.mark.parametrize("word", ["1", "on", "true", "yes", "ON", "True", "Yes"])
def test_clock_and_info_switch_on_with(word):
    screen = parse(f"clock={word}&info={word}")

    assert screen.show_clock and screen.show_info


@pytest.mark.parametrize("word", ["0", "off", "false", "no", "NO", ""])
def test_clock_and_info_switch_off_with(word):
    screen = parse(f"clock={word}&info={word}")

    assert not screen.show_clock and not screen.show_info


def test_the_page_renders_the_options(alice_client):
    html = alice_client.get("/display/?screen=hall&fade=300&clock=on&info=yes").content.decode()

    body = body_tag(html)
    assert 'data-fade="300"' in body
    assert 'data-clock="1"' in body
    assert re.search(r'class="display show-info"', body)
    assert 'data-screen="hall"' in body  # the attributes it had are kept
    assert "/static/display/clock." in html


def test_by_default_the_page_fades_for_1200_ms_without_clock_or_info(alice_client):
    html = alice_client.get("/display/").content.decode()

    body = body_tag(html)
    assert 'data-fade="1200"' in body
    assert 'data-clock="0"' in body
    assert "show-info" not in body
    assert 'id="clock"' not in html


def test_the_clock_shows_the_time_at_first_paint(alice_client):
    before = timezone.localtime()

    html = alice_client.get("/display/?clock=1").content.decode()

    shown = re.search(
        r'<time id="clock" class="clock" datetime="(\d\d:\d\d)">(\d\d:\d\d)</time>', html
    )
    assert shown
    after = timezone.localtime()
    assert shown[2] in {f"{before:%H:%M}", f"{after:%H:%M}"}


def test_opening_the_page_remembers_what_the_screen_runs_with(alice_client, user, settings):
    settings.ARTFEED_DWELL = timedelta(seconds=30)
    alice_client.get("/display/?screen=hall&dwell=20&fade=300&clock=1&info=1")

    hall = Screen.objects.get(user=user, key="hall")
    assert (hall.dwell_seconds, hall.fade_ms, hall.show_clock, hall.show_info) == (
        20,
        300,
        True,
        True,
    )
    assert hall.opened_at is not None

    alice_client.get("/display/?screen=hall")  # opened again, with the defaults

    hall.refresh_from_db()
    assert (hall.dwell_seconds, hall.fade_ms, hall.show_clock, hall.show_info) == (
        30,
        1200,
        False,
        False,
    )


def test_opening_the_page_writes_the_screen_row_once(alice_client, user):
    ArtworkFactory()
    for opening in range(2):  # made, then found
        with CaptureQueriesContext(connection) as captured:
            alice_client.get("/display/?screen=hall&dwell=20&sleep=23:00-07:00")

        writes = [
            q["sql"]
            for q in captured
            if "display_screen" in q["sql"] and re.search(r"\b(INSERT|UPDATE)\b", q["sql"])
        ]
        assert len(writes) == 1, opening
    hall = Screen.objects.get(user=user, key="hall")
    assert (hall.dwell_seconds, hall.sleep, hall.last_lane) == (20, "23:00-07:00", "unseen")


def test_a_screen_first_met_by_next_gets_the_default_settings(alice_client, user):
    ArtworkFactory()

    alice_client.get("/display/next/?screen=tv", headers={"HX-Request": "true"})

    tv = Screen.objects.get(user=user, key="tv")
    assert (tv.dwell_seconds, tv.fade_ms, tv.show_clock, tv.show_info, tv.opened_at) == (
        None,
        1200,
        False,
        False,
        None,
    )


def test_the_kiosk_query_names_only_options_that_differ_from_the_default(settings):
    settings.ARTFEED_DWELL = timedelta(seconds=30)

    assert parse("screen=hall").kiosk_query == "screen=hall"
    assert parse("screen=hall&dwell=30&fade=1200&clock=0").kiosk_query == "screen=hall"
    assert (
        parse("screen=hall&dwell=20&fade=300&clock=yes&info=on").kiosk_query
        == "screen=hall&dwell=20&fade=300&clock=1&info=1"
    )


def test_dynamic_mode_is_a_screen_option_remembered_and_in_its_kiosk_url(alice_client, user):
    alice_client.get("/display/?screen=hall&dynamic=1")

    hall = Screen.objects.get(user=user, key="hall")
    assert hall.dynamic
    assert parse("screen=hall&dynamic=on").kiosk_query == "screen=hall&dynamic=1"
    assert not parse("screen=hall").dynamic


def test_listening_is_off_until_asked_and_its_module_is_not_in_the_page(alice_client, settings):
    settings.ARTFEED_DYNAMIC_MIN_INTERVAL = timedelta(minutes=3)

    html = alice_client.get("/display/").content.decode()

    panel = re.search(r'<div id="listening"[^>]*>', html)[0]
    assert " hidden " in panel and 'data-dynamic-min-interval="180"' in panel
    assert re.search(r'data-src="/static/display/listen\.[0-9a-f]+\.js"', panel)
    assert "display/listen." not in html.replace(panel, "")  # fetched only when turned on
    assert 'data-listen-toggle aria-pressed="false">Listen</button>' in html
