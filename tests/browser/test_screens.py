from __future__ import annotations

import pytest

from tests.browser.helpers import SHOWN, pool

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER_HHMM = (
    "() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0');"
    " return `${p(d.getHours())}:${p(d.getMinutes())}` }"
)


def test_a_kiosk_url_sets_the_fade_and_the_clock_and_the_screens_page_lists_it(
    logged_in_page, live_server
):
    art = pool(3)[0]
    page = logged_in_page

    page.goto(f"{live_server.url}/display/?screen=hall&fade=300&clock=1")

    duration = page.locator(SHOWN).last.evaluate("f => getComputedStyle(f).transitionDuration")
    assert duration == "0.3s"
    clock = page.locator("#clock")
    assert clock.is_visible()
    before = page.evaluate(BROWSER_HHMM)
    shown = clock.inner_text()
    assert shown in {before, page.evaluate(BROWSER_HHMM)}  # a minute may turn meanwhile

    page.goto(f"{live_server.url}/display/screens/")

    hall = page.locator('tr[data-screen="hall"]')
    assert hall.locator('[data-status="online"]').inner_text() == "online"
    assert art.title in hall.locator(".current").inner_text()
