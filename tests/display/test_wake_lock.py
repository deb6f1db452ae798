"""``POST /display/wake-lock/``: a display says it cannot hold a Screen Wake Lock (or
holds one again); the screens page shows which screens may sleep."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from display.models import Screen

pytestmark = pytest.mark.django_db

URL = "/display/wake-lock/"


def report(client, **fields):
    body = {"screen": "hall", "problem": "NotAllowedError: denied"} | fields
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_the_url_is_the_contract():
    assert reverse("display:wake-lock") == URL


def test_a_screen_that_cannot_stay_awake_says_so_on_the_screens_page(alice_client, user):
    response = report(alice_client, problem="this browser has no\n Screen Wake Lock API")

    assert response.status_code == 200
    assert Screen.objects.get(user=user, key="hall").wake_lock_problem == (
        "this browser has no Screen Wake Lock API"
    )
    html = alice_client.get("/display/screens/").content.decode()
    assert "may sleep: wake lock unavailable (this browser has no Screen Wake Lock API)" in html


def test_holding_the_lock_again_clears_the_warning(alice_client, user):
    report(alice_client)

    report(alice_client, problem="")

    assert Screen.objects.get(user=user, key="hall").wake_lock_problem == ""
    assert "may sleep" not in alice_client.get("/display/screens/").content.decode()


def test_the_display_page_knows_what_the_server_last_heard(alice_client):
    report(alice_client)

    html = alice_client.get("/display/?screen=hall").content.decode()

    assert 'data-wake-lock-problem="NotAllowedError: denied"' in html
    assert f'data-wake-lock-url="{URL}"' in html


def test_a_long_problem_is_cut_to_the_column(alice_client, user):
    report(alice_client, problem="x" * 500)

    assert len(Screen.objects.get(user=user, key="hall").wake_lock_problem) == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"screen": "../x"}, "screen must be"),
        ({"problem": 3}, "problem must be text"),
    ],
)
def test_a_bad_report_is_400_naming_the_field_and_writes_nothing(alice_client, fields, message):
    response = report(alice_client, **fields)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Screen.objects.exists()


def test_it_needs_a_user_and_a_csrf_token(user):
    assert report(Client()).status_code == 401
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert report(client).status_code == 403
    assert not Screen.objects.exists()
