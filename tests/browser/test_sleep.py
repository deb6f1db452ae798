"""A screen sleeps at night (?sleep=, static/display/sleep.js): dark, no frame asked
for, nothing recorded, the wake lock let go; awake on time with a fresh frame, or early
at a key press. The browser's clock is Playwright's, set just before the period, in a
time zone of the screen's own."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from impressions.models import Impression
from tests.browser.helpers import SHOWN_LOG, impression_posts, pool, shown_log, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

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
    page.wait_for_timeout(1000)  # a view completed just before may still be on its way
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
    page.wait_for_function("document.body.dataset.wakeLock === 'held'", timeout=5_000)


def test_a_key_wakes_it_early_and_does_nothing_else(logged_in_page, live_server):
    pool(10)
    page = logged_in_page
    page.add_init_script(SHOWN_LOG)
    page.clock.install(time=local(23, 0, 5))
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60&sleep={SLEEP}")
    page.wait_for_selector("body.asleep", state="attached", timeout=5_000)
    shown = len(shown_log(page))

    page.keyboard.press(" ")

    wait_until(lambda: len(shown_log(page)) > shown, page, timeout=10)  # a fresh frame
    assert not asleep(page)
    assert not page.evaluate("document.body.classList.contains('paused')")
    page.wait_for_timeout(2500)  # still inside the period: it stays awake
    assert not asleep(page)
