"""An unattended screen heals itself: the watchdog (a loop that stopped is retried, then
reloaded, and each recovery reported) and upgrades (a new release on the server, exactly
one reload, at a frame boundary). static/display/upkeep.js."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from display.models import Screen
from tests.browser.helpers import pool, shown_id, wait_for_shown, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_routes]

DWELL = 3
# upkeep.js: three dwells, then a crossfade, the recorder's flush and a slow answer.
WATCHDOG_MS = 3 * DWELL * 1000 + 1200 + 5000 + 3000

# Every page of the tab writes what happened into sessionStorage, which a reload keeps.
JOURNAL = """
const note = (what, id) => {
  const log = JSON.parse(sessionStorage.getItem("journal") ?? "[]");
  log.push([what, id ?? null, Date.now()]);
  sessionStorage.setItem("journal", JSON.stringify(log));
};
note("load");
document.addEventListener(
  "artfeed:frameshown", (e) => note("shown", e.detail.element.dataset.artworkId),
);
addEventListener("pagehide", () => note("unload"));
document.addEventListener("htmx:afterSwap", (e) => e.target.id === "up-next"
  && note("staged", e.target.querySelector(".frame")?.dataset.artworkId));
"""


def journal(page) -> list:
    return page.evaluate("JSON.parse(sessionStorage.getItem('journal') ?? '[]')")


def release_of(page) -> str | None:
    try:
        return page.evaluate("document.body.dataset.release")
    except PlaywrightError:  # in the middle of a reload
        return None


def recoveries(user) -> list[str]:
    screen = Screen.objects.filter(user=user, key="tv").first()
    return [] if screen is None else [screen.recoveries, screen.last_recovery]


def test_a_stuck_request_is_retried_within_the_watchdog_time(logged_in_page, live_server, user):
    first, second, *_ = pool(4)
    page = logged_in_page
    stuck = []

    def hang_the_first(route):
        if not stuck:
            stuck.append(route)  # never answered: the request hangs
        else:
            route.continue_()

    page.route("**/display/next/**", hang_the_first)
    page.add_init_script(JOURNAL)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell={DWELL}")
    assert shown_id(page) == str(first.pk)
    wait_until(lambda: bool(stuck), page, timeout=DWELL + 8)

    wait_for_shown(page, second, timeout=WATCHDOG_MS + 3_000)

    wait_until(lambda: recoveries(user) and recoveries(user)[0] == 1, page)
    assert recoveries(user)[1].startswith("retry after")
    assert [entry[0] for entry in journal(page)].count("load") == 1  # no reload was needed


def test_a_loop_that_stays_stuck_reloads_once_the_server_answers(logged_in_page, live_server, user):
    first, second, *_ = pool(4)
    page = logged_in_page
    page.add_init_script(JOURNAL)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell={DWELL}")
    assert shown_id(page) == str(first.pk)
    # Frames stop coming: every request for the next one hangs, the retry's too.
    hung = []

    def hang_two(route):
        if len(hung) < 2:
            hung.append(route)  # left unanswered
        else:
            route.continue_()

    page.route("**/display/next/**", hang_two)
    wait_until(lambda: len(hung) == 2, page, timeout=WATCHDOG_MS / 1000 + 10)
    wait_until(lambda: recoveries(user) and recoveries(user)[0] == 1, page)  # the report

    # The second stretch without a frame ends in a reload; the new page reports it.
    wait_until(lambda: recoveries(user)[0] == 2, page, timeout=WATCHDOG_MS / 1000 + 10)
    assert recoveries(user)[1].startswith("reload after")
    assert [entry[0] for entry in journal(page)].count("load") == 2
    wait_for_shown(page, second, timeout=DWELL * 1000 + 6_000)


def test_a_new_release_reloads_the_page_once_at_a_frame_boundary(
    logged_in_page, live_server, settings
):
    settings.ARTFEED_RELEASE = "one"
    first, second, *_ = pool(5)
    page = logged_in_page
    page.add_init_script(JOURNAL)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell={DWELL}")
    wait_for_shown(page, first)

    settings.ARTFEED_RELEASE = "two"  # the server is upgraded
    wait_until(lambda: release_of(page) == "two", page, timeout=15)
    page.wait_for_timeout(3 * DWELL * 1000)  # three more dwells: no second reload

    log = journal(page)
    loads = [at for what, _, at in log if what == "load"]
    assert len(loads) == 2
    # The frame the upgrade answer carried was never crossfaded in by the old page: the
    # new page opened on it. The old frame stood its whole dwell, less the crossfade.
    unload = next(i for i, (what, _, _) in enumerate(log) if what == "unload")
    before, after = log[:unload], log[unload:]
    shown_before = [entry for entry in before if entry[0] == "shown"]
    shown_after = [entry for entry in after if entry[0] == "shown"]
    staged = [entry for entry in before if entry[0] == "staged"]
    assert staged[0][1] == str(second.pk)
    assert shown_before[-1][1] == str(first.pk)
    assert shown_after[0][1] == str(second.pk)
    assert log[unload][2] - shown_before[-1][2] >= (DWELL * 1000 - 1200) * 0.9


def test_a_page_whose_requests_the_test_routes_registers_no_service_worker(
    logged_in_page, live_server
):
    # page.route would not see the requests of a page the service worker controls.
    first, *_ = pool(2)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell={DWELL}")
    wait_for_shown(page, first)
    page.wait_for_timeout(2_000)  # the page registers its worker once the frame is up

    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
