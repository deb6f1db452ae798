"""Listening on the display, with Chromium hearing a real WAV file through its fake
microphone: the meter moves, the form's BPM is the music's, dynamic mode generates once
when the track changes and not again within the interval, and no audio is ever sent."""

from __future__ import annotations

import math
import struct
import wave
from datetime import timedelta
from pathlib import Path

import pytest

from artfeed.models import Artwork
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import SHOWN, pool
from tests.factories import generated_earlier

pytestmark = pytest.mark.django_db(transaction=True)

RATE = 48_000


def song(bpm: float, notes: tuple[float, ...], click_hz: float, seconds: float) -> list[float]:
    """A click track at ``bpm`` over a held chord of ``notes``."""
    samples = [0.0] * int(RATE * seconds)
    period = 60 / bpm * RATE
    beat = 0.0
    while beat < len(samples):
        start = round(beat)
        for i in range(min(int(0.02 * RATE), len(samples) - start)):
            decay = math.exp(-i / (0.004 * RATE))
            samples[start + i] += 0.6 * decay * math.sin(2 * math.pi * click_hz * i / RATE)
        beat += period
    for n, _ in enumerate(samples):
        samples[n] += sum(0.1 * math.sin(2 * math.pi * hz * n / RATE) for hz in notes)
    return samples


def write_wav(path: Path, samples: list[float]) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        clipped = (max(-1.0, min(1.0, s)) for s in samples)
        out.writeframes(b"".join(struct.pack("<h", round(s * 32767)) for s in clipped))
    return path


A_MINOR_90 = (90, (220.0, 261.6, 329.6), 800)
D_MAJOR_128 = (128, (293.7, 370.0, 440.0), 2500)
TRACK_SECONDS = 14


@pytest.fixture(scope="module")
def one_song(tmp_path_factory) -> Path:
    return write_wav(tmp_path_factory.mktemp("audio") / "song.wav", song(*A_MINOR_90, 12))


@pytest.fixture(scope="module")
def two_songs(tmp_path_factory) -> Path:
    # The fake microphone loops the file: A, then B, then A again, ...
    samples = song(*A_MINOR_90, TRACK_SECONDS) + song(*D_MAJOR_128, TRACK_SECONDS)
    return write_wav(tmp_path_factory.mktemp("audio") / "two.wav", samples)


def listening_page(browser_type, live_server, user, wav: Path, request, *, consent=True):
    """A logged-in page in a Chromium whose microphone plays ``wav``: permission granted
    (or, without ``consent``, refused), audio allowed to start without a gesture, as on a
    kiosk."""
    asked = "--use-fake-ui-for-media-stream" if consent else "--deny-permission-prompts"
    browser = browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            asked,
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    request.addfinalizer(browser.close)
    page = browser.new_context().new_page()
    sent: list[tuple[str, bytes]] = []
    page.on("request", lambda r: sent.append((r.url, r.post_data_buffer or b"")))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url("**/display/**")
    return page, sent


def assert_no_audio_was_sent(sent: list[tuple[str, bytes]]) -> None:
    posted = [(url, body) for url, body in sent if body]
    assert posted, "nothing was posted at all"
    for url, body in posted:
        assert len(body) < 2048, f"{url} carried {len(body)} bytes"
        assert b"RIFF" not in body and b"\x00\x00\x00" not in body, url


def test_listening_shows_a_moving_meter_and_fills_the_form_with_the_tempo(
    browser_type, live_server, live_settings, user, one_song, request
):
    pool(3)
    page, sent = listening_page(browser_type, live_server, user, one_song, request)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")
    assert page.locator("#listening").is_hidden()
    assert not page.evaluate(
        "performance.getEntriesByType('resource').some(e => e.name.endsWith('listen.js'))"
    ), "the listening module loads only when listening is turned on"

    page.keyboard.press("l")

    page.wait_for_selector("#listening:not([hidden])")
    levels = set()
    for _ in range(10):
        levels.add(page.eval_on_selector("#listening meter", "m => m.value"))
        page.wait_for_timeout(150)
    assert len(levels) > 3 and max(levels) > 0.3  # it moves with the clicks
    page.wait_for_function("() => document.querySelector('#listening').dataset.bpm", timeout=15_000)
    page.wait_for_timeout(2500)  # a few more beats heard

    page.keyboard.press("g")
    page.wait_for_function("() => document.querySelector('#generate-bpm')?.value", timeout=5000)
    assert float(page.input_value("#generate-bpm")) == pytest.approx(90, abs=3)
    assert 0 < float(page.input_value("#generate-energy")) <= 1
    page.fill("#generate-prompt", "what the room is playing")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{SHOWN}[data-lane=fresh]", timeout=5000)

    made = Artwork.objects.get(origin="generated")
    (posted,) = [body for url, body in sent if url.endswith("/display/generate/") and body]
    assert b"fingerprint=t0" in posted and b"brightness=0." in posted
    assert made.title
    assert_no_audio_was_sent(sent)
    # Remembered for this screen: the next load listens again without being asked.
    page.reload()
    page.wait_for_selector("#listening:not([hidden])")
    assert page.get_attribute("[data-listen-toggle]", "aria-pressed") == "true"


def test_dynamic_mode_generates_once_when_the_track_changes_and_not_again_too_soon(
    browser_type, live_server, live_settings, user, two_songs, request, settings
):
    settings.ARTFEED_DYNAMIC_MIN_INTERVAL = timedelta(minutes=1)
    pool(3)
    page, sent = listening_page(browser_type, live_server, user, two_songs, request)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60&dynamic=1")
    page.wait_for_selector("#listening:not([hidden])")

    # Song A plays first; nothing is made for the music already playing.
    page.wait_for_timeout(10_000)
    assert not Artwork.objects.filter(origin="generated").exists()
    # Song B from 14 s: a change held for a few seconds makes one artwork, shown here.
    page.wait_for_selector(f"{SHOWN}[data-lane=fresh]", timeout=25_000)
    made = Artwork.objects.get(origin="generated")
    assert page.locator(SHOWN).last.get_attribute("data-artwork-id") == str(made.pk)
    # Song A again from 28 s: another change, but within the minute nothing more is made.
    page.wait_for_timeout(16_000)
    assert Artwork.objects.filter(origin="generated").count() == 1
    assert "at the earliest" in page.inner_text("#listening .listening-status")
    assert_no_audio_was_sent(sent)


def test_dynamic_mode_waits_while_paused_and_says_when_the_quota_is_spent(
    browser_type, live_server, live_settings, user, two_songs, request, settings
):
    settings.ARTFEED_DAILY_GENERATIONS = 1
    generated_earlier(user, 1)
    pool(3)
    page, sent = listening_page(browser_type, live_server, user, two_songs, request)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60&dynamic=1")
    page.wait_for_selector("#listening:not([hidden])")
    page.keyboard.press(" ")  # paused: the music changes at 14 s, nothing is asked for

    page.wait_for_timeout(24_000)
    assert not [url for url, body in sent if url.endswith("/display/generate/") and body]

    page.keyboard.press(" ")  # resumed while song B still differs: it asks, and is told
    page.wait_for_function(
        "() => document.querySelector('#listening .listening-status')"
        '.textContent.includes("today\'s quota is spent, resuming tomorrow")',
        timeout=8000,
    )
    assert Artwork.objects.filter(origin="generated").count() == 1  # the one from before


def test_a_refused_microphone_says_so_and_changes_nothing_else(
    browser_type, live_server, live_settings, user, one_song, request
):
    pool(3)
    page, _ = listening_page(browser_type, live_server, user, one_song, request, consent=False)
    page.goto(f"{live_server.url}/display/?screen=tv&dwell=60")
    shown = page.locator(SHOWN).last.get_attribute("data-artwork-id")

    page.keyboard.press("l")

    status = page.locator("#listening .listening-status")
    status.filter(has_text="The microphone was refused, so listening is off").wait_for()
    assert page.get_attribute("[data-listen-toggle]", "aria-pressed") == "false"
    assert page.locator(SHOWN).last.get_attribute("data-artwork-id") == shown
    page.reload()
    assert page.locator("#listening").is_hidden()  # not asked again on the next load
