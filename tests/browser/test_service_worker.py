"""A power cut during an outage: the display's service worker keeps the page and the
frames it showed, so a reload or a cold start while the network is down opens on saved
frames, marked offline, and the live feed resumes when the network is back. With the
production server stopped instead: tests/browser/test_end_to_end.py."""

from __future__ import annotations

import pytest

from impressions.models import Impression
from tests.browser.helpers import SHOWN_LOG, pool, shown_log, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DWELL = 3


def controlled(page) -> None:
    """Wait until the service worker controls the page. A page whose navigation was under
    way while the worker took over is not claimed by it; its next load is."""
    # Bounded: a worker that fails to install never makes ``ready`` settle.
    page.evaluate(
        """() => Promise.race([
          navigator.serviceWorker.ready.then(() => true),
          new Promise((_, reject) => setTimeout(() => reject(new Error("no worker")), 10000)),
        ])"""
    )
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)


def saved_frames(page) -> list[str]:
    return page.evaluate(
        """async () => {
          const cache = await caches.open("artfeed-frames");
          const index = await cache.match(new URL("/display/saved-frames", location.href).href);
          return index ? (await index.json()).map((entry) => entry.id) : [];
        }"""
    )


def test_a_reload_while_offline_opens_on_saved_frames_and_the_feed_resumes(
    logged_in_page, live_server, user
):
    arts = pool(12)
    page = logged_in_page
    page.context.add_init_script(SHOWN_LOG)  # the cold start's tab too
    url = f"{live_server.url}/display/?screen=hall&dwell={DWELL}"
    page.goto(url)
    controlled(page)
    page.reload()  # the worker has kept this page: the one served when the network fails
    wait_until(lambda: len(saved_frames(page)) >= 3, page, timeout=4 * DWELL + 6)
    saved = set(saved_frames(page))

    page.context.set_offline(True)
    page.reload()
    stood = offline_frames(page, 2)
    # A cold start (the power came back, the network did not): a new tab opens the same.
    page.close()
    page = logged_in_page.context.new_page()
    page.goto(url)
    stood += offline_frames(page, 2)
    assert set(stood) <= saved

    page.context.set_offline(False)
    count = len(shown_log(page))
    live_again = lambda: any(not saved for _, saved in shown_log(page)[count:])  # noqa: E731
    wait_until(live_again, page, timeout=4 * DWELL + 6)
    assert not page.evaluate("document.body.classList.contains('offline')")

    shown_anywhere = saved | {art for art, _ in shown_log(page)}
    wait_until(lambda: set(recorded(user)) >= set(stood), page, timeout=15)
    assert set(recorded(user)) <= shown_anywhere
    assert {str(art.pk) for art in arts} - shown_anywhere  # some never shown, never recorded


@pytest.fixture
def spring(settings):
    """The server runs release "spring" from the start (the login opens the display)."""
    settings.ARTFEED_RELEASE = "spring"
    return settings


def test_online_the_page_comes_from_the_server_and_a_new_release_replaces_the_cache(
    spring, logged_in_page, live_server
):
    pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60")
    controlled(page)
    wait_until(lambda: "artfeed-shell-spring" in cache_names(page), page, timeout=15)

    spring.ARTFEED_RELEASE = "summer"
    page.reload()

    assert page.evaluate("document.body.dataset.release") == "summer"  # not the kept page
    wait_until(lambda: "artfeed-shell-summer" in cache_names(page), page, timeout=15)
    wait_until(lambda: "artfeed-shell-spring" not in cache_names(page), page, timeout=15)


def test_logging_out_forgets_the_kept_page_and_frames(logged_in_page, live_server):
    pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60")
    controlled(page)
    wait_until(lambda: len(saved_frames(page)) >= 1, page)

    page.mouse.move(10, 10)  # wakes the hints, where the button is
    page.click(".hud-logout button")
    page.wait_for_url("**/accounts/login/")

    assert [name for name in cache_names(page) if name.startswith("artfeed-")] == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0


def offline_frames(page, count: int) -> list[str]:
    """Wait for ``count`` saved frames on a page served offline; those that stood their
    whole dwell (all but the last)."""
    page.wait_for_selector("body.offline .offline-mark", timeout=5_000)
    offline = lambda: [art for art, saved in shown_log(page) if saved]  # noqa: E731
    wait_until(lambda: len(offline()) >= count, page, timeout=count * DWELL + 6)
    return offline()[:-1]


def cache_names(page) -> list[str]:
    return page.evaluate("caches.keys()")


def recorded(user) -> list[str]:
    return [
        str(pk) for pk in Impression.objects.filter(user=user).values_list("artwork", flat=True)
    ]
