"""A screen's nightly sleep: ``?sleep=HH:MM-HH:MM`` in its URL, or set on the screens
page (``POST /display/screens/sleep/``); the page loads sleep.js only when it has one."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from display.models import Lease, Screen
from display.screens import screen_settings
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db

SET_URL = "/display/screens/sleep/"
MESSAGE = "sleep must be a start and an end time of day, HH:MM-HH:MM on the 24-hour clock"


def sleep_of(query: str) -> str | None:
    return screen_settings(RequestFactory().get(f"/display/?{query}")).sleep


def test_the_url_is_the_contract():
    assert reverse("display:screen-sleep") == SET_URL


@pytest.mark.parametrize(
    ("query", "sleep"),
    [
        ("sleep=23:00-07:00", "23:00-07:00"),
        ("sleep=13:30-14:15", "13:30-14:15"),
        ("sleep=00:00-23:59", "00:00-23:59"),
        ("sleep=off", "off"),
        ("sleep=", None),
        ("", None),
    ],
)
def test_a_sleep_period_is_two_times_of_day_or_off(query, sleep):
    assert sleep_of(query) == sleep


@pytest.mark.parametrize(
    "value", ["23-07", "23:00", "24:00-07:00", "23:60-07:00", "7:00-8:00", "22:00-22:00", "x"]
)
def test_a_bad_sleep_period_is_400_naming_the_option_and_changes_nothing(alice_client, value):
    ArtworkFactory()

    response = alice_client.get(f"/display/?screen=hall&sleep={value}")

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Screen.objects.exists()
    assert not Lease.objects.exists()


def test_a_screen_with_a_sleep_period_loads_the_sleep_module(alice_client, user):
    html = alice_client.get("/display/?screen=hall&sleep=23:00-07:00").content.decode()

    assert 'data-sleep="23:00-07:00"' in html
    assert "/static/display/sleep." in html
    assert Screen.objects.get(user=user, key="hall").sleep == "23:00-07:00"


def test_a_screen_without_one_does_not(alice_client):
    html = alice_client.get("/display/?screen=hall").content.decode()

    assert 'data-sleep=""' in html
    assert "/static/display/sleep." not in html


def test_the_period_set_on_the_screens_page_holds_until_the_url_says_otherwise(alice_client, user):
    alice_client.get("/display/?screen=hall")

    response = alice_client.post(SET_URL, {"screen": "hall", "sleep": "22:30-06:45"})

    assert response.status_code == 303 and response["Location"] == "/display/screens/"
    screens = alice_client.get("/display/screens/").content.decode()
    assert "screen=hall&amp;sleep=22%3A30-06%3A45" in screens  # its kiosk URL
    assert 'data-sleep="22:30-06:45"' in alice_client.get("/display/?screen=hall").content.decode()
    alice_client.get("/display/?screen=hall&sleep=off")
    assert Screen.objects.get(user=user, key="hall").sleep == ""


def test_an_empty_period_on_the_screens_page_means_no_sleep(alice_client, user):
    alice_client.get("/display/?screen=hall&sleep=23:00-07:00")

    alice_client.post(SET_URL, {"screen": "hall", "sleep": ""})

    assert Screen.objects.get(user=user, key="hall").sleep == ""


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"screen": "hall", "sleep": "late"}, 400, MESSAGE),
        ({"sleep": "23:00-07:00"}, 400, "screen is required"),
        ({"screen": "attic", "sleep": "23:00-07:00"}, 404, "You have no screen named 'attic'"),
    ],
)
def test_a_bad_request_from_the_screens_page_says_why_and_changes_nothing(
    alice_client, user, fields, status, message
):
    alice_client.get("/display/?screen=hall")

    response = alice_client.post(SET_URL, fields)

    assert response.status_code == status
    assert message in response.content.decode()
    assert Screen.objects.get(user=user, key="hall").sleep == ""


def test_only_the_owner_sets_a_screen_and_only_by_post(alice_client, user, other_user):
    alice_client.get("/display/?screen=hall")
    bob = Client()
    bob.force_login(other_user)

    assert bob.post(SET_URL, {"screen": "hall", "sleep": "23:00-07:00"}).status_code == 404
    assert alice_client.get(SET_URL).status_code == 405
    assert Screen.objects.get(user=user, key="hall").sleep == ""
