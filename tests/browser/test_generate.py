"""Generating from the display: the new frame is on screen at once and stays pinned."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from artfeed.models import Artwork
from display.models import Vote
from tests.browser.helpers import SHOWN, pool, shown_id

pytestmark = pytest.mark.django_db(transaction=True)


def generate(page, prompt: str) -> None:
    page.keyboard.press("g")
    page.wait_for_selector("#generate-prompt")
    page.fill("#generate-prompt", prompt)
    page.keyboard.press("Enter")


def test_generate_shows_the_new_frame_at_once_and_pins_it(logged_in_page, live_server, settings):
    settings.ARTFEED_PIN = timedelta(seconds=5)
    pool(4)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=3")

    generate(page, "a lighthouse in fog")
    asked = time.monotonic()
    page.wait_for_function(
        f"() => document.querySelector('{SHOWN}[data-lane=fresh]')", timeout=3000
    )
    on_screen = time.monotonic() - asked
    made = Artwork.objects.get(origin="generated")

    assert on_screen < 1.0
    assert shown_id(page) == str(made.pk)
    # The dwell is 3 s, the pin 5 s: the loop waits for the pin.
    while time.monotonic() - asked < 4.8:
        assert shown_id(page) == str(made.pk)
        page.wait_for_timeout(200)
    assert page.locator("#generate-overlay").is_hidden()


def test_a_refused_generation_says_why_and_changes_nothing(
    logged_in_page, live_server, user, settings
):
    settings.ARTFEED_DAILY_GENERATIONS = 1
    pool(2)
    Artwork.objects.create(
        title="made this morning", image="art/x.svg", origin="generated", created_by=user
    )
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")
    before = shown_id(page)

    generate(page, "one too many")

    page.wait_for_selector(".generate-error:has-text('You have made 1 of 1 artworks today')")
    assert page.locator(".generate-usage").inner_text() == "1 of 1 today"
    assert shown_id(page) == before
    assert page.input_value("#generate-prompt") == "one too many"
    assert Artwork.objects.filter(origin="generated").count() == 1


def test_a_dislike_moves_on_at_once_and_i_shows_why_a_frame_is_here(
    logged_in_page, live_server, user
):
    first, second, *_ = pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")

    page.keyboard.press("i")
    assert page.locator(f"{SHOWN} .provenance").is_visible()
    assert "Unseen: the newest artwork" in page.locator(f"{SHOWN} .provenance").inner_text()

    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        f"() => document.querySelector('{SHOWN}:last-child')?.dataset.artworkId === '{second.pk}'",
        timeout=3000,
    )
    assert Vote.objects.get(user=user, artwork=first).value == -1
