"""Browser tests: Playwright driving Debian's Chromium against a live server.

The browser is never downloaded: Playwright launches /usr/bin/chromium. Without it the
tests are skipped, saying so, unless ARTFEED_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path(os.environ.get("ARTFEED_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls
# the tests make there (setting up rows, checking them) are still plain sync calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists():
        return
    if os.environ.get("ARTFEED_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Browser tests are required but {CHROMIUM} is missing.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def live_settings(settings) -> None:
    """The live server finds static files by name: serve them unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def logged_in_page(page, live_server, live_settings, user, request) -> Iterator:
    """A browser page logged in as alice through the real login form. On failure a
    screenshot is kept under test-artifacts/ for inspection."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    # The page logging in lands on the display: it must have opened before the test
    # makes artworks, or it leases the newest to its own screen (another than the test's).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed and not page.is_closed():
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(PlaywrightError):  # a test may close its tab on purpose
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def browser_context_args(browser_context_args: dict, request) -> dict:
    """Tests marked ``page_routes`` hold, fail or answer the page's own requests with
    ``page.route``, which does not see a request once the display's service worker
    controls the page (it claims the page some time after the first load): their
    browser registers no service worker."""
    if request.node.get_closest_marker("page_routes"):
        return {**browser_context_args, "service_workers": "block"}
    return browser_context_args
