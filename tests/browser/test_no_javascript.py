"""A browser that runs no JavaScript (an old TV, an e-ink reader): the page reloads every
dwell, naming the frame it showed, and goes through the feed like any screen
(display/reloads.py)."""

from __future__ import annotations

import pytest

from impressions.models import Impression
from tests.browser.helpers import pool, shown_id

pytestmark = pytest.mark.django_db(transaction=True)

DWELL = 3


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "java_script_enabled": False}


def test_five_reloads_show_five_artworks_each_recorded_once(logged_in_page, live_server, user):
    arts = pool(8)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=eink&dwell={DWELL}")
    shown = [shown_id(page)]

    for _ in range(5):
        with page.expect_navigation(timeout=(DWELL + 5) * 1000):
            pass  # the page's own refresh, after its dwell
        shown.append(shown_id(page))

    assert shown == [str(art.pk) for art in arts[:6]]  # the unseen lane, newest first
    rows = Impression.objects.filter(user=user)
    # Each frame that stood its dwell is on record once; the one on screen is not yet.
    assert sorted(str(pk) for pk in rows.values_list("artwork", flat=True)) == sorted(shown[:5])
    assert set(rows.values_list("source", flat=True)) == {Impression.Source.RELOADED}
