"""The listening module's analysis (static/display/listen.js) on synthetic signals, run
in Chromium where it runs for real: tempo, energy, brightness and the fingerprint."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# Signals made in the page, fed to MusicAnalysis in the blocks the microphone gives.
SIGNALS = """
const RATE = 48000;
const clicks = (bpm, seconds, { pitch = 1000, offset = 0 } = {}) => {
  const out = new Float32Array(RATE * seconds);
  const period = (60 / bpm) * RATE;
  for (let beat = offset * RATE; beat < out.length; beat += period) {
    const start = Math.round(beat);
    for (let i = 0; i < 0.02 * RATE && start + i < out.length; i++) {
      const decay = Math.exp(-i / (0.004 * RATE));
      out[start + i] += 0.8 * decay * Math.sin((2 * Math.PI * pitch * i) / RATE);
    }
  }
  return out;
};
const tone = (hz, seconds, amplitude = 0.5) => Float32Array.from(
  { length: RATE * seconds }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
const chord = (notes, seconds, amplitude = 0.15) => {
  const out = new Float32Array(RATE * seconds);
  for (const hz of notes) tone(hz, seconds, amplitude).forEach((v, i) => (out[i] += v));
  return out;
};
const mix = (...tracks) => tracks[0].map((v, i) => tracks.reduce((sum, t) => sum + t[i], 0));
const hear = async (signal) => {
  const { MusicAnalysis } = await import("/static/display/listen.js");
  const analysis = new MusicAnalysis(RATE);
  for (let i = 0; i < signal.length; i += 2048) analysis.push(signal.subarray(i, i + 2048));
  return analysis.features();
};
"""


@pytest.fixture
def lab(page, live_server, live_settings):
    """A page of the app (the module is imported from its static files)."""
    page.goto(f"{live_server.url}/accounts/login/")

    def run(expression: str):
        return page.evaluate(f"async () => {{ {SIGNALS} return {expression}; }}")

    return run


@pytest.mark.parametrize("bpm", [90, 128, 75, 150, 100, 172])
def test_a_click_tracks_tempo_is_found_within_two_bpm(lab, bpm):
    heard = lab(f"hear(clicks({bpm}, 10))")

    assert heard["bpm"] == pytest.approx(bpm, abs=2)


def test_a_click_track_under_a_held_chord_keeps_its_tempo(lab):
    heard = lab("hear(mix(clicks(128, 10), chord([220, 277.2, 329.6], 10)))")

    assert heard["bpm"] == pytest.approx(128, abs=2)


def test_silence_has_no_energy_no_tempo_and_no_fingerprint(lab):
    heard = lab("hear(new Float32Array(RATE * 6))")

    assert heard["energy"] == pytest.approx(0, abs=0.01)
    assert heard["bpm"] is None
    assert heard["fingerprint"] is None


def test_louder_is_more_energy(lab):
    quiet, loud = lab("Promise.all([hear(tone(440, 3, 0.01)), hear(tone(440, 3, 0.5))])")

    assert 0.2 < quiet["energy"] < loud["energy"] < 1


@pytest.mark.parametrize("hz", [440, 1000, 3000])
def test_a_tones_spectral_centroid_is_near_its_frequency(lab, hz):
    heard = lab(f"hear(tone({hz}, 3))")

    assert heard["centroid"] == pytest.approx(hz, rel=0.05)


def test_a_higher_tone_is_brighter(lab):
    low, high = lab("Promise.all([hear(tone(200, 3)), hear(tone(4000, 3))])")

    assert low["brightness"] < 0.2 < 0.8 < high["brightness"]


SONG_A = "mix(clicks(90, 12, {pitch: 800}), chord([220, 261.6, 329.6], 12))"  # A minor
SONG_B = "mix(clicks(128, 12, {pitch: 2500}), chord([293.7, 370, 440], 12))"  # D major


def test_the_fingerprint_stays_over_a_song_and_differs_across_songs(lab):
    one, later, other, distances = lab(
        f"""(async () => {{
          const {{ distance }} = await import("/static/display/listen.js");
          const song = {SONG_A}, other = {SONG_B};
          const [one, later, b] = await Promise.all(
            [hear(song.subarray(0, RATE * 9)), hear(song.subarray(RATE * 3)), hear(other)]);
          return [one, later, b, [distance(one, later), distance(one, b)]];
        }})()"""
    )

    assert one["fingerprint"] == later["fingerprint"]
    assert one["fingerprint"] != other["fingerprint"]
    assert one["fingerprint"].startswith("t088") or one["fingerprint"].startswith("t092")
    # The harmony part names the chord's pitch classes, C to B: A minor is C, E and A.
    assert one["fingerprint"].split("-")[1] == "c300030000300"
    assert other["fingerprint"].split("-")[1] == "c003000300300"  # D major: D, F#, A
    same_song, new_song = distances
    assert same_song < 0.1 < 0.25 < new_song
