"""``GET /display/frame/<id>/``: a frame pushed to a screen, and its provenance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template.defaultfilters import date
from django.test import Client
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from display.feed import next_frames
from display.models import Lease, Screen
from tests.factories import (
    ArtworkFactory,
    GeneratedArtworkFactory,
    ImpressionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(artwork, query: str = "screen=hallway&dwell=10") -> str:
    return f"/display/frame/{artwork.pk}/?{query}"


def test_the_url_is_the_contract():
    art = ArtworkFactory.build()

    assert reverse("display:frame", args=[art.pk]) == f"/display/frame/{art.pk}/"


def test_it_returns_the_users_new_artwork_pinned(alice_client, user, settings):
    settings.ARTFEED_PIN = timedelta(seconds=3)
    mine = GeneratedArtworkFactory(created_by=user)

    response = alice_client.get(url(mine), headers={"HX-Request": "true"})

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith(f'<figure class="frame" data-artwork-id="{mine.pk}" data-lane="fresh"')
    assert 'data-pin-ms="3000"' in html


def test_it_takes_the_lease_from_the_screen_that_made_it(alice_client, user):
    """Every screen of the user shows what they just made; the feed gives it to none."""
    mine = GeneratedArtworkFactory(created_by=user)
    next_frames(user, screen="kitchen")  # the making screen holds it

    alice_client.get(url(mine))

    lease = Lease.objects.get(artwork=mine)
    assert lease.screen_key == "hallway"
    assert lease.expires_at > timezone.now() + timedelta(seconds=10)
    assert next_frames(user, screen="bedroom") == []


def test_after_its_fresh_window_it_is_a_pushed_frame(alice_client, user):
    past = timezone.now() - timedelta(hours=1)
    mine = GeneratedArtworkFactory(created_by=user, created_at=past, fresh_until=past)

    assert 'data-lane="pushed"' in alice_client.get(url(mine)).content.decode()


@pytest.mark.parametrize("made", ["moments ago", "an hour ago"])
def test_the_screens_page_says_why_the_pinned_frame_is_there(alice_client, user, made):
    """The screen's row names the pinned frame's lane, as the feed's frames do, so the
    screens and stats pages give its reason instead of "not recorded yet"."""
    past = timezone.now() - timedelta(hours=1)
    mine = (
        GeneratedArtworkFactory(created_by=user)
        if made == "moments ago"
        else GeneratedArtworkFactory(created_by=user, created_at=past, fresh_until=past)
    )

    alice_client.get(url(mine))

    hallway = Screen.objects.get(user=user, key="hallway")
    lane = "fresh" if made == "moments ago" else "pushed"
    assert (hallway.last_artwork, hallway.last_lane) == (mine, lane)


def test_another_users_private_artwork_is_404(alice_client):
    theirs = GeneratedArtworkFactory(created_by=UserFactory(username="bob"))

    assert alice_client.get(url(theirs)).status_code == 404
    assert not Lease.objects.exists()


def test_an_unknown_artwork_is_404(alice_client):
    assert alice_client.get(url(ArtworkFactory.build())).status_code == 404


def test_bad_screen_settings_are_400(alice_client, user):
    mine = GeneratedArtworkFactory(created_by=user)

    response = alice_client.get(url(mine, "screen=../x"))

    assert response.status_code == 400
    assert "screen must be" in response.content.decode()


def test_it_needs_a_login(db):
    art = ArtworkFactory()

    assert Client().get(url(art)).status_code == 302


class TestProvenance:
    """Every frame carries its details for the i overlay: title, style, prompt, maker,
    when, and why it was chosen."""

    def details(self, client: Client, path: str) -> str:
        return client.get(path, headers={"HX-Request": "true"}).content.decode()

    def test_a_pool_frame_says_what_it_is_and_why_it_is_shown(self, alice_client):
        ArtworkFactory(title="Desert night", style="mountains", prompt="dunes under stars")

        html = self.details(alice_client, "/display/next/?screen=tv")

        assert '<aside class="provenance"' in html
        assert "<h2>Desert night</h2>" in html
        assert '<dd data-field="style">mountains</dd>' in html
        assert '<dd data-field="prompt">dunes under stars</dd>' in html
        assert '<dd data-field="maker">the artfeed pool</dd>' in html
        assert 'data-field="when"><time datetime="' in html
        assert "Unseen: the newest artwork you have not seen" in html

    def test_it_says_when_the_artwork_was_made_in_the_screen_s_time_zone(
        self, alice_client, settings
    ):
        settings.TIME_ZONE = "Asia/Kolkata"
        made = datetime(2026, 3, 1, 23, 50, tzinfo=UTC)
        ArtworkFactory(created_at=made)

        html = self.details(alice_client, "/display/next/?screen=tv")

        with timezone.override("Asia/Kolkata"):
            local = timezone.localtime(made)
            iso, label = date(local, "c"), date(local, "j M Y, H:i e")
        assert (iso, label) == ("2026-03-02T05:20:00+05:30", "2 Mar 2026, 05:20 IST")
        assert f'<time datetime="{iso}">{label}</time>' in html

    def test_it_links_its_image_and_its_votes_under_the_site_s_prefix(self, alice_client):
        art = ArtworkFactory()
        image, votes = f"artworks/{art.pk}/image", f"artworks/{art.pk}/vote/"

        try:
            for prefix in ("/", "/art/", "/"):  # as a server mounted under /art/ sets it
                set_script_prefix(prefix)
                html = self.details(alice_client, url(art))

                assert f'<img src="{prefix}{image}"' in html
                assert f'data-vote-url="{prefix}{votes}"' in html
        finally:
            set_script_prefix("/")

    def test_my_own_frame_says_it_is_my_own_new_artwork(self, alice_client, user):
        mine = GeneratedArtworkFactory(created_by=user)

        html = self.details(alice_client, url(mine))

        assert '<dd data-field="maker">you</dd>' in html
        assert "Fresh: your own new artwork, not shown to you before." in html

    def test_an_imported_frame_says_so_and_a_rerun_says_why(self, alice_client, user):
        long_ago = timezone.now() - timedelta(days=30)
        art = ArtworkFactory(origin="imported", created_at=long_ago)
        ImpressionFactory(user=user, artwork=art, viewed_at=long_ago)

        html = self.details(alice_client, "/display/next/?screen=tv")

        assert '<dd data-field="maker">imported into the pool</dd>' in html
        assert "the one you saw least recently" in html
