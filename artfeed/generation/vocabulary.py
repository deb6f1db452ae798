"""Generation's shared vocabulary: the styles a request may name, the moods understood,
how a style is chosen when none is named and how a picture is titled.

Every backend speaks it: the procedural generator draws each style and colours each mood
(``artfeed/generation/procedural/``), an image model is told them in words
(``artfeed/generation/openai.py``), the generate form lists them. Choices come from a
sha256 of the normalised inputs (``seed``), so the same request always gets the same
style and the same title.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Mapping

from artfeed.generation.base import GenerationRequest, normalise_prompt

STYLES: tuple[str, ...] = (
    "aurora",
    "bauhaus",
    "blobs",
    "constellation",
    "mosaic",
    "mountains",
    "rings",
    "stripes",
    "waves",
)

# The moods a request is understood to name, each with the adjectives its titles take.
MOOD_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "calm": ("Quiet", "Still", "Gentle", "Slow", "Soft"),
    "happy": ("Bright", "Golden", "Sunny", "Merry", "Glad"),
    "melancholy": ("Faded", "Distant", "Lonely", "Pale", "Wistful"),
    "energetic": ("Electric", "Racing", "Bold", "Burning", "Restless"),
    "dark": ("Midnight", "Shadow", "Ember", "Hollow", "Nocturnal"),
    "dreamy": ("Floating", "Drifting", "Hazy", "Velvet", "Moonlit"),
    "romantic": ("Tender", "Rose", "Warm", "Blushing", "Sweet"),
    "mysterious": ("Hidden", "Veiled", "Secret", "Silent", "Hushed"),
    "nostalgic": ("Old", "Sepia", "Remembered", "Amber", "Dusty"),
}
MOODS: tuple[str, ...] = tuple(MOOD_ADJECTIVES)

MOOD_SYNONYMS = {
    **dict.fromkeys(("peaceful", "serene", "relaxed", "chill", "tranquil", "relaxing"), "calm"),
    **dict.fromkeys(("joyful", "cheerful", "upbeat", "sunny", "playful", "joy", "fun"), "happy"),
    **dict.fromkeys(("sad", "lonely", "wistful", "sorrow", "grief", "rainy"), "melancholy"),
    **dict.fromkeys(("excited", "intense", "angry", "hype", "wild", "fierce", "epic"), "energetic"),
    **dict.fromkeys(("gloomy", "ominous", "sinister", "gothic", "night", "horror"), "dark"),
    **dict.fromkeys(("ethereal", "surreal", "hazy", "dream", "dreams", "magical"), "dreamy"),
    **dict.fromkeys(("love", "tender", "passionate", "romance"), "romantic"),
    **dict.fromkeys(("eerie", "mystic", "mystical", "enigmatic", "mystery"), "mysterious"),
    **dict.fromkeys(("retro", "vintage", "nostalgia", "memories", "memory"), "nostalgic"),
}

# Part of every seed. The name is historical: changing it changes every chosen style,
# every title and every procedural picture, and so the idempotency of past requests.
_ALGORITHM = "artfeed-procedural-1"

# A word of a prompt: letters, with inner apostrophes ("harbour's").
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

_STYLE_PHRASES = {
    "aurora": "in Northern Light",
    "bauhaus": "after Bauhaus",
    "blobs": "in Soft Shapes",
    "constellation": "among Stars",
    "mosaic": "in Glass",
    "mountains": "over the Ridges",
    "rings": "in Rings",
    "stripes": "in Op Art",
    "waves": "in Waves",
}
assert set(_STYLE_PHRASES) == set(STYLES)
_ADJECTIVES = ("Tidal", "Silver", "Wandering", "Open", "Paper", "Crystal", "Hollow", "Lucid")
_NOUNS = ("Bloom", "Harbour", "Garden", "Tide", "Meadow", "Signal", "Orbit", "Horizon", "Echo")
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the of in on at to with and or for from by into over under my your our their is "
        "are was were be some very this that these those it its as like about just me we you "
        "make draw paint painting picture image art artwork please show give create something "
        "kind style",
    )
)


def seed(*parts: object) -> bytes:
    """The sha256 every deterministic choice is drawn from, of ``parts`` as given."""
    # JSON keeps the parts unambiguous ("a|b" + "c" never collides with "a" + "b|c").
    encoded = json.dumps([_ALGORITHM, *parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).digest()


def _unit(digest: bytes) -> float:
    return int.from_bytes(digest[:8], "big") / 2**64


def mood_named(mood: str | None, prompt: str) -> str | None:
    """The mood a request names: its own (a synonym counts), else the first mood word of
    its prompt, else None (free text such as "weird" names no mood)."""
    for word in [mood] if mood else WORD.findall(prompt):
        name = word if word in MOOD_ADJECTIVES else MOOD_SYNONYMS.get(word)
        if name:
            return name
    return None


def choose_style(prompt: str, *, weights: Mapping[str, float] | None = None) -> str:
    """Pick a style deterministically from the prompt, optionally biased by ``weights``.

    ``weights`` maps style -> non-negative weight (e.g. how much the user likes it). Styles
    missing from it weigh 0 and unknown names are ignored, since weights come from stored
    data and a style may have been retired since. If no style has a positive weight, every
    style is equally likely.
    """
    if weights is None:
        shares = [1.0] * len(STYLES)
    else:
        shares = []
        for style in STYLES:
            weight = weights.get(style, 0.0)
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise ValueError(f"weights must be numbers (got {weight!r} for {style})")
            if not math.isfinite(weight) or weight < 0:
                raise ValueError(f"weights must be finite and >= 0 (got {weight!r} for {style})")
            shares.append(float(weight))
        if sum(shares) <= 0:
            shares = [1.0] * len(STYLES)
    target = _unit(seed("style", normalise_prompt(prompt))) * sum(shares)
    chosen = STYLES[0]
    for style, share in zip(STYLES, shares, strict=True):
        if share <= 0:
            continue
        chosen = style
        target -= share
        if target < 0:
            break
    return chosen


def title_for(request: GenerationRequest, style: str, *, digest: bytes | None = None) -> str:
    """A short evocative title: two prompt words (or a mood's adjective and a word), then
    the style, e.g. "Quiet Harbour, in Waves". Drawn from ``digest`` when a backend has
    one for the picture, else from the prompt and the style."""
    if digest is None:
        digest = seed("title", request.prompt, style)
    rng = random.Random(int.from_bytes(digest, "big") ^ 0x7171)
    words = [
        w
        for w in WORD.findall(request.prompt)
        if len(w) >= 3 and len(w) <= 16 and w not in _STOPWORDS
    ][:12]
    mood = mood_named(request.mood, request.prompt)
    adjectives = MOOD_ADJECTIVES[mood] if mood else _ADJECTIVES
    if len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        pair = [words[i], words[i + 1]]
    elif words:
        pair = [rng.choice(adjectives), words[0]]
    else:
        pair = [rng.choice(adjectives), rng.choice(_NOUNS)]
    return f"{' '.join(w[:1].upper() + w[1:] for w in pair)}, {_STYLE_PHRASES[style]}"
