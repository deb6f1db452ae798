"""Days on the wall, compressed: thousands of swaps leave the JavaScript heap, the DOM and
the event listeners where they were. Old frames, their images and their listeners must
be released (display.js), saved frames stay bounded (offline.js)."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings

from tests.browser.helpers import pool, wait_for_shown

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.page_routes,
    # What is measured is the page; the frames come from memory, not the database. One
    # run (on SQLite) is enough, and it takes two minutes.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the page's footprint does not depend on the database: measured on SQLite",
    ),
]

WARM_UP = 200
SWAPS = 2000

# Swaps as fast as the display can take them: ask for the next frame (as the → key
# does), wait until it is on screen, again. Returns how many frames came.
SWAP = """async (count) => {
  let shown = 0;
  for (let i = 0; i < count; i++) {
    const next = new Promise((resolve) => {
      // A turn of the event loop later: the display has finished with the swap.
      const done = () => setTimeout(() => resolve(true), 0);
      document.addEventListener("artfeed:frameshown", done, { once: true });
      setTimeout(() => resolve(false), 5000);
    });
    document.dispatchEvent(new CustomEvent("artfeed:skip"));
    if (await next) shown++;
  }
  return shown;
}"""


def footprint(cdp) -> dict[str, int]:
    """After a full garbage collection: the JS heap in use and the live DOM counters."""
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.collectGarbage")
    counters = cdp.send("Memory.getDOMCounters")
    return {
        "heap": int(cdp.send("Runtime.getHeapUsage")["usedSize"]),
        "nodes": counters["nodes"],
        "listeners": counters["jsEventListeners"],
        "documents": counters["documents"],
    }


def test_thousands_of_swaps_leave_heap_nodes_and_listeners_flat(logged_in_page, live_server):
    arts = pool(20)
    page = logged_in_page
    page.goto(f"{live_server.url}/display/?screen=soak&dwell=3600&fade=0")
    wait_for_shown(page, arts[0])
    # The frames come from the real server once; then they are answered from memory so
    # that the run measures the page, not the feed (whose leases would run dry).
    fragments = [
        page.request.get(f"{live_server.url}/display/frame/{art.pk}/?screen=soak").text()
        for art in arts[1:] + arts[:1]
    ]
    turn = itertools.cycle(fragments)
    page.route(
        "**/display/next/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=next(turn)),
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.enable")

    assert page.evaluate(SWAP, WARM_UP) == WARM_UP
    page.wait_for_timeout(1000)  # the recorder's and saved frames' work settles
    before = footprint(cdp)
    assert page.evaluate(SWAP, SWAPS) == SWAPS
    page.wait_for_timeout(1000)
    after = footprint(cdp)

    print(f"after {WARM_UP} swaps: {before}; after {SWAPS} more: {after}")
    assert page.locator("#stage .frame").count() == 1
    assert after["documents"] == before["documents"]
    assert abs(after["nodes"] - before["nodes"]) <= 100  # one frame's worth, at most
    assert after["listeners"] <= before["listeners"] + 5
    # A leak of even 250 bytes a swap would show: 2000 swaps, 0.5 MB.
    assert after["heap"] - before["heap"] < 512 * 1024, (before, after)
