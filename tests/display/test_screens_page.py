from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from display.feed import next_frames
from display.models import Screen
from tests.factories import ArtworkFactory, GeneratedArtworkFactory

pytestmark = pytest.mark.django_db
URL = "/display/screens/"


def row(html: str, key: str) -> str:
    """The table row of screen ``key``."""
    return re.search(rf'<tr data-screen="{re.escape(key)}">.*?</tr>', html, re.S)[0]


def test_the_url_is_the_contract():
    assert reverse("display:screens") == URL


def test_it_sends_anonymous_visitors_to_the_login_page():
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_rejects_post(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_without_screens_it_explains_how_to_add_one(alice_client):
    html = alice_client.get(URL).content.decode()

    assert "No screen has opened the display yet." in html
    assert "/display/?screen=living-room" in html


def test_it_shows_what_each_screen_shows_and_why(alice_client, user):
    mine = GeneratedArtworkFactory(created_by=user, title="my new piece")
    alice_client.get("/display/?screen=hall")

    hall = row(alice_client.get(URL).content.decode(), "hall")

    assert "my new piece" in hall
    assert reverse("artwork-image", args=[mine.pk]) in hall
    assert "Fresh: your own new artwork" in hall


def test_it_shows_each_screens_settings_and_kiosk_url(alice_client, settings):
    settings.ARTFEED_DWELL = timedelta(seconds=30)
    alice_client.get("/display/?screen=hall&dwell=20&fade=300&clock=1")
    alice_client.get("/display/?screen=kitchen")

    html = alice_client.get(URL).content.decode()

    hall, kitchen = row(html, "hall"), row(html, "kitchen")
    assert "dwell 20 s · fade 300 ms" in hall
    assert "clock on · info off" in hall
    assert 'href="/display/?screen=hall&amp;dwell=20&amp;fade=300&amp;clock=1"' in hall
    assert "open on this device" in hall
    assert "dwell 30 s · fade 1200 ms" in kitchen
    assert 'href="/display/?screen=kitchen"' in kitchen


def test_a_screen_is_online_until_silent_for_three_dwells(alice_client, user):
    now = timezone.now()
    Screen.objects.create(user=user, key="awake", dwell_seconds=20, last_seen_at=now)
    Screen.objects.create(
        user=user, key="slow", dwell_seconds=20, last_seen_at=now - timedelta(seconds=80)
    )
    Screen.objects.create(
        user=user, key="asleep", dwell_seconds=20, last_seen_at=now - timedelta(hours=2)
    )

    html = alice_client.get(URL).content.decode()

    assert 'data-status="online"' in row(html, "awake")
    assert 'data-status="online"' in row(html, "slow")  # within 3 × 20 s and the slack
    asleep = row(html, "asleep")
    assert 'data-status="offline"' in asleep
    assert "offline since" in asleep
    assert f'datetime="{timezone.localtime(now - timedelta(hours=2)):%Y-%m-%dT%H:%M}' in asleep


def test_screens_come_most_recent_contact_first(alice_client, user):
    now = timezone.now()
    for key, minutes in [("middle", 5), ("latest", 0), ("oldest", 60)]:
        Screen.objects.create(user=user, key=key, last_seen_at=now - timedelta(minutes=minutes))

    html = alice_client.get(URL).content.decode()

    assert re.findall(r'<tr data-screen="([^"]+)">', html) == ["latest", "middle", "oldest"]


def test_it_never_shows_another_users_screens(alice_client, user, other_user):
    secret = GeneratedArtworkFactory(created_by=other_user, title="bob's private piece")
    next_frames(other_user, screen="bobs-tv")
    Screen.objects.create(user=user, key="alices-tv")

    html = alice_client.get(URL).content.decode()

    assert "alices-tv" in html
    assert "bobs-tv" not in html
    assert secret.title not in html
    assert str(secret.pk) not in html


def test_htmx_refreshes_only_the_live_part(alice_client):
    response = alice_client.get(URL, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="screens-live"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_costs_the_same_queries_whatever_the_number_of_screens(
    alice_client, user, django_assert_num_queries
):
    """The session, the user, the screens with their artworks."""
    for count in (0, 1, 12):
        for i in range(count):
            ArtworkFactory(title=f"art {count}-{i}")
            next_frames(user, screen=f"screen-{count}-{i}")
        with django_assert_num_queries(3):
            assert alice_client.get(URL).status_code == 200


def test_the_display_and_the_stats_page_link_to_it(alice_client):
    display = alice_client.get("/display/").content.decode()
    stats = alice_client.get("/display/stats/").content.decode()

    assert re.search(r'<div class="hud".*href="/display/screens/"', display, re.S)
    assert re.search(r'<nav>.*href="/display/screens/"', stats)


def test_it_shows_how_often_a_screen_recovered_by_itself(alice_client, user):
    Screen.objects.create(user=user, key="hall")
    Screen.objects.create(user=user, key="quiet")
    alice_client.post(
        "/display/recoveries/",
        {"screen": "hall", "action": "reload", "reason": "stalled", "stalled_ms": "20000"},
    )

    html = alice_client.get(URL).content.decode()

    assert 'data-recoveries="1"' in row(html, "hall")
    assert "reload after 20 s (stalled)" in row(html, "hall")
    assert "recovered" not in row(html, "quiet")
