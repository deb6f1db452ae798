"""The impression recorder under real conditions: a real Chromium, a live server, the
network failing, the tab hidden or closed. Each test proves one promise of "Seen means
seen, nothing lost" (DESIGN.md, "Impressions")."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta

import pytest

from display.models import Lease
from impressions import views
from impressions.models import Impression
from tests.browser.helpers import (
    impression_posts,
    pool,
    queue_key,
    queued,
    wait_for_shown,
    wait_until,
    wait_until_queued,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_routes]


# Opened as if in a background tab: the page's visibility is whatever the test says.
BACKGROUND_TAB = """
window.__visibility = "hidden";
Object.defineProperty(Document.prototype, "visibilityState", {
  configurable: true, get: () => window.__visibility,
});
Object.defineProperty(Document.prototype, "hidden", {
  configurable: true, get: () => window.__visibility === "hidden",
});
"""


@pytest.fixture(autouse=True)
def short_bar(settings) -> None:
    """A short viewability bar keeps these tests quick; tests about the bar set their own."""
    settings.ARTFEED_VIEWABLE_MS = 300


def display(page, live_server, dwell: int = 60):
    return page.goto(f"{live_server.url}/display/?screen=tv&dwell={dwell}")


def pause_clock(page) -> None:
    """The page's timers run only as the test moves its clock on (page.clock.run_for), so
    a slow machine cannot stretch the time a frame spends on screen."""
    page.clock.install()
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))


def recorded(user, artwork) -> bool:
    return Impression.objects.filter(user=user, artwork=artwork).exists()


def test_a_shown_frame_makes_one_post_and_one_row(logged_in_page, live_server, user):
    art, _ = pool(2)
    page = logged_in_page
    posts = impression_posts(page)

    display(page, live_server)

    wait_until(lambda: recorded(user, art), page)
    page.wait_for_timeout(1000)  # room for a duplicate to show up, if there were one
    assert [json.loads(post.post_data)["artwork_ids"] for post in posts] == [[str(art.pk)]]
    assert Impression.objects.filter(user=user).count() == 1
    assert queued(page, user) == []


def test_a_hidden_tab_records_nothing_until_it_is_shown(
    logged_in_page, live_server, user, settings
):
    settings.ARTFEED_VIEWABLE_MS = 500
    art, _ = pool(2)
    page = logged_in_page
    posts = impression_posts(page)
    page.add_init_script(BACKGROUND_TAB)

    display(page, live_server)
    page.wait_for_timeout(1500)  # three times the bar, plus the flush debounce

    assert posts == []
    assert not recorded(user, art)

    # Brought to the front, the same frame now starts counting.
    page.evaluate(
        "() => { window.__visibility = 'visible';"
        " document.dispatchEvent(new Event('visibilitychange')) }"
    )
    wait_until(lambda: recorded(user, art), page)


def test_a_frame_shown_for_half_a_second_is_not_recorded(
    logged_in_page, live_server, user, settings
):
    settings.ARTFEED_VIEWABLE_MS = 1500
    first, second, _ = pool(3)
    page = logged_in_page
    pause_clock(page)
    display(page, live_server)
    page.wait_for_selector("#stage .frame[data-shown]", state="attached")

    page.clock.run_for(500)
    page.keyboard.press("ArrowRight")  # skipped after half a second
    # Its view ends when the crossfade begins, however long the next frame took to come.
    page.wait_for_selector(f'#stage .leaving[data-artwork-id="{first.pk}"]', state="attached")
    page.clock.resume()

    wait_for_shown(page, second)
    wait_until(lambda: recorded(user, second), page)  # the next one stays, and counts
    assert not recorded(user, first)


def test_offline_views_wait_in_local_storage_and_leave_when_the_network_returns(
    logged_in_page, live_server, user
):
    art, _ = pool(2)
    page = logged_in_page
    failed: list = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    # The frame's image arrives only once the page is offline: its view cannot pass the
    # bar and leave online first, however slow the machine.
    image = page.request.get(f"{live_server.url}/artworks/{art.pk}/image")
    held: list = []
    page.route(f"**/artworks/{art.pk}/image", lambda route: held.append(route))
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60", wait_until="domcontentloaded")
    wait_until(lambda: bool(held), page)
    page.context.set_offline(True)
    held.pop().fulfill(response=image)

    wait_until_queued(page, user, art)
    wait_until(lambda: any(url.endswith("/api/impressions/") for url in failed), page)
    assert queued(page, user) == [str(art.pk)]
    assert not recorded(user, art)

    page.context.set_offline(False)

    wait_until(lambda: recorded(user, art), page)
    wait_until(lambda: queued(page, user) == [], page)


def test_closing_the_tab_sends_what_is_left_with_a_beacon(
    logged_in_page, live_server, user, caplog
):
    caplog.set_level(logging.INFO, logger="impressions.batch")
    art, _ = pool(2)
    page = logged_in_page
    # The tab closes after the view passes the bar and before the flush it debounces:
    # however slow the machine, that flush cannot go first (a request, not a beacon).
    pause_clock(page)
    display(page, live_server)

    def viewed() -> bool:
        page.clock.run_for(100)  # a fifth of the debounce
        return bool(queued(page, user))

    wait_until(viewed, page)

    page.close(run_before_unload=True)

    wait_until(lambda: recorded(user, art))
    batches = [r.getMessage() for r in caplog.records if r.name == "impressions.batch"]
    assert len(batches) == 1
    assert "outcome=ok" in batches[0]
    assert "via=form" in batches[0]  # form data with the CSRF token: the beacon


def test_a_server_answering_503_is_retried_until_the_view_is_recorded(
    logged_in_page, live_server, user
):
    art, _ = pool(2)
    page = logged_in_page
    attempts: list = []

    def unavailable_twice(route) -> None:
        attempts.append(route.request)
        if len(attempts) <= 2:
            route.fulfill(status=503, json={"error": "The database is unavailable right now."})
        else:
            route.continue_()

    page.route("**/api/impressions/", unavailable_twice)
    display(page, live_server)

    wait_until(lambda: recorded(user, art), page)
    assert len(attempts) == 3
    assert {tuple(json.loads(a.post_data)["artwork_ids"]) for a in attempts} == {(str(art.pk),)}
    assert Impression.objects.filter(user=user).count() == 1


def test_the_next_frame_waits_for_the_views_still_being_sent(
    logged_in_page, live_server, user, monkeypatch
):
    """The stale-queue path: a view not yet on record must not let its frame come back."""
    first, second = pool(2)
    real = views.record_impressions

    def slow_server(**kwargs):
        time.sleep(1.5)
        return real(**kwargs)

    monkeypatch.setattr(views, "record_impressions", slow_server)
    page = logged_in_page
    display(page, live_server)
    wait_until_queued(page, user, first)  # seen, not on record yet
    Lease.objects.all().delete()  # and its lease ran out, as after a long offline spell

    page.keyboard.press("ArrowRight")

    wait_for_shown(page, second)
    assert recorded(user, first)


def test_a_staged_frame_recorded_meanwhile_is_dropped_and_another_fetched(
    logged_in_page, live_server, user
):
    first, second, third = pool(3)
    page = logged_in_page
    display(page, live_server)
    wait_until(lambda: recorded(user, first) and queued(page, user) == [], page)
    held: list = []
    page.route(f"**/artworks/{second.pk}/image", lambda route: held.append(route))  # decoding
    page.keyboard.press("ArrowRight")
    wait_until(lambda: bool(held), page)

    # Meanwhile its view is recorded: queued by another tab of this user, say.
    page.evaluate(
        "([key, id]) => { localStorage.setItem(key, JSON.stringify([id]));"
        " document.dispatchEvent(new CustomEvent('artfeed:flush')) }",
        [queue_key(user), str(second.pk)],
    )

    wait_for_shown(page, third)
    assert page.locator(f'#stage [data-artwork-id="{second.pk}"]').count() == 0


def test_a_frame_already_seen_before_a_reload_moves_on_at_once(logged_in_page, live_server, user):
    first, second = pool(2)
    page = logged_in_page
    page.goto(f"{live_server.url}/accounts/login/")  # a page without a recorder
    # A view of the newest frame was queued before the page reloaded (offline, say).
    page.evaluate(
        "([key, id]) => localStorage.setItem(key, JSON.stringify([id]))",
        [queue_key(user), str(first.pk)],
    )

    opened = display(page, live_server)
    # The server did not know yet: the page opened on that frame (and may have left it
    # by the time this runs).
    assert f'data-artwork-id="{first.pk}"' in opened.text()

    wait_for_shown(page, second, timeout=10_000)  # long before its 60 s dwell
    assert recorded(user, first)


def test_a_repeat_moves_on_even_when_the_server_answers_after_its_view_counted(
    logged_in_page, live_server, user
):
    first, second = pool(2)
    page = logged_in_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "([key, id]) => localStorage.setItem(key, JSON.stringify([id]))",
        [queue_key(user), str(first.pk)],
    )
    held: list = []
    page.route("**/api/impressions/", lambda route: held.append(route))  # a slow server

    display(page, live_server)
    wait_until(lambda: bool(held), page)
    # The frame passes the viewability bar again in this page before the server answers.
    page.wait_for_selector(f'#stage [data-artwork-id="{first.pk}"][data-viewed]', state="attached")
    held.pop().continue_()
    page.unroute("**/api/impressions/")

    wait_for_shown(page, second, timeout=10_000)  # long before its 60 s dwell
    assert recorded(user, first)
