"""The display end to end: Debian's Chromium against the production server (uvicorn,
DEBUG off, Secure ``__Host-`` cookies, the CSP) on the PostgreSQL test database,
started by ``start_asgi_server``. Skipped on SQLite (see that fixture)."""

from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.base import ContentFile
from django.utils import timezone

from impressions.models import Impression
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import SHOWN, SHOWN_LOG, shown_id, shown_log, wait_until
from tests.factories import ArtworkFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase for the wall"
COLOURS = ["#e33", "#3c3", "#36f", "#fc0", "#f6c", "#3cf"]
BACKGROUND = (0, 0, 0)  # display.css --bg

# Counts, in a blank page of the same browser, the share of a screenshot's pixels that
# are the background colour (a blank or not yet painted stage).
BACKGROUND_SHARE = """async ([png, bg]) => {
  const img = new Image();
  img.src = "data:image/png;base64," + png;
  await img.decode();
  const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let background = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1])
        + Math.abs(data[i + 2] - bg[2]) < 24) background++;
  }
  return background / (data.length / 4);
}"""

# Checks on every animation frame that the stage holds a decoded image.
SAMPLER = """() => {
  window.artfeedSamples = { frames: 0, empty: 0 };
  const tick = () => {
    const images = [...document.querySelectorAll("#stage .frame img")];
    window.artfeedSamples.frames++;
    if (!images.some((img) => img.complete && img.naturalWidth > 0)) {
      window.artfeedSamples.empty++;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def svg(colour: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9">'
        f'<rect width="16" height="9" fill="{colour}"/></svg>'
    ).encode()


def coloured_pool(count: int) -> list:
    now = timezone.now()
    return [
        ArtworkFactory(
            title=f"art {i}",
            created_at=now - timedelta(minutes=i + 1),
            image=ContentFile(svg(COLOURS[i % len(COLOURS)]), name="art.svg"),
        )
        for i in range(count)
    ]


@pytest.fixture
def viewer(db):
    """A user whose password the server can check: the server hashes with the
    production hashers, not the tests' fast one."""
    hasher = PBKDF2PasswordHasher()
    user = UserFactory(username="wall")
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def browser_page(browser, request):
    """A 16:9 page, with the CSP violations it meets collected in ``page.csp_errors``;
    a screenshot is kept under test-artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 320, "height": 180})
    page = context.new_page()
    page.csp_errors = []

    def collect(message) -> None:
        if "Content Security Policy" in message.text:
            page.csp_errors.append(message.text)

    page.on("console", collect)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        if not page.is_closed():
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def open_display(page, server, *, dwell: int) -> None:
    """Log in through the form, which then opens the display on the screen "wall"."""
    display = quote(f"/display/?screen=wall&dwell={dwell}")
    page.goto(f"{server.url}/accounts/login/?next={display}")
    page.fill("#id_username", "wall")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/display/?screen=wall*")


def test_logging_in_shows_the_first_frame_and_every_crossfade_stays_painted(
    start_asgi_server, viewer, browser_page
):
    pool = coloured_pool(4)
    server = start_asgi_server()
    page = browser_page

    open_display(page, server, dwell=3)
    assert shown_id(page) == str(pool[0].pk)
    page.evaluate(SAMPLER)
    analyser = page.context.new_page()

    seen, shares = set(), []
    deadline = 9_000  # three dwells: at least two crossfades
    waited = 0
    while waited < deadline:
        png = base64.b64encode(page.screenshot()).decode()
        shares.append(analyser.evaluate(BACKGROUND_SHARE, [png, list(BACKGROUND)]))
        seen.add(shown_id(page))
        page.wait_for_timeout(150)
        waited += 250

    samples = page.evaluate("window.artfeedSamples")
    assert len(seen) >= 3, f"only {len(seen)} frames shown in 9 s"
    assert samples["frames"] > 100 and samples["empty"] == 0
    assert max(shares) < 0.5, f"a screenshot was {max(shares):.0%} background"
    assert page.csp_errors == []


def test_an_impression_is_written_only_after_the_viewability_bar(
    start_asgi_server, viewer, browser_page
):
    (art,) = coloured_pool(1)
    server = start_asgi_server(ARTFEED_VIEWABLE_MS="1500")
    page = browser_page
    open_display(page, server, dwell=60)
    # When the page's HTML had arrived (ms since the epoch): no frame is on screen before.
    opened_at = page.evaluate(
        "performance.timeOrigin + performance.getEntriesByType('navigation')[0].responseEnd"
    )
    wait_until(lambda: Impression.objects.filter(user=viewer, artwork=art).exists(), page)
    impression = Impression.objects.get(user=viewer, artwork=art)
    # Written no sooner than the bar after the page arrived, by the clock rather than by
    # checking for the row a moment after opening, which a slow machine could overrun.
    on_screen_ms = impression.first_viewed_at.timestamp() * 1000 - opened_at
    assert on_screen_ms >= 1500


def test_closing_the_tab_sends_what_is_left_with_a_beacon(start_asgi_server, viewer, browser_page):
    (art,) = coloured_pool(1)
    server = start_asgi_server(ARTFEED_VIEWABLE_MS="1000")
    page = browser_page
    open_display(page, server, dwell=60)
    # Closed as soon as the frame passes the bar (the recorder marks it viewed): whatever
    # the recorder had not sent yet leaves with the beacon on the way out
    # (tests/browser/test_recorder.py proves it is the beacon).
    page.wait_for_function("() => document.querySelector('#stage .frame[data-viewed]')")

    page.close(run_before_unload=True)

    wait_until(lambda: Impression.objects.filter(user=viewer, artwork=art).exists(), timeout=5)


def test_logging_out_ends_the_session(start_asgi_server, viewer, browser_page):
    coloured_pool(1)
    server = start_asgi_server()
    page = browser_page
    open_display(page, server, dwell=60)

    page.mouse.move(10, 10)  # wakes the hints, where the button is
    page.click(".hud-logout button")
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{server.url}/display/")

    assert "/accounts/login/" in page.url
    assert page.locator("#id_username").count() == 1


def test_the_display_carries_on_after_the_app_server_restarts(
    start_asgi_server, viewer, browser_page
):
    first, second, *_ = coloured_pool(3)
    server = start_asgi_server()
    page = browser_page
    open_display(page, server, dwell=3)
    assert shown_id(page) == str(first.pk)

    server.restart()

    page.wait_for_function(
        f"() => document.querySelector('{SHOWN}:last-child')?.dataset.artworkId === '{second.pk}'",
        timeout=15_000,
    )
    assert page.locator("#stage .frame img").first.evaluate("img => img.naturalWidth") > 0


def back_up(page, server, *, awaited: set[str]) -> tuple[set[str], set[str]]:
    """Start the server again and wait for the live feed (the offline mark gone, a frame
    from the server) and for the ``awaited`` views queued meanwhile to arrive. Returns
    the frames this page showed and what is on record."""
    server.start()
    page.wait_for_function("() => !document.body.classList.contains('offline')", timeout=15_000)
    mark = len(shown_log(page))
    page.wait_for_function(
        f"() => window.shownLog.slice({mark}).some(([, offline]) => !offline)", timeout=15_000
    )

    def on_record() -> set[str]:
        return {str(pk) for pk in Impression.objects.values_list("artwork", flat=True)}

    wait_until(lambda: on_record() >= awaited, page, timeout=10)
    return {art for art, _ in shown_log(page)}, on_record()


def test_while_the_server_is_down_saved_frames_cycle_and_the_feed_resumes(
    start_asgi_server, viewer, browser_page
):
    pool = coloured_pool(8)
    server = start_asgi_server(ARTFEED_VIEWABLE_MS="1000")
    page = browser_page
    page.add_init_script(SHOWN_LOG)
    open_display(page, server, dwell=3)
    page.wait_for_function("() => window.shownLog.length >= 3", timeout=15_000)
    before = {art for art, _ in shown_log(page)}

    server.stop()
    page.wait_for_selector("body.offline", timeout=10_000)
    page.wait_for_function(
        "() => window.shownLog.filter(([, offline]) => offline).length >= 2", timeout=15_000
    )
    down = [art for art, offline in shown_log(page) if offline]
    assert set(down) <= before

    shown, recorded = back_up(page, server, awaited=set(down))
    assert set(down) <= recorded <= shown
    assert {str(art.pk) for art in pool} - shown  # some were never shown, nor recorded


def test_a_reload_while_the_server_is_down_opens_on_saved_frames(
    start_asgi_server, viewer, browser_page
):
    """The power blinks during an outage: the reloaded page comes from the display's
    service worker, with the frames it saved, and the feed resumes with the server."""
    pool = coloured_pool(10)
    server = start_asgi_server(ARTFEED_VIEWABLE_MS="1000")
    page = browser_page
    page.context.add_init_script(SHOWN_LOG)
    open_display(page, server, dwell=3)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    before = {art for art, _ in shown_log(page)}
    page.reload()  # now the worker has kept the page
    page.wait_for_function("() => window.shownLog.length >= 3", timeout=15_000)
    before |= {art for art, _ in shown_log(page)} | {shown_id(page)}

    server.stop()
    page.reload()
    page.wait_for_selector("body.offline .offline-mark", timeout=10_000)
    page.wait_for_function(
        "() => window.shownLog.filter(([, offline]) => offline).length >= 2", timeout=15_000
    )
    down = [art for art, offline in shown_log(page) if offline]
    assert set(down) <= before

    stood = set(down[:-1])  # each of these stood a whole dwell
    shown, recorded = back_up(page, server, awaited=stood)
    shown |= before
    assert stood <= recorded <= shown
    assert {str(art.pk) for art in pool} - shown  # some were never shown, nor recorded
    assert page.csp_errors == []
