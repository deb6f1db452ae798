"""The network goes: the screen keeps cycling through the frames it saved, marked
"offline", records nothing it did not show, and goes back to the live feed when the
network returns (static/display/offline.js). The same with the server stopped:
tests/browser/test_end_to_end.py."""

from __future__ import annotations

import pytest

from impressions.models import Impression
from tests.browser.helpers import SHOWN_LOG, pool, shown_log, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

DWELL = 3


def test_saved_frames_cycle_while_offline_and_the_feed_resumes(logged_in_page, live_server, user):
    arts = pool(12)
    page = logged_in_page
    page.add_init_script(SHOWN_LOG)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell={DWELL}")
    wait_until(lambda: len(shown_log(page)) >= 3, page, timeout=4 * DWELL + 4)
    online_before = {art for art, _ in shown_log(page)}

    page.context.set_offline(True)
    page.wait_for_selector("body.offline .offline-mark", timeout=DWELL * 1000 + 6000)
    wait_until(
        lambda: sum(offline for _, offline in shown_log(page)) >= 3,
        page,
        timeout=4 * (DWELL + 2),
    )
    offline_shown = [art for art, offline in shown_log(page) if offline]
    # Only frames shown before, never two in a row the same.
    assert set(offline_shown) <= online_before
    assert all(a != b for a, b in zip(offline_shown, offline_shown[1:], strict=False))
    # The DOM does not pile up: one frame, two during a crossfade (the next one may have
    # begun by now on a slow machine).
    assert page.locator("#stage .frame").count() <= 2

    page.context.set_offline(False)
    count = len(shown_log(page))
    wait_until(lambda: not page.evaluate("document.body.classList.contains('offline')"), page)
    wait_until(lambda: any(not offline for _, offline in shown_log(page)[count:]), page, timeout=15)
    fresh = next(art for art, offline in shown_log(page)[count:] if not offline)
    assert fresh not in online_before  # the live feed, not a saved frame

    # What the recorder queued offline arrives now; nothing that was not shown.
    shown = {art for art, _ in shown_log(page)}
    wait_until(lambda: set(recorded(user)) >= set(offline_shown), page, timeout=15)
    assert set(recorded(user)) <= shown
    never_shown = {str(art.pk) for art in arts} - shown
    assert never_shown and not never_shown & set(recorded(user))


def recorded(user) -> list[str]:
    return [
        str(pk) for pk in Impression.objects.filter(user=user).values_list("artwork", flat=True)
    ]
