"""The display installs as an app: Chromium reads the page's manifest and its icons load
under the page's own Content Security Policy."""

from __future__ import annotations

import pytest

from tests.browser.helpers import pool

pytestmark = pytest.mark.django_db(transaction=True)


def test_chromium_finds_the_display_installable(logged_in_page, live_server):
    pool(2)
    page = logged_in_page
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server.url}/display/?screen=hall&dwell=60")

    session = page.context.new_cdp_session(page)
    found = session.send("Page.getAppManifest")
    assert found["url"] == f"{live_server.url}/display/manifest.webmanifest"
    assert found["errors"] == []
    # Chromium's own installability check finds nothing wrong with the page, its
    # manifest or its icons; only that a test browser's profile is a private one.
    problems = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert {problem["errorId"] for problem in problems} <= {"in-incognito"}
    # Every icon it names loads, and is the image type it says.
    for icon in page.evaluate(
        "async (url) => (await (await fetch(url)).json()).icons", found["url"]
    ):
        answer = page.request.get(f"{live_server.url}{icon['src']}")
        assert answer.ok and answer.headers["content-type"] == icon["type"]
    assert blocked == []
