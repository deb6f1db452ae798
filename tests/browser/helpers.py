"""What the browser tests share: a pool of artworks, the frame on screen, the
recorder's queue, and waiting without starving Playwright of its event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from tests.factories import ArtworkFactory

SHOWN = "#stage .frame:not(.leaving)"


def pool(count: int) -> list:
    """``count`` public artworks, newest first (the order the feed shows them in)."""
    now = timezone.now()
    return [
        ArtworkFactory(title=f"art {i}", created_at=now - timedelta(minutes=i + 1))
        for i in range(count)
    ]


def shown_id(page) -> str | None:
    """The id of the artwork on screen, or None while the stage holds no frame."""
    frames = page.locator(SHOWN)
    return frames.last.get_attribute("data-artwork-id") if frames.count() else None


def wait_for_shown(page, artwork, timeout: float = 8_000) -> None:
    page.wait_for_function(
        "id => document.querySelector('#stage .frame:not(.leaving):last-child')"
        "?.dataset.artworkId === id",
        arg=str(artwork.pk),
        timeout=timeout,
    )


def queue_key(user) -> str:
    return f"artfeed.impressions.{user.pk}"


def queued(page, user) -> list[str]:
    """The ids the recorder holds in localStorage, not yet on record."""
    return page.evaluate("key => JSON.parse(localStorage.getItem(key) ?? '[]')", queue_key(user))


def wait_until_queued(page, user, artwork, timeout: float = 5_000) -> None:
    page.wait_for_function(
        "([key, id]) => (localStorage.getItem(key) ?? '').includes(id)",
        arg=[queue_key(user), str(artwork.pk)],
        timeout=timeout,
    )


def wait_until(condition: Callable[[], bool], page=None, timeout: float = 8.0) -> None:
    """Poll ``condition`` (a database check, say). With a page, wait through Playwright so
    its route handlers and event listeners keep running meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the condition was still false after {timeout} s")
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)


def impression_posts(page) -> list:
    """Every POST the page makes to the impression endpoint, recorded as it happens."""
    posts: list = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and request.url.endswith("/api/impressions/")
            else None
        ),
    )
    return posts


# An init script: every frame put on screen, in order, with whether it was a saved one
# (offline.js), in window.shownLog; read it with shown_log().
SHOWN_LOG = """
window.shownLog = [];
document.addEventListener("artfeed:frameshown", (e) => window.shownLog.push(
  [e.detail.element.dataset.artworkId, "offline" in e.detail.element.dataset]));
"""


def shown_log(page) -> list[tuple[str, bool]]:
    return [tuple(entry) for entry in page.evaluate("window.shownLog")]
