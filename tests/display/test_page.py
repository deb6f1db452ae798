from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from display.models import Lease, Screen
from tests.factories import ArtworkFactory

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page():
    response = Client().get("/display/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_first_frame_is_in_the_html(alice_client):
    art = ArtworkFactory(title="Harbour at dawn")

    response = alice_client.get("/display/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-artwork-id="{art.pk}"' in html
    assert reverse("artwork-image", args=[art.pk]) in html
    assert 'alt="Harbour at dawn"' in html


def test_the_page_is_not_cached(alice_client):
    response = alice_client.get("/display/")

    assert "no-cache" in response["Cache-Control"]


def test_an_empty_pool_invites_the_user_to_generate(alice_client):
    response = alice_client.get("/display/")

    assert response.status_code == 200
    assert b"Nothing to show yet" in response.content
    assert b"data-artwork-id" not in response.content


def test_the_screen_and_dwell_come_from_the_url(alice_client):
    response = alice_client.get("/display/?screen=hallway&dwell=20")

    html = response.content.decode()
    assert 'data-screen="hallway"' in html
    assert 'data-dwell="20"' in html
    assert response.cookies["artfeed_screen"].value == "hallway"


def test_the_default_dwell_comes_from_the_settings(alice_client, settings):
    settings.ARTFEED_DWELL = timedelta(seconds=45)

    assert b'data-dwell="45"' in alice_client.get("/display/").content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("screen=../../etc", "screen must be"),
        ("screen=" + "x" * 65, "screen must be"),
        ("dwell=abc", "dwell must be"),
        ("dwell=1", "dwell must be"),
        ("dwell=99999", "dwell must be"),
        ("dwell=2", "dwell must be a whole number of seconds from 3 to 3600"),
        ("dwell=1.5", "dwell must be"),
        ("fade=abc", "fade must be a whole number of milliseconds from 0 to 10000"),
        ("fade=-1", "fade must be"),
        ("fade=10001", "fade must be"),
        ("fade=1e3", "fade must be"),
        ("clock=maybe", "clock must be 1 or 0 (or on/off, true/false, yes/no)"),
        ("clock=2", "clock must be"),
        ("info=sometimes", "info must be 1 or 0 (or on/off, true/false, yes/no)"),
        ("info=-1", "info must be"),
        ("dynamic=loud", "dynamic must be 1 or 0 (or on/off, true/false, yes/no)"),
    ],
)
def test_bad_screen_settings_are_400_with_a_message_and_change_nothing(
    alice_client, query, message
):
    ArtworkFactory()

    for url in ("/display/", "/display/next/"):
        response = alice_client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()

    assert not Screen.objects.exists()
    assert not Lease.objects.exists()


def test_the_display_rejects_post(alice_client):
    assert alice_client.post("/display/").status_code == 405


def test_the_recorder_keeps_a_queue_per_user(alice_client, user, other_user):
    """The recorder keys its localStorage queue by the user the page names."""
    bobs = Client()
    bobs.force_login(other_user)

    mine = alice_client.get("/display/").content.decode()
    theirs = bobs.get("/display/").content.decode()

    assert f'data-user="{user.pk}"' in mine
    assert f'data-user="{other_user.pk}"' in theirs


def test_scripts_find_the_csrf_token_in_the_page(user):
    """The cookie is HttpOnly: the page carries the token once, in <body hx-headers>
    (htmx sends it from there, static/display/csrf.js reads it there), and a script's
    request sending it passes the CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    html = client.get("/display/").content.decode()
    token = json.loads(re.search(r"<body[^>]* hx-headers='([^']*)'", html)[1])["x-csrftoken"]
    response = client.post(
        "/display/wake-lock/",
        json.dumps({"screen": "hall", "problem": ""}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert 'name="csrf-token"' not in html


def test_the_recorder_loads_before_the_display(alice_client):
    """It must be listening before the display announces its first frame."""
    html = alice_client.get("/display/").content.decode()

    recorder = html.index('<script src="/static/display/recorder.')
    assert recorder < html.index('<script src="/static/display/display.')
    assert "The recorder first" not in html  # the template's comment stays in the template


def test_over_https_the_screen_cookie_is_secure(alice_client):
    secure = alice_client.get("/display/?screen=hallway", secure=True)
    plain = alice_client.get("/display/?screen=hallway")

    assert secure.cookies["artfeed_screen"]["secure"] is True
    assert plain.cookies["artfeed_screen"]["secure"] == ""
