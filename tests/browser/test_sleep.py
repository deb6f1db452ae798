"""A screen sleeps at night (?sleep=, static/display/sleep.js): dark, no frame asked
for, nothing recorded, the wake lock let go; awake on time with a fresh frame, or early
at a key press. The browser's clock is Playwright's, set just before the period, in a
time zone of the screen's own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from impressions.models import Impression
from tests.browser.helpers import (
    SHOWN_LOG,
    impression_posts,
    pool,
    queue_key,
    shown_log,
    wait_until,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_routes]

DWELL = 3
ZONE = "Pacific/Auckland"  # far from the server's UTC: the screen's own evening counts
SLEEP = "23:00-23:01"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "timezone_id": ZONE}


def local(hh: int, mm: int, ss: int) -> datetime:
    return datetime.now(ZoneInfo(ZONE)).replace(hour=hh, minute=mm, second=ss, microsecond=0)


def frame_requests(page) -> list:
    asked: list = []
    page.on("request", lambda r: asked.append(r) if "/display/next/" in r.url else None)
    return asked


def asleep(page) -> bool:
    return page.evaluate("document.body.classList.contains('asleep')")


def settled(page) -> None:
    """Wait until what began before the period has ended: the crossfade under way is over
    (its frame announced) and the views completed before it are on record."""
    page.wait_for_function(
        """() => !document.querySelector("#stage .frame.leaving, #stage .frame:not([data-shown])")
        && localStorage.getItem(`artfeed.impressions.${document.body.dataset.user}`) === null""",
        timeout=10_000,
    )


def test_it_sleeps_through_its_period_and_wakes_on_time_with_a_fresh_frame(
    logged_in_page, live_server, user
):
    pool(10)
    page = logged_in_page
    page.add_init_script(SHOWN_LOG)
    asked, posts = frame_requests(page), impression_posts(page)
    page.clock.install(time=local(22, 59, 54))
    page.goto(f"{live_server.url}/display/?screen=hall&dwell={DWELL}&clock=1&sleep={SLEEP}")
    assert not asleep(page)

    page.wait_for_selector("body.asleep", state="attached", timeout=10_000)
    settled(page)  # what the day left on its way has arrived
    before = (len(asked), len(posts), Impression.objects.count(), len(shown_log(page)))
    page.wait_for_timeout((2 * DWELL + 1) * 1000)

    assert asleep(page)
    assert (len(asked), len(posts), Impression.objects.count(), len(shown_log(page))) == before
    assert not page.locator("#stage").is_visible()  # dark, but for a dim clock
    assert page.locator("#clock").is_visible()
    assert page.evaluate("document.body.dataset.wakeLock") == "released"

    page.clock.fast_forward("00:55")  # to 23:00:59 and a little: the period ends
    wait_until(lambda: not asleep(page), page, timeout=6)
    wait_until(lambda: len(shown_log(page)) > before[3], page, timeout=10)
    assert len(asked) > before[0]
    fresh, offline = shown_log(page)[-1]
    assert not offline and fresh not in {art for art, _ in shown_log(page)[: before[3]]}
    page.wait_for_function("() => document.body.dataset.wakeLock === 'held'", timeout=5_000)


def test_a_key_wakes_it_early_and_does_nothing_else(logged_in_page, live_server):
    pool(10)
    page = logged_in_page
    page.add_init_script(SHOWN_LOG)
    page.clock.install(time=local(23, 0, 5))
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60&sleep={SLEEP}")
    page.wait_for_selector("body.asleep", state="attached", timeout=5_000)
    page.wait_for_selector("#stage .frame[data-shown]", state="attached")  # opened on
    shown = len(shown_log(page))

    page.keyboard.press(" ")

    wait_until(lambda: len(shown_log(page)) > shown, page, timeout=10)  # a fresh frame
    assert not asleep(page)
    assert not page.evaluate("document.body.classList.contains('paused')")
    page.wait_for_timeout(2500)  # still inside the period: it stays awake
    assert not asleep(page)


# What the loop does, and whether the screen was asleep at that moment.
LOOP_LOG = """
window.loopLog = [];
const note = (what) => window.loopLog.push([what, document.body.classList.contains("asleep")]);
document.addEventListener("htmx:beforeRequest", (e) => e.target.id === "up-next" && note("asked"));
document.addEventListener("htmx:afterSwap", (e) => e.target.id === "up-next" && note("arrived"));
document.addEventListener("artfeed:recorded", () => note("recorded"));
"""


def loop_log(page) -> list[tuple[str, bool]]:
    return [tuple(entry) for entry in page.evaluate("window.loopLog")]


def hold_the_first(held: list) -> Callable:
    """A route handler that keeps the first request in ``held``, unanswered until the test
    lets it go, and lets every later one through."""
    first = True

    def handle(route) -> None:
        nonlocal first
        if first:
            first = False
            held.append(route)
        else:
            route.continue_()

    return handle


def open_paused_before_the_period(page, live_server) -> None:
    """The display a few seconds before the period, the browser's clock paused: its timers
    run only as the test moves the clock on."""
    page.add_init_script(LOOP_LOG)
    page.clock.install(time=local(22, 59, 50))
    page.clock.pause_at(local(22, 59, 55))
    page.goto(f"{live_server.url}/display/?screen=hall&dwell={DWELL}&sleep={SLEEP}")
    page.wait_for_selector("#stage .frame[data-shown]", state="attached")


def test_a_frame_asked_for_as_the_period_begins_is_not_shown_in_the_dark(
    logged_in_page, live_server
):
    first, *_ = pool(3)
    page = logged_in_page
    held: list = []
    page.route("**/display/next/**", hold_the_first(held))  # a slow answer
    open_paused_before_the_period(page, live_server)

    page.clock.run_for(DWELL * 1000)  # the dwell ends: the next frame is asked for
    wait_until(lambda: bool(held), page)
    page.clock.run_for(DWELL * 1000)  # past 23:00 before the answer comes
    page.wait_for_selector("body.asleep", state="attached")
    held.pop().continue_()

    wait_until(lambda: ("arrived", True) in loop_log(page), page)
    page.wait_for_function("() => !document.querySelector('#up-next .frame')")  # decoded: gone
    assert page.locator("#stage .frame").evaluate_all(
        "frames => frames.map((f) => f.dataset.artworkId)"
    ) == [str(first.pk)]


def test_a_frame_about_to_be_asked_for_when_the_period_begins_waits_for_the_wake(
    logged_in_page, live_server, user, settings
):
    settings.ARTFEED_VIEWABLE_MS = 60_000  # the frame on screen adds nothing to the queue
    *_, queued_elsewhere = pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/accounts/login/")  # a page without a recorder
    page.evaluate(
        "([key, id]) => localStorage.setItem(key, JSON.stringify([id]))",
        [queue_key(user), str(queued_elsewhere.pk)],
    )
    held: list = []
    page.route("**/api/impressions/", hold_the_first(held))  # a slow server
    open_paused_before_the_period(page, live_server)
    wait_until(lambda: bool(held), page)  # the queue an earlier page left, on its way

    # The dwell ends: the display waits for the recorder's queue before it asks.
    page.clock.run_for(DWELL * 1000)
    page.clock.run_for(DWELL * 1000)  # past 23:00 before the server answers
    page.wait_for_selector("body.asleep", state="attached")
    held.pop().continue_()

    wait_until(lambda: ("recorded", True) in loop_log(page), page)
    # The recorder holds this lock while it sends: free, the display has gone on (or not).
    page.evaluate("key => navigator.locks.request(key, () => {})", queue_key(user))
    page.keyboard.press(" ")  # a viewer wakes it: now it asks
    wait_until(lambda: any(what == "asked" for what, _ in loop_log(page)), page)
    assert ("asked", True) not in loop_log(page)
