from __future__ import annotations

import pytest

from impressions.models import Impression
from tests.browser.helpers import pool, shown_id, wait_for_shown, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_first_frame_is_painted_with_the_page(logged_in_page, live_server):
    art = pool(3)[0]
    page = logged_in_page

    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")

    assert shown_id(page) == str(art.pk)
    page.wait_for_function(
        "() => { const img = document.querySelector('#stage .frame img');"
        " return img.complete && img.naturalWidth > 0 }"
    )


def test_frames_follow_one_another_and_each_shown_frame_is_recorded_once(
    logged_in_page, live_server, user
):
    first, second, *_ = pool(4)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=3")
    assert shown_id(page) == str(first.pk)

    wait_for_shown(page, second, timeout=10_000)
    # The first frame stood for 3 s in a visible tab: it passed the viewability bar.
    wait_until(lambda: Impression.objects.filter(user=user, artwork=first).exists(), page)
    assert Impression.objects.filter(user=user, artwork=first).count() == 1
    # Only one frame at a time remains in the DOM once the crossfade is over.
    wait_until(lambda: page.locator("#stage .frame").count() == 1, page, timeout=3)


def test_the_right_arrow_skips_to_the_next_frame(logged_in_page, live_server):
    first, second, *_ = pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")
    assert shown_id(page) == str(first.pk)

    page.keyboard.press("ArrowRight")

    wait_for_shown(page, second, timeout=5_000)


def test_space_pauses_the_display(logged_in_page, live_server):
    first, *_ = pool(3)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=3")

    page.keyboard.press(" ")
    page.wait_for_timeout(4500)

    assert shown_id(page) == str(first.pk)
    assert page.locator("body.paused").count() == 1


def test_a_reloaded_pages_first_frame_is_recorded_too(logged_in_page, live_server, user):
    """A cached image decodes at once, before every module has started: still recorded."""
    (only,) = pool(1)
    page = logged_in_page
    recorded = Impression.objects.filter(user=user, artwork=only).exists
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")
    wait_until(recorded, page)
    Impression.objects.all().delete()

    page.reload()  # the same frame again, its image now from the browser's cache
    assert shown_id(page) == str(only.pk)

    wait_until(recorded, page)
