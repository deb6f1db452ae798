from __future__ import annotations

import pytest

from tests.factories import ArtworkFactory, GeneratedArtworkFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_hud_opens_the_stats_page_which_says_why_the_frame_is_on(
    logged_in_page, live_server, user
):
    GeneratedArtworkFactory(created_by=user, title="my new piece")
    ArtworkFactory()
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")

    page.mouse.move(20, 20)  # the HUD shows while the mouse moves
    page.click(".hud a.hud-stats")

    page.wait_for_url("**/display/stats/")
    assert page.locator('[data-stat="storage"] dd').inner_text() == "2"
    tv = page.locator('[data-screen="tv"]')
    assert "my new piece" in tv.inner_text()
    assert "Fresh: your own new artwork" in tv.inner_text()
