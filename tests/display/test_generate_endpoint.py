"""``/display/generate/``: the overlay's form, and making an artwork from a screen."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DataError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from artfeed.models import Artwork
from display.feed import next_frames
from display.models import Lease, Screen
from tests.factories import UserFactory, VoteFactory, generated_earlier

pytestmark = pytest.mark.django_db

URL = "/display/generate/"
HTMX = {"HX-Request": "true"}


def htmx_post(client: Client, **fields: object):
    data = {"prompt": "a harbour at dawn", "style": "waves", "screen": "tv", "dwell": "10"}
    return client.post(URL, {**data, **fields}, headers=HTMX)


def json_post(client: Client, **fields: object):
    return client.post(
        URL,
        {"prompt": "a harbour at dawn", **fields},
        content_type="application/json",
        headers={"Accept": "application/json"},
    )


def test_the_url_is_the_contract():
    assert reverse("display:generate") == URL


def test_the_form_offers_every_style_and_says_todays_usage(alice_client, user):
    generated_earlier(user, 12)

    html = alice_client.get(URL, headers=HTMX).content.decode()

    assert html.lstrip().startswith("<form")
    assert '<option value="surprise">Surprise me</option>' in html
    assert '<option value="aurora">' in html and '<option value="waves">' in html
    assert "12</span> of 100 today" in html


def test_without_htmx_the_form_is_a_page_of_its_own(alice_client):
    html = alice_client.get(URL).content.decode()

    assert html.startswith("<!doctype html>")
    assert 'name="prompt"' in html


def test_it_answers_with_the_new_frame_pinned_and_an_event(alice_client, user, settings):
    settings.ARTFEED_PIN = timedelta(seconds=4)

    response = htmx_post(alice_client)

    art = Artwork.objects.get()
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith(f'<figure class="frame" data-artwork-id="{art.pk}" data-lane="fresh"')
    assert 'data-pin-ms="4000"' in html
    event = json.loads(response["HX-Trigger"])["artfeed:generated"]
    assert event == {
        "id": str(art.pk),
        "title": art.title,
        "style": "waves",
        "created": True,
        "used_today": 1,
        "daily_limit": 100,
    }
    assert (art.created_by, art.is_public, art.origin) == (user, False, "generated")


def test_the_new_artwork_is_leased_to_the_screen_that_made_it(alice_client, user):
    htmx_post(alice_client, screen="kitchen", dwell="20")
    art = Artwork.objects.get()

    lease = Lease.objects.get(artwork=art)
    assert lease.screen_key == "kitchen"
    assert lease.expires_at > timezone.now() + timedelta(seconds=20)
    # Another screen does not also get it from the feed while this one shows it.
    assert next_frames(user, screen="hallway") == []


def test_a_double_click_gives_one_artwork(alice_client):
    first = htmx_post(alice_client)
    second = htmx_post(alice_client)

    assert Artwork.objects.count() == 1
    assert json.loads(second["HX-Trigger"])["artfeed:generated"]["created"] is False
    assert first.content == second.content


def test_without_a_style_it_leans_to_the_styles_the_user_likes(alice_client, user):
    for _ in range(2):
        VoteFactory(user=user, artwork__style="mosaic", value=1)

    for i in range(4):
        htmx_post(alice_client, prompt=f"prompt {i}", style="surprise")

    assert set(Artwork.objects.filter(created_by=user).values_list("style", flat=True)) == {
        "mosaic"
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": ""}, "prompt must not be empty"),
        ({"prompt": "   "}, "prompt must not be empty"),
        ({"style": "crayon"}, "style must be one of"),
        ({"bpm": "500"}, "bpm must be between 20 and 300"),
        ({"bpm": "abc"}, "bpm must be a number"),
        ({"energy": "1.5"}, "energy must be between 0 and 1"),
        ({"energy": "loud"}, "energy must be a number"),
        ({"energy": "nan"}, "energy must be a number"),
        ({"screen": "../etc"}, "screen must be"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_creates_nothing(alice_client, fields, message):
    response = htmx_post(alice_client, **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    # The overlay's form comes back in its place, values kept, not a frame.
    assert response["HX-Retarget"] == "#generate-overlay"
    assert response.content.decode().lstrip().startswith("<form")
    assert not Artwork.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": 42}, "prompt must be text"),
        ({"bpm": True}, "bpm must be a number"),
        ({"mood": ["calm"]}, "mood must be text"),
    ],
)
def test_bad_json_input_is_400_with_a_message(alice_client, fields, message):
    response = json_post(alice_client, **fields)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Artwork.objects.exists()


def test_a_body_that_is_not_json_is_400(alice_client):
    response = alice_client.post(URL, "{oops", content_type="application/json")

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


def test_the_hundredth_succeeds_the_hundred_and_first_is_429_a_repeat_is_not(alice_client, user):
    generated_earlier(user, 99)

    hundredth = htmx_post(alice_client, prompt="the hundredth")
    over = htmx_post(alice_client, prompt="one more")
    repeat = htmx_post(alice_client, prompt="the hundredth")

    assert hundredth.status_code == 200
    assert json.loads(hundredth["HX-Trigger"])["artfeed:generated"]["used_today"] == 100
    assert over.status_code == 429
    assert "You have made 100 of 100 artworks today" in over.content.decode()
    assert repeat.status_code == 200
    assert repeat.content == hundredth.content
    assert Artwork.objects.filter(created_by=user).count() == 100


def test_over_the_quota_a_script_gets_json_429(alice_client, user, settings):
    settings.ARTFEED_DAILY_GENERATIONS = 1
    generated_earlier(user, 1)

    response = json_post(alice_client)

    assert response.status_code == 429
    assert "1 of 1 artworks today" in response.json()["error"]


def test_a_script_gets_json_201_then_200_for_a_repeat(alice_client):
    made = json_post(alice_client, bpm=120, energy=0.8, mood="happy")
    again = json_post(alice_client, bpm=120, energy=0.8, mood="happy")

    art = Artwork.objects.get()
    assert made.status_code == 201
    assert made.json()["id"] == str(art.pk)
    assert made.json()["image_url"] == f"/artworks/{art.pk}/image"
    assert again.status_code == 200
    assert again.json()["created"] is False


def test_a_plain_form_post_goes_back_to_the_display(alice_client):
    response = alice_client.post(URL, {"prompt": "a harbour"})

    assert response.status_code == 303
    assert response["Location"] == "/display/"
    assert Artwork.objects.count() == 1


def test_a_failing_image_service_is_502_with_its_message(alice_client, settings):
    settings.ARTFEED_GENERATOR = "openai"
    settings.ARTFEED_OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: refused
    settings.ARTFEED_OPENAI_API_KEY = "sk-test"
    settings.ARTFEED_OPENAI_MODEL = "image-model"

    response = htmx_post(alice_client)

    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()
    assert not Artwork.objects.exists()


def test_an_anonymous_script_gets_401(db):
    response = Client().post(URL, {"prompt": "x"}, headers=HTMX)

    assert response.status_code == 401
    assert "Log in" in response.json()["error"]


def test_an_anonymous_visitor_is_sent_to_log_in(db):
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_csrf_is_enforced(csrf_client):
    response = csrf_client.post(URL, {"prompt": "x"}, headers=HTMX)

    assert response.status_code == 403
    assert not Artwork.objects.exists()


def test_other_methods_are_refused(alice_client):
    assert alice_client.put(URL).status_code == 405


def test_each_user_has_their_own_quota_and_artworks(alice_client, settings):
    settings.ARTFEED_DAILY_GENERATIONS = 1
    bob = UserFactory(username="bob")
    generated_earlier(bob, 1)

    assert htmx_post(alice_client).status_code == 200


def test_without_javascript_a_refusal_is_the_form_page_with_the_message(alice_client):
    response = alice_client.post(URL, {"prompt": "", "mood": "calm"})

    html = response.content.decode()
    assert response.status_code == 400
    assert html.startswith("<!doctype html>")
    assert "prompt must not be empty" in html
    assert 'value="calm"' in html  # what was typed is kept
    assert not Artwork.objects.exists()


def test_the_music_heard_reaches_the_artwork_and_its_idempotency(alice_client):
    song = {"bpm": "128", "energy": "0.7", "brightness": "0.8"}

    first = htmx_post(alice_client, fingerprint="t128-c9a0f3-s7a", **song)
    again = htmx_post(alice_client, fingerprint="t128-c9a0f3-s7a", **song)
    new_song = htmx_post(alice_client, fingerprint="t092-c0a1f0-s2a", **song)

    assert [r.status_code for r in (first, again, new_song)] == [200, 200, 200]
    assert again.content == first.content
    assert new_song.content != first.content
    assert Artwork.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"brightness": "2"}, "brightness must be between 0 and 1"),
        ({"brightness": "loud"}, "brightness must be a number"),
        ({"fingerprint": "<script>"}, "fingerprint must be 1 to 64"),
        ({"screen": "kitchen", "dwell": 2}, "dwell must be a whole number of seconds"),
        ({"screen": "../etc"}, "screen must be 1 to 64 letters"),
        ({"clock": "maybe"}, "clock must be 1 or 0"),
    ],
)
def test_bad_music_features_or_screen_settings_are_400_naming_the_field(
    alice_client, fields, message
):
    response = json_post(alice_client, **fields)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Artwork.objects.exists() and not Screen.objects.exists()


def dynamic_post(client: Client, **fields: object):
    """What a listening screen in dynamic mode sends: htmx's frame, errors as JSON."""
    data = {"prompt": "the music", "fingerprint": "t120-c1", "dynamic": "1", "screen": "tv"}
    return client.post(
        URL, {**data, **fields}, headers={**HTMX, "Accept": "text/html, application/json"}
    )


def test_dynamic_mode_waits_the_interval_after_the_users_last_artwork(alice_client, settings):
    settings.ARTFEED_DYNAMIC_MIN_INTERVAL = timedelta(minutes=2)
    made = htmx_post(alice_client, prompt="made by hand")

    too_soon = dynamic_post(alice_client)

    assert made.status_code == 200
    assert too_soon.status_code == 429
    assert too_soon.json()["reason"] == "interval"
    assert "at most one artwork every 2 min" in too_soon.json()["error"]
    assert 110 <= int(too_soon["Retry-After"]) <= 120
    assert Artwork.objects.count() == 1


def test_dynamic_mode_generates_once_the_interval_has_passed(alice_client, user, settings):
    settings.ARTFEED_DYNAMIC_MIN_INTERVAL = timedelta(minutes=2)
    generated_earlier(user, 1, before=timezone.now() - timedelta(minutes=2))

    response = dynamic_post(alice_client)

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["artfeed:generated"]["created"] is True
    assert 'class="frame"' in response.content.decode()


def test_dynamic_mode_over_the_quota_is_told_so(alice_client, user, settings):
    settings.ARTFEED_DAILY_GENERATIONS = 1
    generated_earlier(user, 1)

    response = dynamic_post(alice_client)

    assert response.status_code == 429
    assert response.json()["reason"] == "quota"
    assert "1 of 1 artworks today" in response.json()["error"]


def test_a_json_body_names_the_screen_and_its_dwell_as_a_form_does(alice_client, user):
    response = json_post(alice_client, screen="kitchen", dwell=20)

    assert response.status_code == 201
    lease = Lease.objects.get(artwork=Artwork.objects.get())
    assert lease.screen_key == "kitchen"
    assert lease.expires_at > timezone.now() + timedelta(seconds=20)
    assert list(Screen.objects.filter(user=user).values_list("key", flat=True)) == ["kitchen"]


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("prompt", ["a\x00b", "a\x1bb", "\ud800"])
def test_a_prompt_with_a_control_character_in_json_is_400_and_leaves_nothing(
    alice_client, settings, prompt
):
    response = alice_client.post(
        URL, json.dumps({"prompt": prompt}), content_type="application/json"
    )

    assert response.status_code == 400
    assert "prompt must be plain text" in response.json()["error"]
    assert not Artwork.objects.exists() and not Screen.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("field", ["prompt", "mood", "style"])
def test_a_nul_in_a_form_field_is_400_naming_it(alice_client, settings, field):
    response = htmx_post(alice_client, **{field: "a\x00b"})

    assert response.status_code == 400
    assert f"{field} must be plain text" in response.content.decode()
    assert not Artwork.objects.exists() and stored_files(settings) == []


def test_when_the_row_cannot_be_saved_no_image_is_left_behind(settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise DataError("invalid byte sequence")

    monkeypatch.setattr(Artwork, "save", refuse)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    response = client.post(URL, {"prompt": "a harbour"}, headers={"Accept": "application/json"})

    assert response.status_code == 500
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps({"prompt": "x" * 300_000}), "application/json"),
        ("prompt=" + "x" * 300_000, "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_over_the_limit_is_a_json_413_for_a_script(
    csrf_client, settings, body, content_type
):
    # The CSRF check reads a form before the view does: that 413 comes from handler400.
    csrf_client.cookies[settings.CSRF_COOKIE_NAME] = "k" * 32
    headers = {"Accept": "application/json", "X-CSRFToken": "k" * 32}

    response = csrf_client.post(URL, body, content_type=content_type, headers=headers)

    assert response.status_code == 413
    assert "at most 262144 bytes" in response.json()["error"]


def test_a_failed_csrf_check_is_json_for_a_json_client(csrf_client):
    response = csrf_client.post(URL, {"prompt": "x"}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert not Artwork.objects.exists()
