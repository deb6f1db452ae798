from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from display.feed import next_frames
from display.models import Screen
from tests.factories import ArtworkFactory, GeneratedArtworkFactory, ImpressionFactory

pytestmark = pytest.mark.django_db
URL = "/display/stats/"


def test_the_url_is_the_contract():
    assert reverse("display:stats") == URL


def test_it_sends_anonymous_visitors_to_the_login_page():
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_same_numbers_as_the_api(alice_client, user):
    GeneratedArtworkFactory(created_by=user)
    ImpressionFactory(user=user, artwork=ArtworkFactory())

    html = alice_client.get(URL).content.decode()
    numbers = alice_client.get("/api/stats/").json()

    for name, value in numbers.items():
        assert re.search(rf'data-stat="{name}">.*?<dd>{value}</dd>', html, re.S), name


def test_it_lists_the_last_50_frames_shown_newest_first(alice_client, user):
    now = timezone.now()
    shown = [
        ImpressionFactory(
            user=user,
            artwork=ArtworkFactory(title=f"frame {i}"),
            viewed_at=now - timedelta(minutes=i),
        )
        for i in range(55)
    ]
    ImpressionFactory(user=user, artwork=ArtworkFactory(title="backfilled"), source="backfill")

    html = alice_client.get(URL).content.decode()

    listed = re.findall(r'<li data-artwork-id="([0-9a-f-]+)">', html)
    assert listed == [str(i.artwork_id) for i in shown[:50]]
    assert "backfilled" not in html
    assert f"{shown[0].viewed_at:%Y-%m-%d %H:%M:%S}" in html


def test_frames_shown_by_a_page_without_javascript_are_listed_and_marked(alice_client, user):
    seen = ImpressionFactory(user=user, artwork=ArtworkFactory(title="on e-ink"))
    reloaded = ImpressionFactory(user=user, artwork=ArtworkFactory(), source="reloaded")

    html = alice_client.get(URL).content.decode()

    listed = re.findall(r'<li data-artwork-id="([0-9a-f-]+)">', html)
    assert set(listed) == {str(seen.artwork_id), str(reloaded.artwork_id)}
    assert html.count('data-source="reloaded"') == 1


def test_it_says_why_each_screen_shows_its_frame(alice_client, user):
    mine = GeneratedArtworkFactory(created_by=user, title="my new piece")
    ArtworkFactory(title="from the pool")
    next_frames(user, screen="hallway")
    next_frames(user, screen="kitchen")

    html = alice_client.get(URL).content.decode()

    assert Screen.objects.get(key="hallway").last_lane == "fresh"
    assert Screen.objects.get(key="hallway").last_artwork == mine
    hallway = html[html.index('data-screen="hallway"') :]
    assert "my new piece" in hallway
    assert "Fresh: your own new artwork" in hallway
    kitchen = html[html.index('data-screen="kitchen"') :]
    assert "from the pool" in kitchen
    assert "Unseen: the newest artwork" in kitchen


def test_a_screen_keeps_its_frame_and_lane_when_nothing_new_is_left(user):
    ArtworkFactory()
    next_frames(user, screen="tv")

    assert next_frames(user, screen="tv") == []  # the only artwork is leased to this screen

    assert Screen.objects.get(key="tv").last_lane == "unseen"


def test_htmx_refreshes_only_the_live_part(alice_client):
    response = alice_client.get(URL, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="stats-live"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_costs_the_same_queries_whatever_the_history(
    alice_client, user, django_assert_num_queries
):
    """The session and user, the numbers (2), the screens, the recent frames."""
    for size in (0, 20):
        for i in range(size):
            ImpressionFactory(user=user, artwork=ArtworkFactory(title=f"seen {i}"))
            next_frames(user, screen=f"screen{i % 3}")
        with django_assert_num_queries(6):
            assert alice_client.get(URL).status_code == 200


def test_the_display_links_to_it(alice_client):
    html = alice_client.get("/display/").content.decode()

    assert re.search(r'<div class="hud".*href="/display/stats/"', html, re.S)
