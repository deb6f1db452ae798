"""``POST /display/recoveries/``: a display's watchdog reports that it retried or
reloaded; the screen keeps the count and the metrics count it too."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from display.models import Screen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/display/recoveries/"


def report(client, **fields):
    body = {"screen": "hall", "action": "retry", "reason": "stalled", "stalled_ms": 12000}
    body.update(fields)
    return client.post(URL, json.dumps(body), content_type="application/json")


def counted(action: str, reason: str) -> float:
    return REGISTRY.get_sample_value(
        "artfeed_display_recoveries_total", {"action": action, "reason": reason}
    )


def test_the_url_is_the_contract():
    assert reverse("display:recoveries") == URL


def test_a_retry_is_kept_on_the_screen_and_counted(alice_client, user):
    before = counted("retry", "stalled")

    response = report(alice_client)

    assert response.status_code == 201
    assert response.json() == {"screen": "hall", "action": "retry", "recoveries": 1}
    screen = Screen.objects.get(user=user, key="hall")
    assert screen.recoveries == 1
    assert screen.last_recovery_at is not None
    assert screen.last_recovery == "retry after 12 s (stalled)"
    assert counted("retry", "stalled") == before + 1


def test_a_second_report_adds_up_and_keeps_the_error_it_names(alice_client, user):
    report(alice_client)
    before = counted("reload", "error")

    response = report(
        alice_client, action="reload", reason="error", detail="TypeError:\n  x is undefined"
    )

    assert response.json()["recoveries"] == 2
    screen = Screen.objects.get(user=user, key="hall")
    assert screen.last_recovery == "reload after 12 s (error): TypeError: x is undefined"
    assert counted("reload", "error") == before + 1


def test_a_beacon_form_is_accepted(alice_client, user):
    response = alice_client.post(URL, {"screen": "hall", "action": "reload", "stalled_ms": "0"})

    assert response.status_code == 201
    assert Screen.objects.get(user=user, key="hall").recoveries == 1


def test_the_count_is_per_user(alice_client, user):
    bob = UserFactory(username="bob")
    Screen.objects.create(user=bob, key="hall", recoveries=5)

    assert report(alice_client).json()["recoveries"] == 1
    assert Screen.objects.get(user=bob, key="hall").recoveries == 5


@pytest.mark.parametrize(
    ("fields", "names"),
    [
        ({"action": "reboot"}, "action"),
        ({"reason": "bored"}, "reason"),
        ({"screen": "../etc"}, "screen"),
        ({"screen": 7}, "screen"),
        ({"stalled_ms": -1}, "stalled_ms"),
        ({"stalled_ms": "soon"}, "stalled_ms"),
        ({"detail": ["a"]}, "detail"),
    ],
)
def test_a_bad_field_is_a_400_naming_it_and_changes_nothing(alice_client, fields, names):
    response = report(alice_client, **fields)

    assert response.status_code == 400
    assert names in response.json()["error"]
    assert not Screen.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ("[1, 2]", "application/json", "JSON object"),
        ("screen=hall", "text/plain", "Unsupported content type"),
    ],
)
def test_a_malformed_body_is_a_400(alice_client, body, content_type, says):
    response = alice_client.post(URL, body, content_type=content_type)

    assert response.status_code == 400
    assert says in response.json()["error"]
    assert not Screen.objects.exists()


def test_an_oversized_report_is_a_413(alice_client):
    response = report(alice_client, detail="x" * 5000)

    assert response.status_code == 413
    assert not Screen.objects.exists()


def test_anonymous_callers_get_a_401(client):
    assert report(client).status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps({"screen": "hall", "action": "retry", "detail": "a\u0000b"}),
         "application/json"),
        ("screen=hall&action=retry&detail=a%00b", "application/x-www-form-urlencoded"),
        ("[" * 1000 + "]" * 1000, "application/json"),
        ('{"screen": "hall", "action": "retry", "stalled_ms": 1' + "0" * 1000 + "}",
         "application/json"),
    ],
)  # fmt: skip
def test_hostile_bodies_are_400_and_change_nothing(alice_client, body, content_type):
    response = alice_client.post(URL, body, content_type=content_type)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Screen.objects.exists()


def test_a_beacon_refused_by_the_csrf_check_hears_it_in_json(csrf_client):
    response = csrf_client.post(
        URL, "screen=hall&action=reload", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 403
    assert "CSRF check failed" in response.json()["error"]
    assert not Screen.objects.exists()
