"""``/display/preferences/``: preferred styles and looks, and the generations they steer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from artfeed.generation.base import GenerationRequest
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.models import Artwork
from display.models import Preferences
from tests.factories import GeneratedArtworkFactory, VoteFactory

pytestmark = pytest.mark.django_db

URL = "/display/preferences/"


def test_the_url_is_the_contract():
    assert reverse("display:preferences") == URL


def test_the_page_offers_every_style_and_look(alice_client):
    page = alice_client.get(URL).content.decode()

    assert 'name="styles" value="waves"' in page
    assert 'name="looks" value="hokusai"' in page and "Hokusai: woodblock blues" in page


def test_saved_preferences_come_back_ticked(alice_client, user):
    saved = alice_client.post(URL, {"styles": ["waves", "rings"], "looks": ["hokusai"]})
    page = alice_client.get(saved["Location"]).content.decode()

    assert saved.status_code == 303
    assert Preferences.objects.get(user=user).styles == ["rings", "waves"]
    assert Preferences.objects.get(user=user).looks == ["hokusai"]
    assert 'value="waves" checked' in page and 'value="hokusai" checked' in page
    assert 'value="bauhaus" checked' not in page
    assert "Saved." in page


def test_an_unknown_name_is_400_naming_the_field_and_saves_nothing(alice_client, user):
    response = alice_client.post(URL, {"styles": ["waves"], "looks": ["warhol"]})

    assert response.status_code == 400
    assert "looks must be among" in response.content.decode()
    assert "warhol" in response.content.decode()
    assert not Preferences.objects.filter(user=user).exists()


def test_nothing_ticked_clears_them(alice_client, user):
    Preferences.objects.create(user=user, styles=["waves"], looks=["klimt"])

    alice_client.post(URL, {})

    assert Preferences.objects.get(user=user).styles == []
    assert Preferences.objects.get(user=user).looks == []


def test_an_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_json_client_saves_and_gets_what_is_saved(alice_client, user):
    body = {"styles": ["waves"], "looks": ["klimt"]}

    response = alice_client.post(URL, body, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == body
    assert Preferences.objects.get(user=user).looks == ["klimt"]


def test_a_json_client_is_refused_in_json_when_anonymous_or_with_the_wrong_method(
    alice_client,
):
    anonymous = Client().post(URL, {"styles": []}, content_type="application/json")
    wrong_method = alice_client.put(URL, "{}", content_type="application/json")

    assert anonymous.status_code == 401 and "Log in" in anonymous.json()["error"]
    assert wrong_method.status_code == 405 and "PUT" in wrong_method.json()["error"]
    assert not Preferences.objects.exists()


def generate(client: Client, **fields: object):
    data = {"prompt": "a harbour at dawn", "screen": "tv", **fields}
    return client.post(
        "/display/generate/", data, content_type="application/json",
        headers={"Accept": "application/json"},
    )  # fmt: skip


def test_a_generation_naming_nothing_takes_the_preferred_style_and_look(alice_client, user):
    Preferences.objects.create(user=user, styles=["rings"], looks=["hokusai"])

    generate(alice_client)

    made = Artwork.objects.get()
    expected = ProceduralGenerator().generate(
        GenerationRequest("a harbour at dawn", style="rings", look="hokusai")
    )
    assert made.style == "rings"
    assert made.image.read() == expected.content


def test_a_named_style_and_look_win_over_the_preferences(alice_client, user):
    Preferences.objects.create(user=user, styles=["rings"], looks=["hokusai"])

    generate(alice_client, style="stripes", look="klimt")

    made = Artwork.objects.get()
    expected = ProceduralGenerator().generate(
        GenerationRequest("a harbour at dawn", style="stripes", look="klimt")
    )
    assert made.image.read() == expected.content


def test_votes_still_weigh_beside_the_preferred_styles(alice_client, user):
    # Strong likes of bauhaus outweigh one preferred style across many prompts.
    for _ in range(30):
        VoteFactory(user=user, artwork=GeneratedArtworkFactory(style="bauhaus"), value=1)
    Preferences.objects.create(user=user, styles=["rings"])

    for i in range(12):
        generate(alice_client, prompt=f"prompt number {i}")

    mine = Artwork.objects.filter(origin="generated", created_by=user)
    styles = set(mine.values_list("style", flat=True))
    assert "bauhaus" in styles
    assert styles <= {"bauhaus", "rings"}


def test_a_style_or_look_retired_since_it_was_saved_is_passed_over(alice_client, user):
    Preferences.objects.create(user=user, styles=["cubism", "rings"], looks=["warhol", "klimt"])

    response = generate(alice_client)

    made = Artwork.objects.get()
    expected = ProceduralGenerator().generate(
        GenerationRequest("a harbour at dawn", style="rings", look="klimt")
    )
    assert response.status_code == 201
    assert made.image.read() == expected.content
