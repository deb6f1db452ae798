"""The procedural generator: deterministic, valid, varied SVG art, and clear errors."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from artfeed.generation.base import GenerationRequest, normalise_prompt
from artfeed.generation.looks import LOOKS
from artfeed.generation.procedural import ProceduralGenerator
from artfeed.generation.vocabulary import MOODS, STYLES, choose_style

SVG = "{http://www.w3.org/2000/svg}"
SHAPES = {f"{SVG}{tag}" for tag in ("circle", "ellipse", "line", "path", "polygon", "rect")}
PROMPTS = ("quiet harbour at dawn", "neon city racing at night", "a bowl of lemons")


def generate(prompt: str = "quiet harbour at dawn", **fields: object):
    return ProceduralGenerator().generate(GenerationRequest(prompt, **fields))


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)


def shape_count(content: bytes) -> int:
    return sum(1 for element in parse(content).iter() if element.tag in SHAPES)


def colours(content: bytes) -> set[str]:
    return set(re.findall(rb"#[0-9a-f]{6}", content))


def test_it_is_deterministic() -> None:
    request = {"style": "waves", "mood": "calm", "bpm": 96.5, "energy": 0.4}

    first = generate(**request)
    second = ProceduralGenerator().generate(GenerationRequest("quiet harbour at dawn", **request))

    assert first == second


@pytest.mark.parametrize("style", STYLES)
def test_a_different_prompt_gives_a_different_picture(style: str) -> None:
    quiet = generate("quiet harbour", style=style)
    loud = generate("loud harbour", style=style)

    assert quiet.content != loud.content


def test_prompts_that_differ_only_in_case_and_spacing_give_the_same_picture() -> None:
    assert generate("  Quiet   HARBOUR ").content == generate("quiet harbour").content


def test_leaving_out_the_style_lets_the_prompt_choose_it() -> None:
    chosen = generate("a bowl of lemons")

    assert chosen.style == choose_style("a bowl of lemons")
    assert chosen.content == generate("a bowl of lemons", style=chosen.style).content


def test_it_offers_at_least_eight_styles() -> None:
    assert len(set(STYLES)) >= 8


@pytest.mark.parametrize("style", STYLES)
def test_every_style_renders_a_small_well_formed_svg_with_a_view_box_and_title(style: str) -> None:
    for prompt, mood in itertools.product(PROMPTS, (None, *MOODS)):
        image = generate(prompt, style=style, mood=mood)

        root = parse(image.content)
        assert root.tag == f"{SVG}svg"
        assert root.get("viewBox") == "0 0 1920 1080"
        assert root.get("preserveAspectRatio") == "xMidYMid meet"
        assert root.find(f"{SVG}title").text == image.title
        assert (image.style, image.extension, image.content_type) == (style, "svg", "image/svg+xml")
        assert len(image.content) < 60_000


@pytest.mark.parametrize("style", STYLES)
def test_even_the_busiest_picture_stays_small(style: str) -> None:
    image = generate("neon city racing at night", style=style, bpm=300, energy=1)

    assert len(image.content) < 60_000


@pytest.mark.parametrize("style", STYLES)
def test_the_output_has_no_scripts_or_external_references(style: str) -> None:
    content = generate("<script>alert(1)</script> http://example.com", style=style).content

    assert b"<script" not in content.lower()
    assert b'href="http' not in content
    assert b"href" not in content
    assert b"@import" not in content
    # Every url(...) points inside the document (gradients, filters, masks).
    assert all(ref.startswith(b"url(#") for ref in re.findall(rb"url\([^)]*\)", content))


def test_the_prompt_is_escaped_so_the_svg_stays_well_formed() -> None:
    image = generate('tom & jerry <b>"chase"</b> \x00\x07 ]]>')

    parse(image.content)
    assert b"<b>" not in image.content


def test_styles_are_visually_distinct_from_each_other() -> None:
    signatures = {}
    for style in STYLES:
        root = parse(generate("quiet harbour at dawn", style=style, bpm=120, energy=0.5).content)
        signatures[style] = tuple(sorted(Counter(e.tag for e in root.iter()).items()))

    assert len(set(signatures.values())) == len(STYLES), signatures


@pytest.mark.parametrize("style", STYLES)
def test_the_mood_changes_the_palette(style: str) -> None:
    calm = generate(style=style, mood="calm", bpm=100, energy=0.5)
    energetic = generate(style=style, mood="energetic", bpm=100, energy=0.5)

    assert colours(calm.content) != colours(energetic.content)


def test_an_unknown_mood_still_gets_its_own_steady_palette() -> None:
    nostalgic = generate(style="bauhaus", mood="wanderlust")

    assert nostalgic.content == generate(style="bauhaus", mood="Wanderlust").content
    assert colours(nostalgic.content) != colours(generate(style="bauhaus", mood="hunger").content)


@pytest.mark.parametrize("style", STYLES)
def test_a_faster_tempo_draws_more_shapes(style: str) -> None:
    for prompt in PROMPTS:
        slow = generate(prompt, style=style, bpm=50, energy=0.5)
        fast = generate(prompt, style=style, bpm=200, energy=0.5)

        assert shape_count(fast.content) > shape_count(slow.content), prompt


@pytest.mark.parametrize("style", STYLES)
def test_more_energy_draws_more_shapes(style: str) -> None:
    for prompt in PROMPTS:
        still = generate(prompt, style=style, bpm=110, energy=0.05)
        lively = generate(prompt, style=style, bpm=110, energy=0.95)

        assert shape_count(lively.content) > shape_count(still.content), prompt


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prompt": ""}, "prompt"),
        ({"prompt": "   \n\t "}, "prompt"),
        ({"prompt": "x" * 501}, "prompt"),
        ({"prompt": 42}, "prompt"),
        ({"style": "cubism"}, "style"),
        ({"style": 3}, "style"),
        ({"mood": "x" * 41}, "mood"),
        ({"mood": ["calm"]}, "mood"),
        ({"bpm": 19.99}, "bpm"),
        ({"bpm": 300.01}, "bpm"),
        ({"bpm": math.nan}, "bpm"),
        ({"bpm": math.inf}, "bpm"),
        ({"bpm": "fast"}, "bpm"),
        ({"bpm": True}, "bpm"),
        ({"energy": -0.01}, "energy"),
        ({"energy": 1.01}, "energy"),
        ({"energy": math.nan}, "energy"),
        ({"energy": "high"}, "energy"),
    ],
)
def test_invalid_input_is_rejected_with_a_message_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    request = {"prompt": "quiet harbour", **fields}

    with pytest.raises(ValueError, match=rf"^{field} "):
        ProceduralGenerator().generate(GenerationRequest(**request))


@pytest.mark.parametrize(
    "fields",
    [
        {"prompt": "x" * 500},
        {"prompt": " " * 600 + "x"},
        {"bpm": 20, "energy": 0},
        {"bpm": 300, "energy": 1},
        {"style": " Waves ", "mood": ""},
    ],
)
def test_values_at_the_limits_are_accepted(fields: dict[str, object]) -> None:
    request = {"prompt": "quiet harbour", **fields}

    image = ProceduralGenerator().generate(GenerationRequest(**request))

    assert image.content_type == "image/svg+xml"
    assert shape_count(image.content) > 0  # a picture, not an empty canvas
    assert image.style in STYLES
    assert image.title


def test_the_title_is_short_and_made_from_the_prompt_and_style() -> None:
    image = generate("a quiet harbour", style="waves")

    assert image.title == "Quiet Harbour, in Waves"


def test_a_prompt_without_usable_words_still_gets_a_pleasant_title() -> None:
    title = generate("1234 !!!", style="rings").title

    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+, in Rings", title), title


def test_choose_style_is_deterministic_from_the_prompt() -> None:
    assert choose_style("a bowl of lemons") == choose_style("  A bowl of  LEMONS")
    assert choose_style("a bowl of lemons") in STYLES


def test_choose_style_spreads_prompts_over_every_style() -> None:
    picked = Counter(choose_style(f"prompt number {i}") for i in range(900))

    assert set(picked) == set(STYLES)
    assert min(picked.values()) > 50


@pytest.mark.parametrize("style", STYLES)
def test_choose_style_always_picks_the_only_weighted_style(style: str) -> None:
    weights = dict.fromkeys(STYLES, 0.0) | {style: 1.0}

    assert {choose_style(f"prompt {i}", weights=weights) for i in range(200)} == {style}


def test_choose_style_favours_the_heavier_style() -> None:
    picked = Counter(
        choose_style(f"prompt {i}", weights={"waves": 9, "rings": 1, "retired": 100})
        for i in range(500)
    )

    assert set(picked) == {"waves", "rings"}
    assert picked["waves"] > 3 * picked["rings"]


def test_choose_style_with_no_positive_weight_picks_from_every_style() -> None:
    picked = {choose_style(f"prompt {i}", weights={"waves": 0}) for i in range(300)}

    assert picked == set(STYLES)


@pytest.mark.parametrize("weight", [-1, math.nan, math.inf, "9"])
def test_choose_style_rejects_weights_that_are_not_non_negative_numbers(weight: object) -> None:
    with pytest.raises(ValueError, match="^weights "):
        choose_style("lemons", weights={"waves": weight})  # type: ignore[dict-item]


def test_normalise_prompt_collapses_whitespace_and_case() -> None:
    assert normalise_prompt("  Quiet\u00a0\tHarbour \n AT   Dawn ") == "quiet harbour at dawn"
    assert normalise_prompt("STRASSE ﬁeld") == normalise_prompt("straße field")


@given(st.text(max_size=80))
def test_normalise_prompt_is_idempotent(prompt: str) -> None:
    once = normalise_prompt(prompt)

    assert normalise_prompt(once) == once


@settings(max_examples=60, deadline=None)
@given(
    prompt=st.text(min_size=1, max_size=120).filter(lambda p: p.strip()),
    style=st.sampled_from((None, *STYLES)),
    mood=st.one_of(st.none(), st.sampled_from(MOODS), st.text(max_size=40)),
    bpm=st.one_of(st.none(), st.floats(20, 300)),
    energy=st.one_of(st.none(), st.floats(0, 1)),
)
def test_any_valid_request_renders_well_formed_svg(
    prompt: str, style: str | None, mood: str | None, bpm: float | None, energy: float | None
) -> None:
    request = GenerationRequest(prompt, style=style, mood=mood, bpm=bpm, energy=energy)
    if not normalise_prompt(prompt) or len(normalise_prompt(mood or "")) > 40:
        return  # invalid by construction; covered by the rejection tests

    image = ProceduralGenerator().generate(request)

    root = parse(image.content)
    assert root.find(f"{SVG}title").text == image.title
    assert image.content == ProceduralGenerator().generate(request).content


def ground_lightness(content: bytes) -> float:
    """The first colour painted, the picture's ground, from 0 (black) to 1 (white)."""
    first = re.search(rb"#([0-9a-f]{6})", content)[1].decode()
    return sum(int(first[i : i + 2], 16) for i in (0, 2, 4)) / 3 / 255


@pytest.mark.parametrize("style", ["bauhaus", "blobs", "mountains", "rings", "stripes", "waves"])
def test_a_dark_sound_paints_a_dark_ground_and_a_bright_one_a_light_ground(style: str) -> None:
    bassy = generate(style=style, bpm=100, energy=0.5, brightness=0.1, fingerprint="t100-c1")
    airy = generate(style=style, bpm=100, energy=0.5, brightness=0.9, fingerprint="t100-c1")

    assert ground_lightness(bassy.content) < 0.3 < 0.6 < ground_lightness(airy.content)


@pytest.mark.parametrize("style", STYLES)
def test_the_same_prompt_on_another_song_is_another_picture(style: str) -> None:
    song = {"style": style, "bpm": 120, "energy": 0.6, "brightness": 0.5}

    one = generate(fingerprint="t120-c8f3a00b21c04-s7a52", **song)
    other = generate(fingerprint="t120-c0a1f0083b0c2-s2a95", **song)

    assert one.content != other.content
    assert one.content == generate(fingerprint="T120-C8F3A00B21C04-S7A52 ", **song).content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"brightness": -0.1}, "brightness must be between 0 and 1"),
        ({"brightness": "light"}, "brightness must be a number"),
        ({"fingerprint": "has spaces in it"}, "fingerprint must be 1 to 64"),
        ({"fingerprint": "x" * 65}, "fingerprint must be 1 to 64"),
        ({"fingerprint": 120}, "fingerprint must be text"),
    ],
)
def test_bad_music_features_are_refused_naming_the_field(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(**fields)


@pytest.mark.parametrize("look", list(LOOKS))
def test_a_look_sets_the_palette_and_leans_to_its_compositions(look: str) -> None:
    plain = generate("a garden at noon", style="blobs", bpm=100, energy=0.5)
    in_the_look = generate("a garden at noon", style="blobs", bpm=100, energy=0.5, look=look)
    unnamed = generate("a garden at noon", look=look)

    assert colours(in_the_look.content) != colours(plain.content)
    assert unnamed.style in LOOKS[look].styles


def test_an_unknown_look_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="look must be one of"):
        generate(look="warhol")
