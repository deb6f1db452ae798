"""A screen on a wall stays awake: it holds a Screen Wake Lock while it shows frames,
lets it go while paused, and says so when it cannot (static/display/awake.js)."""

from __future__ import annotations

import pytest

from display.models import Screen
from tests.browser.helpers import pool, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

WAKE_LOCK = "document.body.dataset.wakeLock"


def wait_for_wake_lock(page, state: str) -> None:
    page.wait_for_function(f"() => {WAKE_LOCK} === {state!r}", timeout=5_000)


def test_the_wake_lock_is_held_while_showing_and_released_while_paused(
    logged_in_page, live_server, user
):
    pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60")
    assert page.evaluate("'wakeLock' in navigator")  # the API is there to be used

    wait_for_wake_lock(page, "held")
    page.keyboard.press(" ")
    wait_for_wake_lock(page, "released")
    page.keyboard.press(" ")
    wait_for_wake_lock(page, "held")

    assert Screen.objects.get(user=user, key="hall").wake_lock_problem == ""


def test_without_the_api_the_screens_page_says_the_screen_may_sleep(
    logged_in_page, live_server, user
):
    pool(3)
    page = logged_in_page
    page.add_init_script("delete Navigator.prototype.wakeLock")
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60")

    wait_for_wake_lock(page, "unavailable")
    wait_until(lambda: Screen.objects.get(user=user, key="hall").wake_lock_problem, page)
    page.goto(f"{live_server.url}/display/screens/")
    assert "may sleep: wake lock unavailable" in page.locator('tr[data-screen="hall"]').inner_text()
